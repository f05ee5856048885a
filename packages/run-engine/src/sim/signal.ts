/**
 * ophyd's soft Signal (`sig` in ophyd.sim): a value that can be set and read, and subscribed to.
 * Tests use it as a beam current for suspenders and as a settable, monitorable signal.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';

export class SimSignal {
  readonly name: string;
  readonly hints: { fields: string[] };
  private readonly clock: Clock;
  private reading: Reading;
  private readonly listeners = new Set<(reading: Record<string, Reading>) => void>();
  private readonly units: string | undefined;
  private changed = false;
  readonly pythonClass = { classname: 'Signal', module: 'ophyd.signal' };

  constructor(
    name: string,
    { value = 0 as unknown, clock = wallClock, units = undefined as string | undefined } = {},
  ) {
    this.name = name;
    this.hints = { fields: [name] };
    this.clock = clock;
    this.units = units;
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

  read(): Record<string, Reading> {
    return { [this.name]: { ...this.reading } };
  }

  describe(): Record<string, DataKey> {
    const v = this.reading.value;
    const dtype =
      typeof v === 'string'
        ? 'string'
        : typeof v === 'boolean'
          ? 'boolean'
          : Array.isArray(v)
            ? 'array'
            : 'number';
    const shape = Array.isArray(v) ? [v.length] : [];
    return {
      [this.name]: { source: `SIM:${this.name}`, dtype, shape, ...(this.units ? { units: this.units } : {}) },
    };
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
    return `Signal(name='${this.name}', value=${JSON.stringify(this.reading.value)})`;
  }
}
