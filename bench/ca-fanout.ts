/**
 * Server fan-out: how many monitor updates a CA server delivers to 1 and to 10 clients, and the
 * server CPU each update costs. Ours (bench/ioc-server.ts) against EPICS base's RSRV (pythonSoftIOC,
 * bench/py/ioc_softioc_scan_server.py), each serving BENCH_FANOUT_PVS (default 2,000) double PVs
 * `ioc:<i>` that change at 10 Hz: ours posts them from a JavaScript timer; RSRV's are calc records
 * its own scan threads process at ".1 second" (10 Hz is the fastest standard scan), so every RSRV
 * update is made and sent in C. The readers are C libca clients (bench/c/ca_bench.c,
 * `monitor-go`), the cheapest client there is, so the shared cores go to the server. Each reader
 * subscribes to every PV; once all are subscribed, one common window of BENCH_SECONDS (default 5)
 * starts.
 *
 * Figures, per server and reader count (`_1_client`, `_10_clients`):
 *   updates_per_s_…             updates/s received, summed over the readers
 *   expected_per_s_…            PVs × 10 Hz × readers: what a server keeping up delivers
 *   server_cpu_pct_…            the server process's CPU over the window, % of one core
 *   server_cpu_us_per_update_…  that CPU per delivered update, µs
 *
 * Ratios > 1 mean ours is better: updates/s ours/theirs; µs per update theirs/ours.
 * Progress goes to stderr; the last line of stdout is the JSON result.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { caEnv, freePort, python } from '../packages/epics-ca/test/interop/peers.ts';
import { buildCaBench } from './c/build.ts';
import { type Json, type JsonChild, jsonChild, killChildren } from './json-child.ts';

const PVS = Number(process.env.BENCH_FANOUT_PVS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HZ = 10;
const READERS = [1, 10];
const here = import.meta.dirname;
const log = (message: string) => process.stderr.write(`[bench ca-fanout] ${message}\n`);
const round = (x: number) => Number(x.toPrecision(4));

type Server = 'ours' | 'softioc';

async function startServer(kind: Server): Promise<{ ioc: JsonChild; port: number }> {
  if (kind === 'ours') {
    const ioc = jsonChild(process.execPath, [join(here, 'ioc-server.ts'), String(PVS), String(HZ)], {
      graceMs: 2000,
    });
    const { port } = await ioc.next<{ port: number }>(60_000, 'our IOC start');
    return { ioc, port };
  }
  const port = await freePort();
  const ioc = jsonChild(python, [join(here, 'py', 'ioc_softioc_scan_server.py'), String(PVS)], {
    env: caEnv(port, { PYTHONPATH: join(here, 'py') }),
    graceMs: 2000,
  });
  await ioc.next(90_000, 'softioc start');
  return { ioc, port };
}

/** One window: `n` C readers of `kind`'s server. */
async function measure(kind: Server, n: number, reader: string): Promise<Json> {
  const { ioc, port } = await startServer(kind);
  const readers = Array.from({ length: n }, () =>
    jsonChild(reader, ['monitor-go', String(port), String(PVS), String(SECONDS), 'ioc:'], {
      env: caEnv(port),
    }),
  );
  try {
    await Promise.all(readers.map((r) => r.next(120_000, 'reader subscribed')));
    ioc.send('mark');
    for (const r of readers) r.send('go');
    const outs = await Promise.all(
      readers.map((r) => r.next<Record<string, number>>(SECONDS * 1000 + 60_000, 'reader window')),
    );
    ioc.send('stats');
    const s = await ioc.next<Record<string, number>>(10_000, 'server stats');
    const updatesPerS = outs.reduce((sum, o) => sum + o.updates / o.wall_s, 0);
    const cpuS = s.cpu_s;
    const figures = {
      updates_per_s: round(updatesPerS),
      expected_per_s: PVS * HZ * n,
      server_cpu_pct: round((100 * cpuS) / s.wall_s),
      server_cpu_us_per_update: round((1e6 * cpuS) / (updatesPerS * s.wall_s)),
    };
    log(`${kind}, ${n} reader${n > 1 ? 's' : ''}: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await Promise.all([...readers.map((r) => r.stop()), ioc.stop()]);
  }
}

async function series(kind: Server, reader: string): Promise<Json> {
  const out: Json = {};
  for (const n of READERS) {
    const suffix = n === 1 ? '1_client' : `${n}_clients`;
    for (const [name, value] of Object.entries(await measure(kind, n, reader)))
      out[`${name}_${suffix}`] = value;
  }
  return out;
}

const reader = buildCaBench();
const figures = await series('ours', reader);
let softioc: Json;
if (!existsSync(python)) softioc = { error: `Python peers missing at ${python}: run scripts/peers.sh first` };
else softioc = await series('softioc', reader).catch((err: Error) => ({ error: err.message.split('\n')[0] }));

const ratios: Record<string, number> = {};
for (const [name, ours] of Object.entries(figures)) {
  const theirs = softioc[name];
  if (typeof ours !== 'number' || typeof theirs !== 'number' || !ours || !theirs) continue;
  if (name.startsWith('updates_per_s')) ratios[`${name}_vs_softioc`] = round(ours / theirs);
  if (name.startsWith('server_cpu_us_per_update')) ratios[`${name}_vs_softioc`] = round(theirs / ours);
}
killChildren();
process.stdout.write(
  `${JSON.stringify({
    bench: 'ca-fanout',
    machine: { cpus: availableParallelism(), node: process.version },
    pvs: PVS,
    hz: HZ,
    figures,
    peers: { softioc },
    ratios,
  })}\n`,
);
process.exit(0);
