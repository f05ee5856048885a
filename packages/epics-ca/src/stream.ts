/**
 * Reassembles CA frames from a byte stream split at arbitrary points (TCP), and splits datagrams
 * (UDP) into their frames. A frame whose declared payload exceeds the limit is a protocol error:
 * the circuit is closed rather than memory reserved for it. A reader made with `skipOversized`
 * (the client's) instead discards such a payload as it arrives and reports the frame, so that one
 * oversized reply fails one request rather than the whole circuit.
 */
import {
  EXTENDED_HEADER_SIZE,
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
  /**
   * The caller passes the same memory again with every chunk (a socket's `onread` buffer): bytes a
   * visit leaves held, the start of a frame the next chunk completes, are copied before it returns.
   */
  reusedChunks?: boolean;
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
  private readonly reusedChunks: boolean;
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
    this.reusedChunks = options.reusedChunks ?? false;
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
    while (chunk.length > 0) {
      if (this.skipRemaining > 0) {
        // The rest of a skipped payload is dropped here, before it is ever held.
        const skipped = Math.min(chunk.length, this.skipRemaining);
        this.skipRemaining -= skipped;
        chunk = chunk.subarray(skipped);
        continue;
      }
      if (this.buffered === 0) {
        chunk = chunk.subarray(this.visitWhole(chunk, onFrame));
        if (chunk.length === 0) return;
      }
      // A frame begun in an earlier chunk, or cut by this one's end, or over the limit: it is held
      // and completed with only the bytes it lacks, so the frames after it are again seen in place.
      const part = chunk.subarray(0, this.lacking());
      chunk = chunk.subarray(part.length);
      this.hold(part);
      try {
        this.visitHeld(onFrame);
      } catch (err) {
        this.hold(chunk);
        throw err;
      }
    }
  }

  /** Bytes the held frame still lacks: the rest of its header, or of its payload. */
  private lacking(): number {
    const held = this.buffered;
    if (held < HEADER_SIZE) return HEADER_SIZE - held;
    const head = this.gather(Math.min(held, EXTENDED_HEADER_SIZE));
    const size = readHeaderInto(head, this.offset, this.view.header);
    if (!size) return EXTENDED_HEADER_SIZE - held;
    return size + this.view.header.payloadSize - held;
  }

  /** Keeps bytes for a later frame, copied if the caller reuses its chunk memory. */
  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(this.reusedChunks ? Buffer.from(bytes) : bytes);
    this.buffered += bytes.length;
  }

  /** Visits the frames the held chunks complete, gathering or copying where a frame spans chunks. */
  private visitHeld(onFrame: (frame: FrameView) => void): void {
    const view = this.view;
    const header = view.header;
    while (this.buffered >= HEADER_SIZE) {
      // Headers are small: make the first chunk hold a whole one (24 bytes at most) to read it.
      const head = this.gather(Math.min(this.buffered, EXTENDED_HEADER_SIZE));
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

  /**
   * The usual case, nothing held from earlier reads: visits the frames lying wholly in `chunk`, in
   * place, and returns how many bytes they took. It stops at a frame cut by the chunk's end or over
   * the limit, which the general path then takes. If `onFrame` throws, the bytes after its frame are
   * kept for the next visit, as the general path keeps them.
   */
  private visitWhole(chunk: Buffer, onFrame: (frame: FrameView) => void): number {
    const view = this.view;
    const header = view.header;
    const length = chunk.length;
    let at = 0;
    // Set once, not per frame: storing an object reference costs a write barrier each time.
    view.bytes = chunk;
    try {
      while (true) {
        const size = readHeaderInto(chunk, at, header);
        if (!size) return at;
        const end = at + size + header.payloadSize;
        if (header.payloadSize > this.maxPayload || end > length) return at;
        view.start = at + size;
        view.end = end;
        view.skipped = false;
        at = end;
        onFrame(view);
      }
    } catch (err) {
      this.hold(chunk.subarray(at));
      throw err;
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
