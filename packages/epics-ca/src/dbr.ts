/**
 * DBR payloads: the value and metadata layouts of every Channel Access data type (db_access.h),
 * encoded big-endian. Each layout is a small table so encoder and decoder cannot disagree.
 */

import { f32, f64, i16, u16, u32 } from './bytes.ts';

export const DBR = {
  STRING: 0,
  SHORT: 1,
  INT: 1,
  FLOAT: 2,
  ENUM: 3,
  CHAR: 4,
  LONG: 5,
  DOUBLE: 6,
  STS_STRING: 7,
  TIME_STRING: 14,
  GR_STRING: 21,
  CTRL_STRING: 28,
  PUT_ACKT: 35,
  PUT_ACKS: 36,
  STSACK_STRING: 37,
  CLASS_NAME: 38,
} as const;

/** The families a request can ask for, each a block of seven types in native-type order. */
export const FAMILY = { PLAIN: 0, STS: 1, TIME: 2, GR: 3, CTRL: 4 } as const;
export const LAST_TYPE = DBR.CLASS_NAME;
export const TYPE_NAMES = ['STRING', 'SHORT', 'FLOAT', 'ENUM', 'CHAR', 'LONG', 'DOUBLE'] as const;

export const MAX_STRING_SIZE = 40;
export const MAX_UNITS_SIZE = 8;
export const MAX_ENUM_STRING_SIZE = 26;
export const MAX_ENUM_STATES = 16;
/** Seconds from the Unix epoch to the EPICS epoch, 1990-01-01 UTC. */
export const EPICS_EPOCH_OFFSET = 631152000;

const ELEMENT_SIZE = [MAX_STRING_SIZE, 2, 4, 2, 1, 4, 8];

export type NumericArray = Int16Array | Float32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;
export type Values = string[] | NumericArray;

export interface EpicsStamp {
  secondsPastEpoch: number;
  nanoseconds: number;
}

export interface Limits {
  displayHigh: number;
  displayLow: number;
  alarmHigh: number;
  warningHigh: number;
  warningLow: number;
  alarmLow: number;
  controlHigh: number;
  controlLow: number;
}
const LIMIT_ORDER: (keyof Limits)[] = [
  'displayHigh',
  'displayLow',
  'alarmHigh',
  'warningHigh',
  'warningLow',
  'alarmLow',
  'controlHigh',
  'controlLow',
];

/** A decoded DBR: the values in the type's native form, and whatever metadata the type carries. */
export interface DbrData {
  values: Values;
  status?: number;
  severity?: number;
  stamp?: EpicsStamp;
  units?: string;
  precision?: number;
  enumStrings?: string[];
  limits?: Partial<Limits>;
  ackt?: number;
  acks?: number;
}

export class DbrError extends Error {
  override name = 'DbrError';
}

type Field =
  | { kind: 'status' }
  | { kind: 'stamp' }
  | { kind: 'pad'; bytes: number }
  | { kind: 'units' }
  | { kind: 'precision' }
  | { kind: 'limits'; count: 6 | 8 }
  | { kind: 'enumStrings' }
  | { kind: 'ack' };

const status: Field = { kind: 'status' };
const pad = (bytes: number): Field => ({ kind: 'pad', bytes });

/** Metadata layout of every type 0–38, derived from the C structs (status = status + severity). */
const LAYOUTS: Field[][] = (() => {
  const layouts: Field[][] = [];
  const stsPad = [0, 0, 0, 0, 1, 0, 4];
  const timePad = [0, 2, 0, 2, 3, 0, 4];
  const graphic = (native: number, count: 6 | 8): Field[] => {
    const limits: Field = { kind: 'limits', count };
    switch (native) {
      case DBR.STRING:
        return [status];
      case DBR.ENUM:
        return [status, { kind: 'enumStrings' }];
      case DBR.FLOAT:
      case DBR.DOUBLE:
        return [status, { kind: 'precision' }, pad(2), { kind: 'units' }, limits];
      case DBR.CHAR:
        return [status, { kind: 'units' }, limits, pad(1)];
      default:
        return [status, { kind: 'units' }, limits];
    }
  };
  for (let n = 0; n < 7; n++) layouts[n] = [];
  for (let n = 0; n < 7; n++) layouts[7 + n] = stsPad[n] ? [status, pad(stsPad[n])] : [status];
  for (let n = 0; n < 7; n++)
    layouts[14 + n] = timePad[n] ? [status, { kind: 'stamp' }, pad(timePad[n])] : [status, { kind: 'stamp' }];
  for (let n = 0; n < 7; n++) layouts[21 + n] = graphic(n, 6);
  for (let n = 0; n < 7; n++) layouts[28 + n] = graphic(n, 8);
  layouts[DBR.PUT_ACKT] = [];
  layouts[DBR.PUT_ACKS] = [];
  layouts[DBR.STSACK_STRING] = [status, { kind: 'ack' }];
  layouts[DBR.CLASS_NAME] = [];
  return layouts;
})();

