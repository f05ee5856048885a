/**
 * ophyd.sim's SynAxis: a motor with a readback and a setpoint, moving instantly or after `delay`
 * seconds of the injected clock. stop() ends a move where it is, as a real positioner's does.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';

export interface SynAxisOptions {
  name: string;
  clock?: Clock;
  /** Seconds a move takes. */
  delay?: number;
  value?: number;
  /** Readback for a setpoint (jittery motors add noise). */
  readback_func?: (setpoint: number) => number;
  /**
   * ophyd.sim's variants: `empty` hints nothing (SynAxisEmptyHints); `none` has no hints at all
   * and leaves the readback out of its readings (SynAxisNoHints, whose readback is omitted).
   */
  hints?: 'fields' | 'empty' | 'none';
  /** The ophyd class it stands for (SynAxis unless a variant's). */
  classname?: string;
}

export class SynAxis {
  readonly name: string;
  readonly hints?: { fields?: string[] };
  readonly delay: number;
  private readonly readbackRead: boolean;
  private readonly clock: Clock;
  private readonly readbackFunc: (x: number) => number;
  private setpoint: Reading;
  private readback: Reading;
  private config: Record<string, Reading>;
  private moving: { abort: AbortController; finish: () => void; fail: (err: Error) => void } | null = null;
  /** How often each verb was called: what tests check clean-up against. */
  readonly calls = { set: 0, stop: 0, stage: 0, unstage: 0 };
  staged = false;
  /** The device this axis is a component of (a SimStage's), or null. */
  parent: unknown = null;
  readonly pythonClass = {
    classname: 'SynAxis' as string,
    module: 'ophyd.sim',
    components: {
      readback: { classname: '_ReadbackSignal', module: 'ophyd.sim' },
      setpoint: { classname: '_SetpointSignal', module: 'ophyd.sim' },
      velocity: { classname: 'Signal', module: 'ophyd.signal' },
      acceleration: { classname: 'Signal', module: 'ophyd.signal' },
      unused: { classname: 'Signal', module: 'ophyd.signal' },
    },
  };

  constructor({
    name,
    clock = wallClock,
    delay = 0,
    value = 0,
    readback_func = (x) => x,
    hints = 'fields',
    classname = 'SynAxis',
  }: SynAxisOptions) {
    this.name = name;
    if (hints !== 'none') this.hints = hints === 'fields' ? { fields: [name] } : {};
    this.readbackRead = hints !== 'none';
    this.pythonClass.classname = classname;
    this.clock = clock;
    this.delay = delay;
    this.readbackFunc = readback_func;
    const t = clock.now();
    this.setpoint = { value, timestamp: t };
    this.readback = { value: readback_func(value), timestamp: t };
    this.config = {
      [`${name}_velocity`]: { value: 1, timestamp: t },
      [`${name}_acceleration`]: { value: 1, timestamp: t },
    };
  }

  get position(): number {
    return this.readback.value as number;
  }

  get isMoving(): boolean {
    return this.moving !== null;
  }

  read(): Record<string, Reading> {
    const setpoint = { [`${this.name}_setpoint`]: { ...this.setpoint } };
    return this.readbackRead ? { [this.name]: { ...this.readback }, ...setpoint } : setpoint;
  }

  describe(): Record<string, DataKey> {
    const key = (source: string): DataKey => ({
      source: `SIM:${source}`,
      dtype: 'number',
      shape: [],
      precision: 3,
    });
    const setpoint = { [`${this.name}_setpoint`]: key(`${this.name}_setpoint`) };
    return this.readbackRead ? { [this.name]: key(this.name), ...setpoint } : setpoint;
  }

  read_configuration(): Record<string, Reading> {
    return structuredClone(this.config);
  }

  describe_configuration(): Record<string, DataKey> {
    const key = (field: string): DataKey => ({
      source: `SIM:${this.name}_${field}`,
      dtype: 'integer',
      shape: [],
    });
    return { [`${this.name}_velocity`]: key('velocity'), [`${this.name}_acceleration`]: key('acceleration') };
  }

  set(value: unknown): Status {
    this.calls.set++;
    const target = Number(value);
    if (!Number.isFinite(target))
      return DeviceStatus.failed(new TypeError(`${this.name}: cannot move to ${String(value)}`));
    this.setpoint = { value: target, timestamp: this.clock.now() };
    const arrive = () => {
      this.readback = { value: this.readbackFunc(target), timestamp: this.clock.now() };
    };
    if (this.delay <= 0) {
      arrive();
      return DeviceStatus.done();
    }
    // A new move supersedes the one in progress, whose status then fails.
    this.moving?.fail(new Error(`${this.name}: move superseded`));
    const abort = new AbortController();
    const move = new Promise<void>((resolve, reject) => {
      const settle = (f: () => void) => () => {
        if (this.moving?.abort === abort) this.moving = null;
        abort.abort();
        f();
      };
      const finish = settle(resolve);
      this.moving = { abort, finish, fail: (err) => settle(() => reject(err))() };
      this.clock.sleep(this.delay, abort.signal).then(
        () => {
          arrive();
          finish();
        },
        () => {}, // the abort comes from finish or fail, which settle the status themselves
      );
    });
    return new DeviceStatus(move);
  }

  /** Ends a move where it is; with success the move's status completes rather than fails. */
  stop({ success = false }: { success?: boolean } = {}): void {
    this.calls.stop++;
    const moving = this.moving;
    if (!moving) return;
    if (success) moving.finish();
    else moving.fail(new Error(`${this.name} stopped`));
  }

  trigger(): Status {
    return DeviceStatus.done();
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

  locate(): { setpoint: number; readback: number } {
    return { setpoint: this.setpoint.value as number, readback: this.readback.value as number };
  }

  repr(): string {
    const read = this.readbackRead ? "['readback', 'setpoint']" : "['setpoint']";
    return `${this.pythonClass.classname}(prefix='', name='${this.name}', read_attrs=${read}, configuration_attrs=['velocity', 'acceleration'])`;
  }
}

/**
 * ophyd.sim's SynAxisNoPosition: a SynAxis without `position` (and, like every ophyd SynAxis,
 * without `locate`), so relative plans must read it to learn where it is.
 */
export class SynAxisNoPosition extends SynAxis {
  // Shadows SynAxis.locate: this motor must not look Locatable.
  override readonly locate = undefined as unknown as SynAxis['locate'];

  constructor(options: SynAxisOptions) {
    super({ classname: 'SynAxisNoPosition', ...options });
  }

  override get position(): number {
    return undefined as unknown as number;
  }
}
