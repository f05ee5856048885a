/**
 * Interop: the same plan over the same simulated devices, run by Python's bluesky RunEngine (on
 * ophyd.sim) and by ours, yields the same message sequence, the same descriptors (streams, object
 * keys, data keys with shape and source) and the same event counts. Needs scripts/peers.sh's venv.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EventDescriptor, RunStop } from '../../src/documents.ts';
import type { Msg, SyncPlan } from '../../src/msg.ts';
import { adaptive_scan, rel_adaptive_scan, tune_centroid } from '../../src/plans/adaptive.ts';
import {
  count,
  fly,
  grid_scan,
  inner_product_scan,
  list_grid_scan,
  list_scan,
  log_scan,
  rel_grid_scan,
  rel_list_grid_scan,
  rel_list_scan,
  rel_log_scan,
  rel_scan,
  relative_inner_product_scan,
  scan,
  x2x_scan,
} from '../../src/plans/plans.ts';
import { baseline_wrapper, fly_during_wrapper, SupplementalData } from '../../src/plans/preprocessors.ts';
import { ramp_plan } from '../../src/plans/ramp.ts';
import {
  rel_spiral,
  rel_spiral_fermat,
  rel_spiral_square,
  spiral,
  spiral_fermat,
  spiral_square,
} from '../../src/plans/spirals.ts';
import { mv, mvr, null_, prepare, trigger_and_read, wait_group } from '../../src/plans/stubs.ts';
import { tweak } from '../../src/plans/tweak.ts';
import type { Hw } from '../../src/sim/hw.ts';
import { profileDevices } from '../../src/sim/profile-devices.ts';
import { profilePlans } from '../../src/sim/profile-plans.ts';
import { DeviceStatus } from '../../src/status.ts';
import { recordingEngine, until } from '../helpers.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

const CASES: Record<string, (h: Hw) => SyncPlan<unknown>> = {
  count: (h) => count([h.det1, h.det2], 3),
  count_delay: (h) => count([h.det], 2, 0.5),
  scan: (h) => scan([h.det], h.motor, -1, 1, 5),
  scan_two_motors: (h) => scan([h.det1, h.det2], h.motor1, 0, 2, h.motor2, 2, 0, 4),
  rel_scan: (h) => rel_scan([h.det], h.motor, -1, 1, 3),
  list_scan: (h) => list_scan([h.det], h.motor, [1, 2, 5]),
  rel_list_scan: (h) => rel_list_scan([h.det], h.motor, [1, 2]),
  grid_scan: (h) => grid_scan([h.det4], h.motor1, 0, 1, 2, h.motor2, 0, 1, 3, { snake_axes: true }),
  rel_grid_scan: (h) => rel_grid_scan([h.det], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2),
  log_scan: (h) => log_scan([h.det], h.motor, 0, 2, 4),
  rel_log_scan: (h) => rel_log_scan([h.det], h.motor, 0, 2, 3),
  list_grid_scan: (h) => list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4, 5], { snake_axes: true }),
  rel_list_grid_scan: (h) => rel_list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4]),
  spiral: (h) => spiral([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 2),
  spiral_fermat: (h) => spiral_fermat([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 1.1),
  spiral_square: (h) => spiral_square([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 3, 3),
  rel_spiral: (h) => rel_spiral([h.det], h.motor1, h.motor2, 2, 1, 0.4, 3, { tilt: 0.2 }),
  rel_spiral_fermat: (h) => rel_spiral_fermat([h.det], h.motor1, h.motor2, 1, 2, 0.3, 1.5, { dr_y: 0.2 }),
  rel_spiral_square: (h) => rel_spiral_square([h.det], h.motor1, h.motor2, 1, 1, 4, 5),
  count_supplemental: (h) =>
    new SupplementalData({ baseline: [h.motor1, h.det2], monitors: [h.sig] }).wrap(count([h.det1], 2)),
  scan_baseline: (h) => baseline_wrapper(scan([h.det], h.motor, 0, 1, 2), [h.motor1]),
  inner_product_scan: (h) => inner_product_scan([h.det], 3, h.motor1, 0, 1, h.motor2, 1, 2),
  relative_inner_product_scan: (h) => relative_inner_product_scan([h.det], 3, h.motor1, -1, 1),
  x2x_scan: (h) => x2x_scan([h.det], h.motor1, h.motor2, -1, 1, 3),
  adaptive_scan: (h) => adaptive_scan([h.det], 'det', h.motor, -2, 2, 0.1, 1.0, 0.1, true),
  rel_adaptive_scan: (h) => rel_adaptive_scan([h.det], 'det', h.motor, -1, 1, 0.2, 0.8, 0.2, false),
  tune_centroid: (h) => tune_centroid([h.det], 'det', h.motor, -1.5, 2, 0.1, 5),
  sim_multirun_plan_nested: (h) => profilePlans(h).sim_multirun_plan_nested(3, 0.01),
  move_then_count: (h) => profilePlans(h).move_then_count([h.motor1, h.motor2], [h.det1], [1, 2]),
  fly: (h) => fly([h.trivial_flyer]),
  mv: (h) => mv(h.motor1, 1, h.motor2, 2),
  mvr: (h) => mvr(h.motor1, 1),
  count_ab_det: (h) => count([h.ab_det], 2),
  count_det_with_conf: (h) => count([h.det_with_conf]),
  count_det_with_count_time: (h) => count([h.det_with_count_time]),
  count_direct_img: (h) => count([h.direct_img]),
  count_direct_img_list: (h) => count([h.direct_img_list]),
  count_img: (h) => count([h.img], 2),
  count_signals: (h) => count([h.invariant1, h.invariant2, h.bool_sig, h.signal, h.rand]),
  count_pseudo: (h) => count([h.pseudo3x3, h.pseudo1x3]),
  scan_pseudo_single: (h) => scan([h.det], h.pseudo3x3.axis('pseudo2'), -1, 1, 3),
  mv_pseudo1x3: (h) => mv(h.pseudo1x3, 2),
  scan_empty_hints: (h) => scan([h.det], h.motor_empty_hints1, 0, 1, 2),
  scan_no_hints: (h) => scan([h.det], h.motor_no_hints1, 0, 1, 2),
  rel_scan_no_pos: (h) => rel_scan([h.det], h.motor_no_pos, -1, 1, 3),
  fly_flyer1: (h) => fly([h.flyer1]),
  fly_new_trivial_flyer: (h) => fly([h.new_trivial_flyer]),
  fly_during_flyer1: (h) => fly_during_wrapper(count([h.det], 2), [h.flyer1]),
  supplemental_flyers: (h) =>
    new SupplementalData({ baseline: [h.motor1], monitors: [h.sig], flyers: [h.trivial_flyer] }).wrap(
      scan([h.det], h.motor, 0, 1, 2),
    ),
  count_sim_bundle: (h) => count([profileDevices(h).sim_bundle_A]),
  count_bundle_test: (h) =>
    profilePlans(h).count_bundle_test([profileDevices(h).sim_bundle_A.dets.det_A, h.det1], 2),
  plan_test_progress_bars: (h) => profilePlans(h, { print: () => {} }).plan_test_progress_bars(2),
  ramp_plan: (h) =>
    ramp_plan(
      (function* () {
        yield* null_();
        return polledStatus(2);
      })(),
      h.sig,
      () => trigger_and_read([h.det, h.motor]),
    ),
  tweak: (h) => tweak(h.det, 'det', h.motor, 0.25),
  prepare_then_count: (h) =>
    (function* () {
      const prep = { name: 'prep', prepare: () => DeviceStatus.done() }; // py/bluesky_runs.py's Prepared
      yield* prepare(prep, 2.5, { wait: true });
      yield* prepare(prep, 1, { group: 'setup' });
      yield* wait_group('setup');
      yield* count([h.det]);
    })(),
};

/** What the `input` messages of a case are answered with. */
const INPUTS: Record<string, string[]> = { tweak: ['', '0.5', 'q'] };

