/**
 * Channel Access messages (protocol 4.13) as plain objects, and their encoding to and from bytes.
 * Sans-I/O: nothing here knows about sockets. Requests (client → server) and responses
 * (server → client) share command codes, so each direction has its own decoder.
 */
import { u16, u32 } from './bytes.ts';
import { MAX_STRING_SIZE, padded } from './dbr.ts';

export const CMD = {
  VERSION: 0,
  EVENT_ADD: 1,
  EVENT_CANCEL: 2,
  READ: 3,
  WRITE: 4,
  SEARCH: 6,
  EVENTS_OFF: 8,
  EVENTS_ON: 9,
  READ_SYNC: 10,
  ERROR: 11,
  CLEAR_CHANNEL: 12,
  RSRV_IS_UP: 13,
  NOT_FOUND: 14,
  READ_NOTIFY: 15,
  REPEATER_CONFIRM: 17,
  CREATE_CHAN: 18,
  WRITE_NOTIFY: 19,
  CLIENT_NAME: 20,
  HOST_NAME: 21,
  ACCESS_RIGHTS: 22,
  ECHO: 23,
  REPEATER_REGISTER: 24,
  CREATE_CH_FAIL: 26,
  SERVER_DISCONN: 27,
} as const;

export const PROTOCOL_MINOR_VERSION = 13;
export const DEFAULT_PRIORITY = 0;
export const SEARCH_DO_REPLY = 10;
export const SEARCH_DONT_REPLY = 5;
export const ACCESS_READ = 1;
export const ACCESS_WRITE = 2;
/** DBE masks of EVENT_ADD. */
export const DBE = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;

export const HEADER_SIZE = 16;
export const EXTENDED_HEADER_SIZE = 24;

export interface Header {
  command: number;
  payloadSize: number;
  dataType: number;
  dataCount: number;
  param1: number;
  param2: number;
}

/** Messages a client sends. */
export type Request =
  | { kind: 'version'; priority: number; minorVersion: number }
  | { kind: 'search'; name: string; cid: number; reply: boolean; minorVersion: number }
  | { kind: 'createChan'; cid: number; minorVersion: number; name: string }
  | { kind: 'clearChannel'; sid: number; cid: number }
  | {
      kind: 'eventAdd';
      dataType: number;
      count: number;
      sid: number;
      subscriptionId: number;
      mask: number;
      low?: number;
      high?: number;
      to?: number;
    }
  | { kind: 'eventCancel'; dataType: number; count: number; sid: number; subscriptionId: number }
  | { kind: 'readNotify'; dataType: number; count: number; sid: number; ioid: number }
  | { kind: 'write'; dataType: number; count: number; sid: number; ioid: number; data: Buffer }
  | { kind: 'writeNotify'; dataType: number; count: number; sid: number; ioid: number; data: Buffer }
  | { kind: 'eventsOff' }
  | { kind: 'eventsOn' }
  | { kind: 'readSync' }
  | { kind: 'echo' }
  | { kind: 'clientName'; name: string }
  | { kind: 'hostName'; name: string }
  | { kind: 'repeaterRegister'; address: number };

/** Messages a server (or repeater) sends. */
export type Response =
  | { kind: 'version'; priority: number; minorVersion: number }
  | { kind: 'searchReply'; port: number; address: number; cid: number; minorVersion: number }
  | { kind: 'notFound'; cid: number; minorVersion: number }
  | { kind: 'accessRights'; cid: number; rights: number }
  | { kind: 'createChanReply'; cid: number; sid: number; dataType: number; count: number }
  | { kind: 'createChFail'; cid: number }
  | { kind: 'clearChannelReply'; sid: number; cid: number }
  | {
      kind: 'eventAddReply';
      dataType: number;
      count: number;
      status: number;
      subscriptionId: number;
      data: Buffer;
    }
  | { kind: 'readNotifyReply'; dataType: number; count: number; status: number; ioid: number; data: Buffer }
  | { kind: 'writeNotifyReply'; dataType: number; count: number; status: number; ioid: number }
  | { kind: 'error'; cid: number; status: number; request: Header | null; message: string }
  | { kind: 'echo' }
  | { kind: 'serverDisconn'; cid: number }
  | { kind: 'beacon'; minorVersion: number; port: number; beaconId: number; address: number }
  | { kind: 'repeaterConfirm'; address: number }
  | { kind: 'eventsOff' }
  | { kind: 'eventsOn' };

