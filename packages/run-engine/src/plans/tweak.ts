/**
 * bluesky's tweak: read a detector, ask for the next step, move the motor by it, and again, until
 * the answer is not a number. The question is an `input` message, answered by the RunEngine's
 * `input` option (empty answers by default: the motor keeps stepping by the last step, as in a
 * queue server worker, until the plan is stopped).
 */
import { msg, type SyncPlan } from '../msg.ts';
import { nameOf, type Reading } from '../protocols.ts';
import { repr } from './plans.ts';
import { run_wrapper, stage_wrapper } from './preprocessors.ts';

type Md = Record<string, unknown>;

/** Python's '{:.3}'.format(x): three significant digits, 'g'-like, a '.0' kept on whole numbers. */
export function formatSignificant(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(digits)))));
  if (exp < -4 || exp >= digits - 1) {
    const [mantissa, e] = x.toExponential(digits - 1).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const power = Number(e);
    return `${m}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(digits - 1 - exp, 0));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '.0') : `${fixed}.0`;
}

/** Move a motor and read a detector, the step asked for each time (see the module comment). */
export function* tweak(
  detector: unknown,
  target_field: string,
  motor: unknown,
  step: number,
  { md = null as Md | null } = {},
): SyncPlan<unknown> {
  const hints: Md = {};
  const fields = (motor as { hints?: { fields?: string[] } })?.hints?.fields;
  if (fields) hints.dimensions = [[fields, 'primary']];
  const _md: Md = {
    detectors: [nameOf(detector)],
    motors: [nameOf(motor)],
    plan_args: { detector: repr(detector), target_field, motor: repr(motor), step },
    plan_name: 'tweak',
    hints,
    ...(md ?? {}),
  };

  function* tweak_core(): SyncPlan<void> {
    while (true) {
      yield msg('create', null, [], { name: 'primary' });
      const motorReading = (yield msg('read', motor)) as Record<string, Reading> | null;
      if (motorReading === null || motorReading === undefined) return;
      const pos = Number(Object.values(motorReading)[0].value);
      yield msg('trigger', detector, [], { group: 'A' });
      yield msg('wait', null, ['A']);
      const reading = (yield msg('read', detector)) as Record<string, Reading>;
      const val = Number(reading[target_field].value);
      yield msg('save');
      const prompt = `${nameOf(motor)}, ${formatSignificant(pos)}, ${formatSignificant(val)}, (${step}) `;
      const answer = (yield msg('input', null, [], { prompt })) as string | null;
      if (answer) {
        const next = answer.trim() === '' ? Number.NaN : Number(answer);
        if (Number.isNaN(next)) break; // not a number: the end, as Python's float() failing
        step = next;
      }
      yield msg('set', motor, [pos + step], { group: 'A' });
      yield msg('wait', null, ['A']);
    }
  }

  return yield* stage_wrapper(run_wrapper(tweak_core(), { md: _md }), [detector, motor]);
}
