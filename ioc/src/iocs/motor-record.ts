/**
 * One simulated EPICS motor record: the fields ophyd's EpicsMotor (and ophyd-async's Motor) use,
 * behaving as the motor record (epics-modules/motor, motorRecord.cc) does where a client can tell:
 *
 * - Positions are kept in dial units; user = dial × (DIR Pos ? 1 : −1) + OFF. The soft limits are
 *   the dial limits DHLM/DLLM, and HLM/LLM are their user-unit image, so OFF and DIR move them.
 * - VAL and RBV publish HLM/LLM as their control and display limits, DRBV the dial limits, RRBV
 *   the dial limits in steps, VELO its range VBAS..VMAX (a VELO outside it is clamped into it).
 * - Every put to VAL blinks DMOV 1 → 0 → 1, even one that moves nothing (a null move, or one below
 *   a motor step), so clients that wait for the DMOV transition never hang. The put completes when
 *   the move ends.
 * - A target past the soft limits does not move: LVIO = 1, VAL keeps its previous value, and the
 *   put completes normally, as on the real record (its process() returns OK). Clients see the
 *   refusal in LVIO and VAL, or beforehand in the control limits. A move back towards the limits
 *   from outside them is allowed, as on the real record.
 * - There are no retries: a move lands on its target exactly, so RDBD (the retry deadband) is
 *   published but never needed.
 */
import { type ProcessVariable, PutError, pv, type Values } from '@ophyd-service/epics-ca';

export const TICK_S = 0.1;
const SPMG = { STOP: 0, PAUSE: 1, MOVE: 2, GO: 3 };

export interface MotorSettings {
  velo: number;
  /** Fastest allowed VELO (VMAX). */
  vmax: number;
  prec: number;
  /** User limits with OFF = 0 and DIR = Pos, hence also the dial limits. */
  llm: number;
  hlm: number;
}

export interface MotorRecord {
  pvs: ProcessVariable[];
  /** One 10 Hz motion step. */
  step(): void;
  /** Completes every pending put (the IOC is stopping). */
  cancel(): void;
}

