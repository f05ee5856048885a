/**
 * Supplemental data around every run (bluesky's baseline, monitor_during and fly_during wrappers,
 * and SupplementalData that applies all three): readings, monitors and flyers a plan does not
 * name itself.
 */
import type { Msg, SyncPlan } from '../msg.ts';
import { nameOf } from '../protocols.ts';
import { insert_around, msg_mutator } from './preprocessors.ts';
import { declare_stream, trigger_and_read } from './stubs.ts';

const withRun = (m: Msg, run: string | null): Msg => (run === null ? m : { ...m, run });

/** Reads `devices` into the `name` stream when each run opens and again just before it closes. */
export function* baseline_wrapper<R>(plan: SyncPlan<R>, devices: unknown[], name = 'baseline'): SyncPlan<R> {
  if (!devices.length) return yield* plan;
  function* inRun(inner: SyncPlan<unknown>, run: string | null): SyncPlan<unknown> {
    return yield* msg_mutator(inner, (m) => withRun(m, run));
  }
  function* head(run: string | null): SyncPlan<void> {
    yield* inRun(declare_stream(devices, { name }), run);
    yield* inRun(trigger_and_read(devices, name), run);
  }
  return yield* insert_around(plan, (m) => {
    if (m.command === 'open_run') return { after: head(m.run) };
    if (m.command === 'close_run') {
      return {
        instead: (function* () {
          yield* inRun(trigger_and_read(devices, name), m.run);
          return yield m;
        })(),
      };
    }
    return null;
  });
}

/** Monitors `signals` (each into its `<name>_monitor` stream) from each run's start to its end. */
export function* monitor_during_wrapper<R>(plan: SyncPlan<R>, signals: unknown[]): SyncPlan<R> {
  return yield* insert_around(plan, (m) => {
    if (m.command === 'open_run') {
      return {
        after: (function* () {
          for (const sig of signals)
            yield {
              command: 'monitor',
              obj: sig,
              args: [],
              kwargs: { name: `${nameOf(sig)}_monitor` },
              run: null,
            };
        })(),
      };
    }
    if (m.command === 'close_run') {
      return {
        instead: (function* () {
          for (const sig of signals)
            yield { command: 'unmonitor', obj: sig, args: [], kwargs: {}, run: null };
          return yield m;
        })(),
      };
    }
    return null;
  });
}

/**
 * Kicks `flyers` off as each run opens (waiting until all have started) and, before it closes,
 * completes them (waiting for all) and collects each.
 */
export function* fly_during_wrapper<R>(plan: SyncPlan<R>, flyers: unknown[]): SyncPlan<R> {
  if (!flyers.length) return yield* plan;
  const kickoffGroup = `flyers-kickoff-${crypto.randomUUID().slice(0, 6)}`;
  const completeGroup = `flyers-complete-${crypto.randomUUID().slice(0, 6)}`;
  const msg = (command: string, obj: unknown, kwargs: Record<string, unknown> = {}): Msg => ({
    command,
    obj,
    args: [],
    kwargs,
    run: null,
  });
  return yield* insert_around(plan, (m) => {
    if (m.command === 'open_run') {
      return {
        after: (function* () {
          for (const flyer of flyers) yield msg('kickoff', flyer, { group: kickoffGroup });
          yield msg('wait', null, { group: kickoffGroup });
        })(),
      };
    }
    if (m.command === 'close_run') {
      return {
        instead: (function* () {
          for (const flyer of flyers) yield msg('complete', flyer, { group: completeGroup });
          yield msg('wait', null, { group: completeGroup });
          for (const flyer of flyers) yield msg('collect', flyer);
          return yield m;
        })(),
      };
    }
    return null;
  });
}

/**
 * bluesky's SupplementalData: baseline readings and monitors added to every run of every plan.
 * Give it to the RunEngine (`RE.preprocessors.push(sd)`); edit its lists between plans.
 */
export class SupplementalData {
  baseline: unknown[];
  monitors: unknown[];
  flyers: unknown[];

  constructor({ baseline = [] as unknown[], monitors = [] as unknown[], flyers = [] as unknown[] } = {}) {
    this.baseline = [...baseline];
    this.monitors = [...monitors];
    this.flyers = [...flyers];
  }

  /** Baseline first, then monitors, then flyers kicked off; the plan; then all of it in reverse. */
  wrap<R>(plan: SyncPlan<R>): SyncPlan<R> {
    return baseline_wrapper(
      monitor_during_wrapper(fly_during_wrapper(plan, this.flyers), this.monitors),
      this.baseline,
    );
  }
}
