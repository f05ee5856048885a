/**
 * The built-in simulated profile (the reference's profile_collection_sim, "demo mode"): ophyd.sim's
 * devices, bluesky's plans and the profile's test plans, the profile's test functions, and a
 * RunEngine printing a live table of every run. Building it starts nothing, so the manager can
 * describe it before any environment opens.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BUILTIN_PLANS,
  definePlan,
  hw,
  LiveTable,
  profileDevices,
  profilePlans,
  RunEngine,
} from '@ophyd-service/run-engine';
import { addExports, emptyNamespace, type Namespace } from './namespace.ts';

/** Gives a function Python keyword binding: clients may pass its parameters by name (kwargs). */
export function withSignature<F extends (...args: never[]) => unknown>(signature: string, fn: F): F {
  return Object.assign(fn, { signature });
}

/** The test functions of the reference profile (function_execute's targets in its tests). */
function profileFunctions() {
  const fifo: unknown[] = [];
  return {
    function_sleep: withSignature('function_sleep(time)', async (time: number) => {
      console.log(`function_sleep: waiting for ${time} s`);
      await sleep(Number(time) * 1000);
      console.log('function_sleep: finished');
      return { success: true, time };
    }),
    push_buffer_element: withSignature('push_buffer_element(element)', (element: unknown) => {
      console.log('push_buffer_element');
      fifo.push(element);
    }),
    pop_buffer_element: withSignature('pop_buffer_element()', () => {
      console.log('pop_buffer_element');
      if (!fifo.length) throw new RangeError('pop from empty list');
      return fifo.shift();
    }),
    clear_buffer: withSignature('clear_buffer()', () => {
      console.log('clear_buffer');
      fifo.length = 0;
    }),
  };
}

/** The profile's own plans, described from their Python signatures. */
function profilePlanSpecs(plans: ReturnType<typeof profilePlans>) {
  const readables = 'collections.abc.Sequence[__READABLE__]';
  return {
    marked_up_count: definePlan(
      `marked_up_count(detectors: ${readables}, num: int = 1, delay: float | None = None, *, md: dict[str, typing.Any] | None = None)`,
      plans.marked_up_count,
      { description: 'count under another name (the profile example of a plan with annotations).' },
    ),
    move_then_count: definePlan(
      `move_then_count(motors: collections.abc.Sequence[__MOVABLE__], detectors: ${readables} | None = None, positions: list[float] | None = None)`,
      plans.move_then_count,
      { description: 'Move each motor to its position, then count the detectors.' },
    ),
    sim_multirun_plan_nested: definePlan(
      'sim_multirun_plan_nested(npts: int, delay: float = 1.0)',
      plans.sim_multirun_plan_nested,
      { description: 'Two nested runs with run keys run_1 and run_2 (multi-run plan of the tests).' },
    ),
  };
}

/** A fresh simulated profile: its own devices, plans, functions and RunEngine. */
export function simProfileNamespace(): Namespace {
  const sim = hw();
  const devices = { ...sim, ...profileDevices(sim) };
  const RE = new RunEngine({});
  RE.subscribe(new LiveTable().callback);
  const plans = profilePlans(sim);
  const ns = emptyNamespace();
  // Profile plans without a signature here still become plans (taking *args, **kwargs).
  addExports(ns, {
    ...devices,
    ...BUILTIN_PLANS,
    ...plans,
    ...profilePlanSpecs(plans),
    ...profileFunctions(),
    RE,
  });
  return ns;
}
