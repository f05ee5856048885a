/**
 * Reassembles CA frames from a byte stream split at arbitrary points (TCP), and splits datagrams
 * (UDP) into their frames. A frame whose declared payload exceeds the limit is a protocol error:
 * the circuit is closed rather than memory reserved for it. A reader made with `skipOversized`
 * (the client's) instead discards such a payload as it arrives and reports the frame, so that one
 * oversized reply fails one request rather than the whole circuit.
 */
import {
  emptyHeader,
  HEADER_SIZE,
  type Header,
  ProtocolError,
  readHeader,
  readHeaderInto,
} from './messages.ts';

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

/**
 * A frame seen in place, for readers that must not allocate per frame (a client's monitor
 * updates): the payload is `bytes[start, end)`. One view is reused for every frame, so it is valid
 * only during the visit that receives it.
 */
export interface FrameView {
  header: Header;
  bytes: Buffer;
  start: number;
  end: number;
  /** As Frame.skipped: the payload was over the limit and discarded (`start === end`). */
  skipped: boolean;
}

const EMPTY = Buffer.alloc(0);

export class FrameReader {
  /** Bytes received and not yet framed; the first `offset` bytes of `chunks[0]` are consumed. */
  private chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  /** Bytes of a skipped frame's payload still to come (and to be dropped). */
  private skipRemaining = 0;
  private readonly maxPayload: number;
  private readonly skipOversized: boolean;
  private readonly view: FrameView = {
    header: emptyHeader(),
    bytes: EMPTY,
    start: 0,
    end: 0,
    skipped: false,
  };

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
    const frames: Frame[] = [];
    this.visit(chunk, (view) =>
      frames.push({
        header: { ...view.header },
        payload: view.bytes.subarray(view.start, view.end),
        skipped: view.skipped,
      }),
    );
    return frames;
  }

  /**
   * Adds bytes and calls `onFrame` with each frame they complete, in order, through one reused
   * FrameView: no object is made per frame. Throws as `push` does; an exception from `onFrame`
   * propagates, with the frames before it (and that one) consumed.
   */
  visit(chunk: Buffer, onFrame: (frame: FrameView) => void): void {
    if (this.skipRemaining > 0) {
      // The rest of a skipped payload is dropped here, before it is ever held.
      if (chunk.length <= this.skipRemaining) {
        this.skipRemaining -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.skipRemaining);
      this.skipRemaining = 0;
    }
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const view = this.view;
    const header = view.header;
    while (this.buffered >= HEADER_SIZE) {
      // Headers are small: make the first chunk hold a whole one (24 bytes at most) to read it.
      const head = this.gather(Math.min(this.buffered, 24));
      const size = readHeaderInto(head, this.offset, header);
      if (!size) break;
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
        view.bytes = EMPTY;
        view.start = view.end = 0;
        view.skipped = true;
        onFrame(view);
        if (this.skipRemaining > 0) break;
        continue;
      }
      if (this.buffered < size + header.payloadSize) break;
      this.drop(size);
      this.take(header.payloadSize, view);
      view.skipped = false;
      onFrame(view);
    }
  }

  /** Makes the first chunk hold at least `n` unconsumed bytes (copying only when a frame straddles chunks). */
  private gather(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length - this.offset < n) {
      this.chunks[0] = first.subarray(this.offset);
      this.chunks = [Buffer.concat(this.chunks)];
      this.offset = 0;
    }
    return this.chunks[0];
  }

  /**
   * Removes the next `n` bytes and points `view` at them: in place in the chunk that holds them
   * all (the usual case, no allocation), or in one copy when they span chunks.
   */
  private take(n: number, view: FrameView): void {
    const first = this.chunks[0] ?? EMPTY;
    if (first.length - this.offset >= n) {
      view.bytes = first;
      view.start = this.offset;
      view.end = this.offset + n;
      this.drop(n);
      return;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length - this.offset, n - filled);
      chunk.copy(out, filled, this.offset, this.offset + part);
      filled += part;
      this.drop(part);
    }
    view.bytes = out;
    view.start = 0;
    view.end = n;
  }

  /** Forgets the next `n` held bytes without copying them. */
  private drop(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const left = this.chunks[0].length - this.offset;
      if (left <= n) {
        this.chunks.shift();
        this.offset = 0;
        n -= left;
      } else {
        this.offset += n;
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
