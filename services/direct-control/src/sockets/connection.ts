/**
 * One WebSocket client: its bounded send queue, heartbeats, and the parsing of its frames. Sends are
 * batched per event-loop turn: what the queue lets through goes to the socket in one write, so a
 * burst of updates to one client costs one write, not one per frame. A frame that is not a JSON
 * object gets an error reply; the connection stays up.
 *
 * Messages are framed here (WireFrame) and written to ws's socket, not sent through `ws.send`: an
 * update shared by many clients is framed once, and a client's batch is one stream write instead
 * of two per message. That needs the frames ws would write, which holds while no extension
 * (permessage-deflate) is negotiated: the gateway turns it off. Control frames (ping, pong, close)
 * stay with ws; they are written whole, so they fall between messages.
 */
import type { WebSocket } from 'ws';
import { SendQueue } from '../monitor/send-queue.ts';
import { errorFrame } from './frames.ts';
import { TurnBatch } from './turn-batch.ts';
import { WireFrame } from './wire-frame.ts';

export interface ConnectionOptions {
  /** Bytes a client may have unread before its updates coalesce. */
  highWater: number;
  /** Largest frame sent; larger ones are refused by `fits`. */
  frameLimit: number;
  /** Replies (acks, snapshots, errors) that may wait; past it new ones are dropped and counted. */
  replyLimit: number;
}

/** A frame to send: text, binary, or a message already framed (shared by the clients it goes to). */
export type OutFrame = string | Buffer | WireFrame;

/** The part of ws's socket a connection writes to (ws keeps it private). */
interface RawSocket {
  cork(): void;
  uncork(): void;
  write(chunk: Buffer, done?: (err?: Error | null) => void): boolean;
}

/** Client frames a connection may have waiting or in progress at once. */
export const FRAME_BACKLOG = 64;

/** Connections with frames to write, flushed together at the end of the turn. */
const flushes = new TurnBatch<Connection, Connection>((batch) => {
  for (const connection of batch.keys()) connection.flushNow();
});

export class Connection {
  readonly ws: WebSocket;
  readonly path: string;
  readonly queue: SendQueue<WireFrame>;
  readonly frameLimit: number;
  closed = false;
  /** The last frame's handling: the next frame starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Frames waiting or being handled, and work running beside them. */
  private inFlight = 0;
  private readonly closeHooks: (() => void)[] = [];
  private readonly throttles = new Map<string, { last: number; timer?: NodeJS.Timeout; frame?: WireFrame }>();
  /** Frames the queue let through during this flush, and their bytes (counted as buffered already). */
  private batch: WireFrame[] = [];
  private batchBytes = 0;

  constructor(ws: WebSocket, path: string, options: ConnectionOptions) {
    this.ws = ws;
    this.path = path;
    this.frameLimit = options.frameLimit;
    const batch = () => this.batchBytes;
    this.queue = new SendQueue<WireFrame>(
      {
        get buffered() {
          return ws.bufferedAmount + batch();
        },
        send: (frame) => {
          this.batch.push(frame);
          this.batchBytes += frame.byteLength;
        },
      },
      { highWater: options.highWater, replyLimit: options.replyLimit },
    );
    ws.on('close', () => {
      this.closed = true;
      flushes.delete(this);
      for (const t of this.throttles.values()) clearTimeout(t.timer);
      for (const hook of this.closeHooks.splice(0)) hook();
    });
  }

  onClose(hook: () => void): void {
    if (this.closed) hook();
    else this.closeHooks.push(hook);
  }

  /**
   * Every client frame that parses as a JSON object, handled one at a time in arrival order (a
   * subscribe is settled before the unsubscribe sent after it); others get an error reply. Work
   * is bounded: past `FRAME_BACKLOG` frames waiting or running, new frames are refused.
   */
  onFrame(handler: (frame: Record<string, unknown>) => void | Promise<void>): void {
    this.ws.on('message', (data, isBinary) => {
      if (this.inFlight >= FRAME_BACKLOG) {
        this.reply(
          errorFrame(`Too many frames in progress (${FRAME_BACKLOG}); wait for replies before sending more`),
        );
        return;
      }
      const frame = parse(data.toString(), isBinary);
      if (typeof frame === 'string') {
        this.reply(errorFrame(frame));
        return;
      }
      this.tail = this.tail.then(() => this.run(handler, frame));
      this.track(this.tail);
    });
  }

