/**
 * The plan engine: our RunEngine against bluesky's, on simulated devices, in the same run.
 *
 * - `count`: `count([det], num=N)` (BENCH_COUNT, default 10,000), events/s and CPU per event;
 * - `scan`: `scan([det], motor, 0, 10, P)` (BENCH_POINTS, default 1001): the engine's time per point,
 *   all of it overhead, since the simulated devices answer at once;
 * - `subscribed`: the count again with 10 subscribers, documents delivered per second;
 * - `epics`: `scan([det], motor, 0, 10, E)` (BENCH_EPICS_POINTS, default 51) over Channel Access on
 *   loopback: the motor is the motor-record IOC's sim:mtr2 (an EpicsMotor; its soft limits -10..20
 *   enclose the scan, whereas at sim:mtr1's limits 0 and 10 the IOC raises a limit switch that
 *   ophyd's EpicsMotor reports as a failed move), the detector the mini_beamline's ring current
 *   (an EpicsSignalRO). The motor's velocity is set to its VMAX
 *   (BENCH_EPICS_VELOCITY, default 10 mm/s) so moves are short, yet each still takes up to one of
 *   the IOC's 0.1 s motion ticks: every move is timed (from set() to its status finishing) and
 *   subtracted, and the rest of each point (CA round trips, the engine, documents) is the overhead.
 *   Ours reads from CA monitors, as ophyd's EpicsMotor does its auto-monitored components; the
 *   same scan with a CA get per read (`fromEpics(…, { monitors: false })`) is timed too.
 * Peer: bluesky 1.15 with ophyd.sim's `det` and `motor` (the venv of scripts/peers.sh), timed the
 * same way in its own process; for `epics`, ophyd's EpicsMotor and EpicsSignalRO (pyepics) on the
 * same IOCs, which this process serves. Targets (issue 13): at least 10× bluesky's events/s on the
 * count, under 1 ms of engine overhead per scan point.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { count, type EpicsDevice, fromEpics, hw, mv, RunEngine, scan } from '@ophyd-service/run-engine';
import { serveIocs } from '../ioc/src/index.ts';
import { buildDevice, createCatalog, type Device, type EpicsSignal } from '../packages/devices/src/index.ts';
import { CaClient } from '../packages/epics-ca/src/index.ts';
import { caEnv, python } from '../packages/epics-ca/test/interop/peers.ts';
import { clientEnv, serverEnv } from '../packages/epics-ca/test/loopback.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const POINTS = Number(process.env.BENCH_POINTS ?? 1001);
const SUBSCRIBERS = 10;
const EPICS_POINTS = Number(process.env.BENCH_EPICS_POINTS ?? 51);
const EPICS_VELOCITY = Number(process.env.BENCH_EPICS_VELOCITY ?? 10);
const log = (message: string) => process.stderr.write(`[run-engine] ${message}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Timing {
  wall_s: number;
  cpu_s: number;
  documents?: number;
  /** Seconds the motor spent moving (the device's own time), and how many moves. */
  move_s?: number;
  moves?: number;
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

/** Our scan over the IOCs at `port`: the motor's moves timed apart from the rest. */
async function oursEpics(port: number, monitors: boolean): Promise<Timing> {
  const client = new CaClient({ env: clientEnv(port), timeoutMs: 30_000, repeater: false });
  try {
    const catalog = createCatalog();
    const motor: EpicsDevice = fromEpics(
      buildDevice(catalog, client, {
        name: 'm1',
        deviceClass: 'ophyd.EpicsMotor',
        prefix: 'sim:mtr2',
      }) as Device,
      { monitors },
    );
    const det = fromEpics(
      buildDevice(catalog, client, {
        name: 'ring_current',
        deviceClass: 'ophyd.EpicsSignalRO',
        prefix: 'mini:current',
      }) as EpicsSignal,
      { monitors },
    );
    await client.put('sim:mtr2.VELO', EPICS_VELOCITY);
    const RE = new RunEngine();
    await RE.run(mv(motor, 0)); // connects the channels, and the scan starts where it begins
    await RE.run(count([det, motor]));
    let moveMs = 0;
    let moves = 0;
    const set = motor.set.bind(motor);
    motor.set = (value: unknown) => {
      const started = performance.now();
      const status = set(value);
      status.finished.then(() => {
        moveMs += performance.now() - started;
        moves++;
      });
      return status;
    };
    const timing = await timed(() => RE.run(scan([det], motor, 0, 10, EPICS_POINTS)));
    return { ...timing, move_s: moveMs / 1000, moves };
  } finally {
    await client.close();
  }
}

