/**
 * Channel Access benchmark: our CaClient against C libca (EPICS base 7.0.10, a small C client of
 * our own in bench/c/, the native anchor), pyepics (libca under Python) and caproto's threading
 * client, each talking to our CaServer over 127.0.0.1.
 *
 * Every measurement starts a fresh server in a child process (bench/ca-server.ts) and runs ONE client
 * in another child process (bench/ca-client.ts, bench/c/ca_bench.c, bench/py/*_bench.py), so that the CPU figures are the
 * client's own (`process.cpuUsage()` / `time.process_time()`, whole process, all threads) and not
 * the server's. Ours and the peers run back to back within the same minute for each figure.
 *
 * Figures (PVs are 1,000 DBR_DOUBLE scalars, subscribed as DBR_TIME_DOUBLE, mask value|alarm):
 *   monitor_updates_per_s            server posts every PV then yields (setImmediate), repeat, for
 *                                    BENCH_FLOOD_SECONDS (default 5); updates/s the client's callbacks
 *                                    saw. Measured in BENCH_FLOOD_ROUNDS rounds (default 3, every
 *                                    client once per round); figures are each client's median, and
 *                                    `flood_rounds` lists every round with ours/libca CPU in it. The
 *                                    server coalesces (keep-latest, 16 per subscription) when the
 *                                    client lags, so a slower client receives fewer.
 *   monitor_cpu_s_per_100k_updates   client CPU seconds in that window, per 100,000 updates received
 *   updates_per_s_10hz               1,000 PVs posted at 10 Hz for BENCH_SECONDS (default 10):
 *                                    updates/s received (should be ~10,000: a sanity check)
 *   cpu_pct_10hz                     the client's CPU in that window, % of one core
 *                                    (published anchors for this scenario: cothread 22 %,
 *                                    pyepics 46 %, caproto 70 %; different machine, for orientation)
 *   connect_ms                       from creating 1,000 channels to all connected (fresh client)
 *   get_p50_ms, get_p99_ms           BENCH_GETS (default 2,000) sequential DBR_TIME gets of one PV,
 *                                    after 200 warm-up gets
 *
 * Server-side figures (ours only, no peer: pyepics and caproto are clients here; EPICS base's RSRV
 * is measured against ours in bench/ca-fanout.ts and bench/ioc.ts). The same flood server, in its child process, feeds 1
 * and then 10 of our client processes (bench/ca-client.ts `monitor-go`, each subscribed to all 1,000
 * PVs), then 1 and 10 C libca clients (`server_…_libca_client(s)`); once
 * every client has connected, subscribed and settled, all start one common BENCH_FLOOD_SECONDS window:
 *   server_updates_per_s_1_client    updates/s received, summed over the clients
 *   server_updates_per_s_10_clients
 *   server_cpu_pct_1_client          the server process's CPU over that window (process.cpuUsage()
 *   server_cpu_pct_10_clients        deltas, all threads), % of one core
 * The server and its clients share the machine's cores (`machine.cpus`), so with few cores the
 * ten-client figure measures the box as much as the server.
 *
 * `figures_in_place`: the monitor figures again with our client's in-place subscriptions
 * (MonitorOptions.inPlace: each update written into the subscription's one reading, nothing allocated
 * per update, as libca hands its callbacks an update in its own buffer), measured right after ours;
 * their ratios carry `_in_place` (e.g. monitor_cpu_s_per_100k_updates_in_place_vs_libca).
 *
 * Ratios are oriented so that > 1 always means ours is better:
 *   monitor_updates_per_s_vs_<peer> = ours / theirs      (higher throughput is better)
 *   every other <figure>_vs_<peer>  = theirs / ours      (less CPU, less time is better)
 *
 * Progress goes to stderr; the last line of stdout is the JSON result. A peer that cannot run is
 * `{"error": "…"}`. All children are killed at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { caEnv, python } from '../packages/epics-ca/test/interop/peers.ts';
import { buildCaBench } from './c/build.ts';

const COUNT = 1000;
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 5);
const FLOOD_ROUNDS = Number(process.env.BENCH_FLOOD_ROUNDS ?? 3);
const RATE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const GETS = Number(process.env.BENCH_GETS ?? 2000);
const CLIENTS = ['ours', 'ours_in_place', 'libca', 'pyepics', 'caproto'] as const;
type Client = (typeof CLIENTS)[number];
type Peer = Exclude<Client, 'ours' | 'ours_in_place'>;
type Result = Record<string, number>;

const log = (message: string) => process.stderr.write(`[bench ca] ${message}\n`);
const children = new Set<ChildProcess>();
const killAll = () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

interface ServerChild {
  port: number;
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** A fresh bench/ca-server.ts child in `mode`; resolves once it prints its port. */
function startServerChild(mode: string): Promise<ServerChild> {
  const child = track(
    spawn(process.execPath, [join(import.meta.dirname, 'ca-server.ts'), mode, String(COUNT)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (ms: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CA server (${mode}) silent for ${ms} ms`)), ms);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`CA server (${mode}) exited with ${code}`)));
    });
  return nextLine(15_000).then((line) => ({
    port: JSON.parse(line).port,
    stats: async () => {
      const reply = nextLine(5000);
      child.stdin!.write('stats\n');
      return JSON.parse(await reply);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin!.end();
      }),
  }));
}

/** Runs one benchmark client to completion; resolves with the JSON object it printed last. */
function runClient(
  client: Client,
  mode: string,
  port: number,
  extra: number,
): Promise<Record<string, unknown>> {
  const args = [mode, String(port), String(COUNT), String(extra)];
  if (client === 'ours_in_place') args[0] = `${mode}-in-place`;
  const [command, argv, env] =
    client === 'ours' || client === 'ours_in_place'
      ? [process.execPath, [join(import.meta.dirname, 'ca-client.ts'), ...args], process.env]
      : client === 'libca'
        ? [cBench!, args, caEnv(port)]
        : [python, [join(import.meta.dirname, 'py', `${client}_bench.py`), ...args], caEnv(port)];
  const timeoutMs = 60_000 + extra * 1000 * (mode === 'get' ? 0 : 1);
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${client} ${mode} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error();
        resolve(JSON.parse(line));
      } catch {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${client} ${mode} exited with ${code ?? signal}: ${tail || line || 'no output'}`));
      }
    });
  });
}

