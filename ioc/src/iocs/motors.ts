/**
 * Simulated EPICS motor records `sim:mtr1..3` with the fields ophyd's EpicsMotor uses
 * (spec: integration-iocs-pods §1.3). A 10 Hz motion loop steps RBV toward VAL at VELO, with
 * DMOV/MOVN around the move. Differences from the reference: soft limits (LLM/HLM) are enforced (a
 * target outside them is refused), and a put to VAL completes when the move ends, as on a real
 * motor record, instead of at once.
 */
import { ECA, type ProcessVariable, PutError, pv } from '@ophyd-service/epics-ca';
import { type Ioc, type IocContext, type IocDefinition, Loops } from '../ioc.ts';

const TICK_S = 0.1;
const SPMG = { STOP: 0, PAUSE: 1, MOVE: 2, GO: 3 };

export interface MotorSettings {
  velo: number;
  prec: number;
  llm: number;
  hlm: number;
}

export const MOTOR_SETTINGS: MotorSettings[] = [
  { velo: 1, prec: 3, llm: 0, hlm: 10 },
  { velo: 2, prec: 2, llm: -10, hlm: 20 },
  { velo: 3, prec: 2, llm: 0, hlm: 30 },
];

function motorRecord(name: string, settings: MotorSettings) {
  const f = (field: string) => `${name}.${field}`;
  const ro = { writable: false };
  const pending: (() => void)[] = [];
  const finish = () => {
    for (const resolve of pending.splice(0)) resolve();
  };

  const rbv = pv.double(f('RBV'), 0, { ...ro, precision: settings.prec, units: 'mm' });
  const drbv = pv.double(f('DRBV'), 0, { ...ro, precision: settings.prec });
  const rrbv = pv.long(f('RRBV'), 0, ro);
  const dmov = pv.short(f('DMOV'), 1, ro);
  const movn = pv.short(f('MOVN'), 0, ro);
  const tdir = pv.short(f('TDIR'), 1, ro);
  const hls = pv.short(f('HLS'), 0, ro);
  const lls = pv.short(f('LLS'), 0, ro);
  const lvio = pv.short(f('LVIO'), 0, ro);
  const velo = pv.double(f('VELO'), settings.velo, { precision: settings.prec });
  const accl = pv.double(f('ACCL'), 1, { precision: 3 });
  const hlm = pv.double(f('HLM'), settings.hlm, { precision: settings.prec });
  const llm = pv.double(f('LLM'), settings.llm, { precision: settings.prec });
  const off = pv.double(f('OFF'), 0, { precision: settings.prec });
  const mres = pv.double(f('MRES'), 1e-6, { precision: 9 });
  const dir = pv.enum(f('DIR'), ['Pos', 'Neg'], 0);
  const foff = pv.enum(f('FOFF'), ['Variable', 'Frozen'], 0);
  const set = pv.enum(f('SET'), ['Use', 'Set'], 0);
  const sign = () => (Number(dir.value) === 1 ? -1 : 1);
  const toDial = (user: number) => (user - Number(off.value)) * sign();

  const halt = () => {
    val.post(rbv.value);
    endMove();
  };
  const endMove = () => {
    movn.post(0);
    dmov.post(1);
    finish();
  };

  const val: ProcessVariable = pv.double(name, 0, {
    precision: settings.prec,
    units: 'mm',
    description: 'Simulated motor',
    onPut: (values, self) => {
      const target = Number(values[0]);
      if (!Number.isFinite(target)) throw new PutError(`${name}: target must be a finite number`);
      if (Number(set.value) === 1) {
        // Set mode redefines the current position instead of moving.
        if (Number(foff.value) === 0) off.post(Number(off.value) + target - Number(rbv.value));
        self.post(target);
        rbv.post(target);
        return;
      }
      const low = Number(llm.value);
      const high = Number(hlm.value);
      if (high > low && (target < low || target > high)) {
        lvio.post(1);
        throw new PutError(`${name}: ${target} is outside the soft limits [${low}, ${high}]`, ECA.PUTFAIL);
      }
      lvio.post(0);
      self.post(target);
      if (target === Number(rbv.value)) return;
      tdir.post(target > Number(rbv.value) ? 1 : 0);
      movn.post(1);
      dmov.post(0);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  });

  const stop = pv.short(f('STOP'), 0, {
    onPut: (values, self) => {
      if (Number(values[0]) !== 0 && Number(dmov.value) === 0) halt();
      self.post(0);
    },
  });
  // Stop halts and gives up the move; Pause holds it until Move/Go.
  const spmg = pv.enum(f('SPMG'), ['Stop', 'Pause', 'Move', 'Go'], SPMG.GO, {
    onPut: (values, self) => {
      self.post(values);
      if (Number(values[0]) === SPMG.STOP && Number(dmov.value) === 0) halt();
    },
  });
  const home = (field: string) =>
    pv.short(f(field), 0, {
      onPut: async (values, self) => {
        if (Number(values[0]) === 0) return self.post(0);
        self.post(1);
        try {
          await val.put(Float64Array.of(0));
        } finally {
          self.post(0);
        }
      },
    });

  // One motion step; runs at 10 Hz for every motor.
  const step = () => {
    if (Number(dmov.value) === 1) return;
    const mode = Number(spmg.value);
    if (mode === SPMG.STOP || mode === SPMG.PAUSE) return;
    const position = Number(rbv.value);
    const target = Number(val.value);
    const stride = Math.max(Number(velo.value), 1e-9) * TICK_S;
    const next =
      Math.abs(target - position) <= stride ? target : position + Math.sign(target - position) * stride;
    rbv.post(next);
    drbv.post(toDial(next));
    rrbv.post(Math.round(toDial(next) / Number(mres.value)));
    hls.post(next >= Number(hlm.value) && Number(hlm.value) > Number(llm.value) ? 1 : 0);
    lls.post(next <= Number(llm.value) && Number(hlm.value) > Number(llm.value) ? 1 : 0);
    if (next === target) endMove();
  };

  const pvs = [
    val,
    rbv,
    drbv,
    rrbv,
    dmov,
    movn,
    tdir,
    hls,
    lls,
    lvio,
    velo,
    accl,
    hlm,
    llm,
    off,
    mres,
    dir,
    foff,
    set,
    stop,
    spmg,
    home('HOMF'),
    home('HOMR'),
    pv.string(f('EGU'), 'mm'),
    pv.short(f('PREC'), settings.prec),
    pv.string(f('DESC'), 'Simulated motor'),
  ];
  return { pvs, step, cancel: finish };
}

function create({ prefix, clock }: IocContext): Ioc {
  const loops = new Loops();
  const motors = MOTOR_SETTINGS.map((settings, i) => motorRecord(`${prefix}mtr${i + 1}`, settings));
  const pvs = motors.flatMap((m) => m.pvs);
  const records = Object.fromEntries(
    MOTOR_SETTINGS.map((_, i) => [`${prefix}mtr${i + 1}`, { rtyp: 'motor', desc: 'Simulated motor' }]),
  );
  return {
    pvs,
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
