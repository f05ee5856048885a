/**
 * Preloaded (`--import`) into each service process of bench/service-memory.ts: records every module
 * the process loads (URL and source bytes, through Node's synchronous module hooks) and, when the
 * bench sends `'memory'` over the IPC channel, answers with the process's memory figures and the
 * loaded source grouped by package. Kept free of imports beyond node: builtins so it adds little.
 */
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getHeapCodeStatistics, getHeapSpaceStatistics } from 'node:v8';

interface Loaded {
  url: string;
  bytes: number;
}

const loaded: Loaded[] = [];
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    const source = result.source;
    const bytes =
      source == null ? 0 : typeof source === 'string' ? Buffer.byteLength(source) : source.byteLength;
    loaded.push({ url, bytes });
    return result;
  },
});

/** The package a module belongs to: `node:` builtins, an npm package, or a workspace folder. */
export function packageOf(url: string): string {
  if (url.startsWith('node:') || !url.startsWith('file:')) return 'node: builtins';
  const path = fileURLToPath(url);
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = path.slice(inModules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const relative = path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
  const parts = relative.split('/');
  // Workspaces sit one level down (ioc/, cli/) or two (packages/x, services/x).
  return ['packages', 'services'].includes(parts[0]) ? `${parts[0]}/${parts[1]}` : parts[0];
}

function breakdown(): { package: string; modules: number; kb: number }[] {
  const byPackage = new Map<string, { modules: number; bytes: number }>();
  for (const { url, bytes } of loaded) {
    const name = packageOf(url);
    const entry = byPackage.get(name) ?? { modules: 0, bytes: 0 };
    entry.modules++;
    entry.bytes += bytes;
    byPackage.set(name, entry);
  }
  return [...byPackage]
    .map(([name, { modules, bytes }]) => ({ package: name, modules, kb: Math.round(bytes / 1024) }))
    .sort((a, b) => b.kb - a.kb);
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** RSS split into anonymous memory (heaps, malloc) and pages of mapped files (the node binary), on Linux. */
function rssKinds(): Record<string, number> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss_anon_mb: mb(kb('RssAnon') * 1024), rss_file_mb: mb(kb('RssFile') * 1024) };
  } catch {
    return {};
  }
}

process.on('message', (message) => {
  if (message !== 'memory') return;
  const usage = process.memoryUsage();
  const code = getHeapCodeStatistics();
  // Undocumented but stable: the internal modules Node has loaded (not in @types/node).
  const { moduleLoadList } = process as unknown as { moduleLoadList: string[] };
  const internal = moduleLoadList.filter((name) => name.startsWith('NativeModule '));
  process.send?.({
    rss_mb: mb(usage.rss),
    ...rssKinds(),
    heap_used_mb: mb(usage.heapUsed),
    heap_total_mb: mb(usage.heapTotal),
    external_mb: mb(usage.external),
    array_buffers_mb: mb(usage.arrayBuffers),
    // Compiled code and bytecode: grows with the source a process loads, whether it runs or not.
    code_mb: mb(code.code_and_metadata_size + code.bytecode_and_metadata_size),
    // amaro (Node's TypeScript stripper, a wasm module) is resident in every process that loads .ts.
    type_stripping_loaded: internal.some((name) => name.includes('amaro')),
    heap_spaces_mb: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, mb(space.space_size)]),
    ),
    // Node's bundled libraries (undici behind fetch, acorn, amaro…): large sources, loaded on first use.
    node_deps_loaded: internal
      .filter((name) => name.includes('internal/deps/'))
      .map((name) => name.slice('NativeModule internal/deps/'.length)),
    modules: loaded.length,
    typescript_modules: loaded.filter(({ url }) => url.endsWith('.ts')).length,
    source_kb: Math.round(loaded.reduce((sum, { bytes }) => sum + bytes, 0) / 1024),
    packages: breakdown(),
  });
});
// The listener above must not keep the process alive once the service closes.
process.channel?.unref();