export const isValidType = (type: number) => Number.isInteger(type) && type >= 0 && type <= LAST_TYPE;

/** The native type (0–6) a DBR type carries its values in. */
export function nativeType(type: number): number {
  if (type <= DBR.CTRL_STRING + 6) return type % 7;
  if (type === DBR.PUT_ACKT || type === DBR.PUT_ACKS) return DBR.ENUM; // unsigned 16-bit, like an enum
  return DBR.STRING;
}

/** The type of family `family` (FAMILY.*) for native type `native`. */
export const typeOf = (family: number, native: number) => family * 7 + native;
export const familyOf = (type: number) => (type < 35 ? Math.floor(type / 7) : -1);
export const elementSize = (type: number) => ELEMENT_SIZE[nativeType(type)];

function fieldSize(field: Field, native: number): number {
  switch (field.kind) {
    case 'status':
    case 'ack':
      return 4;
    case 'stamp':
      return 8;
    case 'pad':
      return field.bytes;
    case 'units':
      return MAX_UNITS_SIZE;
    case 'precision':
      return 2;
    case 'limits':
      return field.count * ELEMENT_SIZE[native];
    case 'enumStrings':
      return 2 + MAX_ENUM_STATES * MAX_ENUM_STRING_SIZE;
  }
}

const META_SIZE = LAYOUTS.map((layout, type) =>
  layout.reduce((sum, f) => sum + fieldSize(f, nativeType(type)), 0),
);

/** Bytes of metadata before the first value. */
export const metaSize = (type: number) => META_SIZE[type];
/** Unpadded payload size of `count` elements of `type`. */
export const dataSize = (type: number, count: number) => META_SIZE[type] + count * elementSize(type);
/** Payloads travel padded to a multiple of 8 bytes. */
export const padded = (size: number) => (size + 7) & ~7;

const ARRAY_TYPES = [
  null,
  Int16Array,
  Float32Array,
  Uint16Array,
  Uint8Array,
  Int32Array,
  Float64Array,
] as const;

