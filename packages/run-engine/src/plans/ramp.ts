/**
 * bluesky's ramp_plan: start a ramp (a plan returning the ramp's status), and take data with an
 * inner plan for as long as the ramp runs, in one run, monitoring a signal throughout.
 */
import { RampFail } from '../errors.ts';
import type { SyncPlan } from '../msg.ts';
import type { Status } from '../protocols.ts';
import { monitor_during_wrapper, run_wrapper } from './preprocessors.ts';
import { planTime, sleep } from './stubs.ts';

type Md = Record<string, unknown>;

/**
 * Takes a point with `inner_plan_func` (first, if `take_pre_data`), runs `go_plan` and keeps taking
 * points until the status it returns is done, then one last point. `timeout` (seconds) fails the
 * plan with RampFail when the ramp runs longer; `period` paces the points. `go_plan` may be a plan
 * or a function making one (bluesky takes the generator itself).
 */
export function* ramp_plan(
  go_plan: SyncPlan<unknown> | (() => SyncPlan<unknown>),
  monitor_sig: unknown,
  inner_plan_func: () => SyncPlan<unknown>,
  take_pre_data = true,
  timeout: number | null = null,
  period: number | null = null,
  md: Md | null = null,
): SyncPlan<unknown> {
  const _md = { plan_name: 'ramp_plan', ...(md ?? {}) };
  const go = typeof go_plan === 'function' ? go_plan() : go_plan;
  if (typeof (go as Partial<SyncPlan<unknown>>)?.next !== 'function')
    throw new TypeError(`ramp_plan: go_plan must be a plan, got ${String(go_plan)}`);

  function* polling_plan(): SyncPlan<void> {
    const failTime = timeout === null ? null : planTime() + timeout;
    if (take_pre_data) yield* inner_plan_func();
    const status = (yield* go) as Status;
    // `in`, not a look at `done`: a status may count its polls.
    if (typeof status !== 'object' || status === null || !('done' in status))
      throw new TypeError('ramp_plan: go_plan must return the status of the ramp');
    while (!status.done) {
      const started = planTime();
      yield* inner_plan_func();
      if (failTime !== null && planTime() > failTime) throw new RampFail();
      if (period !== null) {
        const wait = started + period - planTime();
        if (wait > 0) yield* sleep(wait);
      }
    }
    yield* inner_plan_func();
  }

  return yield* monitor_during_wrapper(run_wrapper(polling_plan(), { md: _md }), [monitor_sig]);
}