/**
 * Server-side figure: one flood server, `n` clients (ours or C libca) in `monitor-go` mode measuring one
 * common window. Returns updates/s summed over the clients and the server's CPU % in the window.
 */
async function measureServer(
  n: number,
  reader: 'ours' | 'libca',
): Promise<{ updatesPerS: number; cpuPct: number }> {
  const server = await startServerChild('flood');
  const clients: ChildProcess[] = [];
  try {
    const results = Array.from({ length: n }, () => {
      const args = ['monitor-go', String(server.port), String(COUNT), String(FLOOD_SECONDS)];
      const child = track(
        reader === 'ours'
          ? spawn(process.execPath, [join(import.meta.dirname, 'ca-client.ts'), ...args], {
              stdio: ['pipe', 'pipe', 'pipe'],
            })
          : spawn(cBench!, args, { env: caEnv(server.port), stdio: ['pipe', 'pipe', 'pipe'] }),
      );
      clients.push(child);
      const lines: string[] = [];
      let stderr = '';
      let onLine = () => {};
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        onLine();
      });
      child.stderr!.on('data', (d) => (stderr += d));
      const failed = new Promise<never>((_, reject) =>
        child.on('exit', (code, signal) => {
          if (code !== 0) {
            const tail = stderr.trim().split('\n').slice(-3).join(' | ');
            reject(new Error(`client exited with ${code ?? signal}: ${tail || 'no output'}`));
          }
        }),
      );
      const line = (index: number) =>
        Promise.race([
          failed,
          new Promise<Record<string, number>>((resolve) => {
            const check = () => {
              if (lines.length > index) resolve(JSON.parse(lines[index]));
            };
            onLine = check;
            check();
          }),
        ]);
      return { ready: line(0), done: () => line(1) };
    });
    const deadline = (ms: number, what: string) =>
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms).unref(),
      );
    await Promise.race([
      Promise.all(results.map((r) => r.ready)),
      deadline(120_000, `${n} clients not all subscribed`),
    ]);
    const s0 = await server.stats();
    for (const child of clients) child.stdin!.write('go\n');
    await new Promise((resolve) => setTimeout(resolve, FLOOD_SECONDS * 1000));
    const s1 = await server.stats();
    const outs = await Promise.race([
      Promise.all(results.map((r) => r.done())),
      deadline(30_000, `${n} clients did not report`),
    ]);
    const updatesPerS = outs.reduce((sum, o) => sum + o.updates / o.wall_s, 0);
    const cpuPct = (100 * (s1.cpu_s - s0.cpu_s)) / (s1.wall_s - s0.wall_s);
    const perClient = outs.map((o) => Math.round(o.updates / o.wall_s));
    log(
      `server, ${n} client${n > 1 ? 's' : ''}: ${round(updatesPerS)} updates/s (per client ${perClient.join(', ')}), ` +
        `server ${round(cpuPct)} % CPU, ${round((s1.posts - s0.posts) / (s1.wall_s - s0.wall_s))} posts/s, ` +
        `${s1.dropped - s0.dropped} updates coalesced`,
    );
    return { updatesPerS, cpuPct };
  } finally {
    for (const child of clients) if (child.exitCode === null) child.kill('SIGKILL');
    await server.stop();
  }
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 2));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** One figure group: for each client, a fresh server in `serverMode`, the client in `mode`. */
async function measure(
  label: string,
  serverMode: string,
  mode: string,
  extra: number,
  figures: (out: Record<string, unknown>) => Result,
  results: Record<Client, Result>,
): Promise<void> {
  for (const client of CLIENTS) {
    if (client === 'ours_in_place' && mode !== 'monitor') continue; // the same client as ours
    if (client !== 'ours' && client !== 'ours_in_place' && missing[client]) continue; // the peer cannot run at all
    log(`${label}: ${client}…`);
    let server: ServerChild | undefined;
    try {
      server = await startServerChild(serverMode);
      const out = await runClient(client, mode, server.port, extra);
      const got = figures(out);
      if (serverMode !== 'idle') {
        const s = await server.stats();
        log(
          `${label}: ${client} ${JSON.stringify(got)} (server: ${round(s.posts / s.wall_s)} posts/s, ` +
            `${round((100 * s.cpu_s) / s.wall_s)} % CPU, ${s.dropped} updates coalesced, ${s.queued} queued at last look)`,
        );
      } else {
        log(`${label}: ${client} ${JSON.stringify(got)}`);
      }
      Object.assign(results[client], got);
    } catch (err) {
      const message = (err as Error).message;
      log(`${label}: ${client} FAILED: ${message}`);
      if (client === 'ours' || client === 'ours_in_place') throw err;
      errors[client].push(`${label}: ${message}`);
    } finally {
      await server?.stop();
    }
  }
}