export function motorRecord(name: string, settings: MotorSettings): MotorRecord {
  const f = (field: string) => `${name}.${field}`;
  const ro = { writable: false };
  const prec = { precision: settings.prec };
  const pending: (() => void)[] = [];

  // Dial-unit state: where the motor is and where it is going (the real record's DRBV and DVAL).
  let dialPosition = 0;
  let dialTarget = 0;

  const rbv = pv.double(f('RBV'), 0, { ...ro, ...prec, units: 'mm' });
  const drbv = pv.double(f('DRBV'), 0, { ...ro, ...prec, units: 'mm' });
  const rrbv = pv.long(f('RRBV'), 0, ro);
  const dmov = pv.short(f('DMOV'), 1, ro);
  const movn = pv.short(f('MOVN'), 0, ro);
  const tdir = pv.short(f('TDIR'), 1, ro);
  const hls = pv.short(f('HLS'), 0, ro);
  const lls = pv.short(f('LLS'), 0, ro);
  const lvio = pv.short(f('LVIO'), 0, ro);
  const accl = pv.double(f('ACCL'), 1, { precision: 3, units: 'sec' });
  const mres = pv.double(f('MRES'), 1e-6, { precision: 9, units: 'mm' });
  const rdbd = pv.double(f('RDBD'), 10 ** -settings.prec, { ...prec, units: 'mm' });
  const dir = pv.enum(f('DIR'), ['Pos', 'Neg'], 0, { onPut: (values, self) => changeFrame(self, values) });
  const off = pv.double(f('OFF'), 0, {
    ...prec,
    units: 'mm',
    onPut: (values, self) => changeFrame(self, values),
  });
  const foff = pv.enum(f('FOFF'), ['Variable', 'Frozen'], 0);
  const set = pv.enum(f('SET'), ['Use', 'Set'], 0);

  const sign = () => (Number(dir.value) === 1 ? -1 : 1);
  const toUser = (dial: number) => dial * sign() + Number(off.value);
  const toDial = (user: number) => (user - Number(off.value)) * sign();

  // Limits: the dial pair is the truth; the user pair follows it through OFF and DIR.
  const dialLimit = (field: string, initial: number) =>
    pv.double(f(field), initial, {
      ...prec,
      units: 'mm',
      onPut: (values, self) => {
        self.post(values);
        publishLimits();
      },
    });
  const dhlm = dialLimit('DHLM', settings.hlm);
  const dllm = dialLimit('DLLM', settings.llm);
  // A user limit sets the dial limit on the same side in dial units (the opposite one when DIR = Neg).
  const userLimit = (field: string, initial: number, high: boolean) =>
    pv.double(f(field), initial, {
      ...prec,
      units: 'mm',
      onPut: (values) => {
        const dial = toDial(Number(values[0]));
        const target = high === (sign() === 1) ? dhlm : dllm;
        target.post(dial);
        publishLimits();
      },
    });
  const hlm = userLimit('HLM', settings.hlm, true);
  const llm = userLimit('LLM', settings.llm, false);

  const vbas = pv.double(f('VBAS'), 0, {
    ...prec,
    units: 'mm/sec',
    onPut: (values, self) => {
      self.post(Math.max(0, Number(values[0])));
      publishSpeedRange();
    },
  });
  const vmax = pv.double(f('VMAX'), settings.vmax, {
    ...prec,
    units: 'mm/sec',
    onPut: (values, self) => {
      self.post(Math.max(0, Number(values[0])));
      publishSpeedRange();
    },
  });
  // VELO is clamped into VBAS..VMAX (VMAX 0: no upper bound), as the record's range_check does.
  const velo = pv.double(f('VELO'), settings.velo, {
    ...prec,
    units: 'mm/sec',
    onPut: (values, self) => {
      const high = Number(vmax.value);
      let speed = Math.max(Number(vbas.value), Number(values[0]));
      if (high !== 0) speed = Math.min(high, speed);
      self.post(speed);
    },
  });

  const val: ProcessVariable = pv.double(name, 0, {
    ...prec,
    units: 'mm',
    description: 'Simulated motor',
    onPut: (values) => moveTo(Number(values[0])),
  });

  function publishLimits(): void {
    const [dialLow, dialHigh] = [Number(dllm.value), Number(dhlm.value)];
    const [userLow, userHigh] =
      sign() === 1 ? [toUser(dialLow), toUser(dialHigh)] : [toUser(dialHigh), toUser(dialLow)];
    if (hlm.value !== userHigh) hlm.post(userHigh);
    if (llm.value !== userLow) llm.post(userLow);
    const user = { controlLow: userLow, controlHigh: userHigh, displayLow: userLow, displayHigh: userHigh };
    val.setMeta({ limits: user });
    rbv.setMeta({ limits: user });
    drbv.setMeta({
      limits: { controlLow: dialLow, controlHigh: dialHigh, displayLow: dialLow, displayHigh: dialHigh },
    });
    const steps = [dialLow, dialHigh].map((d) => d / Number(mres.value)).sort((a, b) => a - b);
    rrbv.setMeta({
      limits: { controlLow: steps[0], controlHigh: steps[1], displayLow: steps[0], displayHigh: steps[1] },
    });
  }

  function publishSpeedRange(): void {
    const [low, high] = [Number(vbas.value), Number(vmax.value)];
    velo.setMeta({ limits: { controlLow: low, controlHigh: high, displayLow: low, displayHigh: high } });
  }

  function publishPosition(): void {
    const user = toUser(dialPosition);
    rbv.post(user);
    drbv.post(dialPosition);
    rrbv.post(Math.round(dialPosition / Number(mres.value)));
    const limited = Number(hlm.value) > Number(llm.value);
    hls.post(limited && user >= Number(hlm.value) ? 1 : 0);
    lls.post(limited && user <= Number(llm.value) ? 1 : 0);
  }

  /** OFF or DIR changed: the dial position stays, so VAL, RBV and the user limits move. */
  function changeFrame(field: ProcessVariable, values: Values): void {
    field.post(values);
    val.post(toUser(dialTarget));
    publishPosition();
    publishLimits();
  }

  /** Whether a move to `dial` breaks the soft limits (the real record's LVIO test, without backlash). */
  function violatesLimits(dial: number): boolean {
    const [low, high] = [Number(dllm.value), Number(dhlm.value)];
    if (low === 0 && high === 0) return false; // both 0: limits off
    if (low > high) return true;
    const towardsRange = (dial > high && dial < dialTarget) || (dial < low && dial > dialTarget);
    return !towardsRange && (dial > high || dial < low);
  }

  const moving = () => Number(movn.value) === 1 || pending.length > 0;

  function moveTo(user: number): void | Promise<void> {
    if (!Number.isFinite(user)) throw new PutError(`${name}: the target must be a finite number`);
    // The record blinks DMOV for every write to VAL before it looks at the request.
    if (Number(dmov.value) === 1) dmov.post(0);
    const done = () => {
      if (!moving()) dmov.post(1);
    };
    if (Number(set.value) === 1) {
      // Set mode redefines the position instead of moving: OFF (Variable) or the dial (Frozen) gives.
      if (Number(foff.value) === 0) off.post(user - dialPosition * sign());
      else dialPosition = toDial(user);
      dialTarget = dialPosition;
      val.post(user);
      publishPosition();
      publishLimits();
      return done();
    }
    const dial = toDial(user);
    const refused = violatesLimits(dial);
    if (Number(lvio.value) !== (refused ? 1 : 0)) lvio.post(refused ? 1 : 0);
    if (refused) {
      val.post(toUser(dialTarget)); // back to the last accepted target
      return done();
    }
    val.post(user);
    dialTarget = dial;
    const steps = Number(mres.value);
    if (!moving() && Math.round(dial / steps) === Math.round(dialPosition / steps)) {
      return done(); // less than one motor step away: nothing to move
    }
    tdir.post(user > Number(rbv.value) ? 1 : 0);
    if (Number(movn.value) === 0) movn.post(1);
    return new Promise<void>((resolve) => pending.push(resolve));
  }

  function endMove(): void {
    dialTarget = dialPosition;
    if (Number(movn.value) === 1) movn.post(0);
    dmov.post(1);
    for (const resolve of pending.splice(0)) resolve();
  }

  function halt(): void {
    val.post(toUser(dialPosition));
    endMove();
  }

  const stop = pv.short(f('STOP'), 0, {
    onPut: (values, self) => {
      if (Number(values[0]) !== 0 && moving()) halt();
      self.post(0);
    },
  });
  // Stop halts and gives up the move; Pause holds it until Move/Go.
  const spmg = pv.enum(f('SPMG'), ['Stop', 'Pause', 'Move', 'Go'], SPMG.GO, {
    onPut: (values, self) => {
      self.post(values);
      if (Number(values[0]) === SPMG.STOP && moving()) halt();
    },
  });
  // Homing drives to user position 0 (there is no home switch to find).
  const home = (field: string) =>
    pv.short(f(field), 0, {
      onPut: async (values, self) => {
        if (Number(values[0]) === 0) return self.post(0);
        self.post(1);
        try {
          await moveTo(0);
        } finally {
          self.post(0);
        }
      },
    });

  const step = () => {
    if (pending.length === 0) return;
    const mode = Number(spmg.value);
    if (mode === SPMG.STOP || mode === SPMG.PAUSE) return;
    const stride = Math.max(Number(velo.value), 1e-9) * TICK_S;
    const remaining = dialTarget - dialPosition;
    dialPosition = Math.abs(remaining) <= stride ? dialTarget : dialPosition + Math.sign(remaining) * stride;
    publishPosition();
    if (dialPosition === dialTarget) endMove();
  };

  publishLimits();
  publishSpeedRange();
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
    vbas,
    vmax,
    accl,
    hlm,
    llm,
    dhlm,
    dllm,
    rdbd,
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
  return { pvs, step, cancel: () => endMove() };
}
