/**
 * The queue server: ours against the real bluesky-queueserver, same machine, same run, same client.
 *
 * Both servers run as processes on loopback, each with its simulated profile, and are driven in turns
 * (phase by phase, latencies in blocks), so that both see the same load on a shared machine; the one
 * not being driven idles:
 * - ours: `ophyd-service queueserver` (0MQ CONTROL/INFO and HTTP in one process, a SQLite store in a
 *   temporary directory);
 * - the reference: `start-re-manager` 0.0.25 (`--zmq-publish-console ON`, its built-in
 *   profile_collection_sim) on its own `redis-server` (a free loopback port, `--save "" --appendonly
 *   no`), and `start-bluesky-httpserver` 0.0.14 in front of it (0.0.25 has no unified HTTP mode).
 * bench/py/queueserver_bench.py drives them with bluesky-queueserver-api: `status` round trips over
 * 0MQ and HTTP (BENCH_QS_STATUS each, default 1,000), `queue_item_add` items/s and `queue_get` with
 * BENCH_QS_ITEMS queued (default 1,000) over each, `environment_open` until the worker is ready
 * (BENCH_QS_OPENS times, default 3, the median reported), and a queue of BENCH_QS_QUEUE (default
 * 100) `count([det1], num=10)` from `queue_start` until the manager is idle again.
 * Beside the times, the servers' CPU (all their processes: for the reference the manager, its worker,
 * Redis and the HTTP server) per request, per item added and for the queue run: the machine is
 * shared, and CPU time suffers less from other load than latency does. Those include what the servers
 * burn while idle (their background loops), also reported on its own as `idle_server_cpu_percent`.
 * Ratios are "times better than the reference" (its latency over ours, our rate over its), so > 1
 * is ahead. Targets (issue 14): ahead on every figure, `environment_open` under one second.
 * Needs `scripts/provision.sh` (redis-server) and `scripts/peers.sh` (the Python peers).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { python, venv } from '../packages/epics-ca/test/interop/peers.ts';

const STATUS_N = Number(process.env.BENCH_QS_STATUS ?? 1000);
const ITEMS_N = Number(process.env.BENCH_QS_ITEMS ?? 1000);
const QUEUE_N = Number(process.env.BENCH_QS_QUEUE ?? 100);
const OPENS = Number(process.env.BENCH_QS_OPENS ?? 3);
const API_KEY = 'benchkey';
const repoRoot = join(import.meta.dirname, '..');
const log = (message: string) => process.stderr.write(`[queueserver] ${message}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Latency {
  p50_ms: number;
  p99_ms: number;
  n: number;
  server_cpu_us_per_request: number;
}
interface Adding {
  items_per_s: number;
  server_cpu_ms_per_item: number;
}
/** What bench/py/queueserver_bench.py prints. */
interface DriverReport {
  idle_server_cpu_percent: number;
  status_zmq: Latency;
  status_http: Latency;
  queue_item_add_zmq: Adding;
  queue_get_zmq: Latency;
  queue_item_add_http: Adding;
  queue_get_http: Latency;
  environment_open: { median_s: number; each_s: number[] };
  queue_run: { total_s: number; per_item_ms: number; items: number; server_cpu_s: number };
}

/** A server process in its own process group (its workers die with it), its output kept for errors. */
interface ServerProcess {
  name: string;
  child: ChildProcess;
  output(): string;
}
const running = new Set<ServerProcess>();

function startServer(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-6000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server = { name, child, output: () => output };
  running.add(server);
  child.on('exit', () => running.delete(server));
  return server;
}

const signalGroup = (server: ServerProcess, signal: NodeJS.Signals) => {
  try {
    if (server.child.pid) process.kill(-server.child.pid, signal);
  } catch {} // already gone
};

