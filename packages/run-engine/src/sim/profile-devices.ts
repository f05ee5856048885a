/**
 * The devices the reference's simulated profile defines itself (99-custom.py), next to ophyd.sim's:
 * `sim_bundle_A/B` (a device of sub-devices: `mtrs.x/y/z` motors and `dets.det_A/det_B` detectors
 * on the profile's motor1 and motor2), and the unit tests' `custom_test_device`,
 * `custom_test_signal` and `custom_test_flyer`. Their classes are defined in the profile's own
 * modules, which the queue server runs as `__main__`.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { SynAxis } from './axis.ts';
import { SimDevice } from './device.ts';
import { MockFlyer } from './flyer.ts';
import { SynGauss } from './gauss.ts';
import type { Hw } from './hw.ts';
import { seededRandom } from './random.ts';
import { SimSignal } from './signal.ts';

const MAIN = '__main__';

/** Three motors moved together by set(x, y, z). */
export class SimStage extends SimDevice {
  readonly x: SynAxis;
  readonly y: SynAxis;
  readonly z: SynAxis;

  constructor(name: string, clock: Clock) {
    const axis = (attr: string) => new SynAxis({ name: `${name}_${attr}`, clock });
    const [x, y, z] = ['x', 'y', 'z'].map(axis);
    const attrs = ['x', 'y', 'z'];
    super(name, { classname: 'SimStage', module: MAIN, components: { x, y, z }, read: attrs, config: attrs });
    this.x = x;
    this.y = y;
    this.z = z;
  }

  /** Moves the three motors; done when all three are. */
  set(x: number, y: number, z: number): Status {
    const statuses = [this.x.set(x), this.y.set(y), this.z.set(z)];
    if (statuses.every((s) => s.done && s.success)) return DeviceStatus.done();
    return new DeviceStatus(Promise.all(statuses.map((s) => s.finished)).then(() => {}));
  }
}

/** Two Gaussian detectors on the profile's motor1 and motor2. */
export class SimDetectors extends SimDevice {
  readonly det_A: SynGauss;
  readonly det_B: SynGauss;

  constructor(name: string, h: Pick<Hw, 'motor1' | 'motor2'>, clock: Clock) {
    const gauss = (attr: string, motor: SynAxis, field: string) =>
      new SynGauss(`${name}_${attr}`, motor, field, { center: 0, Imax: 5, sigma: 0.5, clock });
    const det_A = gauss('det_A', h.motor1, 'motor1');
    const det_B = gauss('det_B', h.motor2, 'motor2');
    const attrs = ['det_A', 'det_B'];
    super(name, {
      classname: 'SimDetectors',
      module: MAIN,
      components: { det_A, det_B },
      read: attrs,
      config: attrs,
    });
    this.det_A = det_A;
    this.det_B = det_B;
  }
}

/** A stage and a pair of detectors as one device. */
export class SimBundle extends SimDevice {
  readonly mtrs: SimStage;
  readonly dets: SimDetectors;

  constructor(name: string, h: Pick<Hw, 'motor1' | 'motor2'>, clock: Clock) {
    const mtrs = new SimStage(`${name}_mtrs`, clock);
    const dets = new SimDetectors(`${name}_dets`, h, clock);
    const attrs = ['mtrs', 'dets'];
    super(name, {
      classname: 'SimBundle',
      module: MAIN,
      components: { mtrs, dets },
      read: attrs,
      config: attrs,
    });
    this.mtrs = mtrs;
    this.dets = dets;
  }
}

/** 99-custom.py's devices, built over the profile's ophyd.sim devices `h`. */
export function profileDevices(
  h: Pick<Hw, 'motor1' | 'motor2'>,
  { clock = wallClock }: { clock?: Clock } = {},
) {
  // custom_test_flyer flies ophyd.sim's module-level det and motor, not the profile's own.
  const flyerMotor = new SynAxis({ name: 'motor', clock });
  const flyerDet = new SynGauss('det', flyerMotor, 'motor', {
    center: 0,
    Imax: 1,
    sigma: 1,
    clock,
    random: seededRandom(1),
  });
  return {
    custom_test_device: new SimDevice('custom_test_device', {
      classname: 'Device',
      module: 'ophyd.device',
      components: {},
    }),
    custom_test_signal: new SimSignal('custom_test_signal', { value: 0, dtype: 'number', clock }),
    custom_test_flyer: new MockFlyer('custom_test_flyer', flyerDet, flyerMotor, 1, 5, 20, { clock }),
    sim_bundle_A: new SimBundle('sim_bundle_A', h, clock),
    sim_bundle_B: new SimBundle('sim_bundle_B', h, clock),
  };
}

export type ProfileDevices = ReturnType<typeof profileDevices>;
