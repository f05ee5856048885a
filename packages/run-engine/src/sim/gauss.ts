/**
 * ophyd.sim's SynGauss and Syn2DGauss: detectors whose reading is a Gaussian of motor positions,
 * recomputed on trigger, with optional Poisson or uniform noise from a seeded generator.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { poisson, type Random, seededRandom } from './random.ts';

type Noise = 'none' | 'poisson' | 'uniform';
type ReadableMotor = { read(): Record<string, Reading> };

export interface GaussOptions {
  Imax?: number;
  sigma?: number;
  noise?: Noise;
  noise_multiplier?: number;
  clock?: Clock;
  random?: Random;
}

const CONFIG_FIELDS = ['Imax', 'center', 'sigma', 'noise', 'noise_multiplier'] as const;

/** What the two Gaussians share: configuration, reading, triggering, staging. */
abstract class GaussBase {
  readonly name: string;
  readonly hints: { fields: string[] };
  Imax: number;
  sigma: number;
  noise: Noise;
  noise_multiplier: number;
  protected readonly clock: Clock;
  protected readonly random: Random;
  private value: Reading;
  private readonly configTime: number;
  readonly calls = { trigger: 0, stage: 0, unstage: 0 };
  staged = false;
  /** The device this detector is a component of (a SimDetectors'), or null. */
  parent: unknown = null;

  get pythonClass() {
    const signal = { classname: 'Signal', module: 'ophyd.signal' };
    return {
      classname: this.constructor.name,
      module: 'ophyd.sim',
      components: {
        val: { classname: 'SynSignal', module: 'ophyd.sim' },
        Imax: signal,
        center: signal,
        sigma: signal,
        noise: { classname: 'EnumSignal', module: 'ophyd.sim' },
        noise_multiplier: signal,
      },
    };
  }

  constructor(name: string, options: GaussOptions) {
    this.name = name;
    this.hints = { fields: [name] };
    this.Imax = options.Imax ?? 10;
    this.sigma = options.sigma ?? 1;
    this.noise = options.noise ?? 'none';
    this.noise_multiplier = options.noise_multiplier ?? 1;
    this.clock = options.clock ?? wallClock;
    this.random = options.random ?? seededRandom(0);
    this.configTime = this.clock.now();
    this.value = { value: 0, timestamp: this.configTime };
  }

  /** Called by subclasses once their motors are set, as ophyd computes the value at construction. */
  protected init(): void {
    this.value = { value: this.compute(), timestamp: this.clock.now() };
  }

  protected abstract squaredDistance(): number;
  protected abstract centerValue(): unknown;

  protected compute(): number {
    let v = this.Imax * Math.exp(-this.squaredDistance() / (2 * this.sigma ** 2));
    if (this.noise === 'poisson') v = poisson(Math.round(v), this.random);
    else if (this.noise === 'uniform') v += (this.random() * 2 - 1) * this.noise_multiplier;
    return v;
  }

  trigger(): Status {
    this.calls.trigger++;
    this.value = { value: this.compute(), timestamp: this.clock.now() };
    return DeviceStatus.done();
  }

  read(): Record<string, Reading> {
    return { [this.name]: { ...this.value } };
  }

  describe(): Record<string, DataKey> {
    return { [this.name]: { source: `SIM:${this.name}`, dtype: 'number', shape: [], precision: 3 } };
  }

  read_configuration(): Record<string, Reading> {
    const values: Record<string, unknown> = {
      Imax: this.Imax,
      center: this.centerValue(),
      sigma: this.sigma,
      noise: this.noise,
      noise_multiplier: this.noise_multiplier,
    };
    return Object.fromEntries(
      CONFIG_FIELDS.map((f) => [`${this.name}_${f}`, { value: values[f], timestamp: this.configTime }]),
    );
  }

  describe_configuration(): Record<string, DataKey> {
    const values = this.read_configuration();
    return Object.fromEntries(
      CONFIG_FIELDS.map((f) => {
        const key = `${this.name}_${f}`;
        const v = values[key].value;
        const dk: DataKey =
          f === 'noise'
            ? { source: `SIM:${key}`, dtype: 'string', shape: [], choices: ['none', 'poisson', 'uniform'] }
            : Array.isArray(v)
              ? { source: `SIM:${key}`, dtype: 'array', shape: [v.length] }
              : { source: `SIM:${key}`, dtype: Number.isInteger(v) ? 'integer' : 'number', shape: [] };
        return [key, dk];
      }),
    );
  }

  stage(): unknown[] {
    this.calls.stage++;
    this.staged = true;
    return [this];
  }

  unstage(): unknown[] {
    this.calls.unstage++;
    this.staged = false;
    return [this];
  }

  repr(): string {
    return `${this.constructor.name}(prefix='', name='${this.name}', read_attrs=['val'], configuration_attrs=['Imax', 'center', 'sigma', 'noise', 'noise_multiplier'])`;
  }
}

export class SynGauss extends GaussBase {
  center: number;
  private readonly motor: ReadableMotor;
  private readonly motor_field: string;

  constructor(
    name: string,
    motor: ReadableMotor,
    motor_field: string,
    { center = 0, ...options }: GaussOptions & { center?: number } = {},
  ) {
    super(name, options);
    this.motor = motor;
    this.motor_field = motor_field;
    this.center = center;
    this.init();
  }

  protected squaredDistance(): number {
    return (Number(this.motor.read()[this.motor_field].value) - this.center) ** 2;
  }

  protected centerValue(): unknown {
    return this.center;
  }
}

export class Syn2DGauss extends GaussBase {
  center: [number, number];
  private readonly axes: [ReadableMotor, string][];

  constructor(
    name: string,
    motor0: ReadableMotor,
    motor_field0: string,
    motor1: ReadableMotor,
    motor_field1: string,
    { center = [0, 0], ...options }: GaussOptions & { center?: [number, number] } = {},
  ) {
    super(name, options);
    this.axes = [
      [motor0, motor_field0],
      [motor1, motor_field1],
    ];
    this.center = center;
    this.init();
  }

  protected squaredDistance(): number {
    const [x, y] = this.axes.map(([motor, field]) => Number(motor.read()[field].value));
    return (x - this.center[0]) ** 2 + (y - this.center[1]) ** 2;
  }

  protected centerValue(): unknown {
    return [...this.center];
  }
}