export type Message = Request | Response;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

// ---------------------------------------------------------------- encoding

/** One frame: header (plain or extended for big payloads/counts) followed by the payload. */
export function frame(
  command: number,
  dataType: number,
  dataCount: number,
  param1: number,
  param2: number,
  payload?: Buffer,
): Buffer {
  const size = payload ? payload.length : 0;
  const buf = Buffer.allocUnsafe(frameSize(size, dataCount));
  frameInto(buf, 0, command, dataType, dataCount, param1, param2, payload, size);
  return buf;
}

/** The bytes of a frame with `payloadSize` bytes of payload and `dataCount` elements. */
export const frameSize = (payloadSize: number, dataCount: number) =>
  (payloadSize >= 0xffff || dataCount >= 0xffff ? EXTENDED_HEADER_SIZE : HEADER_SIZE) + payloadSize;

/**
 * Writes a frame into `out` at `at` (which must have frameSize bytes there) and returns where it
 * ends: for a sender that packs many frames into one buffer (a server's monitor updates) instead of
 * allocating each and joining them. The payload is `payloadSize` bytes: `payload`, then zeros.
 */
export function frameInto(
  out: Buffer,
  at: number,
  command: number,
  dataType: number,
  dataCount: number,
  param1: number,
  param2: number,
  payload: Buffer | undefined,
  payloadSize: number,
): number {
  const extended = payloadSize >= 0xffff || dataCount >= 0xffff;
  out.writeUInt16BE(command, at);
  out.writeUInt16BE(extended ? 0xffff : payloadSize, at + 2);
  out.writeUInt16BE(dataType, at + 4);
  out.writeUInt16BE(extended ? 0 : dataCount, at + 6);
  out.writeUInt32BE(param1 >>> 0, at + 8);
  out.writeUInt32BE(param2 >>> 0, at + 12);
  let offset = at + HEADER_SIZE;
  if (extended) {
    out.writeUInt32BE(payloadSize, offset);
    out.writeUInt32BE(dataCount, offset + 4);
    offset = at + EXTENDED_HEADER_SIZE;
  }
  const copied = payload ? payload.copy(out, offset, 0, payloadSize) : 0;
  if (copied < payloadSize) out.fill(0, offset + copied, offset + payloadSize);
  return offset + payloadSize;
}

/** A NUL-terminated string padded to 8 bytes, as SEARCH, CREATE_CHAN and the name messages carry. */
export function stringPayload(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const buf = Buffer.alloc(padded(bytes.length + 1));
  bytes.copy(buf);
  return buf;
}

/** Pads a DBR payload to 8 bytes (copying only when needed). */
function pad8(data: Buffer): Buffer {
  const size = padded(data.length);
  if (size === data.length) return data;
  const buf = Buffer.alloc(size);
  data.copy(buf);
  return buf;
}