/** SIGTERM to the server's process group, SIGKILL after five seconds. */
async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  signalGroup(server, 'SIGTERM');
  const killer = setTimeout(() => signalGroup(server, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
  signalGroup(server, 'SIGKILL'); // workers left in the group, if any
}

process.on('exit', () => {
  for (const server of running) signalGroup(server, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));

/** A started server: its processes and addresses, as the driver takes them. */
interface Started {
  processes: ServerProcess[];
  spec: { control: string; info: string; url: string; groups: number[] };
  cleanup?: () => void;
}

function started(processes: ServerProcess[], ports: { http: number; control: number; info: number }) {
  return {
    processes,
    spec: {
      control: `tcp://127.0.0.1:${ports.control}`,
      info: `tcp://127.0.0.1:${ports.info}`,
      url: `http://127.0.0.1:${ports.http}`,
      groups: processes.map((p) => p.child.pid ?? 0),
    },
  };
}

/** `n` distinct loopback TCP ports that are free right now (all held open until all are found). */
async function freePorts(n: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      held.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return held.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function startOurs(p: { http: number; control: number; info: number }): Started {
  const dataDir = mkdtempSync(join(tmpdir(), 'qs-bench-'));
  const server = startServer(
    'ours',
    process.execPath,
    [
      join(repoRoot, 'bin', 'ophyd-service.ts'),
      'queueserver',
      ...['--http-port', String(p.http), '--host', '127.0.0.1'],
      ...[
        '--zmq-control-addr',
        `tcp://127.0.0.1:${p.control}`,
        '--zmq-info-addr',
        `tcp://127.0.0.1:${p.info}`,
      ],
    ],
    { ...process.env, OPHYD_SERVICE_DATA_DIR: dataDir, QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: API_KEY },
  );
  return { ...started([server], p), cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

function startReference(p: { http: number; control: number; info: number }, redisPort: number): Started {
  const bin = (name: string) => join(venv, 'bin', name);
  const redis = startServer(
    'redis-server',
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    process.env,
  );
  const manager = startServer(
    'start-re-manager',
    bin('start-re-manager'),
    [
      ...['--zmq-publish-console', 'ON', '--redis-addr', `127.0.0.1:${redisPort}`],
      ...[
        '--zmq-control-addr',
        `tcp://127.0.0.1:${p.control}`,
        '--zmq-info-addr',
        `tcp://127.0.0.1:${p.info}`,
      ],
    ],
    process.env,
  );
  const httpServer = startServer(
    'start-bluesky-httpserver',
    bin('start-bluesky-httpserver'),
    ['--host', '127.0.0.1', '--port', String(p.http)],
    {
      ...process.env,
      QSERVER_ZMQ_CONTROL_ADDRESS: `tcp://127.0.0.1:${p.control}`,
      QSERVER_ZMQ_INFO_ADDRESS: `tcp://127.0.0.1:${p.info}`,
      QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: API_KEY,
    },
  );
  return started([redis, manager, httpServer], p);
}

/**
 * Runs the Python driver against the started servers (taking turns, phase by phase) and stops them
 * whatever happens; an error carries the last lines each server printed.
 */
async function drive(servers: Record<string, Started>): Promise<Record<string, DriverReport>> {
  const config = {
    servers: Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.spec])),
    api_key: API_KEY,
    ...{ status_n: STATUS_N, items_n: ITEMS_N, queue_n: QUEUE_N, opens: OPENS },
  };
  const script = join(import.meta.dirname, 'py', 'queueserver_bench.py');
  const processes = Object.values(servers).flatMap((s) => s.processes);
  try {
    return await new Promise((resolve, reject) => {
      const child = execFile(
        python,
        [script, JSON.stringify(config)],
        { timeout: 1_800_000, maxBuffer: 1 << 24 },
        (err, stdout) => {
          if (err) return reject(new Error(`driver failed: ${err.message}`));
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
        },
      );
      child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    });
  } catch (error) {
    const tails = processes.map(
      (s) => `--- ${s.name}:\n${s.output().trim().split('\n').slice(-15).join('\n')}`,
    );
    throw new Error(`${(error as Error).message}\n${tails.join('\n')}`);
  } finally {
    for (const server of processes.reverse()) await stopServer(server);
    for (const s of Object.values(servers)) s.cleanup?.();
  }
}

/** The flat figures of one report. */
function figures(r: DriverReport) {
  return {
    idle_server_cpu_percent: r.idle_server_cpu_percent,
    status_zmq_p50_ms: r.status_zmq.p50_ms,
    status_zmq_p99_ms: r.status_zmq.p99_ms,
    status_zmq_server_cpu_us: r.status_zmq.server_cpu_us_per_request,
    status_http_p50_ms: r.status_http.p50_ms,
    status_http_p99_ms: r.status_http.p99_ms,
    status_http_server_cpu_us: r.status_http.server_cpu_us_per_request,
    queue_item_add_zmq_items_per_s: r.queue_item_add_zmq.items_per_s,
    queue_item_add_zmq_server_cpu_ms: r.queue_item_add_zmq.server_cpu_ms_per_item,
    queue_item_add_http_items_per_s: r.queue_item_add_http.items_per_s,
    queue_item_add_http_server_cpu_ms: r.queue_item_add_http.server_cpu_ms_per_item,
    queue_get_zmq_p50_ms: r.queue_get_zmq.p50_ms,
    queue_get_zmq_p99_ms: r.queue_get_zmq.p99_ms,
    queue_get_zmq_server_cpu_us: r.queue_get_zmq.server_cpu_us_per_request,
    queue_get_http_p50_ms: r.queue_get_http.p50_ms,
    queue_get_http_p99_ms: r.queue_get_http.p99_ms,
    queue_get_http_server_cpu_us: r.queue_get_http.server_cpu_us_per_request,
    environment_open_s: r.environment_open.median_s,
    environment_open_each_s: r.environment_open.each_s,
    queue_run_s: r.queue_run.total_s,
    queue_run_ms_per_item: r.queue_run.per_item_ms,
    queue_run_server_cpu_s: r.queue_run.server_cpu_s,
  };
}
type Figures = ReturnType<typeof figures>;

/** How many times better ours is on each figure: > 1 is ahead of the reference. */
function ratios(o: Figures, ref: Figures): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(o)) {
    const theirs = ref[key as keyof Figures];
    if (typeof value !== 'number' || typeof theirs !== 'number' || !value || !theirs) continue;
    out[key] = round(key.endsWith('_per_s') ? value / theirs : theirs / value, 2);
  }
  return out;
}

