/**
 * Configuration service throughput: how many registry reads and device writes per second one
 * service process answers, on SQLite and on PostgreSQL.
 *
 * For each backend a child process (bench/configuration-server.ts) runs the service through its test
 * harness (mock registry, silent logger, 127.0.0.1) and creates 1,000 extra devices at start-up
 * through `POST /api/v1/devices` (three motors in four, else a scaler: 1,003 devices, ~4,500 PVs),
 * so lookups do not hit a three-entry map. The load generator is autocannon (programmatic API) in
 * this process, never in the service's event loop. Per route: a 1 s warm-up, then BENCH_SECONDS
 * (default 10) measured seconds (autocannon stops at its next 1 s sample tick, so up to one more;
 * rates divide by the window actually timed):
 *
 * - `get_device`: `GET /api/v1/devices/{name}`, 50 connections, rotating over 512 of the device names;
 * - `pv_lookup`: `GET /api/v1/pvs/lookup?pv_name=…`, 50 connections, rotating over 512 indexed PVs;
 * - `resolve`: `POST /api/v1/devices/resolve` with a batch of 10 dotted addresses (all resolvable,
 *   checked at start-up), 50 connections, rotating over 256 batches;
 * - `create_delete`: `POST /api/v1/devices` of a unique motor then `DELETE` of it, 10 connections (the
 *   service serializes mutations behind one mutex, so more connections only lengthen the queue);
 *   `create_delete_<backend>_ops_per_s` counts create+delete pairs, its `_req_per_s` and `_p99_ms`
 *   count single requests.
 *
 * Figures (per backend, `sqlite` or `postgresql`): `<route>_<backend>_req_per_s`,
 * `<route>_<backend>_p99_ms`, `<route>_<backend>_cpu_pct` (the service process's own CPU over the
 * measured window, from process.cpuUsage in the child; 100 = one core), `<route>_<backend>_cpu_us_per_request`
 * (that CPU over the requests answered), `<route>_<backend>_rss_mb` (the service's RSS under that
 * load), `<route>_<backend>_loadgen_cpu_pct` (this process: on a 2-core machine the load generator
 * can be the side that saturates, which this tells), `<backend>_idle_rss_mb` (once seeded, after the
 * heap settling the CLI does) and `<backend>_rss_mb` of the service after the runs. The PostgreSQL server's own CPU is
 * not counted. Reads never touch the database (they are served from the in-memory registry), so
 * the two backends differ only in `create_delete`. The target quoted in the issue is ≥ 10,000 req/s
 * per read route on one core; the figures are reported as measured, whatever they are.
 *
 * Peers: none can run. The reference is the Python FastAPI service of NSLS2/ophyd-service, which is
 * not installed here, so `peers` holds one entry with its error and `ratios` stays empty.
 *
 * PostgreSQL: TEST_DATABASE_URL_OVERRIDE, else postgresql://ophyd:ophyd@127.0.0.1:5432/ophyd_test
 * (started by scripts/provision.sh). Like the test harness, the bench DROPS the service's tables there
 * first, so it must not run while `npm run test:interop` uses the same database. When PostgreSQL is
 * unreachable the SQLite figures are still printed and the bench exits 1 naming scripts/provision.sh.
 *
 * Everything is on 127.0.0.1; a watchdog ends the bench (and its children) if it overruns.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { compileCacheEnv, useCompileCache } from '@ophyd-service/service-kit/compile-cache';
import pg from 'pg';
import { type Json, jsonChild, killChildren } from './json-child.ts';

const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 10));
const WARMUP_S = 1;
const READ_CONNECTIONS = 50;
const WRITE_CONNECTIONS = 10;
const RESOLVE_BATCH = 10;
const ROTATION = 512;
const DEFAULT_PG = 'postgresql://ophyd:ophyd@127.0.0.1:5432/ophyd_test';
/** Two backends × four routes × (warm-up + window), start-ups and slack. */
const WATCHDOG_MS = (2 * 4 * (SECONDS + WARMUP_S + 2) + 90) * 1000;
const PEERS = {
  'python-reference': {
    error: 'the Python service is not installed here (FastAPI app of NSLS2/ophyd-service)',
  },
};

const here = import.meta.dirname;
const log = (message: string) => process.stderr.write(`[configuration] ${message}\n`);
const round = (x: number) => Math.round(x * 100) / 100;