export function encode(message: Message): Buffer {
  const m = message;
  switch (m.kind) {
    case 'version':
      return frame(CMD.VERSION, m.priority, m.minorVersion, 0, 0);
    case 'search':
      return frame(
        CMD.SEARCH,
        m.reply ? SEARCH_DO_REPLY : SEARCH_DONT_REPLY,
        m.minorVersion,
        m.cid,
        m.cid,
        stringPayload(m.name),
      );
    case 'createChan':
      return frame(CMD.CREATE_CHAN, 0, 0, m.cid, m.minorVersion, stringPayload(m.name));
    case 'clearChannel':
    case 'clearChannelReply':
      return frame(CMD.CLEAR_CHANNEL, 0, 0, m.sid, m.cid);
    case 'eventAdd': {
      const payload = Buffer.alloc(16);
      payload.writeFloatBE(m.low ?? 0, 0);
      payload.writeFloatBE(m.high ?? 0, 4);
      payload.writeFloatBE(m.to ?? 0, 8);
      payload.writeUInt16BE(m.mask, 12);
      return frame(CMD.EVENT_ADD, m.dataType, m.count, m.sid, m.subscriptionId, payload);
    }
    case 'eventCancel':
      return frame(CMD.EVENT_CANCEL, m.dataType, m.count, m.sid, m.subscriptionId);
    case 'readNotify':
      return frame(CMD.READ_NOTIFY, m.dataType, m.count, m.sid, m.ioid);
    case 'write':
      return frame(CMD.WRITE, m.dataType, m.count, m.sid, m.ioid, pad8(m.data));
    case 'writeNotify':
      return frame(CMD.WRITE_NOTIFY, m.dataType, m.count, m.sid, m.ioid, pad8(m.data));
    case 'eventsOff':
      return frame(CMD.EVENTS_OFF, 0, 0, 0, 0);
    case 'eventsOn':
      return frame(CMD.EVENTS_ON, 0, 0, 0, 0);
    case 'readSync':
      return frame(CMD.READ_SYNC, 0, 0, 0, 0);
    case 'echo':
      return frame(CMD.ECHO, 0, 0, 0, 0);
    case 'clientName':
      return frame(CMD.CLIENT_NAME, 0, 0, 0, 0, stringPayload(m.name));
    case 'hostName':
      return frame(CMD.HOST_NAME, 0, 0, 0, 0, stringPayload(m.name));
    case 'repeaterRegister':
      return frame(CMD.REPEATER_REGISTER, 0, 0, 0, m.address);
    case 'searchReply': {
      const payload = Buffer.alloc(8);
      payload.writeUInt16BE(m.minorVersion, 0);
      return frame(CMD.SEARCH, m.port, 0, m.address, m.cid, payload);
    }
    case 'notFound':
      return frame(CMD.NOT_FOUND, SEARCH_DO_REPLY, m.minorVersion, m.cid, m.cid);
    case 'accessRights':
      return frame(CMD.ACCESS_RIGHTS, 0, 0, m.cid, m.rights);
    case 'createChanReply':
      return frame(CMD.CREATE_CHAN, m.dataType, m.count, m.cid, m.sid);
    case 'createChFail':
      return frame(CMD.CREATE_CH_FAIL, 0, 0, m.cid, 0);
    case 'eventAddReply':
      return frame(CMD.EVENT_ADD, m.dataType, m.count, m.status, m.subscriptionId, pad8(m.data));
    case 'readNotifyReply':
      return frame(CMD.READ_NOTIFY, m.dataType, m.count, m.status, m.ioid, pad8(m.data));
    case 'writeNotifyReply':
      return frame(CMD.WRITE_NOTIFY, m.dataType, m.count, m.status, m.ioid);
    case 'error': {
      const original = m.request ? headerBytes(m.request) : Buffer.alloc(HEADER_SIZE);
      const text = Buffer.from(`${m.message}\0`, 'utf8');
      return frame(CMD.ERROR, 0, 0, m.cid, m.status, pad8(Buffer.concat([original, text])));
    }
    case 'serverDisconn':
      return frame(CMD.SERVER_DISCONN, 0, 0, m.cid, 0);
    case 'beacon':
      return frame(CMD.RSRV_IS_UP, m.minorVersion, m.port, m.beaconId, m.address);
    case 'repeaterConfirm':
      return frame(CMD.REPEATER_CONFIRM, 0, 0, 0, m.address);
  }
}

