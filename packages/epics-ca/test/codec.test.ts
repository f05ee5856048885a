import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DBR,
  type DbrData,
  dataSize,
  decodeDbr,
  encodeDbr,
  epicsStamp,
  nativeType,
  padded,
  typeOf,
  unixSeconds,
} from '../src/dbr.ts';
import {
  decodeRequest,
  decodeResponse,
  encode,
  ProtocolError,
  type Request,
  type Response,
  readHeader,
} from '../src/messages.ts';
import { FrameReader, PLAUSIBLE_PAYLOAD_BYTES, splitDatagram } from '../src/stream.ts';

const hex = (buf: Buffer) => buf.toString('hex');

describe('message layouts', () => {
  it('encodes a SEARCH as libca does: reply flag, minor version, cid twice, padded name', () => {
    const bytes = encode({ kind: 'search', name: 'mini:current', cid: 1, reply: true, minorVersion: 13 });
    assert.equal(
      hex(bytes),
      '0006' +
        '0010' +
        '000a' +
        '000d' +
        '00000001' +
        '00000001' +
        Buffer.from('mini:current\0\0\0\0').toString('hex'),
    );
  });

  it('encodes a search reply with the server port in the data type field and the minor version in the payload', () => {
    const bytes = encode({ kind: 'searchReply', port: 5064, address: 0xffffffff, cid: 7, minorVersion: 13 });
    assert.equal(hex(bytes), '0006000813c80000ffffffff00000007000d000000000000');
  });

  it('uses the extended header for payloads of 64 KiB and more', () => {
    const data = Buffer.alloc(70000 * 8);
    const bytes = encode({
      kind: 'readNotifyReply',
      dataType: DBR.DOUBLE,
      count: 70000,
      status: 1,
      ioid: 3,
      data,
    });
    assert.equal(hex(bytes.subarray(0, 24)), '000fffff00060000000000010000000300088b800001117' + '0');
    const parsed = readHeader(bytes)!;
    assert.equal(parsed.size, 24);
    assert.equal(parsed.header.payloadSize, 560000);
    assert.equal(parsed.header.dataCount, 70000);
  });

  it('has the db_access.h size of every DBR type with one element', () => {
    const sizes = [
      [40, 2, 4, 2, 1, 4, 8],
      [44, 6, 8, 6, 6, 8, 16],
      [52, 16, 16, 16, 16, 16, 24],
      [44, 26, 44, 424, 20, 40, 72],
      [44, 30, 52, 424, 22, 48, 88],
    ];
    sizes.forEach((row, family) =>
      row.forEach((size, native) =>
        assert.equal(dataSize(typeOf(family, native), 1), size, `type ${family * 7 + native}`),
      ),
    );
    assert.deepEqual(
      [35, 36, 37, 38].map((t) => dataSize(t, 1)),
      [2, 2, 48, 40],
    );
  });

  it('lays out a CTRL_DOUBLE as the C struct does', () => {
    const data: DbrData = {
      values: Float64Array.of(1.5),
      status: 3,
      severity: 2,
      precision: 4,
      units: 'mm',
      limits: {
        displayHigh: 10,
        displayLow: -10,
        alarmHigh: 9,
        warningHigh: 8,
        warningLow: -8,
        alarmLow: -9,
        controlHigh: 5,
        controlLow: -5,
      },
    };
    const bytes = encodeDbr(DBR.CTRL_STRING + DBR.DOUBLE, data);
    assert.equal(bytes.length, 88);
    assert.equal(bytes.readInt16BE(0), 3);
    assert.equal(bytes.readInt16BE(2), 2);
    assert.equal(bytes.readInt16BE(4), 4);
    assert.equal(bytes.toString('latin1', 8, 10), 'mm');
    assert.equal(bytes.readDoubleBE(16), 10);
    assert.equal(bytes.readDoubleBE(16 + 6 * 8), 5);
    assert.equal(bytes.readDoubleBE(80), 1.5);
    assert.deepEqual(decodeDbr(DBR.CTRL_STRING + DBR.DOUBLE, bytes, 1), data);
  });

  it('decodes a lone string sent without its padding, as EPICS servers do', () => {
    assert.deepEqual(decodeDbr(DBR.STRING, Buffer.from('ok\0'), 1).values, ['ok']);
    assert.deepEqual(
      decodeDbr(DBR.TIME_STRING, Buffer.concat([Buffer.alloc(12), Buffer.from('hi\0')]), 1).values,
      ['hi'],
    );
  });

  it('converts EPICS timestamps', () => {
    const stamp = epicsStamp(Date.UTC(2025, 5, 1, 12, 0, 0, 250));
    assert.equal(stamp.secondsPastEpoch, Date.UTC(2025, 5, 1, 12) / 1000 - 631152000);
    assert.equal(stamp.nanoseconds, 250_000_000);
    assert.equal(unixSeconds(stamp), Date.UTC(2025, 5, 1, 12) / 1000 + 0.25);
  });

  it('cuts over-long strings at 39 bytes without splitting a UTF-8 character', () => {
    const long = `${'x'.repeat(38)}é`;
    const decoded = decodeDbr(DBR.STRING, encodeDbr(DBR.STRING, { values: [long] }), 1).values;
    assert.deepEqual(decoded, ['x'.repeat(38)]);
  });
});