// autocannon ships no types; this is the part of its programmatic API the bench uses.
interface CannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: CannonRequest, context: Record<string, unknown>) => CannonRequest;
}
interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number; max: number };
  requests: { total: number; average: number };
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  headers?: Record<string, string>;
  requests: CannonRequest[];
}) => Promise<CannonResult> & { on(event: 'start', listener: () => void): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

setTimeout(() => {
  log(`watchdog: still running after ${WATCHDOG_MS / 1000} s, giving up`);
  killChildren();
  process.exit(1);
}, WATCHDOG_MS).unref();

type Backend = 'sqlite' | 'postgresql';

interface Ready {
  url: string;
  seed_s: number;
  devices: string[];
  pvs: string[];
  addresses: string[];
  unresolved: number;
  idle_rss_mb: number;
}

/** The service child: its stdout JSON lines awaited one at a time, commands on its stdin. */
const startServer = (backend: Backend, env: NodeJS.ProcessEnv) =>
  jsonChild(process.execPath, [join(here, 'configuration-server.ts'), backend], {
    env: { ...env, ...compileCacheEnv(env) },
    graceMs: 10_000,
  });
// The child shares the CLI's compile cache, as under `ophyd-service up` (packages/service-kit/src/compile-cache.ts).
useCompileCache();

/** A deterministic shuffle-free sample: `count` items spread evenly over `items`. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
}

/** Park–Miller: the same batches every run. */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s;
  };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function readRoutes(ready: Ready): { route: string; requests: CannonRequest[] }[] {
  const random = lcg(42);
  const batches = Array.from({ length: 256 }, () => ({
    addresses: Array.from(
      { length: RESOLVE_BATCH },
      () => ready.addresses[random() % ready.addresses.length],
    ),
  }));
  return [
    {
      route: 'get_device',
      requests: spread(ready.devices, ROTATION).map((name) => ({
        method: 'GET',
        path: `/api/v1/devices/${encodeURIComponent(name)}`,
      })),
    },
    {
      route: 'pv_lookup',
      requests: spread(ready.pvs, ROTATION).map((pv) => ({
        method: 'GET',
        path: `/api/v1/pvs/lookup?pv_name=${encodeURIComponent(pv)}`,
      })),
    },
    {
      route: 'resolve',
      requests: batches.map((batch) => ({
        method: 'POST',
        path: '/api/v1/devices/resolve',
        headers: JSON_HEADERS,
        body: JSON.stringify(batch),
      })),
    },
  ];
}

/** POST a unique motor, then DELETE it: each connection loops over the pair. */
let created = 0;
function createDeleteRequests(backend: Backend): CannonRequest[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/devices',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => {
        const name = `bench_cd_${backend}_${created++}`;
        const prefix = `BENCH:CD:${name}`;
        context.name = name;
        return {
          ...request,
          body: JSON.stringify({
            metadata: {
              name,
              device_label: 'motor',
              ophyd_class: 'EpicsMotor',
              is_movable: true,
              is_readable: true,
              pvs: {
                user_readback: `${prefix}.RBV`,
                user_setpoint: prefix,
                velocity: `${prefix}.VELO`,
                acceleration: `${prefix}.ACCL`,
              },
            },
            instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [prefix], kwargs: { name } },
          }),
        };
      },
    },
    {
      method: 'DELETE',
      setupRequest: (request, context) => ({
        ...request,
        path: `/api/v1/devices/${encodeURIComponent(String(context.name))}`,
      }),
    },
  ];
}

/** Deletes the `bench_cd_*` devices still registered; returns how many. */
async function removeLeftovers(url: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const res = await fetch(`${url}/api/v1/devices?pattern=${encodeURIComponent('bench_cd_*')}`);
  const names = (await res.json()) as string[];
  for (const name of names) {
    const del = await fetch(`${url}/api/v1/devices/${encodeURIComponent(name)}`, { method: 'DELETE' });
    if (del.status !== 200) throw new Error(`removing ${name}: HTTP ${del.status} ${await del.text()}`);
  }
  return names.length;
}

interface Stats {
  cpu_s: number;
  wall_s: number;
  rss_mb: number;
  loop_p99_ms: number;
  devices: number;
}

async function measure(
  server: ReturnType<typeof startServer>,
  url: string,
  connections: number,
  requests: () => CannonRequest[],
) {
  await autocannon({ url, connections, duration: WARMUP_S, requests: requests() });
  // autocannon's own `duration` includes building every connection's request buffers (~0.2 s for
  // 50 × 512) before any request is sent: the window (and both CPU counts) start at its `start` event.
  const run = autocannon({ url, connections, duration: SECONDS, timeout: 10, requests: requests() });
  let started = performance.now();
  let cpu0 = process.cpuUsage();
  server.send('mark');
  run.on('start', () => {
    started = performance.now();
    cpu0 = process.cpuUsage();
    server.send('mark');
  });
  const result = await run;
  const windowS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  server.send('stats');
  const stats = await server.next<Stats>(10_000, 'service stats');
  return { result, stats, windowS, loadgenCpuS: (cpu.user + cpu.system) / 1e6 };
}

