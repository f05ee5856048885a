/**
 * The built-in simulated profile (the reference's profile_collection_sim, "demo mode"): ophyd.sim's
 * devices, bluesky's plans and the profile's test plans, the profile's test functions, and a
 * RunEngine with a BestEffortCallback (plots off, as the reference's headless worker has them). Building it starts nothing, so the manager can
 * describe it before any environment opens.
 */
import {
  BestEffortCallback,
  BUILTIN_PLANS,
  hw,
  profileDevices,
  profilePlanSpecs,
  RunEngine,
  wallClock,
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
      await wallClock.sleep(Number(time)); // never returns early, as Python's time.sleep
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

/** A fresh simulated profile: its own devices, plans, functions and RunEngine. */
export function simProfileNamespace(): Namespace {
  const sim = hw();
  const devices = { ...sim, ...profileDevices(sim) };
  // 05-run-engine.py's metadata and callback.
  const RE = new RunEngine({ md: { metadata_key: 'metadata_value' } });
  const bec = new BestEffortCallback();
  bec.disable_plots();
  RE.subscribe(bec.callback);
  const ns = emptyNamespace();
  // The profile's plans as the reference describes them (custom device types, bounds, defaults).
  addExports(ns, {
    ...devices,
    ...BUILTIN_PLANS,
    ...profilePlanSpecs(sim),
    ...profileFunctions(),
    RE,
    bec,
  });
  return ns;
}