/** Runs bench/py/run_engine_bench.py with `args` (asynchronously: the IOCs live in this process). */
function peer(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, Timing> | { error: string }> {
  if (!existsSync(python))
    return Promise.resolve({ error: `Python peers missing at ${python}: run scripts/peers.sh first` });
  const script = join(import.meta.dirname, 'py', 'run_engine_bench.py');
  return new Promise((resolve) => {
    execFile(
      python,
      [script, ...args],
      { env, timeout: 900_000, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err) return resolve({ error: `bluesky run failed: ${(stderr || String(err)).slice(-300)}` });
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      },
    );
  });
}

const perPointMs = (seconds: number) => round((seconds / EPICS_POINTS) * 1000, 2);

/** The figures of one engine's timings (the EPICS ones only when that case ran). */
function figures(t: Record<string, Timing>) {
  const epics = t.epics;
  const gets = t.epics_gets;
  return {
    count_events_per_s: round(COUNT / t.count.wall_s, 0),
    count_cpu_us_per_event: round((t.count.cpu_s / COUNT) * 1e6, 1),
    scan_overhead_ms_per_point: round((t.scan.wall_s / POINTS) * 1000, 3),
    subscribed_documents_per_s: round((t.subscribed.documents ?? 0) / t.subscribed.wall_s, 0),
    ...(epics
      ? {
          epics_scan_ms_per_point: perPointMs(epics.wall_s),
          epics_move_ms_per_point: perPointMs(epics.move_s ?? 0),
          epics_overhead_ms_per_point: perPointMs(epics.wall_s - (epics.move_s ?? 0)),
          epics_cpu_ms_per_point: perPointMs(epics.cpu_s),
          epics_moves: epics.moves ?? 0,
        }
      : {}),
    ...(gets ? { epics_overhead_ms_per_point_with_gets: perPointMs(gets.wall_s - (gets.move_s ?? 0)) } : {}),
  };
}

log(`ours: count ${COUNT}, scan ${POINTS} points, ${SUBSCRIBERS} subscribers`);
const ourTimings = await ours();
log('bluesky (ophyd.sim), same cases');
const peerTimings = await peer([String(COUNT), String(POINTS), String(SUBSCRIBERS)]);

log(`EPICS: scan of ${EPICS_POINTS} points over the motor-record IOC, ours then bluesky's (ophyd, pyepics)`);
const iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
  seed: 7,
  server: { port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv() },
});
try {
  ourTimings.epics = await oursEpics(iocs.server.udpPort, true);
  ourTimings.epics_gets = await oursEpics(iocs.server.udpPort, false);
  const epicsPeer = await peer(
    ['epics', String(EPICS_POINTS), String(EPICS_VELOCITY)],
    caEnv(iocs.server.udpPort),
  );
  if (!('error' in peerTimings)) {
    if ('error' in epicsPeer) log(`bluesky EPICS case: ${epicsPeer.error}`);
    else peerTimings.epics = epicsPeer.epics;
  }
} finally {
  await iocs.stop();
}
const ourFigures = figures(ourTimings);
const peerFigures: ReturnType<typeof figures> | { error: string } =
  'error' in peerTimings ? { error: String(peerTimings.error) } : figures(peerTimings);
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
  if (ourFigures.epics_overhead_ms_per_point !== undefined && peerFigures.epics_overhead_ms_per_point)
    ratios.epics_overhead_vs_bluesky = round(
      ourFigures.epics_overhead_ms_per_point / peerFigures.epics_overhead_ms_per_point,
      3,
    );
}
console.log(
  JSON.stringify({
    bench: 'run-engine',
    machine: { cpus: availableParallelism(), node: process.version },
    epics: { points: EPICS_POINTS, velocity_mm_per_s: EPICS_VELOCITY, ioc_motion_tick_s: 0.1 },
    figures: ourFigures,
    target: { count_events_per_s_vs_bluesky: 10, scan_overhead_ms_per_point: 1 },
    peers: { bluesky: peerFigures },
    ratios,
  }),
);