// ---------------------------------------------------------------- properties

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const name = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\0'));
const dataBuf = fc.uint8Array({ maxLength: 64 }).map((a) => {
  const b = Buffer.alloc(padded(a.length));
  b.set(a);
  return b;
});

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ kind: fc.constant('version' as const), priority: u16, minorVersion: u16 }),
  fc.record({ kind: fc.constant('search' as const), name, cid: u32, reply: fc.boolean(), minorVersion: u16 }),
  fc.record({ kind: fc.constant('createChan' as const), cid: u32, minorVersion: u32, name }),
  fc.record({ kind: fc.constant('clearChannel' as const), sid: u32, cid: u32 }),
  fc.record({
    kind: fc.constant('eventAdd' as const),
    dataType: u16,
    count: u16,
    sid: u32,
    subscriptionId: u32,
    mask: u16,
    low: fc.constant(0),
    high: fc.constant(0),
    to: fc.constant(0),
  }),
  fc.record({
    kind: fc.constant('eventCancel' as const),
    dataType: u16,
    count: u16,
    sid: u32,
    subscriptionId: u32,
  }),
  fc.record({
    kind: fc.constant('readNotify' as const),
    dataType: u16,
    count: fc.nat({ max: 200000 }),
    sid: u32,
    ioid: u32,
  }),
  fc.record({
    kind: fc.constant('write' as const),
    dataType: u16,
    count: u16,
    sid: u32,
    ioid: u32,
    data: dataBuf,
  }),
  fc.record({
    kind: fc.constant('writeNotify' as const),
    dataType: u16,
    count: u16,
    sid: u32,
    ioid: u32,
    data: dataBuf,
  }),
  fc.constant({ kind: 'eventsOff' as const }),
  fc.constant({ kind: 'eventsOn' as const }),
  fc.constant({ kind: 'echo' as const }),
  fc.record({ kind: fc.constant('clientName' as const), name }),
  fc.record({ kind: fc.constant('hostName' as const), name }),
);

const responseArb: fc.Arbitrary<Response> = fc.oneof(
  fc.record({
    kind: fc.constant('searchReply' as const),
    port: u16,
    address: u32,
    cid: u32,
    minorVersion: u16,
  }),
  fc.record({ kind: fc.constant('accessRights' as const), cid: u32, rights: fc.nat({ max: 3 }) }),
  fc.record({
    kind: fc.constant('createChanReply' as const),
    cid: u32,
    sid: u32,
    dataType: u16,
    count: fc.nat({ max: 1e6 }),
  }),
  fc.record({ kind: fc.constant('createChFail' as const), cid: u32 }),
  fc.record({ kind: fc.constant('clearChannelReply' as const), sid: u32, cid: u32 }),
  fc.record({
    kind: fc.constant('eventAddReply' as const),
    dataType: u16,
    count: u16,
    status: u32,
    subscriptionId: u32,
    data: dataBuf,
  }),
  fc.record({
    kind: fc.constant('readNotifyReply' as const),
    dataType: u16,
    count: u16,
    status: u32,
    ioid: u32,
    data: dataBuf,
  }),
  fc.record({
    kind: fc.constant('writeNotifyReply' as const),
    dataType: u16,
    count: u16,
    status: u32,
    ioid: u32,
  }),
  fc.constant({ kind: 'echo' as const }),
  fc.record({ kind: fc.constant('serverDisconn' as const), cid: u32 }),
  fc.record({
    kind: fc.constant('beacon' as const),
    minorVersion: u16,
    port: u16,
    beaconId: u32,
    address: u32,
  }),
  fc.record({ kind: fc.constant('repeaterConfirm' as const), address: u32 }),
);

