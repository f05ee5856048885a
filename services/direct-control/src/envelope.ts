/** The value envelope of the PV read routes (spec §1.5.1): JSON or raw little-endian bytes. */
import { jsonValue as valueAsJson } from '@ophyd-service/devices';
import { DBR, type Reading } from '@ophyd-service/epics-ca';

const DTYPES: Record<number, string> = {
  [DBR.DOUBLE]: '<f8',
  [DBR.FLOAT]: '<f4',
  [DBR.LONG]: '<i4',
  [DBR.SHORT]: '<i2',
  [DBR.ENUM]: '<u2',
  [DBR.CHAR]: '|u1',
};

export const isoNaive = (date: Date) => date.toISOString().replace('Z', '');

export interface ArrayMeta {
  shape: number[];
  dtype: string | null;
  ndim: number;
  nbytes: number;
}

/** Arrays report their numpy-style metadata; scalars `[]`, null, 0, 0, as the reference does. */
export function arrayMeta(reading: Reading): ArrayMeta {
  const values = reading.values;
  const isArray = typeof reading.value === 'object' && !Array.isArray(values);
  if (!isArray) return { shape: [], dtype: null, ndim: 0, nbytes: 0 };
  const typed = values as unknown as ArrayBufferView & { length: number };
  return {
    shape: [typed.length],
    dtype: DTYPES[reading.dataType % 7] ?? null,
    ndim: 1,
    nbytes: typed.byteLength,
  };
}

/** A reading's value as plain JSON (typed arrays as lists), as the device runtime renders it. */
export const jsonValue = (reading: Reading): unknown => valueAsJson(reading.value);

/** The bytes of a numeric array, little-endian as the wire contract says (typed arrays are host order). */
export function arrayBytes(reading: Reading): Buffer | null {
  const values = reading.values as unknown;
  if (!ArrayBuffer.isView(values)) return null;
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return Buffer.from(bytes); // copy: the reading may be shared with other listeners
}

export type Format = 'json' | 'binary';

/** `format` wins, then the first recognised Accept entry; null when nothing supported was asked for. */
export function negotiate(
  format: string | undefined,
  accept: string | undefined,
): Format | null | { unsupportedFormat: string } {
  if (format !== undefined) {
    const f = format.toLowerCase();
    if (f === 'json' || format === 'application/json') return 'json';
    if (f === 'binary' || f === 'octet-stream' || format === 'application/octet-stream') return 'binary';
    return { unsupportedFormat: format };
  }
  if (!accept) return 'json';
  for (const part of accept.split(',')) {
    const type = part.split(';')[0].trim();
    if (type === '*/*' || type === 'application/json') return 'json';
    if (type === 'application/octet-stream') return 'binary';
  }
  return null;
}
