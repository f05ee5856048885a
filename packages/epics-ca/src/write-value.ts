/**
 * A JavaScript value checked against the channel it is about to be written to, before a byte is
 * sent. An IOC converts whatever arrives (a boolean becomes an empty array, 2^40 wraps, 99 lands in
 * a 3-state enum), so every value that the channel cannot hold exactly is refused here with the
 * reason instead. Pure: the client supplies what it knows of the channel.
 */
import { DBR, MAX_ENUM_STATES, MAX_STRING_SIZE, TYPE_NAMES } from './dbr.ts';

export interface WriteTarget {
  nativeType: number;
  /** Elements the channel holds (1: a scalar). */
  count: number;
  /** ENUM state names; without them any index below 16 is accepted, as EPICS does. */
  enumStrings?: readonly string[];
  /** Control limits; both 0 (or absent) means none, as in EPICS. */
  limits?: { low?: number; high?: number };
}

/** What `put` sends: numbers in the native type, or strings for STRING channels. */
export type WriteValue = number | string | number[] | string[];

/** A value the channel cannot hold; `message` says why, naming the PV. */
export class WriteRefused extends Error {
  override name = 'WriteRefused';
}

const INTEGER_RANGE: Record<number, [number, number]> = {
  [DBR.SHORT]: [-32768, 32767],
  [DBR.CHAR]: [0, 255],
  [DBR.LONG]: [-2147483648, 2147483647],
};
const FLOAT_MAX = 3.4028234663852886e38;

/** The value to send, or a WriteRefused naming the PV and the reason. */
export function checkWrite(pv: string, target: WriteTarget, value: unknown): WriteValue {
  const type = TYPE_NAMES[target.nativeType] ?? `type ${target.nativeType}`;
  const holds = target.count === 1 ? `one ${type}` : `up to ${target.count} ${type} elements`;
  const refuse: (why: string) => never = (why) => {
    throw new WriteRefused(`Cannot write ${describe(value)} to ${pv}: ${why} (the PV holds ${holds})`);
  };
  if (target.nativeType === DBR.CHAR && target.count > 1 && typeof value === 'string') {
    // A CHAR waveform holding text (EPICS "long strings"): the bytes and a terminating NUL.
    const bytes = [...Buffer.from(value, 'utf8'), 0];
    if (bytes.length > target.count) refuse(`${bytes.length} bytes with the terminating NUL`);
    return bytes;
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    if (target.count === 1) refuse('an array for a scalar');
    if (list.length === 0) refuse('no elements');
    if (list.length > target.count) refuse(`${list.length} elements`);
    return list.map((v, i) => element(target, v, (why) => refuse(`element ${i}: ${why}`))) as WriteValue;
  }
  return element(target, value, refuse);
}

function element(target: WriteTarget, v: unknown, refuse: (why: string) => never): number | string {
  if (typeof v !== 'number' && typeof v !== 'string') refuse(`${kindOf(v)} is not a value`);
  const native = target.nativeType;
  if (native === DBR.STRING) {
    const text = String(v);
    if (Buffer.byteLength(text, 'utf8') >= MAX_STRING_SIZE)
      refuse(`longer than ${MAX_STRING_SIZE - 1} bytes`);
    return text;
  }
  if (native === DBR.ENUM) return enumIndex(target, v as number | string, refuse);
  const n = typeof v === 'number' ? v : parseNumber(v as string);
  if (n === undefined) refuse('not a number');
  if (!Number.isFinite(n)) refuse('not a finite number');
  const range = INTEGER_RANGE[native];
  if (range) {
    if (!Number.isInteger(n)) refuse('not an integer');
    if (n < range[0] || n > range[1]) refuse(`outside ${range[0]}..${range[1]}`);
  } else if (native === DBR.FLOAT && Math.abs(n) > FLOAT_MAX) {
    refuse('outside the range of a FLOAT');
  }
  const { low, high } = target.limits ?? {};
  const limited = !(low === undefined && high === undefined) && !(low === 0 && high === 0);
  if (limited && ((low !== undefined && n < low) || (high !== undefined && n > high)))
    refuse(`outside the control limits [${low ?? '-inf'}, ${high ?? '+inf'}]`);
  return n;
}

/** An enum accepts a state name or an index below its number of states. */
function enumIndex(target: WriteTarget, v: number | string, refuse: (why: string) => never): number {
  const names = target.enumStrings ?? [];
  if (typeof v === 'string') {
    const at = names.indexOf(v);
    if (at >= 0) return at;
  }
  const n = typeof v === 'number' ? v : parseNumber(v);
  const states = names.length || MAX_ENUM_STATES;
  const choices = names.length
    ? `; choices: ${names.map((s, i) => `${i}=${JSON.stringify(s)}`).join(', ')}`
    : '';
  if (n === undefined || !Number.isInteger(n) || n < 0 || n >= states)
    refuse(`not a state name or an index 0..${states - 1}${choices}`);
  return n;
}

/** A string that is wholly a number (as EPICS's string-to-number conversion reads it), else undefined. */
function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isNaN(n) ? undefined : n;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a nested array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** A short rendering of the refused value: never the whole of a large or deep input. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return `an array of ${(value as ArrayLike<unknown>).length}`;
  return kindOf(value);
}