function missingPeers(): string | undefined {
  if (!existsSync(python)) return `Python peers missing at ${venv}: run scripts/peers.sh`;
  if (!existsSync(join(venv, 'bin', 'start-bluesky-httpserver')))
    return 'start-bluesky-httpserver missing from the peers venv: rerun scripts/peers.sh';
  if (spawnSync('redis-server', ['--version']).status !== 0)
    return 'redis-server missing: run scripts/provision.sh (as root on Debian)';
  return undefined;
}

const missing = missingPeers();
if (!existsSync(python)) {
  log(missing ?? '');
  process.exit(1);
}
const loadBefore = loadavg()[0];
const [http, control, info, refHttp, refControl, refInfo, redisPort] = await freePorts(7);
const servers: Record<string, Started> = { ours: startOurs({ http, control, info }) };
if (missing) log(`no reference: ${missing}`);
else servers.reference = startReference({ http: refHttp, control: refControl, info: refInfo }, redisPort);
log(
  `${Object.keys(servers).join(' and ')}, taking turns: status x${STATUS_N}, ${ITEMS_N} items, ` +
    `${OPENS} opens, a queue of ${QUEUE_N}`,
);
const reports = await drive(servers);
const ourFigures = figures(reports.ours);
const refFigures: Figures | { error: string } = reports.reference
  ? figures(reports.reference)
  : { error: missing ?? 'no report' };
console.log(
  JSON.stringify({
    bench: 'queueserver',
    machine: {
      cpus: availableParallelism(),
      node: process.version,
      load_average_1m: [round(loadBefore), round(loadavg()[0])],
    },
    settings: {
      status_requests: STATUS_N,
      items_queued: ITEMS_N,
      environment_opens: OPENS,
      queue_items: QUEUE_N,
    },
    figures: ourFigures,
    target: { ratios_above: 1, environment_open_s_below: 1 },
    peers: { reference: refFigures },
    ratios: 'error' in refFigures ? {} : ratios(ourFigures, refFigures),
  }),
);
