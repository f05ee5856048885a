/**
 * A client's outgoing frames, bounded whatever the client does. Updates are keyed (by PV): a newer
 * update replaces a queued one for the same key (keep-latest), so a slow client gets the newest
 * values, never a backlog. Replies (acks, errors) queue in order up to a bound; past it the oldest
 * is dropped and counted. Sending waits while the transport reports it is backed up.
 */
export interface SendTransport {
  /** Bytes waiting in the transport (a WebSocket's bufferedAmount). */
  readonly buffered: number;
  send(frame: string): void;
}

export class SendQueue {
  private readonly updates = new Map<string, string>();
  private readonly replies: string[] = [];
  private readonly transport: SendTransport;
  private readonly highWater: number;
  private readonly replyLimit: number;
  /** Frames replaced or dropped before they could be sent. */
  coalesced = 0;
  droppedReplies = 0;
  sent = 0;

  constructor(transport: SendTransport, options: { highWater?: number; replyLimit?: number } = {}) {
    this.transport = transport;
    this.highWater = options.highWater ?? 1 << 20;
    this.replyLimit = options.replyLimit ?? 256;
  }

  /** Frames waiting (at most one per key, plus the bounded replies). */
  get pending(): number {
    return this.updates.size + this.replies.length;
  }

  update(key: string, frame: string): void {
    if (this.updates.has(key)) {
      this.updates.delete(key); // re-insert at the back: fairness across keys
      this.coalesced++;
    }
    this.updates.set(key, frame);
    this.flush();
  }

  reply(frame: string): void {
    this.replies.push(frame);
    if (this.replies.length > this.replyLimit) {
      this.replies.shift();
      this.droppedReplies++;
    }
    this.flush();
  }

  /** Sends what the transport can take now; call again when it drains. */
  flush(): void {
    while (this.transport.buffered < this.highWater) {
      const reply = this.replies.shift();
      if (reply !== undefined) {
        this.transport.send(reply);
        this.sent++;
        continue;
      }
      const next = this.updates.entries().next();
      if (next.done) return;
      this.updates.delete(next.value[0]);
      this.transport.send(next.value[1]);
      this.sent++;
    }
  }
}