function decodeAll(bytes: Buffer, decode: typeof decodeRequest | typeof decodeResponse) {
  return new FrameReader(1 << 24).push(bytes).map((f) => decode(f.header, f.payload));
}

describe('codec properties', () => {
  it('round-trips every request', () => {
    fc.assert(
      fc.property(requestArb, (m) => {
        assert.deepEqual(decodeAll(encode(m), decodeRequest), [{ ...m }]);
      }),
    );
  });

  it('round-trips every response', () => {
    fc.assert(
      fc.property(responseArb, (m) => {
        assert.deepEqual(decodeAll(encode(m), decodeResponse), [{ ...m }]);
      }),
    );
  });

  it('reassembles any split of a stream of frames', () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 400 })),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map(encode));
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
          const reader = new FrameReader(1 << 24);
          const got: unknown[] = [];
          let last = 0;
          for (const p of [...points, stream.length]) {
            for (const f of reader.push(stream.subarray(last, p)))
              got.push(decodeRequest(f.header, f.payload));
            last = p;
          }
          assert.deepEqual(
            got,
            messages.map((m) => ({ ...m })),
          );
          assert.equal(reader.pending, 0);
        },
      ),
    );
  });

  it('splits a datagram of VERSION + SEARCH frames', () => {
    const datagram = Buffer.concat([
      encode({ kind: 'version', priority: 0, minorVersion: 13 }),
      encode({ kind: 'search', name: 'a', cid: 1, reply: false, minorVersion: 13 }),
      encode({ kind: 'search', name: 'b:c', cid: 2, reply: false, minorVersion: 13 }),
    ]);
    assert.deepEqual(
      splitDatagram(datagram).map((f) => decodeRequest(f.header, f.payload)?.kind),
      ['version', 'search', 'search'],
    );
  });

  const nativeValues = (native: number, n: number): fc.Arbitrary<DbrData['values']> => {
    switch (native) {
      case DBR.STRING:
        return fc.array(
          fc.string({ maxLength: 39, unit: 'binary-ascii' }).map((s) => s.replaceAll('\0', '')),
          { minLength: n, maxLength: n },
        );
      case DBR.SHORT:
        return fc.int16Array({ minLength: n, maxLength: n });
      case DBR.FLOAT:
        return fc.float32Array({ minLength: n, maxLength: n, noDefaultInfinity: true, noNaN: true });
      case DBR.ENUM:
        return fc.uint16Array({ minLength: n, maxLength: n });
      case DBR.CHAR:
        return fc.uint8Array({ minLength: n, maxLength: n });
      case DBR.LONG:
        return fc.int32Array({ minLength: n, maxLength: n });
      default:
        return fc.float64Array({ minLength: n, maxLength: n, noNaN: true });
    }
  };

  it('round-trips the values of every DBR type, for any count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 38 }).filter((t) => t !== 35 && t !== 36),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: -32768, max: 32767 }),
        (type, n, status) =>
          fc.assert(
            fc.property(nativeValues(nativeType(type), n), (values) => {
              const decoded = decodeDbr(
                type,
                encodeDbr(type, { values, status: type >= 7 ? status : undefined }),
                n,
              );
              assert.deepEqual(
                Array.from(decoded.values as ArrayLike<unknown>),
                Array.from(values as ArrayLike<unknown>),
              );
            }),
            { numRuns: 3 },
          ),
      ),
      { numRuns: 200 },
    );
  });
});

