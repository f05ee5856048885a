/**
 * One WebSocket client: its bounded send queue, heartbeats, and the parsing of its frames. Sends are
 * batched per event-loop turn and written corked, so a burst of updates to one client costs one
 * write, not one per frame. A frame that is not a JSON object gets an error reply; the connection
 * stays up.
 */
import type { WebSocket } from 'ws';
import { SendQueue } from '../monitor/send-queue.ts';
import { errorFrame } from './frames.ts';
import { TurnBatch } from './turn-batch.ts';

export interface ConnectionOptions {
  /** Bytes a client may have unread before its updates coalesce. */
  highWater: number;
  /** Largest frame sent; larger ones are refused by `fits`. */
  frameLimit: number;
  /** Replies (acks, snapshots, errors) that may wait; past it new ones are dropped and counted. */
  replyLimit: number;
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
  readonly queue: SendQueue;
  readonly frameLimit: number;
  closed = false;
  /** The last frame's handling: the next frame starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Frames waiting or being handled, and work running beside them. */
  private inFlight = 0;
  private readonly closeHooks: (() => void)[] = [];
  private readonly throttles = new Map<
    string,
    { last: number; timer?: NodeJS.Timeout; frame?: string | Buffer }
  >();

  constructor(ws: WebSocket, path: string, options: ConnectionOptions) {
    this.ws = ws;
    this.path = path;
    this.frameLimit = options.frameLimit;
    this.queue = new SendQueue(
      {
        get buffered() {
          return ws.bufferedAmount;
        },
        send: (frame) => ws.send(frame, (err) => err || this.schedule()),
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

  /** True when a frame of this text is within the size cap. */
  fits(frame: string | Buffer): boolean {
    const bytes = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    return bytes <= this.frameLimit;
  }

  reply(frame: string | Buffer): void {
    if (this.closed) return;
    this.queue.reply(frame);
    this.schedule();
  }

  /** A keyed update: a waiting one for the same key is replaced; `minIntervalMs` throttles the key. */
  update(key: string, frame: string | Buffer, minIntervalMs = 0): void {
    if (this.closed) return;
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

  /** Forgets a key's throttle (on unsubscribe). */
  release(key: string): void {
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

  /** Writes what the queue lets through in one corked batch. */
  flushNow(): void {
    if (this.closed) return;
    // ws keeps its socket private; corking it turns a batch of frames into one write.
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    socket?.cork();
    try {
      this.queue.flush();
    } finally {
      socket?.uncork();
    }
  }
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
