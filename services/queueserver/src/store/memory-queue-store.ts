/**
 * A QueueStore in memory, for unit tests of the manager: the same semantics as the SQL store
 * (parts written only when given, copies in and out through JSON as the database stores them, so
 * `undefined` keys vanish the same way; rejects once closed), without a database.
 */
import {
  checkQueueUids,
  emptyState,
  type QueueStore,
  QueueStoreError,
  STATE_PARTS,
  type StateChanges,
  type StoredState,
} from './queue-store.ts';

/** The QueueStore for unit tests: no database, the same semantics. */
export class MemoryQueueStore implements QueueStore {
  /** The "database": shared by the stores reopen() gives, as a file is by connections to it. */
  #db: { state: StoredState };
  #closed = false;

  /** Starts with `initial` over an empty state (e.g. a running item left by a previous manager). */
  constructor(initial: StateChanges = {}) {
    this.#db = { state: emptyState() };
    this.#apply(initial);
  }

  /** A new open store over the same data, as reopening the database would give (restart tests). */
  reopen(): MemoryQueueStore {
    const store = new MemoryQueueStore();
    store.#db = this.#db;
    return store;
  }

  async load(): Promise<StoredState> {
    this.#check('load the queue store');
    return copy(this.#db.state);
  }

  async save(changes: StateChanges): Promise<void> {
    this.#check('save to the queue store');
    this.#apply(changes);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #apply(changes: StateChanges): void {
    if (changes.queue !== undefined) checkQueueUids(changes.queue);
    // Copy every part before changing any: a part that cannot be copied changes nothing.
    const next = { ...this.#db.state };
    const target = next as Record<keyof StoredState, unknown>;
    for (const part of STATE_PARTS) {
      if (changes[part] !== undefined) target[part] = copy(changes[part]);
    }
    this.#db.state = next;
  }

  #check(what: string): void {
    if (this.#closed) throw new QueueStoreError(`cannot ${what}: the queue store is closed`);
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
