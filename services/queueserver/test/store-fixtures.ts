/** Items, history entries and checks shared by the queue-store suites. */
import assert from 'node:assert/strict';
import type { HistoryItem, QueueItem } from '../src/manager/types.ts';
import type { QueueStore, StoredState } from '../src/store/queue-store.ts';

/** A store implementation under test, and how to restart it and break it. */
export interface SuiteBackend {
  name: string;
  /** Opens a store on an empty database. */
  fresh(): Promise<QueueStore>;
  /** Closes `store` and opens its database again. */
  reopen(store: QueueStore): Promise<QueueStore>;
  /** SQL backends: faults underneath the store. */
  faults?: {
    /** History inserts fail until the returned function runs. */
    failHistoryInserts(): Promise<() => Promise<void>>;
    /** What another store opened on the same database loads (leaves `store` alone). */
    peek(): Promise<StoredState>;
  };
}

/** A queue item whose keys are deliberately not in the usual order, with floats that need all digits. */
export function item(n: number): QueueItem {
  return {
    name: 'count',
    item_type: 'plan',
    args: [['det1', 'det2']],
    kwargs: { num: n, delay: 0.1 + n / 3 },
    meta: [{ sample: `s${n}`, z: 1, a: 2 }],
    item_uid: `uid-${n}`,
    user: 'Queue Server API User',
    user_group: 'primary',
  } as QueueItem;
}

/** A finished plan's history entry, with float times that need all their digits. */
export function entry(n: number): HistoryItem {
  return {
    ...item(n),
    result: {
      exit_status: n % 2 === 0 ? 'completed' : 'failed',
      run_uids: [`run-${n}`],
      scan_ids: [n],
      time_start: 1764650000.1234567 + n,
      time_stop: 1764650003.9876542 + n,
      msg: n % 2 === 0 ? '' : 'Plan failed: boom',
      traceback: n % 2 === 0 ? '' : 'Traceback (most recent call last):\n  ...',
    },
  };
}

/** The integers from `from` up to `to` (excluded). */
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Loads and checks a part against what the test expects, key order included (JSON text equality). */
export async function expectPart<K extends keyof StoredState>(store: QueueStore, part: K, expected: unknown) {
  const loaded = (await store.load())[part];
  assert.deepEqual(loaded, expected);
  assert.equal(JSON.stringify(loaded), JSON.stringify(expected), `${part}: key order`);
}