/** A status that reports done only on its `polls`+1-th look: a ramp of a known number of points. */
function polledStatus(polls: number) {
  return {
    get done() {
      polls -= 1;
      return polls < 0;
    },
    success: true,
    finished: Promise.resolve(),
  };
}

/** Cases with monitors, whose document order depends on timing. */
const MONITORING = new Set(['count_supplemental', 'supplemental_flyers']);

interface Summary {
  messages: string[];
  descriptors: {
    name: string;
    object_keys: Record<string, string[]>;
    data_keys: Record<string, { shape: unknown; source: string }>;
  }[];
  num_events: Record<string, number>[];
  exit_status: string[];
  /** The names of the documents in the order they came (resource and datum included). */
  documents: string[];
}

const norm = (v: unknown): unknown =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? v
      : Math.round(v * 1e9) / 1e9
    : Array.isArray(v)
      ? v.map(norm)
      : v;

/** The Python side's format (py/bluesky_runs.py): sleeps bare, floats to 9 decimals, groups as G. */
function format(m: Msg): string {
  if (m.command === 'sleep') return 'sleep None';
  const name = (o: unknown) => (o as { name: string }).name;
  const args = m.args.map((a) =>
    typeof a === 'object' && a !== null && !Array.isArray(a) ? name(a) : JSON.stringify(norm(a)),
  );
  const kwargs = Object.keys(m.kwargs)
    .sort()
    .filter((k) => k !== 'plan_args' && k !== 'plan_pattern_args')
    .map(
      (k) =>
        `${k}=${k === 'group' && typeof m.kwargs[k] === 'string' ? 'G' : JSON.stringify(norm(m.kwargs[k]))}`,
    );
  const run = m.run === null ? [] : [`run=${m.run}`];
  return [m.command, m.obj === null ? 'None' : name(m.obj), `[${args.join(', ')}]`, ...kwargs, ...run].join(
    ' ',
  );
}

