/**
 * A WebSocket message framed once for the wire (RFC 6455: one unfragmented, uncompressed, unmasked
 * server frame). An update going to a hundred clients is encoded and framed once and the same bytes
 * are written to every socket; through ws, each client's send measured, encoded and framed the text
 * again and cost two stream writes.
 */
const FIN = 0x80;
const TEXT = 0x1;
const BINARY = 0x2;

export class WireFrame {
  /** The bytes to write, in order: header and payload (one buffer for text, two for binary). */
  readonly chunks: readonly Buffer[];
  /** Header and payload bytes. */
  readonly byteLength: number;
  /** Payload bytes (what the frame-size cap is about). */
  readonly payloadLength: number;

  private constructor(chunks: Buffer[], payloadLength: number) {
    this.chunks = chunks;
    this.payloadLength = payloadLength;
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    this.byteLength = total;
  }

  /** A text message (UTF-8), header and payload in one buffer. */
  static text(text: string): WireFrame {
    const length = Buffer.byteLength(text);
    const bytes = Buffer.allocUnsafe(headerLength(length) + length);
    bytes.write(text, writeHeader(bytes, TEXT, length));
    return new WireFrame([bytes], length);
  }

  /** A binary message; the payload is not copied, so the caller must not change it afterwards. */
  static binary(payload: Buffer): WireFrame {
    const header = Buffer.allocUnsafe(headerLength(payload.length));
    writeHeader(header, BINARY, payload.length);
    return new WireFrame([header, payload], payload.length);
  }

  /** A string is a text message and a Buffer a binary one, as ws's `send` has it. */
  static of(frame: string | Buffer | WireFrame): WireFrame {
    if (frame instanceof WireFrame) return frame;
    return typeof frame === 'string' ? WireFrame.text(frame) : WireFrame.binary(frame);
  }
}

/** 2 bytes up to 125 bytes of payload, 4 below 64 KiB, 10 beyond. */
const headerLength = (payload: number) => (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);

/** Writes the header at the start of `bytes`; returns where the payload starts. */
function writeHeader(bytes: Buffer, opcode: number, payload: number): number {
  bytes[0] = FIN | opcode;
  if (payload < 126) {
    bytes[1] = payload;
    return 2;
  }
  if (payload < 65_536) {
    bytes[1] = 126;
    bytes.writeUInt16BE(payload, 2);
    return 4;
  }
  bytes[1] = 127;
  bytes.writeUInt32BE(Math.floor(payload / 2 ** 32), 2);
  bytes.writeUInt32BE(payload >>> 0, 6);
  return 10;
}