const PEERS = CLIENTS.filter((client): client is Peer => client !== 'ours' && client !== 'ours_in_place');
const results = Object.fromEntries(CLIENTS.map((client) => [client, {}])) as Record<Client, Result>;
const errors = Object.fromEntries(PEERS.map((peer) => [peer, [] as string[]])) as Record<Peer, string[]>;
const missing = Object.fromEntries(PEERS.map((peer) => [peer, false])) as Record<Peer, boolean>;
if (!existsSync(python)) {
  for (const peer of ['pyepics', 'caproto'] as const) {
    missing[peer] = true;
    errors[peer].push(`Python peers missing at ${python}: run scripts/peers.sh first`);
  }
}
let cBench: string | undefined;
try {
  cBench = buildCaBench();
} catch (err) {
  missing.libca = true;
  errors.libca.push(`C client not built: ${(err as Error).message}`);
}

const started = performance.now();
// The flood figure swings with whatever shares the cores, so it is measured in rounds (every client
// once per round, one after another) and each client's median is kept; every round is reported.
const floodRounds: Record<Client, Result>[] = [];
for (let r = 1; r <= FLOOD_ROUNDS; r++) {
  const got = Object.fromEntries(CLIENTS.map((client) => [client, {}])) as Record<Client, Result>;
  await measure(
    `monitor flood (round ${r} of ${FLOOD_ROUNDS})`,
    'flood',
    'monitor',
    FLOOD_SECONDS,
    floodFigures,
    got,
  );
  floodRounds.push(got);
}
for (const client of CLIENTS) {
  const rounds = floodRounds.map((got) => got[client]).filter((got) => got.monitor_cpu_s_per_100k_updates);
  if (rounds.length === 0) continue;
  for (const figure of ['monitor_updates_per_s', 'monitor_cpu_s_per_100k_updates'])
    results[client][figure] = percentile(
      rounds.map((got) => got[figure]).sort((a, b) => a - b),
      50,
    );
}

