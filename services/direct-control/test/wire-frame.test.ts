/**
 * WireFrame against ws's own framing (its Sender, which the sockets used before they framed their
 * messages themselves): the same bytes for text and binary messages at every header size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ws from 'ws';
import { WireFrame } from '../src/sockets/wire-frame.ts';

type Frame = (data: string | Buffer, options: Record<string, unknown>) => Buffer[];
const { frame: wsFrame } = (ws as unknown as { Sender: { frame: Frame } }).Sender;

/** What ws writes for one unfragmented, uncompressed server message. */
const reference = (data: string | Buffer) =>
  Buffer.concat(
    wsFrame(data, { fin: true, opcode: typeof data === 'string' ? 1 : 2, mask: false, rsv1: false }),
  );

// Payload sizes either side of the 7-bit, 16-bit and 64-bit length forms.
const SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

describe('WireFrame', () => {
  it('frames text as ws does, counting UTF-8 bytes (not characters)', () => {
    for (const size of SIZES) {
      for (const text of ['x'.repeat(size), 'é'.repeat(Math.ceil(size / 2))]) {
        const frame = WireFrame.text(text);
        const expected = reference(text);
        assert.ok(Buffer.concat(frame.chunks).equals(expected), `text of ${Buffer.byteLength(text)} bytes`);
        assert.equal(frame.byteLength, expected.length);
        assert.equal(frame.payloadLength, Buffer.byteLength(text));
      }
    }
  });

  it('frames binary as ws does, without copying the payload', () => {
    for (const size of SIZES) {
      const payload = Buffer.alloc(size, 7);
      const frame = WireFrame.binary(payload);
      assert.ok(Buffer.concat(frame.chunks).equals(reference(payload)), `binary of ${size} bytes`);
      assert.equal(frame.chunks.at(-1), payload, 'the payload travels as it is');
      assert.equal(frame.payloadLength, size);
    }
  });

  it('takes a string as text and a Buffer as binary, and a framed message as it is', () => {
    assert.equal(WireFrame.of('{"a":1}').chunks[0][0], 0x81);
    assert.equal(WireFrame.of(Buffer.from('{"a":1}')).chunks[0][0], 0x82);
    const framed = WireFrame.text('shared');
    assert.equal(WireFrame.of(framed), framed);
  });
});
