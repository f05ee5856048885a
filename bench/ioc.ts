/**
 * How many PVs updating at 100 Hz one IOC process serves to one client before updates lag.
 *
 * For N in a ladder, an IOC child serves N double PVs and posts every one of them each 10 ms with the
 * current time as its EPICS timestamp; a client child (our CaClient, bench/ioc-client.ts) subscribes
 * to all N with DBR_TIME, and after a 1 s warm-up counts updates for WINDOW_S seconds, each with its
 * latency = receive time − the update's EPICS timestamp. A step lags when the client receives under
 * 95 % of N × 100 updates/s or its p99 latency exceeds 100 ms; the ladder stops at the first lag and
 * `max_pvs_at_100hz` is the largest N that did not lag. The IOC's CPU % over the window comes from the
 * IOC itself (process.cpuUsage / time.process_time).
 *
 * Peers, same run, same client, same ladder: a caproto asyncio server (bench/py/ioc_caproto_server.py)
 * and pythonSoftIOC (EPICS base RSRV, records set from an asyncio loop; bench/py/ioc_softioc_server.py).
 * Published anchor: a Python soft IOC tops out near 100 records at 100 Hz.
 *
 * Caveat: the client is one Node process too, on the same 2-core box; at the top of the ladder it can
 * be the side that falls behind. Its CPU % is reported next to the IOC's so that a reader can tell.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { caEnv, freePort, python } from '../packages/epics-ca/test/interop/peers.ts';
import { type Json, jsonChild, killChildren } from './json-child.ts';

const LADDER = [25, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000];
const HZ = 100;
const WINDOW_S = 5;
const RATE_OK = 0.95;
const P99_OK_MS = 100;
const BUDGET_MS: Record<string, number> = { ours: 110_000, caproto: 50_000, softioc: 50_000 };

const here = import.meta.dirname;
const log = (message: string) => process.stderr.write(`[ioc] ${message}\n`);
const start = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  jsonChild(command, args, { env, graceMs: 2000 });

type Ioc = 'ours' | 'caproto' | 'softioc';

async function startIoc(kind: Ioc, count: number) {
  if (kind === 'ours') {
    const ioc = start(process.execPath, [join(here, 'ioc-server.ts'), String(count)]);
    const { port } = (await ioc.next(60_000, 'our IOC start')) as { port: number };
    return { ioc, port };
  }
  const port = await freePort();
  const script = join(here, 'py', kind === 'caproto' ? 'ioc_caproto_server.py' : 'ioc_softioc_server.py');
  const ioc = start(python, [script, String(count)], caEnv(port, { PYTHONPATH: join(here, 'py') }));
  await ioc.next(90_000, `${kind} IOC start`);
  return { ioc, port };
}

interface Step {
  pvs: number;
  updates_per_s: number;
  expected_per_s: number;
  p50_ms: number;
  p99_ms: number;
  cpu_pct: number;
  client_cpu_pct: number;
  ioc_ticks_per_s: number;
  lags: boolean;
}

async function step(kind: Ioc, count: number): Promise<Step> {
  const { ioc, port } = await startIoc(kind, count);
  const client = start(process.execPath, [
    join(here, 'ioc-client.ts'),
    String(port),
    String(count),
    String(WINDOW_S),
  ]);
  try {
    await client.next(90_000, 'client connect');
    ioc.send('mark');
    client.send('go');
    const c = (await client.next(WINDOW_S * 1000 + 60_000, 'client window')) as Record<string, number>;
    ioc.send('stats');
    const s = (await ioc.next(10_000, 'IOC stats')) as Record<string, number>;
    const expected = count * HZ;
    const result: Step = {
      pvs: count,
      updates_per_s: Math.round(c.updates_per_s),
      expected_per_s: expected,
      p50_ms: round(c.p50_ms),
      p99_ms: round(c.p99_ms),
      cpu_pct: round((100 * s.cpu_s) / s.wall_s),
      client_cpu_pct: round((100 * c.cpu_s) / c.wall_s),
      ioc_ticks_per_s: round(s.ticks / s.wall_s),
      lags: !(c.updates_per_s >= RATE_OK * expected) || !(c.p99_ms <= P99_OK_MS),
    };
    const extra = s.dropped !== undefined ? ` dropped=${s.dropped}` : '';
    log(
      `${kind} N=${count}: ${result.updates_per_s}/${expected} updates/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
        `IOC ${result.cpu_pct}% CPU at ${result.ioc_ticks_per_s} ticks/s, client ${result.client_cpu_pct}% CPU${extra}` +
        `${result.lags ? '  → LAGS' : ''}`,
    );
    return result;
  } finally {
    await Promise.all([client.stop(), ioc.stop()]);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

async function ladder(kind: Ioc): Promise<Json> {
  const deadline = Date.now() + BUDGET_MS[kind];
  let good: Step | undefined;
  let lag: Step | undefined;
  for (const count of LADDER) {
    if (Date.now() > deadline) {
      log(`${kind}: time budget spent before a lag; max is a lower bound`);
      break;
    }
    const s = await step(kind, count);
    if (s.lags) {
      lag = s;
      break;
    }
    good = s;
  }
  if (!good && !lag) return { error: 'no step ran' };
  const figures: Json = { max_pvs_at_100hz: good?.pvs ?? 0 };
  if (good) {
    figures.last_good_updates_per_s = good.updates_per_s;
    figures.last_good_p99_ms = good.p99_ms;
    figures.last_good_cpu_pct = good.cpu_pct;
    figures.last_good_client_cpu_pct = good.client_cpu_pct;
  }
  if (lag) {
    figures.first_lag_pvs = lag.pvs;
    figures.first_lag_updates_per_s = lag.updates_per_s;
    figures.first_lag_p99_ms = lag.p99_ms;
    figures.first_lag_cpu_pct = lag.cpu_pct;
    figures.first_lag_client_cpu_pct = lag.client_cpu_pct;
  }
  return figures;
}

async function peer(kind: Ioc): Promise<Json> {
  if (!existsSync(python)) return { error: `Python peers missing at ${python}: run scripts/peers.sh first` };
  try {
    return await ladder(kind);
  } catch (err) {
    log(`${kind} failed: ${(err as Error).message}`);
    return { error: (err as Error).message.split('\n')[0] };
  }
}

let figures: Json;
try {
  figures = await ladder('ours');
} catch (err) {
  log(`ours failed: ${(err as Error).message}`);
  figures = { error: (err as Error).message.split('\n')[0] };
}
const peers: Record<string, Json> = {};
peers.caproto = await peer('caproto');
peers.softioc = await peer('softioc');

const ratios: Record<string, number> = {};
for (const [name, p] of Object.entries(peers)) {
  const theirs = p.max_pvs_at_100hz;
  if (typeof theirs === 'number' && theirs > 0 && typeof figures.max_pvs_at_100hz === 'number')
    ratios[`max_pvs_at_100hz_vs_${name}`] = round(figures.max_pvs_at_100hz / theirs);
}
killChildren();
process.stdout.write(
  `${JSON.stringify({
    bench: 'ioc',
    machine: { cpus: availableParallelism(), node: process.version },
    figures,
    peers,
    ratios,
  })}\n`,
);
process.exit(0);
