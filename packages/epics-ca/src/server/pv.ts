/**
 * The PV API for IOC authors: a typed value with alarm state, timestamp and display metadata,
 * that posts changes to subscribers and accepts puts through an optional (async) handler.
 */
import {
  DBR,
  type EpicsStamp,
  epicsStamp,
  type Limits,
  type NumericArray,
  toNative,
  type Values,
} from '../dbr.ts';
import { DBE } from '../messages.ts';
import { ECA } from '../status.ts';

export interface PvState {
  readonly values: Values;
  readonly status: number;
  readonly severity: number;
  readonly stamp: EpicsStamp;
}

export interface PvMetadata {
  units?: string;
  precision?: number;
  limits?: Partial<Limits>;
  enumStrings?: string[];
}

export type RawValue = number | string | ArrayLike<number> | readonly string[];

export interface PvOptions extends PvMetadata {
  /** Native type, one of DBR.STRING … DBR.DOUBLE. */
  type: number;
  value: RawValue;
  /** Largest element count (default: the initial value's length, at least 1). */
  count?: number;
  /** Whether clients may write (default true, as for an EPICS record). */
  writable?: boolean;
  /**
   * Runs on a client's put with values already converted to the native type. Without it the
   * values are posted. It may post them itself, refuse by throwing a PutError, or return a promise:
   * a put-with-completion is answered when it settles (a motor move, say).
   */
  onPut?: (values: Values, pv: ProcessVariable) => void | Promise<void>;
  /** Free text shown as the record's DESC field. */
  description?: string;
  /**
   * What a put outside the control limits does (limits apply while controlHigh > controlLow):
   * 'clamp' stores the nearest limit, as the DRVL/DRVH of an ao or longout record do; 'refuse'
   * answers ECA_PUTFAIL and keeps the value, as caproto does. Without it the limits are only
   * published, as an ai record's are (or the PV's onPut applies rules of its own, as a motor's does).
   */
  outsideLimits?: 'clamp' | 'refuse';
}

/** A refused put; `eca` is the status code the client receives. */
export class PutError extends Error {
  override name = 'PutError';
  readonly eca: number;
  constructor(message: string, eca: number = ECA.PUTFAIL) {
    super(message);
    this.eca = eca;
  }
}

export type PvListener = (pv: ProcessVariable, mask: number) => void;

export interface PostOptions {
  status?: number;
  severity?: number;
  stamp?: EpicsStamp;
}

const toValues = (type: number, value: RawValue): Values =>
  toNative(
    type,
    typeof value === 'number' || typeof value === 'string' ? [value as never] : (value as ArrayLike<number>),
  );

export class ProcessVariable {
  readonly name: string;
  readonly nativeType: number;
  readonly maxCount: number;
  readonly writable: boolean;
  readonly description: string;
  readonly outsideLimits?: 'clamp' | 'refuse';
  meta: PvMetadata;
  state: PvState;
  private readonly onPut?: PvOptions['onPut'];
  private readonly listeners = new Set<PvListener>();

  constructor(name: string, options: PvOptions) {
    if (!Number.isInteger(options.type) || options.type < DBR.STRING || options.type > DBR.DOUBLE) {
      throw new TypeError(`${name}: native type must be 0–6, got ${options.type}`);
    }
    this.name = name;
    this.nativeType = options.type;
    const values = toValues(options.type, options.value);
    this.maxCount = Math.max(1, options.count ?? values.length);
    this.writable = options.writable ?? true;
    this.description = options.description ?? '';
    this.onPut = options.onPut;
    this.outsideLimits = options.outsideLimits;
    this.meta = {
      units: options.units,
      precision: options.precision,
      limits: options.limits,
      enumStrings: options.enumStrings,
    };
    this.state = { values: this.clip(values), status: 0, severity: 0, stamp: epicsStamp() };
  }

  /** The value of a scalar PV (first element). */
  get value(): number | string {
    return this.state.values[0];
  }

