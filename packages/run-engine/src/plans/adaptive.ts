/**
 * Plans that decide their next point from the last reading: adaptive_scan (step size follows the
 * signal's slope) and tune_centroid (repeated passes narrowing onto the signal's centroid), with
 * bluesky's arithmetic so the same readings give the same positions.
 */
import { msg, type SyncPlan } from '../msg.ts';
import { nameOf, type Reading } from '../protocols.ts';
import { repr } from './plans.ts';
import {
  relative_set_wrapper,
  reset_positions_wrapper,
  run_wrapper,
  stage_wrapper,
} from './preprocessors.ts';
import { mv, trigger_and_read } from './stubs.ts';

type Md = Record<string, unknown>;
const clip = (x: number, low: number, high: number) => Math.min(Math.max(x, low), high);
const fields = (m: unknown) => (m as { hints?: { fields?: string[] } })?.hints?.fields;

function withDimensions(md: Md, motor: unknown): Md {
  const hints = { ...((md.hints as Md) ?? {}) };
  if (fields(motor)) hints.dimensions ??= [[fields(motor), 'primary']];
  return { ...md, hints };
}

/** Scan one motor with a step that shrinks where the target field changes fast and grows where it is flat. */
export function* adaptive_scan(
  detectors: unknown[],
  target_field: string,
  motor: unknown,
  start: number,
  stop: number,
  min_step: number,
  max_step: number,
  target_delta: number,
  backstep: boolean,
  threshold: number | null = 0.8,
  { md = null as Md | null } = {},
): SyncPlan<unknown> {
  if (!(0 < min_step && min_step < max_step)) {
    throw new RangeError('min_step and max_step must meet condition of max_step > min_step > 0');
  }
  const _md = withDimensions(
    {
      detectors: detectors.map(nameOf),
      motors: [nameOf(motor)],
      plan_args: {
        detectors: detectors.map(repr),
        motor: repr(motor),
        start,
        stop,
        min_step,
        max_step,
        target_delta,
        backstep,
        threshold,
      },
      plan_name: 'adaptive_scan',
      hints: {},
      ...(md ?? {}),
    },
    motor,
  );
  const devices = [...new Set([...detectors, motor])];
  function* core(): SyncPlan<void> {
    let next_pos = start;
    let step = (max_step - min_step) / 2;
    let past_I: number | null = null;
    let cur_I: number | null = null;
    const direction = stop >= start ? 1 : -1;
    while (next_pos * direction < stop * direction) {
      yield msg('checkpoint');
      yield* mv(motor, next_pos);
      yield msg('create', null, [], { name: 'primary' });
      for (const det of detectors) yield msg('trigger', det, [], { group: 'B' });
      yield msg('wait', null, ['B']);
      for (const det of devices) {
        const reading = (yield msg('read', det)) as Record<string, Reading>;
        if (target_field in reading) cur_I = Number(reading[target_field].value);
      }
      yield msg('save');
      if (past_I === null) {
        past_I = cur_I;
        next_pos += step * direction;
        continue;
      }
      const slope = Math.abs(Number(cur_I) - past_I) / step;
      const new_step = slope
        ? clip(target_delta / slope, min_step, max_step)
        : Math.min(step * 1.1, max_step);
      if (backstep && new_step < step * (threshold ?? 0)) {
        next_pos -= step; // too big a change: go back and retake it with the smaller step
        step = new_step;
      } else {
        past_I = cur_I;
        step = 0.2 * new_step + 0.8 * step;
      }
      next_pos += step * direction;
    }
  }
  return yield* stage_wrapper(run_wrapper(core(), { md: _md }), [...detectors, motor]);
}

export function* rel_adaptive_scan(
  detectors: unknown[],
  target_field: string,
  motor: unknown,
  start: number,
  stop: number,
  min_step: number,
  max_step: number,
  target_delta: number,
  backstep: boolean,
  threshold: number | null = 0.8,
  { md = null as Md | null } = {},
): SyncPlan<unknown> {
  const _md = { plan_name: 'rel_adaptive_scan', ...(md ?? {}) };
  const plan = adaptive_scan(
    detectors,
    target_field,
    motor,
    start,
    stop,
    min_step,
    max_step,
    target_delta,
    backstep,
    threshold,
    { md: _md },
  );
  return yield* reset_positions_wrapper(relative_set_wrapper(plan, [motor]), [motor]);
}

/**
 * Tune a motor to the centroid of `signal`: scan `num` points, move the range (narrowed by
 * `step_factor`) onto the centroid, and repeat until the step is below `min_step`; then go there.
 */
export function* tune_centroid(
  detectors: unknown[],
  signal: string,
  motor: unknown,
  start: number,
  stop: number,
  min_step: number,
  num = 10,
  step_factor = 3.0,
  snake = false,
  { md = null as Md | null } = {},
): SyncPlan<unknown> {
  if (min_step <= 0) throw new RangeError('min_step must be positive');
  if (step_factor <= 1.0) throw new RangeError('step_factor must be greater than 1.0');
  const hinted = fields(motor);
  const motor_name = hinted?.length === 1 ? hinted[0] : nameOf(motor);
  const _md = withDimensions(
    {
      detectors: detectors.map(nameOf),
      motors: [nameOf(motor)],
      plan_args: { detectors: detectors.map(repr), motor: repr(motor), start, stop, num, min_step },
      plan_name: 'tune_centroid',
      hints: {},
      ...(md ?? {}),
    },
    motor,
  );
  const low_limit = Math.min(start, stop);
  const high_limit = Math.max(start, stop);
  function* core(): SyncPlan<void> {
    let [from, to] = [start, stop];
    let next_pos = from;
    let step = (to - from) / (num - 1);
    let peak: number | null = null;
    let sum_I = 0;
    let sum_xI = 0;
    while (Math.abs(step) >= min_step && low_limit <= next_pos && next_pos <= high_limit) {
      yield msg('checkpoint');
      yield* mv(motor, next_pos);
      const ret = yield* trigger_and_read([...detectors, motor]);
      const cur_I = Number(ret[signal].value);
      sum_I += cur_I;
      sum_xI += Number(ret[motor_name].value) * cur_I;
      next_pos += step;
      if (!(Math.min(from, to) <= next_pos && next_pos <= Math.max(from, to))) {
        if (sum_I === 0) return;
        peak = sum_xI / sum_I;
        sum_I = 0;
        sum_xI = 0;
        const range = (to - from) / step_factor;
        from = clip(peak - range / 2, low_limit, high_limit);
        to = clip(peak + range / 2, low_limit, high_limit);
        if (snake) [from, to] = [to, from];
        step = (to - from) / (num - 1);
        next_pos = from;
      }
    }
    if (peak !== null) yield* mv(motor, peak);
  }
  return yield* stage_wrapper(run_wrapper(core(), { md: _md }), [...detectors, motor]);
}