  /**
   * Work that must not hold up the frames after it (a write waiting for a motor, which a `stop`
   * sent next has to overtake). It still counts against the backlog until it ends.
   */
  beside(work: Promise<void>, frame: Record<string, unknown>): void {
    this.track(this.run(() => work, frame));
  }

  private track(work: Promise<void>): void {
    this.inFlight++;
    void work.finally(() => this.inFlight--);
  }

  private async run(
    handler: (frame: Record<string, unknown>) => void | Promise<void>,
    frame: Record<string, unknown>,
  ): Promise<void> {
    if (this.closed) return;
    try {
      await handler(frame);
    } catch (err) {
      this.reply(errorFrame(`Internal error handling ${String(frame.action)}: ${(err as Error).message}`));
    }
  }

  /** True when a frame's payload is within the size cap. */
  fits(frame: OutFrame): boolean {
    const bytes =
      frame instanceof WireFrame
        ? frame.payloadLength
        : typeof frame === 'string'
          ? Buffer.byteLength(frame)
          : frame.length;
    return bytes <= this.frameLimit;
  }

  reply(frame: OutFrame): void {
    if (this.closed) return;
    this.queue.reply(WireFrame.of(frame));
    this.schedule();
  }

  /** A keyed update: a waiting one for the same key is replaced; `minIntervalMs` throttles the key. */
  update(key: string, update: OutFrame, minIntervalMs = 0): void {
    if (this.closed) return;
    const frame = WireFrame.of(update);
    if (minIntervalMs > 0) {
      const now = Date.now();
      let t = this.throttles.get(key);
      if (!t) {
        t = { last: 0 };
        this.throttles.set(key, t);
      }
      if (now - t.last < minIntervalMs) {
        t.frame = frame;
        t.timer ??= setTimeout(
          () => {
            t.timer = undefined;
            const held = t.frame;
            t.frame = undefined;
            if (held) this.update(key, held, minIntervalMs);
          },
          minIntervalMs - (now - t.last),
        );
        return;
      }
      t.last = now;
    }
    this.queue.update(key, frame);
    this.schedule();
  }

  /** Forgets a key's throttle and queue slot (on unsubscribe). */
  release(key: string): void {
    this.queue.forget(key);
    const t = this.throttles.get(key);
    if (t) clearTimeout(t.timer);
    this.throttles.delete(key);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
  }

  private schedule(): void {
    if (!this.closed) flushes.add(this, this);
  }

  /**
   * Writes what the queue lets through as one writev of the frames' own buffers. Copying them into
   * one buffer per client instead cost more: the copies are external memory, and V8 answered their
   * churn with major collections (measured: see the README's issue 16 section).
   */
  flushNow(): void {
    if (this.closed) return;
    this.queue.flush();
    const frames = this.batch;
    if (frames.length === 0) return;
    this.batch = [];
    this.batchBytes = 0;
    // Closing: ws.send would not write either (a message after a close frame breaks the protocol).
    if (this.ws.readyState !== this.ws.OPEN) return;
    const socket = (this.ws as unknown as { _socket: RawSocket })._socket;
    socket.cork();
    const last = frames.length - 1;
    for (let i = 0; i < last; i++) for (const chunk of frames[i].chunks) socket.write(chunk);
    const chunks = frames[last].chunks;
    for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]);
    socket.write(chunks[chunks.length - 1], this.written);
    socket.uncork();
  }

  /**
   * After a write: frames the backed-up transport held back go out now. The last write always
   * carries this, so a queue that stops at the high-water mark is flushed once the bytes ahead of
   * it have left.
   */
  private readonly written = (err?: Error | null): void => {
    if (!err && this.queue.pending > 0) this.schedule();
  };
}

function parse(text: string, isBinary: boolean): Record<string, unknown> | string {
  if (isBinary) return 'Binary frames are not accepted; send JSON text';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `Invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'Frames must be JSON objects, e.g. {"action":"subscribe","pv":"X"}';
  return value as Record<string, unknown>;
}
