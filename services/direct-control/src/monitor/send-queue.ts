/**
 * A client's outgoing frames, bounded whatever the client does. Frames leave in the order they were
 * queued, but an update that is still waiting is replaced in place by a newer one for the same key
 * (a PV): a slow client gets the newest values, never a backlog. Replies (acks, errors) are never
 * replaced; past a bound, new ones are dropped and counted. Sending stops while the transport
 * reports it is backed up and resumes on `flush()`. What a frame is (text, bytes) is the
 * transport's business.
 */
export interface SendTransport<Frame> {
  /** Bytes waiting in the transport (a WebSocket's bufferedAmount). */
  readonly buffered: number;
  send(frame: Frame): void;
}

interface Slot<Frame> {
  key?: string;
  frame: Frame;
}

export class SendQueue<Frame> {
  private slots: Slot<Frame>[] = [];
  private head = 0;
  private readonly waiting = new Map<string, Slot<Frame>>();
  private replies = 0;
  private readonly transport: SendTransport<Frame>;
  private readonly highWater: number;
  private readonly replyLimit: number;
  /** Updates replaced by newer ones before they could be sent. */
  coalesced = 0;
  droppedReplies = 0;
  sent = 0;

  constructor(transport: SendTransport<Frame>, options: { highWater?: number; replyLimit?: number } = {}) {
    this.transport = transport;
    this.highWater = options.highWater ?? 1 << 20;
    this.replyLimit = options.replyLimit ?? 256;
  }

  /** Frames waiting (at most one per key, plus the bounded replies). */
  get pending(): number {
    return this.slots.length - this.head;
  }

  /** Queues an update; returns false when it replaced a waiting one. Call `flush()` to send. */
  update(key: string, frame: Frame): boolean {
    const slot = this.waiting.get(key);
    if (slot) {
      slot.frame = frame;
      this.coalesced++;
      return false;
    }
    const fresh = { key, frame };
    this.waiting.set(key, fresh);
    this.slots.push(fresh);
    return true;
  }

  /** Queues a reply; returns false when the reply bound dropped it. */
  reply(frame: Frame): boolean {
    if (this.replies >= this.replyLimit) {
      this.droppedReplies++;
      return false;
    }
    this.replies++;
    this.slots.push({ frame });
    return true;
  }

  /** Sends what the transport can take now. */
  flush(): void {
    while (this.head < this.slots.length && this.transport.buffered < this.highWater) {
      const slot = this.slots[this.head++];
      if (slot.key === undefined) this.replies--;
      else this.waiting.delete(slot.key);
      this.transport.send(slot.frame);
      this.sent++;
    }
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }
}
