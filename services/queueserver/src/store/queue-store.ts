/**
 * The queue server's durable state (spec §13): the queue, the history, the running item, the queue
 * mode, the lock, the permissions and the autostart / stop-pending flags. The manager reads it all
 * once at start-up and saves the parts a command or event changed.
 *
 * Implementations: memory-queue-store.ts (unit tests), mikro-queue-store.ts (SQLite by default,
 * PostgreSQL by URL).
 *
 * How lists are stored, and why. Measured with a throwaway script on this 2-core machine while other
 * work ran (so noisy: medians of 20 saves, two runs), items of ~400 bytes of JSON:
 *
 *   save after…                          rows (this store)      one JSON document per part
 *   1,000-item queue, pop + append       SQLite 13-30 ms        SQLite 17-25 ms
 *                                        PostgreSQL 18-31 ms    PostgreSQL 33-72 ms
 *   10,000-item queue, pop + append      SQLite ~180 ms         SQLite ~170 ms
 *                                        PostgreSQL ~145 ms     PostgreSQL ~725 ms
 *   10,000-entry history, one append     SQLite 12-16 ms        SQLite 290-350 ms
 *                                        PostgreSQL 11-16 ms    PostgreSQL 1,100-1,280 ms
 *
 * - The queue is one row per item (`item_uid`, an order key, the item's JSON text) and a save writes
 *   only the rows that changed. Order keys are doubles: an item keeps its key while its relative
 *   order holds, so popping the front, appending, inserting or moving one item writes one row; only
 *   when two neighbours' keys leave no room between them is the queue renumbered (queue-order.ts).
 *   Changes are found by comparing each item's JSON with the saved one (an item replaced by an
 *   edited copy is caught); each item object is serialised once, so a save costs what changed.
 * - The history is one row per entry under an increasing sequence number. It only grows at the end
 *   and shrinks from the front (history_clear trims the oldest), so a save appends the new rows and
 *   deletes a leading range (history-diff.ts); anything else rewrites it. Entries are immutable once
 *   saved, so they are matched by reference and, failing that, by uid and times, never by
 *   re-serialising them all: a document would rewrite 4 MB per finished plan.
 * - Everything else is a small key/value row of JSON text, written only when its text changed.
 * Loading 1,000 queue items and 10,000 history entries takes 0.3-0.8 s, nearly all of it JSON.parse.
 * JSON is kept as text (not PostgreSQL jsonb), so item keys come back in their order and floats
 * exactly as written.
 */
import {
  DEFAULT_QUEUE_MODE,
  type HistoryItem,
  type LockState,
  type QueueItem,
  type QueueMode,
} from '../manager/types.ts';

/** Everything the queue server keeps across restarts. */
export interface StoredState {
  queue: QueueItem[];
  history: HistoryItem[];
  running: QueueItem | null;
  queueMode: QueueMode;
  lock: LockState | null;
  /** The user-group permissions as last set or loaded (spec §9.1), or null if never stored. */
  permissions: unknown | null;
  autostart: boolean;
  stopPending: boolean;
}

/** The parts a save writes: any subset of StoredState, lists possibly read-only. */
export type StateChanges = {
  readonly [K in keyof StoredState]?: StoredState[K] extends (infer T)[] ? readonly T[] : StoredState[K];
};

/** Where the manager keeps its state across restarts. */
export interface QueueStore {
  /** Reads the whole stored state (defaults for parts never saved). */
  load(): Promise<StoredState>;
  /**
   * Writes the parts given, all in one transaction: on failure it rejects with a QueueStoreError and
   * the store keeps the previous state of every part. Saves apply in call order; what is written is
   * the state at the time of the call. History entries and queue items must not be changed in
   * place once saved: a change is a new object.
   */
  save(changes: StateChanges): Promise<void>;
  /** Waits for pending saves, then releases the database; later calls reject. */
  close(): Promise<void>;
}

/** Any failure to read or write the store, with a message saying what could not be done and why. */
export class QueueStoreError extends Error {
  override name = 'QueueStoreError';
}

/** The state of a store nothing was ever saved to (a fresh copy each call). */
export function emptyState(): StoredState {
  return {
    queue: [],
    history: [],
    running: null,
    queueMode: { ...DEFAULT_QUEUE_MODE },
    lock: null,
    permissions: null,
    autostart: false,
    stopPending: false,
  };
}

/** The part names of StoredState, in a fixed order (for messages and iteration). */
export const STATE_PARTS = [
  'queue',
  'history',
  'running',
  'queueMode',
  'lock',
  'permissions',
  'autostart',
  'stopPending',
] as const satisfies readonly (keyof StoredState)[];

/** Rejects a queue that the row layout cannot hold: every item needs its own non-empty item_uid. */
export function checkQueueUids(queue: readonly QueueItem[]): void {
  const seen = new Set<string>();
  for (const [index, item] of queue.entries()) {
    const uid = item?.item_uid;
    if (typeof uid !== 'string' || uid === '') {
      throw new QueueStoreError(`cannot save the queue: item ${index} has no item_uid`);
    }
    if (seen.has(uid)) throw new QueueStoreError(`cannot save the queue: item_uid '${uid}' appears twice`);
    seen.add(uid);
  }
}
