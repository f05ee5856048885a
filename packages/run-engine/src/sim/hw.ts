/**
 * The simulated hardware of ophyd.sim.hw() that the reference's simulated profile uses, with the
 * same names, centres and amplitudes, on an injectable clock and a seeded noise generator.
 */
import { type Clock, wallClock } from '../clock.ts';
import { SynAxis, SynAxisNoPosition } from './axis.ts';
import { abDetector, detWithConf, detWithCountTime, directImage } from './detectors.ts';
import { MockFlyer, NewTrivialFlyer, TrivialFlyer } from './flyer.ts';
import { Syn2DGauss, SynGauss } from './gauss.ts';
import { pseudo1x3, pseudo3x3 } from './pseudo.ts';
import { seededRandom } from './random.ts';
import { SynSignalWithRegistry } from './registry.ts';
import { SimSignal } from './signal.ts';
import { InvariantSignal, SynPeriodicSignal, SynSignal } from './synsignal.ts';

export interface HwOptions {
  clock?: Clock;
  seed?: number;
  /** Seconds each simulated move takes (0: instant, as ophyd.sim's default). */
  motorDelay?: number;
  /** Where `img` writes its frames (a fresh temporary directory at its first stage otherwise). */
  save_path?: string;
}

const ones = (rows: number, cols: number) => Array.from({ length: rows }, () => new Array(cols).fill(1));

/** ophyd.sim.hw(): every simulated device by its ophyd.sim name. */
export function hw({ clock = wallClock, seed = 0, motorDelay = 0, save_path }: HwOptions = {}) {
  const random = seededRandom(seed);
  const axis = (name: string, options: Partial<ConstructorParameters<typeof SynAxis>[0]> = {}) =>
    new SynAxis({ name, clock, delay: motorDelay, ...options });
  const jitter = { readback_func: (x: number) => x + random() };
  const motor = axis('motor');
  const motor1 = axis('motor1');
  const motor2 = axis('motor2');
  const motor3 = axis('motor3');
  const jittery_motor1 = axis('jittery_motor1', jitter);
  const jittery_motor2 = axis('jittery_motor2', jitter);
  const common = { clock, random };
  const det = new SynGauss('det', motor, 'motor', { ...common, center: 0, Imax: 1, sigma: 1 });
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
    det,
    identical_det: new SynGauss('det', motor, 'motor', { ...common, center: 0, Imax: 1, sigma: 1 }),
    det1: new SynGauss('det1', motor1, 'motor1', { ...common, center: 0, Imax: 5, sigma: 0.5 }),
    det2: new SynGauss('det2', motor2, 'motor2', { ...common, center: 1, Imax: 2, sigma: 2 }),
    det3: new SynGauss('det3', motor3, 'motor3', { ...common, center: -1, Imax: 2, sigma: 1 }),
    det4: new Syn2DGauss('det4', motor1, 'motor1', motor2, 'motor2', { ...common, center: [0, 0], Imax: 1 }),
    det5: new Syn2DGauss('det5', jittery_motor1, 'jittery_motor1', jittery_motor2, 'jittery_motor2', {
      ...common,
      center: [0, 0],
      Imax: 1,
    }),
    flyer1: new MockFlyer('flyer1', det, motor, 1, 5, 20, { clock }),
    flyer2: new MockFlyer('flyer2', det, motor, 1, 5, 10, { clock }),
    trivial_flyer: new TrivialFlyer(),
    new_trivial_flyer: new NewTrivialFlyer(),
    ab_det: abDetector('det', clock, random),
    // An area detector that puts its image (a numpy array) in the event itself...
    direct_img: directImage('direct', 'img', () => ones(10, 10), clock, true),
    // ...and one whose image is a nested Python list.
    direct_img_list: directImage('direct', 'direct_img_list', () => ones(10, 10), clock, false),
    // An area detector that writes each image to a file, events holding datum ids.
    img: new SynSignalWithRegistry('img', { func: () => ones(10, 10), numpy: true, clock, save_path }),
    invariant1: new InvariantSignal('invariant1', { func: () => 0, clock }),
    invariant2: new InvariantSignal('invariant2', { func: () => 0, clock }),
    pseudo3x3: pseudo3x3('pseudo3x3', clock),
    pseudo1x3: pseudo1x3('pseudo1x3', clock),
    sig: new SimSignal('sig', { value: 0, clock }),
    det_with_conf: detWithConf('det', clock),
    det_with_count_time: detWithCountTime('det', clock),
    rand: new SynPeriodicSignal('rand', { random, clock }),
    rand2: new SynPeriodicSignal('rand2', { random, clock }),
    motor_no_pos: new SynAxisNoPosition({ name: 'motor', clock, delay: motorDelay }),
    bool_sig: new SimSignal('bool_sig', { value: false, clock }),
    motor_empty_hints1: axis('motor1', { hints: 'empty', classname: 'SynAxisEmptyHints' }),
    motor_empty_hints2: axis('motor2', { hints: 'empty', classname: 'SynAxisEmptyHints' }),
    motor_no_hints1: axis('motor1', { hints: 'none', classname: 'SynAxisNoHints' }),
    motor_no_hints2: axis('motor2', { hints: 'none', classname: 'SynAxisNoHints' }),
    signal: new SynSignal('signal', { clock }),
  };
}

export type Hw = ReturnType<typeof hw>;
