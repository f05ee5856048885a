/** The queue-store scenarios about the two lists: the queue's order and the history's appends and trims. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HistoryItem, QueueItem } from '../src/manager/types.ts';
import { entry, expectPart, item, range, type SuiteBackend } from './store-fixtures.ts';

/** Registers the list scenarios in the caller's describe block. */
export function listScenarios(backend: SuiteBackend): void {
  it('a 1,000-item queue survives pops, appends, inserts, moves, edits, removals and a reversal', async () => {
    let store = await backend.fresh();
    let queue = range(0, 1000).map(item);
    const steps: Array<[string, (q: QueueItem[]) => QueueItem[]]> = [
      ['initial', (q) => q],
      ['pop the front', (q) => q.slice(1)],
      ['append', (q) => [...q, item(1000)]],
      ['push to the front', (q) => [item(1001), ...q]],
      ['insert in the middle', (q) => [...q.slice(0, 500), item(1002), ...q.slice(500)]],
      ['move the last to position 10', (q) => [...q.slice(0, 10), q[q.length - 1], ...q.slice(10, -1)]],
      ['edit one item in place', (q) => q.map((x, i) => (i === 200 ? { ...x, kwargs: { num: -1 } } : x))],
      ['remove 100 from the middle', (q) => [...q.slice(0, 400), ...q.slice(500)]],
      ['reverse', (q) => [...q].reverse()],
      ['clear', () => []],
      ['refill', () => range(2000, 2010).map(item)],
    ];
    try {
      for (const [name, step] of steps) {
        queue = step(queue);
        await store.save({ queue });
        store = await backend.reopen(store);
        const loaded = (await store.load()).queue;
        assert.deepEqual(
          loaded.map((x) => x.item_uid),
          queue.map((x) => x.item_uid),
          name,
        );
        assert.equal(JSON.stringify(loaded), JSON.stringify(queue), name);
      }
    } finally {
      await store.close();
    }
  });

  it('keeps the order when items are inserted at the same place until the order keys run out', async () => {
    let store = await backend.fresh();
    let queue = [item(0), item(1)];
    await store.save({ queue });
    // Each insert lands between the front item and the last one inserted: the gap halves every time.
    for (let n = 2; n < 80; n++) {
      queue = [queue[0], item(n), ...queue.slice(1)];
      await store.save({ queue });
    }
    store = await backend.reopen(store);
    try {
      assert.deepEqual(
        (await store.load()).queue.map((x) => x.item_uid),
        [
          'uid-0',
          ...range(2, 80)
            .reverse()
            .map((n) => `uid-${n}`),
          'uid-1',
        ],
      );
    } finally {
      await store.close();
    }
  });

  it('history: appends, trims from the front, clears, and rewrites a list that is not a continuation', async () => {
    let store = await backend.fresh();
    let history = range(0, 2000).map(entry);
    const steps: Array<[string, (h: HistoryItem[]) => HistoryItem[]]> = [
      ['initial', (h) => h],
      ['append one', (h) => [...h, entry(2000)]],
      ['append two', (h) => [...h, entry(2001), entry(2002)]],
      ['keep the newest 1500', (h) => h.slice(-1500)],
      ['drop up to uid-1999', (h) => h.slice(h.findIndex((x) => x.item_uid === 'uid-1999') + 1)],
      ['append after a trim', (h) => [...h, entry(2003)]],
      ['clear', () => []],
      ['append to an empty history', () => [entry(3000)]],
      ['not a continuation', () => [entry(5), entry(4), entry(3000)]],
    ];
    try {
      for (const [name, step] of steps) {
        history = step(history);
        await store.save({ history });
        store = await backend.reopen(store);
        const loaded = (await store.load()).history;
        assert.deepEqual(
          loaded.map((x) => x.item_uid),
          history.map((x) => x.item_uid),
          name,
        );
        assert.equal(JSON.stringify(loaded), JSON.stringify(history), name);
      }
      assert.deepEqual(
        history.map((x) => x.item_uid),
        ['uid-5', 'uid-4', 'uid-3000'],
      );
    } finally {
      await store.close();
    }
  });

  it('history entries appended one at a time, as plans finish, all come back in order', async () => {
    let store = await backend.fresh();
    let history: HistoryItem[] = [];
    for (let n = 0; n < 30; n++) {
      history = [...history, entry(n)];
      await store.save({ history, queue: range(n + 1, 30).map(item), running: null });
    }
    store = await backend.reopen(store);
    try {
      await expectPart(store, 'history', range(0, 30).map(entry));
      await expectPart(store, 'queue', []);
    } finally {
      await store.close();
    }
  });
}
