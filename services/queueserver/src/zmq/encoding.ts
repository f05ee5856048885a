/**
 * The frame encodings of the 0MQ CONTROL and INFO sockets (spec §1.2) and the request envelope
 * checks (spec §1.5), with the reference's error texts.
 */

import { decode as decodeMsgpack, Encoder } from '@msgpack/msgpack';
import { pythonClassRepr, pythonRepr } from './python-repr.ts';

export type Encoding = 'json' | 'msgpack';

/**
 * Keys whose numbers Python clients check with `isinstance(x, float)` (spec §18): an integral JS
 * number under one of them is written as a float (`1700000000.0`, msgpack float64).
 */
const FLOAT_KEYS = new Set(['time', 'time_start', 'time_stop']);

/** Encodes one frame: UTF-8 JSON text or msgpack bytes, with the float keys forced to floats. */
export function encodeMessage(value: unknown, encoding: Encoding): Buffer {
  if (encoding === 'json') return Buffer.from(encodeJson(value), 'utf8');
  return encodeMsgpackFrame(value);
}

/**
 * Decodes one frame. Throws an Error whose message is the reference's
 * (`JSON decode error: …` / `MSGPACK decode error: …`); the caller prefixes
 * `Failed to decode the request: `.
 */
export function decodeMessage(frame: Buffer, encoding: Encoding): unknown {
  if (encoding === 'json') {
    try {
      // Python's json module reports an empty frame this way; other texts are V8's own.
      if (frame.length === 0) throw new Error('Expecting value: line 1 column 1 (char 0)');
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame));
    } catch (err) {
      throw new Error(`JSON decode error: ${(err as Error).message}`);
    }
  }
  try {
    if (frame.length === 0) throw new Error('Unpack failed: incomplete input');
    return decodeMsgpack(frame);
  } catch (err) {
    throw new Error(`MSGPACK decode error: ${(err as Error).message}`);
  }
}

/**
 * Checks a decoded request the way the reference's dispatcher does, in its order, and returns the
 * method and params (`{}` when absent). When `isKnownMethod` is given, an unknown method fails here
 * with `Unknown method '<name>'`, before the params check, as in the reference.
 */
export function checkEnvelope(
  decoded: unknown,
  isKnownMethod?: (method: string) => boolean,
): { method: string; params: Record<string, unknown> } {
  // pyzmq's recv_json hands a JSON string through, which the reference reads as a decode error text.
  if (typeof decoded === 'string') throw new Error(`Failed to decode the request: ${decoded}`);
  if (!isPlainObject(decoded)) {
    throw new Error(`Incorrect request type: ${pythonClassRepr(decoded)}. Dictionary is expected`);
  }
  if (!('method' in decoded)) {
    throw new Error(`Invalid request format: method is not specified: ${pythonRepr(decoded)}`);
  }
  const extraKeys = Object.keys(decoded).filter((key) => key !== 'method' && key !== 'params');
  if (extraKeys.length > 0) {
    throw new Error(
      `Request contains unexpected keys ${pythonRepr(extraKeys)}. Allowed keys: ('method', 'params')`,
    );
  }
  const method = decoded.method;
  // Like Python's msg.get('params', {}): an explicit null stays null (and fails below).
  const params = 'params' in decoded ? decoded.params : {};
  if (isKnownMethod) {
    // A list or dict cannot be a Python dict key: the lookup raises TypeError instead of KeyError.
    if (Array.isArray(method) || isPlainObject(method)) {
      throw new Error(`unhashable type: '${Array.isArray(method) ? 'list' : 'dict'}'`);
    }
    if (typeof method !== 'string' || !isKnownMethod(method)) {
      throw new Error(`Unknown method ${pythonRepr(method)}`);
    }
  }
  if (typeof method !== 'string') throw new Error(`Unknown method ${pythonRepr(method)}`);
  // The reference's handlers call params.get(...), so a non-dict surfaces as its AttributeError text.
  if (!isPlainObject(params))
    throw new Error(`Handler for the command ${pythonRepr(method)} is not implemented`);
  return { method, params };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The text of an integral number under a float key, or undefined when it needs no forcing. */
function forcedFloatText(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const text = String(value);
  // 1e+21 already reads as a float in Python.
  return text.includes('e') ? undefined : `${text}.0`;
}

// JSON.rawJSON (Node 21+) is not in TypeScript's es2024 lib yet.
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function encodeJson(value: unknown): string {
  return JSON.stringify(value, function forceFloats(this: unknown, key: string, item: unknown) {
    if (FLOAT_KEYS.has(key) && !Array.isArray(this)) {
      const text = forcedFloatText(item);
      if (text !== undefined) return rawJSON(text);
    }
    return item;
  });
}

const msgpackEncoder = new Encoder({ ignoreUndefined: true });

/**
 * msgpack has no per-value float option, so containers that hold a forced float somewhere below
 * are framed here (map/array headers) and everything else is left to the library.
 */
function encodeMsgpackFrame(value: unknown): Buffer {
  if (!holdsForcedFloat(value)) return Buffer.from(msgpackEncoder.encode(value));
  const chunks: Uint8Array[] = [];
  writeMsgpack(value, chunks);
  return Buffer.concat(chunks);
}

function writeMsgpack(value: unknown, chunks: Uint8Array[]): void {
  if (!holdsForcedFloat(value)) {
    chunks.push(msgpackEncoder.encode(value));
  } else if (Array.isArray(value)) {
    chunks.push(containerHeader(value.length, 0x90, 0xdc));
    for (const item of value) writeMsgpack(item, chunks);
  } else {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    chunks.push(containerHeader(entries.length, 0x80, 0xde));
    for (const [key, item] of entries) {
      chunks.push(msgpackEncoder.encode(key));
      if (FLOAT_KEYS.has(key) && forcedFloatText(item) !== undefined) chunks.push(float64(item as number));
      else writeMsgpack(item, chunks);
    }
  }
}

/** Whether a forced float sits anywhere in this value (only plain objects and arrays are walked). */
function holdsForcedFloat(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsForcedFloat);
  if (!isPlainObject(value)) return false;
  for (const [key, item] of Object.entries(value)) {
    if (FLOAT_KEYS.has(key) && forcedFloatText(item) !== undefined) return true;
    if (holdsForcedFloat(item)) return true;
  }
  return false;
}

/** A fix/16/32 map or array header: `fixBase` (0x80 map, 0x90 array) and `code16` (0xde, 0xdc). */
function containerHeader(length: number, fixBase: number, code16: number): Uint8Array {
  if (length < 16) return Uint8Array.of(fixBase | length);
  const header = Buffer.alloc(length < 0x10000 ? 3 : 5);
  if (length < 0x10000) {
    header[0] = code16;
    header.writeUInt16BE(length, 1);
  } else {
    header[0] = code16 + 1;
    header.writeUInt32BE(length, 1);
  }
  return header;
}

function float64(value: number): Uint8Array {
  const bytes = Buffer.alloc(9);
  bytes[0] = 0xcb;
  bytes.writeDoubleBE(value, 1);
  return bytes;
}
