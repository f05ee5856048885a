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
import { baseline_wrapper, SupplementalData } from '../../src/plans/preprocessors.ts';
import {
  rel_spiral,
  rel_spiral_fermat,
  rel_spiral_square,
  spiral,
  spiral_fermat,
  spiral_square,
} from '../../src/plans/spirals.ts';
import { mv, mvr } from '../../src/plans/stubs.ts';
import type { Hw } from '../../src/sim/hw.ts';
import { profilePlans } from '../../src/sim/profile-plans.ts';
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
};

interface Summary {
  messages: string[];
  descriptors: {
    name: string;
    object_keys: Record<string, string[]>;
    data_keys: Record<string, { shape: unknown; source: string }>;
  }[];
  num_events: Record<string, number>[];
  exit_status: string[];
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
  const { RE, clock, messages, docs, devices } = recordingEngine();
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
    });
  }
});
