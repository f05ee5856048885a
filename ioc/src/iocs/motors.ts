/**
 * Simulated EPICS motor records `sim:mtr1..3` (spec: integration-iocs-pods §1.3), each a
 * motor-record.ts record moved by one 10 Hz loop. Differences from the reference
 * (caproto's fake_motor_record) are listed in ioc/README.md: the soft limits are enforced and
 * published as VAL's control limits, and a put to VAL completes when the move ends.
 */
import { type Ioc, type IocContext, type IocDefinition, Loops } from '../ioc.ts';
import { type MotorSettings, motorRecord, TICK_S } from './motor-record.ts';

export type { MotorSettings } from './motor-record.ts';

export const MOTOR_SETTINGS: MotorSettings[] = [
  { velo: 1, vmax: 5, prec: 3, llm: 0, hlm: 10 },
  { velo: 2, vmax: 10, prec: 2, llm: -10, hlm: 20 },
  { velo: 3, vmax: 15, prec: 2, llm: 0, hlm: 30 },
];

function create({ prefix, clock }: IocContext): Ioc {
  const loops = new Loops();
  const motors = MOTOR_SETTINGS.map((settings, i) => motorRecord(`${prefix}mtr${i + 1}`, settings));
  const records = Object.fromEntries(
    MOTOR_SETTINGS.map((_, i) => [`${prefix}mtr${i + 1}`, { rtyp: 'motor', desc: 'Simulated motor' }]),
  );
  return {
    pvs: motors.flatMap((m) => m.pvs),
    records,
    start: () => loops.add(clock.every(TICK_S, () => motors.forEach((m) => m.step()))),
    stop: () => {
      loops.stopAll();
      motors.forEach((m) => m.cancel());
    },
  };
}

export const motors: IocDefinition = {
  description: 'simulated EPICS motor records mtr1..3 (VAL, RBV, DMOV, STOP, SPMG, limits…)',
  defaultPrefix: 'sim:',
  create,
};