/** The 16-byte form of a header (ERROR messages echo the request that failed). */
export function headerBytes(h: Header): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.writeUInt16BE(h.command, 0);
  buf.writeUInt16BE(Math.min(h.payloadSize, 0xffff), 2);
  buf.writeUInt16BE(h.dataType, 4);
  buf.writeUInt16BE(Math.min(h.dataCount, 0xffff), 6);
  buf.writeUInt32BE(h.param1 >>> 0, 8);
  buf.writeUInt32BE(h.param2 >>> 0, 12);
  return buf;
}

// ---------------------------------------------------------------- decoding

/** Reads a header at `offset`; returns null when `buf` does not yet hold all of it. */
export function readHeader(buf: Buffer, offset = 0): { header: Header; size: number } | null {
  const header = emptyHeader();
  const size = readHeaderInto(buf, offset, header);
  return size ? { header, size } : null;
}

export const emptyHeader = (): Header => ({
  command: 0,
  payloadSize: 0,
  dataType: 0,
  dataCount: 0,
  param1: 0,
  param2: 0,
});

/**
 * Reads a header at `offset` into `into` (so a reader of many frames can reuse one object);
 * returns its size in bytes, or 0 when `buf` does not yet hold all of it (`into` is then unchanged).
 */
export function readHeaderInto(buf: Buffer, offset: number, into: Header): number {
  if (buf.length - offset < HEADER_SIZE) return 0;
  let payloadSize = u16(buf, offset + 2);
  let dataCount = u16(buf, offset + 6);
  let size = HEADER_SIZE;
  if (payloadSize === 0xffff) {
    if (buf.length - offset < EXTENDED_HEADER_SIZE) return 0;
    payloadSize = u32(buf, offset + 16);
    dataCount = u32(buf, offset + 20);
    size = EXTENDED_HEADER_SIZE;
  }
  into.command = u16(buf, offset);
  into.payloadSize = payloadSize;
  into.dataType = u16(buf, offset + 4);
  into.dataCount = dataCount;
  into.param1 = u32(buf, offset + 8);
  into.param2 = u32(buf, offset + 12);
  return size;
}

function payloadString(payload: Buffer, limit = payload.length): string {
  const end = Math.min(limit, payload.length);
  const nul = payload.indexOf(0);
  return payload.toString('utf8', 0, nul === -1 || nul > end ? end : nul);
}

/** Decodes a message a client sent; unknown commands yield null (a server ignores them). */
export function decodeRequest(h: Header, payload: Buffer): Request | null {
  switch (h.command) {
    case CMD.VERSION:
      return { kind: 'version', priority: h.dataType, minorVersion: h.dataCount };
    case CMD.SEARCH:
      return {
        kind: 'search',
        name: payloadString(payload),
        cid: h.param1,
        reply: h.dataType === SEARCH_DO_REPLY,
        minorVersion: h.dataCount,
      };
    case CMD.CREATE_CHAN:
      return { kind: 'createChan', cid: h.param1, minorVersion: h.param2, name: payloadString(payload) };
    case CMD.CLEAR_CHANNEL:
      return { kind: 'clearChannel', sid: h.param1, cid: h.param2 };
    case CMD.EVENT_ADD: {
      // Very old clients send no filter payload; the mask then defaults to value | alarm.
      const has = payload.length >= 14;
      return {
        kind: 'eventAdd',
        dataType: h.dataType,
        count: h.dataCount,
        sid: h.param1,
        subscriptionId: h.param2,
        low: has ? payload.readFloatBE(0) : 0,
        high: has ? payload.readFloatBE(4) : 0,
        to: has ? payload.readFloatBE(8) : 0,
        mask: has ? payload.readUInt16BE(12) : DBE.VALUE | DBE.ALARM,
      };
    }
    case CMD.EVENT_CANCEL:
      return {
        kind: 'eventCancel',
        dataType: h.dataType,
        count: h.dataCount,
        sid: h.param1,
        subscriptionId: h.param2,
      };
    case CMD.READ_NOTIFY:
      return { kind: 'readNotify', dataType: h.dataType, count: h.dataCount, sid: h.param1, ioid: h.param2 };
    case CMD.WRITE:
      return {
        kind: 'write',
        dataType: h.dataType,
        count: h.dataCount,
        sid: h.param1,
        ioid: h.param2,
        data: payload,
      };
    case CMD.WRITE_NOTIFY:
      return {
        kind: 'writeNotify',
        dataType: h.dataType,
        count: h.dataCount,
        sid: h.param1,
        ioid: h.param2,
        data: payload,
      };
    case CMD.EVENTS_OFF:
      return { kind: 'eventsOff' };
    case CMD.EVENTS_ON:
      return { kind: 'eventsOn' };
    case CMD.READ_SYNC:
      return { kind: 'readSync' };
    case CMD.ECHO:
      return { kind: 'echo' };
    case CMD.CLIENT_NAME:
      return { kind: 'clientName', name: payloadString(payload) };
    case CMD.HOST_NAME:
      return { kind: 'hostName', name: payloadString(payload) };
    case CMD.REPEATER_REGISTER:
      return { kind: 'repeaterRegister', address: h.param2 };
    default:
      return null;
  }
}