/** Makes `values` an array of the native type's element type (numbers are converted as a C cast would). */
export function toNative(native: number, values: ArrayLike<number> | readonly string[]): Values {
  if (native === DBR.STRING) return Array.from(values as ArrayLike<unknown>, (v) => String(v));
  const Ctor = ARRAY_TYPES[native]!;
  if (values instanceof Ctor) return values;
  const out = new Ctor(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}

/** Encodes `data` as `type` with `count` elements (default: all values), padded to 8 bytes. */
export function encodeDbr(type: number, data: DbrData, count = data.values.length): Buffer {
  const native = nativeType(type);
  const size = dataSize(type, count);
  const buf = Buffer.alloc(padded(size));
  let offset = 0;
  for (const field of LAYOUTS[type]) offset = writeField(buf, offset, field, native, data);
  writeValues(buf, offset, native, data.values, count);
  return buf;
}

function writeField(buf: Buffer, offset: number, field: Field, native: number, data: DbrData): number {
  switch (field.kind) {
    case 'status':
      buf.writeInt16BE(data.status ?? 0, offset);
      buf.writeInt16BE(data.severity ?? 0, offset + 2);
      return offset + 4;
    case 'ack':
      buf.writeUInt16BE(data.ackt ?? 0, offset);
      buf.writeUInt16BE(data.acks ?? 0, offset + 2);
      return offset + 4;
    case 'stamp':
      buf.writeUInt32BE((data.stamp?.secondsPastEpoch ?? 0) >>> 0, offset);
      buf.writeUInt32BE((data.stamp?.nanoseconds ?? 0) >>> 0, offset + 4);
      return offset + 8;
    case 'pad':
      return offset + field.bytes;
    case 'units':
      writeCString(buf, offset, MAX_UNITS_SIZE, data.units ?? '');
      return offset + MAX_UNITS_SIZE;
    case 'precision':
      buf.writeInt16BE(data.precision ?? 0, offset);
      return offset + 2;
    case 'limits': {
      const limits = toNative(
        native,
        LIMIT_ORDER.slice(0, field.count).map((k) => data.limits?.[k] ?? 0),
      );
      writeValues(buf, offset, native, limits, field.count);
      return offset + field.count * ELEMENT_SIZE[native];
    }
    case 'enumStrings': {
      const strings = (data.enumStrings ?? []).slice(0, MAX_ENUM_STATES);
      buf.writeInt16BE(strings.length, offset);
      strings.forEach((s, i) =>
        writeCString(buf, offset + 2 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, s),
      );
      return offset + 2 + MAX_ENUM_STATES * MAX_ENUM_STRING_SIZE;
    }
  }
}

function writeValues(buf: Buffer, offset: number, native: number, values: Values, count: number): void {
  const n = Math.min(count, values.length);
  if (native === DBR.STRING) {
    for (let i = 0; i < n; i++)
      writeCString(buf, offset + i * MAX_STRING_SIZE, MAX_STRING_SIZE, String(values[i]));
    return;
  }
  const typed = toNative(native, values as NumericArray) as NumericArray;
  const bytes = ELEMENT_SIZE[native];
  if (n === 1) {
    writeScalar(buf, offset, native, typed[0]);
    return;
  }
  // Bulk copy in host order, then swap to network order in place.
  const src = Buffer.from(typed.buffer, typed.byteOffset, n * bytes);
  src.copy(buf, offset);
  const region = buf.subarray(offset, offset + n * bytes);
  if (bytes === 2) region.swap16();
  else if (bytes === 4) region.swap32();
  else if (bytes === 8) region.swap64();
}

function writeScalar(buf: Buffer, offset: number, native: number, v: number): void {
  switch (native) {
    case DBR.SHORT:
      buf.writeInt16BE(v, offset);
      break;
    case DBR.FLOAT:
      buf.writeFloatBE(v, offset);
      break;
    case DBR.ENUM:
      buf.writeUInt16BE(v, offset);
      break;
    case DBR.CHAR:
      buf.writeUInt8(v, offset);
      break;
    case DBR.LONG:
      buf.writeInt32BE(v, offset);
      break;
    default:
      buf.writeDoubleBE(v, offset);
  }
}

/** Writes a NUL-terminated string into a fixed field, cut at a character boundary if too long. */
function writeCString(buf: Buffer, offset: number, size: number, text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > size - 1) {
    let end = size - 1;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // do not split a UTF-8 sequence
    bytes = bytes.subarray(0, end);
  }
  bytes.copy(buf, offset);
  buf.fill(0, offset + bytes.length, offset + size);
}

/** The NUL-terminated string in `size` bytes at `offset`, not reading at or past `limit`. */
function readCString(buf: Buffer, offset: number, size: number, limit = buf.length): string {
  const end = Math.min(offset + size, limit);
  const nul = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, nul === -1 || nul > end ? end : nul);
}

/**
 * Decodes `count` elements of `type` from a payload. A STRING payload may be shorter than its
 * nominal size (EPICS servers send a lone string without its padding); other short payloads throw.
 */
export function decodeDbr(type: number, payload: Buffer, count: number): DbrData {
  return decodeDbrAt(type, payload, 0, payload.length, count);
}

