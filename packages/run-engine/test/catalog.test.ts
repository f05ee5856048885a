/**
 * The built-in plan catalog: queue-item arguments (device names, keyword arguments) are checked
 * against each plan's parameters, names become devices, and the bound plan runs; bad input is
 * refused with a clear error before anything runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, RunStart } from '../src/documents.ts';
import {
  BUILTIN_PLANS,
  bindPlan,
  describePlan,
  PlanValidationError,
  planByName,
} from '../src/plans/catalog.ts';
import { recordingEngine } from './helpers.ts';

describe('plan catalog', () => {
  it('binds count(["det1", "det2"], num=2) from a queue item and runs it', async () => {
    const { RE, docs, devices } = recordingEngine();
    const plan = bindPlan(planByName('count'), [['det1', 'det2']], { num: 2, md: { sample: 'Si' } }, devices);
    const result = await RE.run(plan);
    assert.equal(result.exitStatus, 'success');
    const start = docs[0][1] as RunStart;
    assert.deepEqual([start.detectors, start.num_points, start.sample], [['det1', 'det2'], 2, 'Si']);
    assert.equal(docs.filter(([n]) => n === 'event').length, 2);
  });

  it('binds scan(["det"], "motor", -1, 1, 3) and mv("motor1", 2) with device names in *args', async () => {
    const { RE, docs, devices } = recordingEngine();
    await RE.run(bindPlan(planByName('scan'), [['det'], 'motor', -1, 1, 3], {}, devices));
    assert.deepEqual(
      docs.filter(([n]) => n === 'event').map(([, d]) => (d as Event).data.motor),
      [-1, 0, 1],
    );
    await RE.run(bindPlan(planByName('mv'), ['motor1', 2], { timeout: 5 }, devices));
    assert.equal(devices.motor1.position, 2);
    await RE.run(
      bindPlan(
        planByName('grid_scan'),
        [['det4'], 'motor1', 0, 1, 2, 'motor2', 0, 1, 2],
        { snake_axes: true },
        devices,
      ),
    );
    assert.equal(devices.motor2.position, 0, 'the snaked inner axis ends where it started');
  });

  it('refuses bad input with a message naming the problem', () => {
    const { devices } = recordingEngine();
    const refuse = (name: string, args: unknown[], kwargs: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(
        () => bindPlan(planByName(name), args, kwargs, devices),
        (err: Error) => {
          assert.ok(err instanceof PlanValidationError, String(err));
          assert.match(err.message, pattern);
          return true;
        },
      );
    assert.throws(() => planByName('teleport'), /Plan 'teleport' is not in the list of existing plans/);
    refuse('count', [['det9']], {}, /"det9" is not a known device/);
    refuse('count', [['det']], { num: 'three' }, /'num' must be an integer/);
    refuse('count', [['det']], { repeat: 2 }, /unexpected keyword argument 'repeat'/);
    refuse('count', [], {}, /missing required argument 'detectors'/);
    refuse('log_scan', [['det'], 'motor', 0, 1, 3, 4], {}, /takes 5 positional arguments but 6 were given/);
    refuse('log_scan', [['det'], 'nomotor', 0, 1, 3], {}, /'motor': "nomotor" is not a known device/);
    refuse('count', [['det'], 2], { num: 3 }, /multiple values for argument 'num'/);
  });

  it('describes every plan in the queue server format', () => {
    const count = describePlan(BUILTIN_PLANS.count);
    assert.deepEqual(
      (count.parameters as { name: string; kind: { value: number }; default?: string }[]).map((q) => [
        q.name,
        q.kind.value,
        q.default,
      ]),
      [
        ['detectors', 1, undefined],
        ['num', 1, '1'],
        ['delay', 1, '0.0'],
        ['per_shot', 3, 'None'],
        ['md', 3, 'None'],
      ],
    );
    assert.deepEqual(Object.keys(BUILTIN_PLANS).sort(), [
      'adaptive_scan',
      'count',
      'fly',
      'grid_scan',
      'inner_product_scan',
      'list_grid_scan',
      'list_scan',
      'log_scan',
      'mv',
      'mvr',
      'ramp_plan',
      'rel_adaptive_scan',
      'rel_grid_scan',
      'rel_list_grid_scan',
      'rel_list_scan',
      'rel_log_scan',
      'rel_scan',
      'rel_spiral',
      'rel_spiral_fermat',
      'rel_spiral_square',
      'relative_inner_product_scan',
      'scan',
      'scan_nd',
      'spiral',
      'spiral_fermat',
      'spiral_square',
      'tune_centroid',
      'tweak',
      'x2x_scan',
    ]);
  });
});
