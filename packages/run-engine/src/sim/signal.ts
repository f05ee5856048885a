/**
 * ophyd's soft Signal (`sig`, `bool_sig` in ophyd.sim): a value that can be set and read, and
 * subscribed to. Like ophyd's, its configuration is its own reading, and its data key's dtype and
 * shape are inferred from the current value.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { DataKey, Dtype, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { shapeOf } from './npy.ts';

export interface SimSignalOptions {
  value?: unknown;
  clock?: Clock;
  units?: string;
  /**
   * The dtype Python would infer, where JavaScript cannot tell: a Python float that happens to
   * be whole (0.0) is `number` to ophyd, while a whole JavaScript number looks like an integer.
   */
  dtype?: Dtype;
  /**
   * Array values stand for numpy arrays, described with their full shape; otherwise an array is
   * a Python list, which ophyd describes with its length only ([len]).
   */
  numpy?: boolean;
  /** Digits of precision in the data key (ophyd's SynSignal family declares 3). */
  precision?: number;
  /** ophyd's kind: a hinted signal names itself in `hints.fields`, a normal one does not. */
  kind?: 'hinted' | 'normal';
  /** The Python class this signal stands for in device descriptions. */
  pythonClass?: { classname: string; module: string };
}

/** ophyd's data_type: what a value's dtype is in a data key. */
export function inferDtype(value: unknown): Dtype {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'integer'; // Python's bool is an int
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'number';
}

export class SimSignal {
  readonly name: string;
  readonly hints: { fields: string[] };
  protected readonly clock: Clock;
  protected reading: Reading;
  private readonly listeners = new Set<(reading: Record<string, Reading>) => void>();
  private readonly units: string | undefined;
  private readonly dtype: Dtype | undefined;
  private readonly numpy: boolean;
  private readonly precision: number | undefined;
  private changed = false;
  readonly pythonClass: { classname: string; module: string };
  /** The device this signal is a component of, or null. */
  parent: unknown = null;

  constructor(name: string, options: SimSignalOptions = {}) {
    const { value = 0, clock = wallClock, kind = 'hinted' } = options;
    this.name = name;
    this.hints = { fields: kind === 'hinted' ? [name] : [] };
    this.clock = clock;
    this.units = options.units;
    this.dtype = options.dtype;
    this.numpy = options.numpy ?? false;
    this.precision = options.precision;
    this.pythonClass = options.pythonClass ?? { classname: 'Signal', module: 'ophyd.signal' };
    this.reading = { value, timestamp: clock.now() };
  }

  get value(): unknown {
    return this.reading.value;
  }

  /** Changes the value and tells subscribers, as a monitor update from hardware would. */
  put(value: unknown): void {
    this.changed = true;
    this.reading = { value, timestamp: this.clock.now() };
    const update = this.read();
    for (const listener of this.listeners) listener(update);
  }

  set(value: unknown): Status {
    this.put(value);
    return DeviceStatus.done();
  }

  /** Nothing to acquire: ophyd's Signal.trigger() is done at once. */
  trigger(): Status {
    return DeviceStatus.done();
  }

  read(): Record<string, Reading> {
    return { [this.name]: { ...this.reading } };
  }

  describe(): Record<string, DataKey> {
    const v = this.reading.value;
    const shape = Array.isArray(v) ? (this.numpy ? shapeOf(v) : [v.length]) : [];
    const key: DataKey = { source: `SIM:${this.name}`, dtype: this.dtype ?? inferDtype(v), shape };
    if (this.units) key.units = this.units;
    if (this.precision !== undefined) key.precision = this.precision;
    return { [this.name]: key };
  }

  /** A lone signal is its own configuration (ophyd's Signal.read_configuration is read()). */
  read_configuration(): Record<string, Reading> {
    return this.read();
  }

  describe_configuration(): Record<string, DataKey> {
    return this.describe();
  }

  /**
   * Like ophyd's subscribe(run=True): the callback gets each change, and the current value at once
   * if the value ever changed (ophyd has nothing cached to replay before the first change).
   */
  subscribe(callback: (reading: Record<string, Reading>) => void): () => void {
    this.listeners.add(callback);
    if (this.changed) callback(this.read());
    return () => this.listeners.delete(callback);
  }

  repr(): string {
    return `${this.pythonClass.classname}(name='${this.name}', value=${JSON.stringify(this.reading.value)})`;
  }
}
