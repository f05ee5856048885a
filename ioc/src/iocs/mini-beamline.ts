/**
 * The `mini:` beamline: a beam current, three jitter detectors (pinhole, edge, slit) each with a
 * finite-speed motor, and a 480×640 "moving dot" area detector. PV names, types, counts, rates and
 * physics follow the reference IOC (spec: integration-iocs-pods §1.1). Deliberate differences (see
 * ioc/README.md): a move with `vel <= 0` is instant instead of hanging the write, a new move replaces
 * the one in progress instead of interleaving with it, and every PV publishes a range (the
 * reference's are all 0/0), which writes are held to.
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

// Ranges (README "Limits"): each writable PV publishes its range as control and display limits.
// Positions refuse a target outside their travel, as caproto does past control limits; settings
// are clamped into their range, as an ao record's DRVL/DRVH do (so a negative exposure stores 0,
// as in the reference). Readbacks publish display limits only.
const range = (low: number, high: number) => ({
  controlLow: low,
  controlHigh: high,
  displayLow: low,
  displayHigh: high,
});
const display = (low: number, high: number) => ({ displayLow: low, displayHigh: high });
/** Top of the beam current's display range; detector ranges are the counts at this current. */
const CURRENT_DISPLAY_HIGH = 550;
const TRAVEL = range(-30, 30);
const EXPOSURE = range(0, 10);
const SPEED = range(0, 10);
const TICK_RATE = range(1, 100);
const DOT_BACKGROUND = 1000;
/** Counts of a jitter detector at the top of the current range, with the shape function at 1. */
const detectorCounts = (exp: number) => N_PER_I_PER_S * CURRENT_DISPLAY_HIGH * exp;
/** The dot's Gaussian holds 2π·σx·σy times its peak (σ 50 by 25 pixels). */
const spotCounts = (exp: number) => 2 * Math.PI * 50 * 25 * detectorCounts(exp);

const finite = (values: Values, self: ProcessVariable) => {
  if (!Number.isFinite(Number(values[0])))
    throw new PutError(`${self.name}: the target must be a finite number`);
  self.post(values);
};

function create({ prefix, clock, random }: IocContext): Ioc {
  const loops = new Loops();
  const current = pv.double(`${prefix}current`, 500, {
    writable: false,
    description: 'Beam current',
    limits: display(0, CURRENT_DISPLAY_HIGH),
  });
  const pvs: ProcessVariable[] = [current];
  const records: Ioc['records'] = {};

  const detectors = (Object.keys(SHAPES) as (keyof typeof SHAPES)[]).map((group) => {
    const p = `${prefix}${group}:`;
    const det = pv.double(`${p}det`, 0, {
      writable: false,
      description: `${group} detector`,
      limits: display(0, detectorCounts(1)),
    });
    // The detector's display range follows the exposure it is counted with.
    const exp = pv.double(`${p}exp`, 1, {
      description: 'Exposure multiplier',
      limits: EXPOSURE,
      outsideLimits: 'clamp',
      onPut: (values, self) => {
        self.post(values);
        det.setMeta({ limits: display(0, detectorCounts(Number(self.value))) });
      },
    });
    const vel = pv.double(`${p}vel`, 1, {
      description: 'Motor speed',
      limits: SPEED,
      outsideLimits: 'clamp',
    });
    const tickRate = pv.double(`${p}mtr_tick_rate`, 10, {
      units: 'Hz',
      description: 'Motor update rate',
      limits: TICK_RATE,
      outsideLimits: 'clamp',
    });
    let motion: AbortController | undefined;
    const mtr = pv.double(`${p}mtr`, 0, {
      precision: 3,
      description: 'Motor',
      limits: TRAVEL,
      outsideLimits: 'refuse',
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
  const dotDisplay = (exp: number) => ({
    pixel: display(0, DOT_BACKGROUND + detectorCounts(exp)),
    sum: display(0, ROWS * COLS * DOT_BACKGROUND + spotCounts(exp)),
  });
  const image = pv.double(`${d}det`, new Float64Array(ROWS * COLS), {
    writable: false,
    description: 'Dot image',
    limits: dotDisplay(1).pixel,
  });
  const imgSum = pv.double(`${d}img_sum`, 0, {
    writable: false,
    description: 'Sum of the image',
    limits: dotDisplay(1).sum,
  });
  // The spot's centre stays on the sensor: ±half its width and height.
  const mtrx = pv.double(`${d}mtrx`, 0, {
    description: 'Dot X motor',
    limits: range(-COLS / 2, COLS / 2),
    outsideLimits: 'refuse',
    onPut: finite,
  });
  const mtry = pv.double(`${d}mtry`, 0, {
    description: 'Dot Y motor',
    limits: range(-ROWS / 2, ROWS / 2),
    outsideLimits: 'refuse',
    onPut: finite,
  });
  const dotExp = pv.double(`${d}exp`, 1, {
    description: 'Exposure multiplier',
    limits: EXPOSURE,
    outsideLimits: 'clamp',
    onPut: (values, self) => {
      self.post(values);
      const ranges = dotDisplay(Number(self.value));
      image.setMeta({ limits: ranges.pixel });
      imgSum.setMeta({ limits: ranges.sum });
    },
  });
  const shutter = pv.long(`${d}shutter_open`, 1, {
    description: '1 = open, 0 = closed',
    limits: range(0, 1),
    outsideLimits: 'clamp',
  });
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
