// The test collection's plans: bluesky's standard ones (re-exported, so they keep their full
// descriptions), two plan stubs usable as plans, and dwell_scan, declared with its Python signature.
import {
  checkpoint,
  definePlan,
  mv,
  nameOf,
  run_wrapper,
  type SyncPlan,
  sleep,
  stage_wrapper,
  trigger_and_read,
} from '@ophyd-service/run-engine';

export {
  count,
  grid_scan,
  list_scan,
  mv,
  rel_scan,
  scan,
  sleep as plan_sleep,
  trigger_and_read,
} from '@ophyd-service/run-engine';

/**
 * A staged one-run step scan: at each of `num` evenly spaced points from `start` to `stop` it moves
 * the motor, waits `dwell` seconds, then reads the detectors and the motor. It lasts at least
 * num × dwell seconds, which the pod tests rely on to catch it running.
 */
export const dwell_scan = definePlan(
  'dwell_scan(detectors: collections.abc.Sequence[__READABLE__], motor: __MOVABLE__, start: float, stop: float, num: int, dwell: float = 0.5, md: dict[str, typing.Any] | None = None)',
  function* (
    detectors: unknown[],
    motor: unknown,
    start: number,
    stop: number,
    num: number,
    dwell = 0.5,
    md: Record<string, unknown> | null = null,
  ): SyncPlan<unknown> {
    const step = (stop - start) / Math.max(num - 1, 1);
    function* points(): SyncPlan<void> {
      for (let i = 0; i < num; i++) {
        yield* checkpoint();
        yield* mv(motor, start + i * step);
        yield* sleep(dwell);
        yield* trigger_and_read([...detectors, motor]);
      }
    }
    const names = detectors.map(nameOf);
    const runMd = {
      plan_name: 'dwell_scan',
      detectors: names,
      motors: [nameOf(motor)],
      num_points: num,
      plan_args: { detectors: names, motor: nameOf(motor), start, stop, num, dwell },
      ...md,
    };
    return yield* stage_wrapper(run_wrapper(points(), { md: runMd }), [...detectors, motor]);
  },
  {
    description:
      'Step a motor from start to stop in num points, dwelling at each before reading the detectors.',
    parameters: {
      detectors: 'detectors read at each point',
      motor: 'the motor to step',
      start: 'first position',
      stop: 'last position',
      num: 'number of points',
      dwell: 'seconds to wait at each point before reading',
      md: 'metadata for the run',
    },
  },
);