describe('a reader that skips oversized frames (the client circuit)', () => {
  const LIMIT = 256;
  // Monitor updates whose payload is exactly `size` bytes (a multiple of 8, so no padding is added).
  const update = (subscriptionId: number, size: number): Response => ({
    kind: 'eventAddReply',
    dataType: DBR.CHAR,
    count: size,
    status: 1,
    subscriptionId,
    data: Buffer.alloc(size, subscriptionId & 0xff),
  });
  const sizeArb = fc.oneof(
    fc.nat({ max: LIMIT / 8 }).map((n) => n * 8), // fits (up to the limit itself)
    fc.integer({ min: LIMIT / 8 + 1, max: 12_000 }).map((n) => n * 8), // over, some past 64 kB (extended header)
  );

  for (const reused of [false, true]) {
    it(`hands over every frame in order, reports each oversized one by its header, and never holds its payload${reused ? ' (chunks in one reused buffer)' : ''}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: 1000 }), sizeArb), { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat({ max: 200_000 })),
          (updates, cuts) => {
            const stream = Buffer.concat(updates.map(([id, size]) => encode(update(id, size))));
            const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
            const reader = new FrameReader(LIMIT, { skipOversized: true, reusedChunks: reused });
            const got: unknown[] = [];
            let last = 0;
            for (const p of [...points, stream.length]) {
              // A reused buffer (a socket's onread) holds each chunk only during its visit, then is overwritten.
              const chunk = reused ? Buffer.from(stream.subarray(last, p)) : stream.subarray(last, p);
              reader.visit(chunk, (f) => {
                const payload = f.bytes.subarray(f.start, f.end);
                got.push(
                  f.skipped
                    ? { skipped: f.header.param2, size: f.header.payloadSize, held: payload.length }
                    : decodeResponse(f.header, reused ? Buffer.from(payload) : payload),
                );
              });
              if (reused) chunk.fill(0xee);
              last = p;
              // At most one incomplete frame that fits is ever held; an oversized payload never is.
              assert.ok(reader.pending < 24 + LIMIT, `holds ${reader.pending} bytes`);
            }
            assert.deepEqual(
              got,
              updates.map(([id, size]) =>
                size > LIMIT ? { skipped: id, size, held: 0 } : { ...update(id, size) },
              ),
            );
            assert.equal(reader.pending, 0);
            assert.equal(reader.discarding, 0);
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('drops an oversized payload arriving in small pieces as it comes, then reads on', () => {
    const reader = new FrameReader(LIMIT, { skipOversized: true });
    const big = encode(update(7, 4096));
    const after = encode({ kind: 'echo' });
    const first = reader.push(big.subarray(0, 100));
    assert.deepEqual(
      first.map((f) => [f.skipped, f.header.param2, f.header.payloadSize]),
      [[true, 7, 4096]],
    );
    assert.equal(reader.pending, 0);
    assert.equal(reader.discarding, 4096 - (100 - 16));
    for (let at = 100; at < big.length; at += 50) {
      assert.deepEqual(reader.push(big.subarray(at, Math.min(at + 50, big.length))), []);
      assert.equal(reader.pending, 0);
    }
    assert.equal(reader.discarding, 0);
    assert.deepEqual(
      reader.push(after).map((f) => decodeResponse(f.header, f.payload)),
      [{ kind: 'echo' }],
    );
  });

  it('still refuses a header no peer could send (past 2 GiB), skipping or not', () => {
    const header = Buffer.alloc(24);
    header.writeUInt16BE(1, 0); // EVENT_ADD
    header.writeUInt16BE(0xffff, 2); // extended header: the size follows
    header.writeUInt32BE(PLAUSIBLE_PAYLOAD_BYTES + 8, 16);
    assert.throws(() => new FrameReader(LIMIT, { skipOversized: true }).push(header), ProtocolError);
    assert.throws(() => new FrameReader(LIMIT).push(header), ProtocolError);
  });

  it('is a protocol error without the option, as the server reads requests', () => {
    assert.throws(
      () => new FrameReader(LIMIT).push(encode(update(1, LIMIT + 8))),
      /declares 264 payload bytes, over the limit of 256/,
    );
  });
});
