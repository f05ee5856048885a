/**
 * The `mini:` beamline: a beam current, three jitter detectors (pinhole, edge, slit) each with a
 * finite-speed motor, and a 480×640 "moving dot" area detector. PV names, types, counts, rates and
 * physics follow the reference IOC (spec: integration-iocs-pods §1.1). Two deliberate differences:
 * a move with `vel <= 0` is instant instead of hanging the write, and a new move replaces the one in
 * progress instead of interleaving with it.
 */
import { type ProcessVariable, PutError, pv, type Values } from '@ophyd-service/epics-ca';
import { type Ioc, type IocContext, type IocDefinition, Loops } from '../ioc.ts';
import { CancelledError } from '../sim/clock.ts';
import { erfc } from '../sim/erfc.ts';

/** Counts per unit current per unit exposure. */
export const N_PER_I_PER_S = 200;
export const ROWS = 480;
export const COLS = 640;

/** Detector shape functions of motor position m. */
export const SHAPES = {
  ph: (m: number) => Math.exp(-(m * m) / (2 * 25)),
  edge: (m: number) => 0.5 * erfc((5 - m) / 2.5),
  slit: (m: number) => 0.5 * (erfc((m - 7.5) / 2.5) - erfc((m + 7.5) / 2.5)),
};

export const beamCurrent = (t: number) => 500 + 25 * Math.sin((2 * Math.PI * t) / 4);

const clipAtZero = (values: Values, self: ProcessVariable) => self.post(Math.max(0, Number(values[0])));

function create({ prefix, clock, random }: IocContext): Ioc {
  const loops = new Loops();
  const current = pv.double(`${prefix}current`, 500, { writable: false, description: 'Beam current' });
  const pvs: ProcessVariable[] = [current];
  const records: Ioc['records'] = {};

  const detectors = (Object.keys(SHAPES) as (keyof typeof SHAPES)[]).map((group) => {
    const p = `${prefix}${group}:`;
    const det = pv.double(`${p}det`, 0, { writable: false, description: `${group} detector` });
    const exp = pv.double(`${p}exp`, 1, { onPut: clipAtZero, description: 'Exposure multiplier' });
    const vel = pv.double(`${p}vel`, 1, { description: 'Motor speed' });
    const tickRate = pv.double(`${p}mtr_tick_rate`, 10, { units: 'Hz', description: 'Motor update rate' });
    let motion: AbortController | undefined;
    const mtr = pv.double(`${p}mtr`, 0, {
      precision: 3,
      description: 'Motor',
      // Put-completion waits for the end of the move, which a newer move cancels and replaces.
      onPut: async (values, self) => {
        const target = Number(values[0]);
        if (!Number.isFinite(target)) throw new PutError(`${self.name}: target must be a finite number`);
        motion?.abort();
        const controller = new AbortController();
        motion = controller;
        try {
          await move(self, target, Number(vel.value), Number(tickRate.value), controller.signal);
        } catch (err) {
          if (!(err instanceof CancelledError)) throw err;
        } finally {
          if (motion === controller) motion = undefined;
        }
      },
    });
    records[mtr.name] = { rtyp: 'ai', desc: 'Motor' };
    pvs.push(det, mtr, exp, vel, tickRate);
    const shape = SHAPES[group];
    return {
      tick: () =>
        det.post(
          random.poisson(
            N_PER_I_PER_S * Number(current.value) * Number(exp.value) * shape(Number(mtr.value)),
          ),
        ),
      stop: () => motion?.abort(),
    };
  });

  async function move(mtr: ProcessVariable, target: number, vel: number, rate: number, signal: AbortSignal) {
    const start = Number(mtr.value);
    const dwell = rate > 0 ? 1 / rate : 0.1;
    const steps = vel > 0 ? Math.floor(Math.abs(target - start) / vel / dwell) : 0;
    for (let k = 1; k <= steps; k++) {
      await clock.sleep(dwell, signal);
      mtr.post(start + (k * (target - start)) / steps);
    }
    mtr.post(target);
  }

  const d = `${prefix}dot:`;
  const image = pv.double(`${d}det`, new Float64Array(ROWS * COLS), {
    writable: false,
    description: 'Dot image',
  });
  const imgSum = pv.double(`${d}img_sum`, 0, { writable: false, description: 'Sum of the image' });
  const mtrx = pv.double(`${d}mtrx`, 0, { description: 'Dot X motor' });
  const mtry = pv.double(`${d}mtry`, 0, { description: 'Dot Y motor' });
  const dotExp = pv.double(`${d}exp`, 1, { onPut: clipAtZero, description: 'Exposure multiplier' });
  const shutter = pv.long(`${d}shutter_open`, 1, { description: '1 = open, 0 = closed' });
  pvs.push(
    image,
    imgSum,
    mtrx,
    mtry,
    dotExp,
    shutter,
    pv.long(`${d}ArraySizeY_RBV`, ROWS, { writable: false }),
    pv.long(`${d}ArraySizeX_RBV`, COLS, { writable: false }),
    pv.long(`${d}ArraySize_RBV`, [ROWS, COLS], { writable: false }),
  );

  function dotTick(): void {
    const frame = dotImage({
      current: Number(current.value),
      exp: Number(dotExp.value),
      mtrx: Number(mtrx.value),
      mtry: Number(mtry.value),
      open: Number(shutter.value) !== 0,
      poisson: (lambda) => random.poisson(lambda),
    });
    image.post(frame.pixels);
    imgSum.post(frame.sum);
  }

  return {
    pvs,
    records,
    start() {
      loops.add(clock.every(0.1, () => current.post(beamCurrent(clock.now()))));
      loops.add(clock.every(0.5, () => detectors.forEach((det) => det.tick())));
      loops.add(clock.every(2.0, dotTick));
    },
    stop() {
      loops.stopAll();
      for (const det of detectors) det.stop();
    },
  };
}

export interface DotInputs {
  current: number;
  exp: number;
  mtrx: number;
  mtry: number;
  open: boolean;
  poisson: (lambda: number) => number;
}

/**
 * One dot frame: Poisson(1000) background per pixel, plus, with the shutter open, Poisson counts of a
 * 2-D Gaussian (σ 50 columns, 25 rows) centred opposite to the motors and attenuated away from 0.
 */
export function dotImage(inputs: DotInputs): { pixels: Float64Array; sum: number } {
  const pixels = new Float64Array(ROWS * COLS);
  const cx = COLS / 2 - inputs.mtrx;
  const cy = ROWS / 2 - inputs.mtry;
  const peak =
    N_PER_I_PER_S * inputs.current * inputs.exp * Math.exp(-(inputs.mtrx ** 2 + inputs.mtry ** 2) / 100 ** 2);
  const columnShape = new Float64Array(COLS);
  for (let x = 0; x < COLS; x++) columnShape[x] = Math.exp(-((x - cx) ** 2) / (2 * 50 ** 2));
  let sum = 0;
  for (let y = 0; y < ROWS; y++) {
    const rowShape = Math.exp(-((y - cy) ** 2) / (2 * 25 ** 2));
    for (let x = 0; x < COLS; x++) {
      let v = inputs.poisson(1000);
      if (inputs.open) {
        const mean = peak * rowShape * columnShape[x];
        if (mean > 1e-3) v += inputs.poisson(mean);
      }
      pixels[y * COLS + x] = v;
      sum += v;
    }
  }
  return { pixels, sum };
}

export const miniBeamline: IocDefinition = {
  description: 'the mini: beamline: beam current, pinhole/edge/slit detectors with motors, moving-dot camera',
  defaultPrefix: 'mini:',
  create,
};