/**
 * bluesky stages a scan's motors, and lists them in scan_nd's `motors`, in Python set order, which
 * varies from run to run: compare each run of stage/unstage messages, and that list, as sets.
 */
function stagingAsSets(lines: string[]): string[] {
  lines = lines.map((line) =>
    line.startsWith('open_run ')
      ? line.replace(
          / motors=(\[[^\]]*\])/,
          (_, list: string) => ` motors=${JSON.stringify((JSON.parse(list) as string[]).sort())}`,
        )
      : line,
  );
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    out.push(...block.sort());
    block = [];
  };
  for (const line of lines) {
    if (/^(un)?stage /.test(line)) block.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

async function ours(name: string): Promise<Summary> {
  const answers = [...(INPUTS[name] ?? [])];
  const { RE, clock, messages, docs, devices } = recordingEngine({ input: () => answers.shift() ?? '' });
  let finished = false;
  const done = RE.run(CASES[name](devices)).then((r) => {
    finished = true;
    return r;
  });
  await until(() => {
    if (clock.pending) clock.advance(1);
    return finished;
  }, `${name} finishing`);
  await done;
  const descriptors = docs.filter(([n]) => n === 'descriptor').map(([, d]) => d as EventDescriptor);
  const stops = docs.filter(([n]) => n === 'stop').map(([, d]) => d as RunStop);
  return {
    messages: messages.map(format),
    descriptors: descriptors.map((d) => ({
      name: d.name,
      object_keys: d.object_keys,
      data_keys: Object.fromEntries(
        Object.entries(d.data_keys).map(([k, v]) => [k, { shape: v.shape, source: v.source }]),
      ),
    })),
    num_events: stops.map((s) => s.num_events),
    exit_status: stops.map((s) => s.exit_status),
    documents: docs.map(([n]) => n),
  };
}

function bluesky(names: string[]): Promise<Record<string, Summary>> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [join(import.meta.dirname, 'py/bluesky_runs.py'), ...names],
      { maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`bluesky_runs.py failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
      },
    );
  });
}

describe("the same plans in bluesky's RunEngine and ours", () => {
  let reference: Record<string, Summary>;
  before(async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    reference = await bluesky(Object.keys(CASES));
  });

  for (const name of Object.keys(CASES)) {
    it(`${name}: same messages, descriptors and event counts`, async () => {
      const mine = await ours(name);
      const theirs = reference[name];
      assert.deepEqual(stagingAsSets(mine.messages), stagingAsSets(theirs.messages));
      assert.deepEqual(mine.descriptors, theirs.descriptors);
      assert.deepEqual(mine.num_events, theirs.num_events);
      assert.deepEqual(mine.exit_status, theirs.exit_status);
      // Monitor events arrive when the monitored signal changes, at no fixed place among the others.
      if (!MONITORING.has(name)) assert.deepEqual(mine.documents, theirs.documents);
    });
  }
});