function floodFigures(o: Record<string, unknown>): Result {
  const updates = o.updates as number;
  if (updates === 0) {
    throw new Error(
      `received no updates in the ${FLOOD_SECONDS} s window (client stalled; CPU ${round(o.cpu_s as number)} s)`,
    );
  }
  return {
    monitor_updates_per_s: round(updates / (o.wall_s as number)),
    monitor_cpu_s_per_100k_updates: round(((o.cpu_s as number) * 100_000) / updates),
  };
}

// The server read by our clients, then by C clients (which cost the shared cores least, so the
// figure says more about the server itself).
for (const reader of ['ours', 'libca'] as const) {
  if (reader === 'libca' && missing.libca) continue;
  for (const n of [1, 10]) {
    log(`server sustaining ${n} ${reader === 'ours' ? 'of our' : 'C libca'} clients…`);
    const { updatesPerS, cpuPct } = await measureServer(n, reader);
    const suffix = `${n === 1 ? '1' : n}_${reader === 'ours' ? '' : 'libca_'}client${n === 1 ? '' : 's'}`;
    results.ours[`server_updates_per_s_${suffix}`] = round(updatesPerS);
    results.ours[`server_cpu_pct_${suffix}`] = round(cpuPct);
  }
}
await measure(
  '1,000 PVs at 10 Hz',
  'rate:10',
  'monitor',
  RATE_SECONDS,
  (o) => ({
    updates_per_s_10hz: round((o.updates as number) / (o.wall_s as number)),
    cpu_pct_10hz: round((100 * (o.cpu_s as number)) / (o.wall_s as number)),
  }),
  results,
);
await measure(
  'connect 1,000 PVs',
  'idle',
  'connect',
  0,
  (o) => ({ connect_ms: round(o.connect_ms as number) }),
  results,
);
await measure(
  `${GETS} sequential gets`,
  'idle',
  'get',
  GETS,
  (o) => {
    const sorted = (o.latencies_ms as number[]).slice().sort((a, b) => a - b);
    return { get_p50_ms: round(percentile(sorted, 50)), get_p99_ms: round(percentile(sorted, 99)) };
  },
  results,
);
log(`done in ${round((performance.now() - started) / 1000)} s`);

const ours = results.ours;
const ratios: Result = {};
// A peer that failed everything is {"error": …}; one that failed some figures keeps the others
// and says which failed in "error".
const peers = {} as Record<Peer, Record<string, number | string>>;
for (const peer of PEERS) {
  const theirs = results[peer];
  peers[peer] = errors[peer].length ? { ...theirs, error: errors[peer].join('; ') } : theirs;
  for (const [variant, figures] of [
    ['', ours],
    ['_in_place', results.ours_in_place],
  ] as const) {
    for (const [figure, value] of Object.entries(figures)) {
      const other = theirs[figure];
      // updates_per_s_10hz is a sanity check (both should be ~10,000/s), not a comparison.
      if (other === undefined || figure === 'updates_per_s_10hz' || !value || !other) continue;
      // > 1 means ours is better: throughput ours/theirs, costs and times theirs/ours.
      ratios[`${figure}${variant}_vs_${peer}`] = round(
        figure === 'monitor_updates_per_s' ? value / other : other / value,
      );
    }
  }
}

killAll();
process.stdout.write(
  `${JSON.stringify({
    bench: 'ca',
    machine: { cpus: availableParallelism(), node: process.version },
    figures: ours,
    figures_in_place: results.ours_in_place,
    peers,
    ratios,
    // Per flood round, each client's CPU per 100k updates and ours against libca in that round.
    flood_rounds: floodRounds.map((got) => {
      const cpu = (client: Client) => got[client].monitor_cpu_s_per_100k_updates;
      const figures: Record<string, number> = {};
      for (const client of CLIENTS) if (cpu(client)) figures[client] = cpu(client);
      if (cpu('libca')) {
        if (cpu('ours')) figures.ours_vs_libca = round(cpu('ours') / cpu('libca'));
        if (cpu('ours_in_place')) figures.ours_in_place_vs_libca = round(cpu('ours_in_place') / cpu('libca'));
      }
      return figures;
    }),
  })}\n`,
);
