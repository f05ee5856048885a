/**
 * Reassembles CA frames from a byte stream split at arbitrary points (TCP), and splits datagrams
 * (UDP) into their frames. A frame whose declared payload exceeds the limit is a protocol error:
 * the circuit is closed rather than memory reserved for it.
 */
import { HEADER_SIZE, type Header, ProtocolError, readHeader } from './messages.ts';

export interface Frame {
  header: Header;
  payload: Buffer;
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly maxPayload: number;

  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Adds bytes and returns every frame they complete. Throws ProtocolError on an oversized frame. */
  push(chunk: Buffer): Frame[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < HEADER_SIZE) break;
      // Headers are small: gather the first 24 bytes into one buffer to read them.
      const head = this.gather(Math.min(this.buffered, 24));
      const parsed = readHeader(head);
      if (!parsed) break;
      const { header, size } = parsed;
      if (header.payloadSize > this.maxPayload) {
        throw new ProtocolError(
          `frame of command ${header.command} declares ${header.payloadSize} payload bytes, over the limit of ${this.maxPayload}`,
        );
      }
      const total = size + header.payloadSize;
      if (this.buffered < total) break;
      const bytes = this.take(total);
      frames.push({ header, payload: bytes.subarray(size) });
    }
    return frames;
  }

  /** Makes the first chunk hold at least `n` bytes, returning it. */
  private gather(n: number): Buffer {
    if (this.chunks[0].length < n) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all];
    }
    return this.chunks[0];
  }

  /** Removes and returns the next `n` bytes (one copy at most, and none when a chunk holds them all). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}

/** The frames of one datagram; a truncated trailing frame is a protocol error. */
export function splitDatagram(datagram: Buffer): Frame[] {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    const parsed = readHeader(datagram, offset);
    if (!parsed) throw new ProtocolError(`datagram ends inside a header at byte ${offset}`);
    const start = offset + parsed.size;
    const end = start + parsed.header.payloadSize;
    if (end > datagram.length) throw new ProtocolError(`datagram frame at byte ${offset} runs past the end`);
    frames.push({ header: parsed.header, payload: datagram.subarray(start, end) });
    offset = end;
  }
  return frames;
}
