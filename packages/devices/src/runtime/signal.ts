/**
 * Signals over Channel Access, with ophyd's shapes: `read()` → `{name: {value, timestamp}}`,
 * `describe()` → `{name: {source, dtype, shape, units, precision, limits…}}`, `set()` → a Status
 * that finishes with the put-completion and, for numbers, once the readback is within tolerance.
 * Values are checked against the PV (type, count, enum states, control limits) before a write.
 * With `useMonitors()`, reads answer from a CA monitor's latest value instead of a get each time.
 */
import type { CaClient, Reading } from '@ophyd-service/epics-ca';
import type { Kind } from '../catalog-types.ts';
import { MonitorCache } from './monitor-cache.ts';
import { Status } from './status.ts';

export interface SignalReading {
  value: unknown;
  timestamp: number;
}

export interface SignalDescription {
  source: string;
  dtype: 'number' | 'integer' | 'string' | 'array';
  shape: number[];
  units?: string;
  precision?: number;
  lower_ctrl_limit?: number;
  upper_ctrl_limit?: number;
  enum_strs?: string[];
}

/** Plain JSON for a CA value: typed arrays become arrays. */
export const jsonValue = (value: Reading['value']): unknown =>
  typeof value === 'object' && value !== null ? Array.from(value as ArrayLike<unknown>) : value;

export class EpicsSignal {
  readonly name: string;
  readonly pv: string;
  readonly kind: Kind;
  readonly writable: boolean;
  protected readonly client: CaClient;
  private monitorCache: MonitorCache | undefined;

  constructor(client: CaClient, pv: string, options: { name: string; kind?: Kind; writable?: boolean }) {
    this.client = client;
    this.pv = pv;
    this.name = options.name;
    this.kind = options.kind ?? 'normal';
    this.writable = options.writable ?? true;
  }

  /**
   * Reads answer from a CA monitor from now on, as ophyd's auto_monitor signals do: subscribed at
   * the next read (which still gets), then no round trip per read. `false` ends the subscription.
   */
  useMonitors(on = true): void {
    if (on) this.monitorCache ??= new MonitorCache(this.client, this.pv);
    else {
      this.monitorCache?.stop();
      this.monitorCache = undefined;
    }
  }

  /** Whether reads answer from a live monitor now (it has delivered and the channel is up). */
  get monitored(): boolean {
    return this.monitorCache?.current() !== undefined;
  }

  async get(): Promise<unknown> {
    return jsonValue((await this.latest()).value);
  }

  async read(): Promise<Record<string, SignalReading>> {
    const r = await this.latest();
    return { [this.name]: { value: jsonValue(r.value), timestamp: r.timestamp ?? Date.now() / 1000 } };
  }

  async describe(): Promise<Record<string, SignalDescription>> {
    const r = await this.client.get(this.pv, { type: 'ctrl' });
    const count = r.values.length;
    const scalar = typeof r.value !== 'object';
    const description: SignalDescription = {
      source: `PV:${this.pv}`,
      dtype: !scalar
        ? 'array'
        : typeof r.value === 'string' || r.enumStrings?.length
          ? 'string'
          : Number.isInteger(r.value) && r.precision === undefined
            ? 'integer'
            : 'number',
      shape: scalar ? [] : [count],
    };
    if (r.units) description.units = r.units;
    if (r.precision !== undefined) description.precision = r.precision;
    if (r.limits?.controlLow !== undefined) description.lower_ctrl_limit = r.limits.controlLow;
    if (r.limits?.controlHigh !== undefined) description.upper_ctrl_limit = r.limits.controlHigh;
    if (r.enumStrings?.length) description.enum_strs = r.enumStrings;
    return { [this.name]: description };
  }

  /** Writes and waits for the server's completion (a motor record's move, say). */
  set(value: unknown, options: { tolerance?: number } = {}): Status {
    this.requireWritable();
    return new Status(
      (async () => {
        // Limits checked first, as ophyd's check_value does: a motor record refuses a target past
        // its soft limits silently (LVIO), so its put-callback would report success.
        await this.client.put(this.pv, value, { wait: true, timeoutMs: 24 * 3600 * 1000, checkLimits: true });
        if (typeof value === 'number' && options.tolerance !== undefined) {
          // A get, not the monitor: where the write settled is the question, not the last update.
          const now = Number(jsonValue((await this.client.get(this.pv, { type: 'time' })).value));
          if (Math.abs(now - value) > options.tolerance) {
            throw new Error(`${this.name} settled at ${now}, not within ${options.tolerance} of ${value}`);
          }
        }
      })(),
    );
  }

  /** Writes without waiting for completion. */
  async put(value: unknown): Promise<void> {
    this.requireWritable();
    await this.client.put(this.pv, value, { wait: false, checkLimits: true });
  }

  /** The monitor's latest reading when it has one, else a get (which starts the monitor if wanted). */
  private async latest(): Promise<Reading> {
    const cached = this.monitorCache?.current();
    if (cached) return cached;
    const got = await this.client.get(this.pv, { type: 'time' });
    this.monitorCache?.startAfter(got);
    return got;
  }

  private requireWritable(): void {
    if (!this.writable) throw new ReadOnlyError(`${this.name} (${this.pv}) is read-only`);
  }
}

export class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
}
