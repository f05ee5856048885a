/**
 * Builds the C libca benchmark client (bench/c/ca_bench.c) with the machine's gcc against the libca
 * and headers of the epicscorelibs wheel in the peers' venv (scripts/peers.sh installs it). The
 * binary is cached under ~/.cache/ophyd-service/bench, keyed by the source's hash, so a run after
 * the first only checks the hash.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { venv } from '../../packages/epics-ca/test/interop/peers.ts';

const SOURCE = join(import.meta.dirname, 'ca_bench.c');
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ophyd-service', 'bench');

/** Where epicscorelibs keeps libca and cadef.h in the venv, or an error naming the script to run. */
function epicsCoreLibs(): string {
  const lib = join(venv, 'lib');
  const python = existsSync(lib) ? readdirSync(lib).find((name) => name.startsWith('python')) : undefined;
  const root = python && join(lib, python, 'site-packages', 'epicscorelibs');
  if (!root || !existsSync(join(root, 'include', 'cadef.h')))
    throw new Error(`libca headers missing (epicscorelibs in ${venv}): run scripts/peers.sh first`);
  return root;
}

/** Path of the built C client; builds it when the source changed since the cached build. */
export function buildCaBench(): string {
  const root = epicsCoreLibs();
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(root).digest('hex').slice(0, 12);
  const binary = join(CACHE, `ca_bench-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const lib = join(root, 'lib');
  execFileSync('gcc', [
    '-O2',
    '-Wall',
    '-o',
    binary,
    SOURCE,
    `-I${join(root, 'include')}`,
    `-L${lib}`,
    '-lca',
    '-lCom',
    `-Wl,-rpath,${lib}`,
  ]);
  return binary;
}