/** decodeDbr of the payload `buf[start, end)`, read in place (a client decodes updates in the received chunk). */
export function decodeDbrAt(type: number, buf: Buffer, start: number, end: number, count: number): DbrData {
  const values = valuesAt(type, buf, start, end, count);
  if (familyOf(type) === FAMILY.TIME)
    // The TIME layout (status, severity, stamp) read at once into one object of one shape.
    return {
      values,
      status: i16(buf, start),
      severity: i16(buf, start + 2),
      stamp: { secondsPastEpoch: u32(buf, start + 4), nanoseconds: u32(buf, start + 8) },
    };
  const data: DbrData = { values };
  let offset = start;
  for (const field of LAYOUTS[type]) offset = readField(buf, offset, field, nativeType(type), data);
  return data;
}

/**
 * The values of the payload `buf[start, end)` of `type`, past its metadata, with the checks
 * decodeDbrAt makes. With `statusAt` and `timestampAt` it reads a TIME payload (nearly every
 * monitor update) without the intermediate objects decodeDbrAt makes. Numeric values are written
 * into `into` when it is an array of the same type and length (a subscription's previous values),
 * otherwise into a new array.
 */
export function valuesAt(
  type: number,
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  into?: Values,
): Values {
  // Every monitor update comes through here: the checks stay short and their messages are built
  // elsewhere, so that the compiler can inline this into the update's path.
  if (!isValidType(type)) throw unknownType(type);
  const native = nativeType(type);
  const offset = start + META_SIZE[type];
  if (offset > end) throw noRoomForMetadata(type, end - start);
  if (native === DBR.STRING) return stringsAt(buf, offset, end, count);
  if (offset + count * ELEMENT_SIZE[native] > end) throw noRoomForValues(type, count, end - start);
  if (into !== undefined && into.length === count && into instanceof ARRAY_TYPES[native]!)
    return fillValues(buf, offset, native, into as NumericArray);
  return readValues(buf, offset, native, count);
}

const unknownType = (type: number) => new DbrError(`unknown DBR type ${type}`);

const noRoomForMetadata = (type: number, length: number) =>
  new DbrError(`DBR type ${type} needs ${META_SIZE[type]} bytes of metadata, got ${length}`);

function noRoomForValues(type: number, count: number, length: number): DbrError {
  const bytes = META_SIZE[type] + count * ELEMENT_SIZE[nativeType(type)];
  return new DbrError(`DBR type ${type} with ${count} elements needs ${bytes} bytes, got ${length}`);
}

/** Up to `count` strings from `offset`, as many as the payload holds (a short last one included). */
function stringsAt(buf: Buffer, offset: number, end: number, count: number): string[] {
  const n = Math.min(count, Math.ceil((end - offset) / MAX_STRING_SIZE));
  return Array.from({ length: n }, (_, i) =>
    readCString(buf, offset + i * MAX_STRING_SIZE, MAX_STRING_SIZE, end),
  );
}

/** The alarm status of an STS, TIME, GR or CTRL payload starting at `start` (its first field). */
export const statusAt = (buf: Buffer, start: number) => i16(buf, start);
/** The alarm severity of such a payload. */
export const severityAt = (buf: Buffer, start: number) => i16(buf, start + 2);
/** The Unix time in seconds of a TIME payload's stamp, read in place (unixSeconds without the stamp object). */
export const timestampAt = (buf: Buffer, start: number) =>
  u32(buf, start + 4) + EPICS_EPOCH_OFFSET + u32(buf, start + 8) / 1e9;

function readField(buf: Buffer, offset: number, field: Field, native: number, data: DbrData): number {
  switch (field.kind) {
    case 'status':
      data.status = buf.readInt16BE(offset);
      data.severity = buf.readInt16BE(offset + 2);
      return offset + 4;
    case 'ack':
      data.ackt = buf.readUInt16BE(offset);
      data.acks = buf.readUInt16BE(offset + 2);
      return offset + 4;
    case 'stamp':
      data.stamp = { secondsPastEpoch: buf.readUInt32BE(offset), nanoseconds: buf.readUInt32BE(offset + 4) };
      return offset + 8;
    case 'pad':
      return offset + field.bytes;
    case 'units':
      data.units = readCString(buf, offset, MAX_UNITS_SIZE);
      return offset + MAX_UNITS_SIZE;
    case 'precision':
      data.precision = buf.readInt16BE(offset);
      return offset + 2;
    case 'limits': {
      const values = readValues(buf, offset, native, field.count) as NumericArray;
      data.limits = Object.fromEntries(LIMIT_ORDER.slice(0, field.count).map((k, i) => [k, values[i]]));
      return offset + field.count * ELEMENT_SIZE[native];
    }
    case 'enumStrings': {
      const n = Math.max(0, Math.min(MAX_ENUM_STATES, buf.readInt16BE(offset)));
      data.enumStrings = Array.from({ length: n }, (_, i) =>
        readCString(buf, offset + 2 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE),
      );
      return offset + 2 + MAX_ENUM_STATES * MAX_ENUM_STRING_SIZE;
    }
  }
}

