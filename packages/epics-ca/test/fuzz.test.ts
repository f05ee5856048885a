import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DbrError, decodeDbr } from '../src/dbr.ts';
import { decodeRequest, decodeResponse, ProtocolError } from '../src/messages.ts';
import { FrameReader, splitDatagram } from '../src/stream.ts';

// Decoders see bytes from the network: whatever arrives, they either decode or throw their own error type.
const expected = (err: unknown) => err instanceof ProtocolError || err instanceof DbrError;

describe('decoder fuzz (bounded)', () => {
  it('stream and datagram decoding never throws anything else, nor allocates past the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (chunks) => {
        // The server's reader throws on an oversized frame; the client's skips it.
        for (const reader of [new FrameReader(4096), new FrameReader(4096, { skipOversized: true })]) {
          try {
            for (const chunk of chunks) {
              for (const f of reader.push(Buffer.from(chunk))) {
                assert.ok(f.payload.length <= 4096);
                assert.ok(!f.skipped || f.header.payloadSize > 4096);
                decodeRequest(f.header, f.payload);
                decodeResponse(f.header, f.payload);
              }
            }
            assert.ok(reader.pending <= 4096 + 24 + 300);
          } catch (err) {
            if (!expected(err)) throw err;
          }
        }
        try {
          splitDatagram(Buffer.concat(chunks.map((c) => Buffer.from(c))));
        } catch (err) {
          if (!expected(err)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('DBR decoding of any type, count and payload throws only DbrError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 60 }),
        fc.nat({ max: 100000 }),
        fc.uint8Array({ maxLength: 700 }),
        (type, count, bytes) => {
          try {
            const data = decodeDbr(type, Buffer.from(bytes), count);
            assert.ok(data.values.length <= count);
          } catch (err) {
            if (!expected(err)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
