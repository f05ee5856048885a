/**
 * Test plans of the reference queue server's simulated profile (profile_collection_sim), over our
 * simulated devices: the plans its tests and pods submit by name. Bound to one set of devices, as
 * the profile's plans use its module-level devices.
 */
import type { SyncPlan } from '../msg.ts';
import { count } from '../plans/plans.ts';
import { run_wrapper, set_run_key_wrapper } from '../plans/preprocessors.ts';
import { mv, sleep, trigger_and_read } from '../plans/stubs.ts';
import type { Hw } from './hw.ts';
import { progressBars } from './progress-bars.ts';

export interface ProfilePlanOptions {
  /** Where plans print (the console a queue server captures); stdout by default. */
  print?: (text: string) => void;
}

/** The simulated profile's own plans, over the profile's devices `h`. */
export function profilePlans(
  h: Hw,
  { print = (text) => process.stdout.write(text) }: ProfilePlanOptions = {},
) {
  /** count under another name, with plain annotations (the profile's example of a marked-up plan). */
  function* marked_up_count(
    detectors: unknown[],
    num = 1,
    delay: number | null = null,
    { md = null as Record<string, unknown> | null } = {},
  ): SyncPlan<unknown> {
    return yield* count(detectors, num, delay, { md });
  }

  /** Move each motor to its position, then count the detectors. */
  function* move_then_count(
    motors: unknown[],
    detectors: unknown[] | null = null,
    positions: number[] | null = null,
  ): SyncPlan<unknown> {
    if (!Array.isArray(motors))
      throw new TypeError(`Parameter 'motors' should be a list or a tuple: type(motors) = ${typeof motors}`);
    if (!Array.isArray(detectors))
      throw new TypeError(
        `Parameter 'detectors' should be a list or a tuple: type(detectors) = ${typeof detectors}`,
      );
    if (!Array.isArray(positions))
      throw new TypeError(
        `Parameter 'positions' should be a list or a tuple: type(positions) = ${typeof positions}`,
      );
    if (motors.length !== positions.length) {
      throw new TypeError(
        `The lists of 'motors' and 'positions' should have the same number of elements: len(motors) = ${motors.length}, len(positions) = ${positions.length}`,
      );
    }
    yield* mv(...motors.flatMap((m, i) => [m, positions[i]]));
    return yield* count(detectors);
  }

  function* sim_plan_inner(npts: number, delay: number): SyncPlan<void> {
    for (let j = 0; j < npts; j++) {
      yield* mv(h.motor1, j * 0.1 + 1, h.motor2, j * 0.2 - 2);
      yield* trigger_and_read([h.motor1, h.motor2, h.det2]);
      yield* sleep(delay);
    }
  }

  /** Two nested runs (run keys run_1 and run_2): npts points, npts + 1 inner ones in the middle. */
  function* sim_multirun_plan_nested(npts: number, delay = 1.0): SyncPlan<unknown> {
    function* outer(): SyncPlan<void> {
      const half = Math.trunc(npts / 2);
      for (let j = 0; j < half; j++) {
        yield* mv(h.motor, j * 0.2);
        yield* trigger_and_read([h.motor, h.det]);
        yield* sleep(delay);
      }
      yield* set_run_key_wrapper(run_wrapper(sim_plan_inner(npts + 1, delay), { md: {} }), 'run_2');
      for (let j = half; j < npts; j++) {
        yield* mv(h.motor, j * 0.2);
        yield* trigger_and_read([h.motor, h.det]);
        yield* sleep(delay);
      }
    }
    return yield* set_run_key_wrapper(run_wrapper(outer(), { md: {} }), 'run_1');
  }

  /** count, under a name whose `detectors` may also be sim_bundle devices and their parts. */
  function* count_bundle_test(
    detectors: unknown[],
    num: number | null = 1,
    delay: number | number[] | null = null,
    {
      per_shot = null as ((detectors: unknown[]) => SyncPlan<unknown>) | null,
      md = null as Record<string, unknown> | null,
    } = {},
  ): SyncPlan<unknown> {
    return yield* count(detectors, num, delay, { per_shot, md });
  }

  /** Ten half-second sleeps while `n_progress_bars` progress bars (at least one) fill up in the console. */
  function* plan_test_progress_bars(n_progress_bars = 1): SyncPlan<void> {
    const bars = progressBars(Math.max(n_progress_bars, 1), print);
    const points = 10;
    print(`TESTING ${bars.count} PROGRESS BARS ...\n\n`);
    for (let n = 0; n < points; n++) {
      yield* sleep(0.5);
      for (let i = 0; i < bars.count; i++) bars.update(i, `TEST${i + 1}`, n / points);
    }
    for (let i = 0; i < bars.count; i++) bars.update(i, `TEST${i + 1}`, 1);
    print(`${'\n'.repeat(bars.count)}\nTEST COMPLETED ...\n`);
  }

  return {
    marked_up_count,
    move_then_count,
    sim_multirun_plan_nested,
    count_bundle_test,
    plan_test_progress_bars,
  };
}