/** Below this many elements, values are read one by one: cheaper than a byte-swapped bulk copy. */
const SMALL_COUNT = 16;

function readValues(buf: Buffer, offset: number, native: number, count: number): NumericArray {
  return fillValues(buf, offset, native, newValues(native, count));
}

/** A zeroed array of `count` elements of `native`; one constructor per branch keeps each site monomorphic. */
function newValues(native: number, count: number): NumericArray {
  switch (native) {
    case DBR.DOUBLE:
      return new Float64Array(count);
    case DBR.FLOAT:
      return new Float32Array(count);
    case DBR.LONG:
      return new Int32Array(count);
    case DBR.SHORT:
      return new Int16Array(count);
    case DBR.ENUM:
      return new Uint16Array(count);
    default: // CHAR
      return new Uint8Array(count);
  }
}

/** Fills `out` (an array of `native`'s type) with as many elements as it holds, read from `offset`. */
function fillValues(buf: Buffer, offset: number, native: number, out: NumericArray): NumericArray {
  const count = out.length;
  // Taking `out.buffer` moves a small array's storage off the heap: a scalar (the usual monitor
  // update) would pay for it on every update, so small arrays are filled element by element.
  if (count <= SMALL_COUNT) return fillSmall(buf, offset, native, out);
  const bytes = ELEMENT_SIZE[native];
  const view = Buffer.from(out.buffer, out.byteOffset, count * bytes);
  buf.copy(view, 0, offset, offset + count * bytes);
  if (bytes === 2) view.swap16();
  else if (bytes === 4) view.swap32();
  else if (bytes === 8) view.swap64();
  return out;
}

/** A few elements, each read where it lies; one array type per branch keeps every site monomorphic. */
function fillSmall(buf: Buffer, offset: number, native: number, out: NumericArray): NumericArray {
  const count = out.length;
  switch (native) {
    case DBR.DOUBLE:
      for (let i = 0; i < count; i++) (out as Float64Array)[i] = f64(buf, offset + 8 * i);
      return out;
    case DBR.FLOAT:
      for (let i = 0; i < count; i++) (out as Float32Array)[i] = f32(buf, offset + 4 * i);
      return out;
    case DBR.LONG:
      for (let i = 0; i < count; i++) (out as Int32Array)[i] = u32(buf, offset + 4 * i);
      return out;
    case DBR.SHORT:
      for (let i = 0; i < count; i++) (out as Int16Array)[i] = i16(buf, offset + 2 * i);
      return out;
    case DBR.ENUM:
      for (let i = 0; i < count; i++) (out as Uint16Array)[i] = u16(buf, offset + 2 * i);
      return out;
    default: // CHAR
      out.set(buf.subarray(offset, offset + count));
      return out;
  }
}

/** An EPICS timestamp for a Unix time in milliseconds (default: now, to the microsecond). */
export function epicsStamp(unixMs = performance.timeOrigin + performance.now()): EpicsStamp {
  const seconds = Math.floor(unixMs / 1000);
  return {
    secondsPastEpoch: seconds - EPICS_EPOCH_OFFSET,
    nanoseconds: Math.round((unixMs - seconds * 1000) * 1e6),
  };
}

/** Unix time in seconds (with fraction) of an EPICS timestamp. */
export const unixSeconds = (stamp: EpicsStamp) =>
  stamp.secondsPastEpoch + EPICS_EPOCH_OFFSET + stamp.nanoseconds / 1e9;