/** Decodes a message a server sent; unknown commands yield null (a client ignores them). */
export function decodeResponse(h: Header, payload: Buffer): Response | null {
  switch (h.command) {
    case CMD.VERSION:
      return { kind: 'version', priority: h.dataType, minorVersion: h.dataCount };
    case CMD.SEARCH:
      return {
        kind: 'searchReply',
        port: h.dataType,
        address: h.param1,
        cid: h.param2,
        minorVersion: payload.length >= 2 ? payload.readUInt16BE(0) : 0,
      };
    case CMD.NOT_FOUND:
      return { kind: 'notFound', cid: h.param2, minorVersion: h.dataCount };
    case CMD.ACCESS_RIGHTS:
      return { kind: 'accessRights', cid: h.param1, rights: h.param2 };
    case CMD.CREATE_CHAN:
      return {
        kind: 'createChanReply',
        cid: h.param1,
        sid: h.param2,
        dataType: h.dataType,
        count: h.dataCount,
      };
    case CMD.CREATE_CH_FAIL:
      return { kind: 'createChFail', cid: h.param1 };
    case CMD.CLEAR_CHANNEL:
      return { kind: 'clearChannelReply', sid: h.param1, cid: h.param2 };
    case CMD.EVENT_ADD:
      return {
        kind: 'eventAddReply',
        dataType: h.dataType,
        count: h.dataCount,
        status: h.param1,
        subscriptionId: h.param2,
        data: payload,
      };
    case CMD.READ_NOTIFY:
      return {
        kind: 'readNotifyReply',
        dataType: h.dataType,
        count: h.dataCount,
        status: h.param1,
        ioid: h.param2,
        data: payload,
      };
    case CMD.WRITE_NOTIFY:
      return {
        kind: 'writeNotifyReply',
        dataType: h.dataType,
        count: h.dataCount,
        status: h.param1,
        ioid: h.param2,
      };
    case CMD.ERROR: {
      const original = payload.length >= HEADER_SIZE ? (readHeader(payload)?.header ?? null) : null;
      const text =
        payload.length > HEADER_SIZE ? payloadString(payload.subarray(HEADER_SIZE), MAX_STRING_SIZE * 8) : '';
      return { kind: 'error', cid: h.param1, status: h.param2, request: original, message: text };
    }
    case CMD.ECHO:
      return { kind: 'echo' };
    case CMD.SERVER_DISCONN:
      return { kind: 'serverDisconn', cid: h.param1 };
    case CMD.RSRV_IS_UP:
      return {
        kind: 'beacon',
        minorVersion: h.dataType,
        port: h.dataCount,
        beaconId: h.param1,
        address: h.param2,
      };
    case CMD.REPEATER_CONFIRM:
      return { kind: 'repeaterConfirm', address: h.param2 };
    case CMD.EVENTS_OFF:
      return { kind: 'eventsOff' };
    case CMD.EVENTS_ON:
      return { kind: 'eventsOn' };
    default:
      return null;
  }
}
