/**
 * The simulated hardware of ophyd.sim.hw() that the reference's simulated profile uses, with the
 * same names, centres and amplitudes, on an injectable clock and a seeded noise generator.
 */
import { type Clock, wallClock } from '../clock.ts';
import { SynAxis } from './axis.ts';
import { TrivialFlyer } from './flyer.ts';
import { Syn2DGauss, SynGauss } from './gauss.ts';
import { seededRandom } from './random.ts';
import { SimSignal } from './signal.ts';

export interface HwOptions {
  clock?: Clock;
  seed?: number;
  /** Seconds each simulated move takes (0: instant, as ophyd.sim's default). */
  motorDelay?: number;
}

export function hw({ clock = wallClock, seed = 0, motorDelay = 0 }: HwOptions = {}) {
  const random = seededRandom(seed);
  const axis = (name: string, jitter = false) =>
    new SynAxis({
      name,
      clock,
      delay: motorDelay,
      ...(jitter ? { readback_func: (x: number) => x + random() } : {}),
    });
  const motor = axis('motor');
  const motor1 = axis('motor1');
  const motor2 = axis('motor2');
  const motor3 = axis('motor3');
  const jittery_motor1 = axis('jittery_motor1', true);
  const jittery_motor2 = axis('jittery_motor2', true);
  const common = { clock, random };
  return {
    motor,
    motor1,
    motor2,
    motor3,
    jittery_motor1,
    jittery_motor2,
    noisy_det: new SynGauss('noisy_det', motor, 'motor', {
      ...common,
      center: 0,
      Imax: 1,
      noise: 'uniform',
      sigma: 1,
      noise_multiplier: 0.1,
    }),
    det: new SynGauss('det', motor, 'motor', { ...common, center: 0, Imax: 1, sigma: 1 }),
    identical_det: new SynGauss('det', motor, 'motor', { ...common, center: 0, Imax: 1, sigma: 1 }),
    det1: new SynGauss('det1', motor1, 'motor1', { ...common, center: 0, Imax: 5, sigma: 0.5 }),
    det2: new SynGauss('det2', motor2, 'motor2', { ...common, center: 1, Imax: 2, sigma: 2 }),
    det3: new SynGauss('det3', motor3, 'motor3', { ...common, center: -1, Imax: 2, sigma: 1 }),
    det4: new Syn2DGauss('det4', motor1, 'motor1', motor2, 'motor2', { ...common, center: [0, 0], Imax: 1 }),
    sig: new SimSignal('sig', { value: 0, clock }),
    trivial_flyer: new TrivialFlyer(),
    det5: new Syn2DGauss('det5', jittery_motor1, 'jittery_motor1', jittery_motor2, 'jittery_motor2', {
      ...common,
      center: [0, 0],
      Imax: 1,
    }),
  };
}

export type Hw = ReturnType<typeof hw>;