async function runBackend(backend: Backend, env: NodeJS.ProcessEnv): Promise<Json> {
  const figures: Json = {};
  const server = startServer(backend, env);
  try {
    const ready = await server.next<Ready>(120_000, `${backend} service start`);
    figures[`${backend}_idle_rss_mb`] = Math.round(ready.idle_rss_mb);
    log(
      `${backend}: serving ${ready.devices.length} devices, ${ready.pvs.length} PVs at ${ready.url}; ` +
        `1,000 creates took ${round(ready.seed_s)} s; ${ready.addresses.length} resolvable addresses` +
        (ready.unresolved ? `, ${ready.unresolved} UNRESOLVED` : ''),
    );
    const runs = [
      ...readRoutes(ready).map(({ route, requests }) => ({
        route,
        connections: READ_CONNECTIONS,
        requests: () => requests,
      })),
      {
        route: 'create_delete',
        connections: WRITE_CONNECTIONS,
        requests: () => createDeleteRequests(backend),
      },
    ];
    for (const { route, connections, requests } of runs) {
      const { result, stats, windowS, loadgenCpuS } = await measure(server, ready.url, connections, requests);
      const prefix = `${route}_${backend}`;
      const reqPerS = result.requests.total / windowS;
      figures[`${prefix}_req_per_s`] = Math.round(reqPerS);
      if (route === 'create_delete') figures[`${prefix}_ops_per_s`] = round(reqPerS / 2);
      figures[`${prefix}_p99_ms`] = round(result.latency.p99);
      figures[`${prefix}_cpu_pct`] = round((100 * stats.cpu_s) / stats.wall_s);
      figures[`${prefix}_cpu_us_per_request`] = round((1e6 * stats.cpu_s) / (reqPerS * stats.wall_s));
      figures[`${prefix}_rss_mb`] = Math.round(stats.rss_mb);
      figures[`${prefix}_loadgen_cpu_pct`] = round((100 * loadgenCpuS) / windowS);
      const codes = Object.entries(result.statusCodeStats)
        .map(([code, { count }]) => `${code}×${count}`)
        .join(' ');
      const trouble = result.non2xx + result.errors + result.timeouts;
      log(
        `${prefix}: ${Math.round(reqPerS)} req/s over ${round(windowS)} s, p50 ${result.latency.p50} ms, ` +
          `p99 ${result.latency.p99} ms, max ${result.latency.max} ms; service ${figures[`${prefix}_cpu_pct`]}% CPU, ` +
          `loop delay p99 ${round(stats.loop_p99_ms)} ms, RSS ${Math.round(stats.rss_mb)} MB; ` +
          `load generator ${figures[`${prefix}_loadgen_cpu_pct`]}% CPU; ${codes}` +
          (trouble
            ? `; ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts — NOT CLEAN`
            : ''),
      );
      if (trouble) figures[`${prefix}_failed_requests`] = trouble;
    }
    // autocannon stops mid-pair: each connection may leave one created device behind (warm-up too).
    const leftovers = await removeLeftovers(ready.url);
    server.send('stats');
    const end = await server.next<Stats>(10_000, 'service stats');
    figures[`${backend}_rss_mb`] = Math.round(end.rss_mb);
    log(
      `${backend}: removed ${leftovers} devices left by interrupted create/delete pairs; ` +
        `registry back to ${end.devices} devices` +
        (end.devices === ready.devices.length ? '' : `, NOT ${ready.devices.length}`),
    );
  } finally {
    await server.stop();
  }
  return figures;
}

/** PostgreSQL answers within 5 s, else the message naming the script that starts it. */
async function checkPostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `PostgreSQL unreachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}): run scripts/provision.sh`;
  } finally {
    await client.end().catch(() => {});
  }
}

const figures: Json = {};
let failed = false;
const baseEnv = { ...process.env };
delete baseEnv.TEST_DATABASE_URL_OVERRIDE;
const pgUrl = process.env.TEST_DATABASE_URL_OVERRIDE || DEFAULT_PG;

for (const backend of ['sqlite', 'postgresql'] as const) {
  try {
    if (backend === 'postgresql') {
      const problem = await checkPostgres(pgUrl);
      if (problem) throw new Error(problem);
    }
    const env = backend === 'postgresql' ? { ...baseEnv, TEST_DATABASE_URL_OVERRIDE: pgUrl } : baseEnv;
    Object.assign(figures, await runBackend(backend, env));
  } catch (err) {
    failed = true;
    log(`${backend} failed: ${(err as Error).message}`);
  }
}

killChildren();
process.stdout.write(
  `${JSON.stringify({
    bench: 'configuration',
    machine: { cpus: availableParallelism(), node: process.version },
    figures,
    peers: PEERS,
    ratios: {},
  })}\n`,
);
process.exit(failed ? 1 : 0);
