/**
 * A client's put, converted from the DBR type it arrived in to the PV's native type. Where EPICS
 * base would store something other than what was sent (2^40 wraps to -2^31 in a LONG, NaN becomes
 * -2^31, 99 lands in a 3-state mbbo as "Illegal Value") the value is refused instead, with
 * ECA_PUTFAIL, the status rsrv gives every put that dbPut rejects. Conversions EPICS performs
 * faithfully are kept: a fraction written to an integer is truncated toward zero ("2.7" → 2), and
 * an enum takes a state name or the decimal index of a state.
 */
import { convertValues } from '../convert.ts';
import { DBR, type NumericArray, TYPE_NAMES, toNative, type Values } from '../dbr.ts';
import { ECA } from '../status.ts';
import { PutError, type PvMetadata } from './pv.ts';

/** What a put's conversion needs to know of its PV. */
export interface PutTarget {
  name: string;
  nativeType: number;
  meta: PvMetadata;
}

const INTEGER_RANGE: Record<number, readonly [number, number]> = {
  [DBR.SHORT]: [-32768, 32767],
  [DBR.CHAR]: [0, 255], // dbr_char_t is unsigned
  [DBR.LONG]: [-2147483648, 2147483647],
  [DBR.ENUM]: [0, 65535],
};
const FLOAT_MAX = 3.4028234663852886e38;

/** `values` (held as native type `from`) in the PV's native type; throws PutError(ECA_PUTFAIL). */
export function convertPut(values: Values, from: number, pv: PutTarget): Values {
  const to = pv.nativeType;
  // Numbers and state names always have a text form, and a STRING arrives as text already.
  if (to === DBR.STRING) return convertValues(values, from, to, pv.meta);
  const refuse = (shown: string | number, why: string): never => {
    const text = typeof shown === 'string' ? JSON.stringify(shown) : String(shown);
    throw new PutError(`${pv.name} (${TYPE_NAMES[to]}) cannot hold ${text}: ${why}`, ECA.PUTFAIL);
  };
  const numbers =
    from === DBR.STRING
      ? (values as string[]).map((text) => parseText(text, to, pv.meta, refuse))
      : Array.from(values as NumericArray);
  return toNative(
    to,
    numbers.map((n) => checkNumber(n, to, pv.meta, refuse)),
  );
}

type Refuse = (shown: string | number, why: string) => never;

/** Text as EPICS's string conversions read it: a state name or index for an enum, else a number. */
function parseText(text: string, to: number, meta: PvMetadata, refuse: Refuse): number {
  if (to === DBR.ENUM) {
    const state = meta.enumStrings?.indexOf(text) ?? -1;
    if (state >= 0) return state;
    if (/^\s*\d+\s*$/.test(text)) return Number(text);
    return refuse(text, `not one of its states${choices(meta)}`);
  }
  const n = parseNumber(text);
  return n === undefined ? refuse(text, 'not a number') : n;
}

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^[+-]?nan$/i.test(trimmed)) return Number.NaN;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(trimmed);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  const n = Number(trimmed);
  return Number.isNaN(n) ? undefined : n;
}

function checkNumber(n: number, to: number, meta: PvMetadata, refuse: Refuse): number {
  if (to === DBR.DOUBLE) return n;
  if (to === DBR.FLOAT) {
    return Number.isFinite(n) && Math.abs(n) > FLOAT_MAX ? refuse(n, 'outside the range of a FLOAT') : n;
  }
  if (!Number.isFinite(n)) return refuse(n, 'not a finite number');
  const whole = Math.trunc(n); // as the C cast of dbPut does
  const [low, high] = INTEGER_RANGE[to];
  if (whole < low || whole > high) return refuse(n, `outside ${low}..${high}`);
  const states = meta.enumStrings?.length ?? 0;
  if (to === DBR.ENUM && states > 0 && whole >= states) return refuse(n, `no such state${choices(meta)}`);
  return whole;
}

function choices(meta: PvMetadata): string {
  const names = meta.enumStrings ?? [];
  return names.length ? ` (${names.map((s, i) => `${i}=${JSON.stringify(s)}`).join(', ')})` : '';
}
