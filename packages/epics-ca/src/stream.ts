/**
 * Reassembles CA frames from a byte stream split at arbitrary points (TCP), and splits datagrams
 * (UDP) into their frames. A frame whose declared payload exceeds the limit is a protocol error:
 * the circuit is closed rather than memory reserved for it. A reader made with `skipOversized`
 * (the client's) instead discards such a payload as it arrives and reports the frame, so that one
 * oversized reply fails one request rather than the whole circuit.
 */
import { HEADER_SIZE, type Header, ProtocolError, readHeader } from './messages.ts';

export interface Frame {
  header: Header;
  payload: Buffer;
  /** The payload was over the limit and was discarded unread (`payload` is empty): skipOversized readers only. */
  skipped: boolean;
}

export interface FrameReaderOptions {
  /**
   * Discard the payload of a frame over the limit instead of throwing, and report the frame with
   * `skipped` set. Headers past PLAUSIBLE_PAYLOAD_BYTES stay protocol errors.
   */
  skipOversized?: boolean;
}

/**
 * No CA peer sends a payload over 2 GiB (EPICS_CA_MAX_ARRAY_BYTES stops there): a header that
 * declares more is garbage, and the stream cannot be trusted past it even when skipping.
 */
export const PLAUSIBLE_PAYLOAD_BYTES = 2 ** 31;

const EMPTY = Buffer.alloc(0);

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of a skipped frame's payload still to come (and to be dropped). */
  private skipRemaining = 0;
  private readonly maxPayload: number;
  private readonly skipOversized: boolean;

  constructor(maxPayload: number, options: FrameReaderOptions = {}) {
    this.maxPayload = maxPayload;
    this.skipOversized = options.skipOversized ?? false;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Bytes of an oversized payload still to arrive and be discarded. */
  get discarding(): number {
    return this.skipRemaining;
  }

  /**
   * Adds bytes and returns every frame they complete. Throws ProtocolError on an oversized frame
   * (with skipOversized, only on one past PLAUSIBLE_PAYLOAD_BYTES).
   */
  push(chunk: Buffer): Frame[] {
    if (this.skipRemaining > 0) {
      // The rest of a skipped payload is dropped here, before it is ever held.
      if (chunk.length <= this.skipRemaining) {
        this.skipRemaining -= chunk.length;
        return [];
      }
      chunk = chunk.subarray(this.skipRemaining);
      this.skipRemaining = 0;
    }
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
        if (!this.skipOversized || header.payloadSize > PLAUSIBLE_PAYLOAD_BYTES) {
          throw new ProtocolError(
            `frame of command ${header.command} declares ${header.payloadSize} payload bytes, over the limit of ${this.maxPayload}`,
          );
        }
        this.drop(size);
        const held = Math.min(this.buffered, header.payloadSize);
        this.drop(held);
        this.skipRemaining = header.payloadSize - held;
        frames.push({ header, payload: EMPTY, skipped: true });
        if (this.skipRemaining > 0) break;
        continue;
      }
      const total = size + header.payloadSize;
      if (this.buffered < total) break;
      const bytes = this.take(total);
      frames.push({ header, payload: bytes.subarray(size), skipped: false });
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

  /** Forgets the next `n` held bytes without copying them. */
  private drop(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const chunk = this.chunks[0];
      if (chunk.length <= n) {
        this.chunks.shift();
        n -= chunk.length;
      } else {
        this.chunks[0] = chunk.subarray(n);
        n = 0;
      }
    }
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
    frames.push({ header: parsed.header, payload: datagram.subarray(start, end), skipped: false });
    offset = end;
  }
  return frames;
}
