/**
 * Idle memory of each service, started alone the way `ophyd-service up` starts it: a child
 * `node cli/run-entry.ts <entry> <args>` on loopback ports (CA on 127.0.0.1, HTTP on a free port, a
 * temporary data directory), with bench/service-memory-server.ts preloaded to count what it loads.
 * Once the child reports ready (its `main` resolved: sockets bound) and BENCH_IDLE_SECONDS (default
 * 5; the CLI settles a service's heap 3 s after start-up) have passed, it reports RSS, V8 heap used and total, external memory, compiled code, whether
 * Node's TypeScript stripper is resident, and the source it loaded grouped by package (top
 * BENCH_TOP, default 12, by bytes). BENCH_SERVICES (comma-separated) picks services.
 *
 * Peers: none runs here. The issue quotes the Python services' figures (direct control ~135 MB while
 * serving 100 WebSocket clients); the target is every service under 100 MB idle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCacheEnv, useCompileCache } from '@ophyd-service/service-kit/compile-cache';
import { LOOPBACK_CA } from '../cli/loopback.ts';
import { freePort } from '../cli/test/network.ts';

type Json = Record<string, unknown>;

const IDLE_MS = Number(process.env.BENCH_IDLE_SECONDS ?? 5) * 1000;
const TOP = Number(process.env.BENCH_TOP ?? 12);
const TARGET_MB = 100;
/** Extra Node flags for every service (BENCH_NODE_FLAGS, space-separated), to compare V8 settings. */
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
const root = join(import.meta.dirname, '..');
const probe = join(import.meta.dirname, 'service-memory-server.ts');
const log = (message: string) => process.stderr.write(`[service-memory] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Service {
  entry: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

// As the CLI does, so the services share its compile cache (packages/service-kit/src/compile-cache.ts).
useCompileCache();

/** Each service as `ophyd-service up` runs it (cli/components.ts), moved to free loopback ports. */
async function services(dataDir: string): Promise<Record<string, Service>> {
  const registry = join(dataDir, 'registry.json');
  writeFileSync(registry, JSON.stringify({ standalone_pvs: ['mini:current', 'mini:ph:det'] }));
  return {
    ioc: {
      entry: 'ioc/src/main.ts',
      args: ['mini_beamline', 'camera', 'motors'],
      env: { EPICS_CAS_SERVER_PORT: String(await freePort()) },
    },
    configuration: {
      entry: 'services/configuration/src/main.ts',
      args: ['--profile-path', 'integration/seed/happi_db.json', '--load-strategy', 'happi'],
      env: { CONFIG_PORT: String(await freePort()) },
    },
    'direct-control': {
      entry: 'services/direct-control/src/main.ts',
      args: ['--read-write', '--port', String(await freePort())],
      // Alone, so from a registry file rather than the configuration service.
      env: { DIRECT_CONTROL_REGISTRY_BACKEND: 'file', DIRECT_CONTROL_REGISTRY_FILE_PATH: registry },
    },
    queueserver: {
      entry: 'services/queueserver/src/main.ts',
      args: [
        '--http-port',
        String(await freePort()),
        '--zmq-control-addr',
        `tcp://127.0.0.1:${await freePort()}`,
        '--zmq-info-addr',
        `tcp://127.0.0.1:${await freePort()}`,
      ],
      env: { QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: 'benchkey' },
    },
  };
}

/** The next IPC message of `child` satisfying `accept`, or a rejection after `ms` or at its exit. */
function nextMessage(child: ChildProcess, ms: number, what: string, accept: (m: unknown) => boolean) {
  return new Promise<Json>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      if (!accept(message)) return;
      done();
      resolve(message as Json);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${what}: exited with ${code}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer in ${ms} ms`));
    }, ms);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts one service, waits for ready and the idle period, and returns its memory report. */
async function measure(name: string, service: Service, dataDir: string): Promise<Json> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      '--import',
      probe,
      join(root, 'cli/run-entry.ts'),
      join(root, service.entry),
      ...service.args,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ...LOOPBACK_CA,
        ...compileCacheEnv(process.env),
        OPHYD_SERVICE_DATA_DIR: dataDir,
        ...service.env,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    const isReady = (m: unknown) => (m as Json)?.type === 'ready';
    await nextMessage(child, 60_000, `${name} start`, isReady).catch((err: Error) => {
      throw new Error(`${err.message}\n${stderr.trim()}`);
    });
    await sleep(IDLE_MS);
    child.send('memory');
    const report = await nextMessage(
      child,
      10_000,
      `${name} memory`,
      (m) => (m as Json)?.rss_mb !== undefined,
    );
    report.packages = (report.packages as Json[]).slice(0, TOP);
    log(`${name}: RSS ${report.rss_mb} MB, heap ${report.heap_used_mb} MB, ${report.modules} modules`);
    return report;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'service-memory-'));
try {
  const all = await services(dataDir);
  const picked = process.env.BENCH_SERVICES?.split(',') ?? Object.keys(all);
  const figures: Json = {};
  for (const name of picked) {
    if (!all[name]) throw new Error(`no service named ${name} (${Object.keys(all).join(', ')})`);
    let report = await measure(name, all[name], dataDir);
    // A first start fills the compile cache (and loads the type stripper): measure the next one,
    // which is what every later start looks like, and keep the first start's RSS beside it.
    if (report.type_stripping_loaded) {
      const first = report.rss_mb;
      report = { ...(await measure(name, all[name], dataDir)), first_start_rss_mb: first };
    }
    figures[name] = report;
  }
  console.log(
    JSON.stringify(
      {
        bench: 'service-memory',
        idle_seconds: IDLE_MS / 1000,
        figures,
        target: { idle_rss_mb: TARGET_MB },
        peers: {
          'python-reference': {
            error:
              'the Python services are not installed here; the issue quotes direct control at ~135 MB serving 100 clients',
          },
        },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
