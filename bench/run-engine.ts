/**
 * The plan engine: our RunEngine against bluesky's, on simulated devices, in the same run.
 *
 * - `count`: `count([det], num=N)` (BENCH_COUNT, default 10,000), events/s and CPU per event;
 * - `scan`: `scan([det], motor, 0, 10, P)` (BENCH_POINTS, default 1001): the engine's time per point,
 *   all of it overhead, since the simulated devices answer at once;
 * - `subscribed`: the count again with 10 subscribers, documents delivered per second.
 * Peer: bluesky 1.15 with ophyd.sim's `det` and `motor` (the venv of scripts/peers.sh), timed the
 * same way in its own process. Targets (issue 13): at least 10× bluesky's events/s on the count,
 * under 1 ms of engine overhead per scan point.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { count, hw, RunEngine, scan } from '@ophyd-service/run-engine';
import { python } from '../packages/epics-ca/test/interop/peers.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const POINTS = Number(process.env.BENCH_POINTS ?? 1001);
const SUBSCRIBERS = 10;
const log = (message: string) => process.stderr.write(`[run-engine] ${message}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Timing {
  wall_s: number;
  cpu_s: number;
  documents?: number;
}

async function timed(run: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall_s: (performance.now() - wall) / 1000, cpu_s: (used.user + used.system) / 1e6 };
}

async function ours(): Promise<Record<string, Timing>> {
  const { det, motor } = hw();
  let RE = new RunEngine();
  const out: Record<string, Timing> = {};
  await timed(() => RE.run(count([det], 100))); // warm-up: compile the hot paths
  out.count = await timed(() => RE.run(count([det], COUNT)));
  out.scan = await timed(() => RE.run(scan([det], motor, 0, 10, POINTS)));
  RE = new RunEngine();
  let documents = 0;
  for (let i = 0; i < SUBSCRIBERS; i++) RE.subscribe(() => void documents++);
  out.subscribed = await timed(() => RE.run(count([det], COUNT)));
  await new Promise((resolve) => setImmediate(resolve)); // subscribers drain their queues
  out.subscribed.documents = documents;
  return out;
}

function bluesky(): Record<string, Timing> | { error: string } {
  if (!existsSync(python)) return { error: `Python peers missing at ${python}: run scripts/peers.sh first` };
  const script = join(import.meta.dirname, 'py', 'run_engine_bench.py');
  const result = spawnSync(python, [script, String(COUNT), String(POINTS), String(SUBSCRIBERS)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0)
    return { error: `bluesky run failed: ${(result.stderr || String(result.error)).slice(-300)}` };
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** The figures of one engine's timings. */
function figures(t: Record<string, Timing>) {
  return {
    count_events_per_s: round(COUNT / t.count.wall_s, 0),
    count_cpu_us_per_event: round((t.count.cpu_s / COUNT) * 1e6, 1),
    scan_overhead_ms_per_point: round((t.scan.wall_s / POINTS) * 1000, 3),
    subscribed_documents_per_s: round((t.subscribed.documents ?? 0) / t.subscribed.wall_s, 0),
  };
}

log(`ours: count ${COUNT}, scan ${POINTS} points, ${SUBSCRIBERS} subscribers`);
const ourFigures = figures(await ours());
log('bluesky (ophyd.sim), same cases');
const peer = bluesky();
const peerFigures: ReturnType<typeof figures> | { error: string } =
  'error' in peer ? { error: String(peer.error) } : figures(peer);
const ratios: Record<string, number> = {};
if (!('error' in peerFigures)) {
  ratios.count_events_per_s_vs_bluesky = round(
    ourFigures.count_events_per_s / peerFigures.count_events_per_s,
    1,
  );
  ratios.scan_overhead_vs_bluesky = round(
    ourFigures.scan_overhead_ms_per_point / peerFigures.scan_overhead_ms_per_point,
    3,
  );
  ratios.subscribed_documents_per_s_vs_bluesky = round(
    ourFigures.subscribed_documents_per_s / peerFigures.subscribed_documents_per_s,
    1,
  );
}
console.log(
  JSON.stringify({
    bench: 'run-engine',
    machine: { cpus: availableParallelism(), node: process.version },
    figures: ourFigures,
    target: { count_events_per_s_vs_bluesky: 10, scan_overhead_ms_per_point: 1 },
    peers: { bluesky: peerFigures },
    ratios,
  }),
);
