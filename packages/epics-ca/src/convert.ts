/**
 * Value conversion between native types, as an IOC does when a client reads or writes a channel
 * in a type other than its own: numbers to strings with the channel's precision, enum indices to
 * their state strings and back, strings parsed as numbers.
 */
import { DBR, type NumericArray, toNative, type Values } from './dbr.ts';
import { ECA } from './status.ts';

export class ConversionError extends Error {
  override name = 'ConversionError';
  readonly eca = ECA.NOCONVERT;
}

export interface ConversionContext {
  precision?: number;
  enumStrings?: string[];
}

function formatNumber(v: number, native: number, ctx: ConversionContext): string {
  if ((native === DBR.DOUBLE || native === DBR.FLOAT) && ctx.precision !== undefined && ctx.precision >= 0) {
    return v.toFixed(Math.min(ctx.precision, 17));
  }
  if (native === DBR.FLOAT) return String(Math.fround(v) === v ? Number(v.toPrecision(7)) : v);
  return String(v);
}

function parseNumber(text: string, toEnum: boolean, ctx: ConversionContext): number {
  if (toEnum && ctx.enumStrings) {
    const index = ctx.enumStrings.indexOf(text);
    if (index >= 0) return index;
  }
  const trimmed = text.trim();
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  if (Number.isNaN(n)) throw new ConversionError(`cannot convert ${JSON.stringify(text)} to a number`);
  return n;
}

/** Converts `values` held as native type `from` into native type `to`. */
export function convertValues(values: Values, from: number, to: number, ctx: ConversionContext = {}): Values {
  if (from === to) return values;
  if (to === DBR.STRING) {
    if (from === DBR.ENUM) {
      return Array.from(values as NumericArray, (v) => ctx.enumStrings?.[v] ?? String(v));
    }
    return Array.from(values as NumericArray, (v) => formatNumber(v, from, ctx));
  }
  if (from === DBR.STRING) {
    return toNative(
      to,
      (values as string[]).map((s) => parseNumber(s, to === DBR.ENUM, ctx)),
    );
  }
  if (to === DBR.ENUM || to === DBR.SHORT || to === DBR.LONG || to === DBR.CHAR) {
    return toNative(
      to,
      Array.from(values as NumericArray, (v) => (Number.isFinite(v) ? Math.trunc(v) : 0)),
    );
  }
  return toNative(to, values as NumericArray);
}