  /** Sets a new value (and optionally alarm state and timestamp) and notifies subscribers. */
  post(value: RawValue, options: PostOptions = {}): void {
    const previous = this.state;
    this.state = {
      values: this.clip(toValues(this.nativeType, value)),
      status: options.status ?? previous.status,
      severity: options.severity ?? previous.severity,
      stamp: options.stamp ?? epicsStamp(),
    };
    const alarmChanged = this.state.status !== previous.status || this.state.severity !== previous.severity;
    this.notify(DBE.VALUE | DBE.LOG | (alarmChanged ? DBE.ALARM : 0));
  }

  /** Changes alarm state only. */
  alarm(status: number, severity: number): void {
    if (status === this.state.status && severity === this.state.severity) return;
    this.state = { ...this.state, status, severity, stamp: epicsStamp() };
    this.notify(DBE.ALARM);
  }

  /** Changes display metadata (units, limits, enum strings…): a DBE_PROPERTY event. */
  setMeta(meta: PvMetadata): void {
    this.meta = { ...this.meta, ...meta };
    // A new state object: encodings are cached per state, and the old ones carry the old metadata.
    this.state = { ...this.state };
    this.notify(DBE.PROPERTY);
  }

  subscribe(listener: PvListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** A client's put, values in the native type. Resolves when the put is complete. */
  async put(values: Values): Promise<void> {
    if (!this.writable) throw new PutError(`${this.name} is read-only`, ECA.NOWTACCESS);
    if (values.length > this.maxCount) {
      throw new PutError(
        `${this.name} holds at most ${this.maxCount} elements, got ${values.length}`,
        ECA.BADCOUNT,
      );
    }
    if (this.nativeType === DBR.ENUM && this.meta.enumStrings?.length) {
      const bad = Array.from(values as ArrayLike<number>).find((v) => v >= this.meta.enumStrings!.length);
      if (bad !== undefined) throw new PutError(`${this.name}: no enum state ${bad}`, ECA.PUTFAIL);
    }
    const held = this.withinLimits(values);
    if (this.onPut) await this.onPut(held, this);
    else this.post(held);
  }

  /** The control limits as a put sees them, or undefined while there are none (high ≤ low). */
  get controlLimits(): { low: number; high: number } | undefined {
    const low = this.meta.limits?.controlLow ?? 0;
    const high = this.meta.limits?.controlHigh ?? 0;
    return high > low ? { low, high } : undefined;
  }

  private withinLimits(values: Values): Values {
    const limits = this.controlLimits;
    if (!this.outsideLimits || !limits || this.nativeType === DBR.STRING || this.nativeType === DBR.ENUM)
      return values;
    const numbers = values as NumericArray;
    const outside = Array.from(numbers).find((v) => v < limits.low || v > limits.high);
    if (outside === undefined) return values;
    if (this.outsideLimits === 'refuse') {
      throw new PutError(
        `${this.name}: ${outside} is outside the control limits [${limits.low}, ${limits.high}]`,
        ECA.PUTFAIL,
      );
    }
    return toNative(
      this.nativeType,
      Array.from(numbers, (v) => Math.min(limits.high, Math.max(limits.low, v))),
    );
  }

  private clip(values: Values): Values {
    return values.length > this.maxCount ? values.slice(0, this.maxCount) : values;
  }

  private notify(mask: number): void {
    for (const listener of this.listeners) listener(this, mask);
  }
}

type Simple = Omit<PvOptions, 'type' | 'value'>;
/** Shorthands for the common PV kinds. */
export const pv = {
  double: (name: string, value: number | ArrayLike<number>, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.DOUBLE, value }),
  float: (name: string, value: number | ArrayLike<number>, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.FLOAT, value }),
  long: (name: string, value: number | ArrayLike<number>, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.LONG, value }),
  short: (name: string, value: number | ArrayLike<number>, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.SHORT, value }),
  char: (name: string, value: number | ArrayLike<number>, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.CHAR, value }),
  string: (name: string, value: string | readonly string[], o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.STRING, value }),
  enum: (name: string, strings: string[], value: number, o: Simple = {}) =>
    new ProcessVariable(name, { ...o, type: DBR.ENUM, value, enumStrings: strings }),
};
