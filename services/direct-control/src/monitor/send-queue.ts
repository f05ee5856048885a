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
  /** What to send; dropped once sent, so the queue holds no frame it has sent. */
  frame: Frame | undefined;
  /** Waiting in the queue. */
  queued: boolean;
  /** Its key was forgotten while it waited: it leaves the key table once sent. */
  forgotten?: boolean;
}

/** Above this many entries an emptied slot array is dropped rather than kept for reuse. */
const KEPT_SLOTS = 256;

export class SendQueue<Frame> {
  /** Waiting slots in order, from `head` to `tail`; the array is reused from flush to flush. */
  private slots: (Slot<Frame> | undefined)[] = [];
  private head = 0;
  private tail = 0;
  /**
   * One slot per key, kept between updates until the key is forgotten: a steady stream of updates
   * (a hundred clients, ten PVs, every batch) then allocates no slot and churns no map.
   */
  private readonly keyed = new Map<string, Slot<Frame>>();
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
    return this.tail - this.head;
  }

  /** Queues an update; returns false when it replaced a waiting one. Call `flush()` to send. */
  update(key: string, frame: Frame): boolean {
    let slot = this.keyed.get(key);
    if (slot?.queued) {
      slot.frame = frame;
      this.coalesced++;
      return false;
    }
    if (slot) {
      slot.frame = frame;
      slot.queued = true;
    } else {
      slot = { key, frame, queued: true };
      this.keyed.set(key, slot);
    }
    this.slots[this.tail++] = slot;
    return true;
  }

  /** Queues a reply; returns false when the reply bound dropped it. */
  reply(frame: Frame): boolean {
    if (this.replies >= this.replyLimit) {
      this.droppedReplies++;
      return false;
    }
    this.replies++;
    this.slots[this.tail++] = { frame, queued: true };
    return true;
  }

  /** Drops a key's slot (its subscription ended); an update still waiting is sent all the same. */
  forget(key: string): void {
    const slot = this.keyed.get(key);
    if (!slot) return;
    if (slot.queued) slot.forgotten = true;
    else this.keyed.delete(key);
  }

  /** Sends what the transport can take now. */
  flush(): void {
    while (this.head < this.tail && this.transport.buffered < this.highWater) {
      const slot = this.slots[this.head] as Slot<Frame>;
      this.slots[this.head++] = undefined;
      const frame = slot.frame as Frame;
      slot.frame = undefined;
      slot.queued = false;
      if (slot.key === undefined) this.replies--;
      else if (slot.forgotten) {
        slot.forgotten = false;
        if (this.keyed.get(slot.key) === slot) this.keyed.delete(slot.key);
      }
      this.transport.send(frame);
      this.sent++;
    }
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      if (this.slots.length > KEPT_SLOTS) this.slots = [];
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      this.slots = this.slots.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }
}
