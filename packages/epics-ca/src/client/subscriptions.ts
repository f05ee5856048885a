/**
 * A circuit's subscriptions, found by the id its updates carry. Every monitor update looks its
 * subscription up, so the table is a dense array indexed by the id's low bits rather than a hash
 * map: one load instead of hashing and two dependent ones, where memory latency is most of an
 * update's cost.
 *
 * An id is never given twice on one circuit, so an update still in flight for a cancelled
 * subscription can never reach a later one: the high bits count the slot's uses, and a slot
 * whose count is spent is retired rather than reused. A circuit can so give 2^32 ids in all, as
 * many as the client-wide counter this replaced could.
 */
export interface Subscription {
  /** Given by `add`: the subscription id sent to the server. */
  id: number;
}

const SLOT_BITS = 20;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
const MAX_SLOTS = 1 << SLOT_BITS;
/** Uses of one slot: 2^(32 - SLOT_BITS). */
const MAX_USES = 2 ** (32 - SLOT_BITS);

export class SubscriptionTable<S extends Subscription> {
  private readonly slots: (S | undefined)[] = [];
  /** Per slot, how many ids it has given. */
  private readonly uses: number[] = [];
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Stores `subscription` under a new id, which it sets and returns. */
  add(subscription: S): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      if (slot === MAX_SLOTS) throw new RangeError(`more than ${MAX_SLOTS} subscriptions on one circuit`);
      this.slots.push(undefined);
      this.uses.push(0);
    }
    const use = this.uses[slot]++;
    subscription.id = use * MAX_SLOTS + slot;
    this.slots[slot] = subscription;
    this.count++;
    return subscription.id;
  }

  /** The subscription with this id, if it is still here. */
  get(id: number): S | undefined {
    const found = this.slots[id & SLOT_MASK];
    return found !== undefined && found.id === id ? found : undefined;
  }

  /** Removes `subscription`; false if it was not here. */
  delete(subscription: S): boolean {
    const slot = subscription.id & SLOT_MASK;
    if (this.slots[slot] !== subscription) return false;
    this.slots[slot] = undefined;
    this.count--;
    if (this.uses[slot] < MAX_USES) this.free.push(slot);
    return true;
  }

  clear(): void {
    for (const subscription of this.slots) if (subscription !== undefined) this.delete(subscription);
  }
}
