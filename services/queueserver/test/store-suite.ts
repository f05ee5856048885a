/**
 * The queue-store scenarios, run against the memory store and SQLite by store.test.ts (npm test) and
 * against a real PostgreSQL by interop/store-postgres.test.ts. Every test starts from an empty
 * store; "reopen" closes the store and opens the same database again, as a restart does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaComparator } from '@mikro-orm/sql';
import type { HistoryItem, LockState, QueueItem } from '../src/manager/types.ts';
import { openQueueStore } from '../src/store/mikro-queue-store.ts';
import { type QueueStore, QueueStoreError, type StoredState } from '../src/store/queue-store.ts';

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

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Loads and checks a part against what the test expects, key order included (JSON text equality). */
async function expectPart<K extends keyof StoredState>(store: QueueStore, part: K, expected: unknown) {
  const loaded = (await store.load())[part];
  assert.deepEqual(loaded, expected);
  assert.equal(JSON.stringify(loaded), JSON.stringify(expected), `${part}: key order`);
}

export function queueStoreSuite(backend: SuiteBackend): void {
  describe(`queue store on ${backend.name}`, () => {
    it('an empty store loads the defaults', async () => {
      const store = await backend.fresh();
      try {
        assert.deepEqual(await store.load(), {
          queue: [],
          history: [],
          running: null,
          queueMode: { loop: false, ignore_failures: false },
          lock: null,
          permissions: null,
          autostart: false,
          stopPending: false,
        });
      } finally {
        await store.close();
      }
    });

    it('every part comes back after a reopen, with key order and float times as written', async () => {
      let store = await backend.fresh();
      const running = {
        ...item(7),
        properties: { time_start: 1764650012.3456788, immediate_execution: true },
      };
      const state: StoredState = {
        queue: [item(1), item(2)],
        history: [entry(0)],
        running,
        queueMode: { loop: true, ignore_failures: true },
        lock: null,
        permissions: { user_groups: { primary: { allowed_plans: [':^count$'], forbidden_plans: [null] } } },
        autostart: true,
        stopPending: true,
      };
      await store.save(state);
      store = await backend.reopen(store);
      try {
        const loaded = await store.load();
        assert.deepEqual(loaded, state);
        assert.equal(JSON.stringify(loaded), JSON.stringify(state));
        assert.deepEqual(Object.keys(loaded.queue[0]), [
          'name',
          'item_type',
          'args',
          'kwargs',
          'meta',
          'item_uid',
          'user',
          'user_group',
        ]);
        assert.deepEqual(Object.keys((loaded.queue[0].meta as object[])[0]), ['sample', 'z', 'a']);
        assert.equal(loaded.running?.properties?.time_start, 1764650012.3456788);
        assert.equal(loaded.history[0].result.time_start, 1764650000.1234567);
        assert.equal(loaded.history[0].result.time_stop, 1764650003.9876542);
        assert.equal(loaded.queue[1].kwargs?.delay, 0.1 + 2 / 3);
      } finally {
        await store.close();
      }
    });

    it('a save writes only the parts it is given', async () => {
      let store = await backend.fresh();
      await store.save({ queue: [item(1)], history: [entry(1)], autostart: true });
      await store.save({ stopPending: true });
      await store.save({ queueMode: { loop: true, ignore_failures: false } });
      store = await backend.reopen(store);
      try {
        const loaded = await store.load();
        assert.deepEqual(loaded.queue, [item(1)]);
        assert.deepEqual(loaded.history, [entry(1)]);
        assert.equal(loaded.autostart, true);
        assert.equal(loaded.stopPending, true);
        assert.deepEqual(loaded.queueMode, { loop: true, ignore_failures: false });
        assert.equal(loaded.running, null);
      } finally {
        await store.close();
      }
    });

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

    it('the lock and the permissions persist, and so does unlocking', async () => {
      let store = await backend.fresh();
      const lock: LockState = {
        environment: true,
        queue: false,
        lock_key: 'key-1',
        user: 'Operator',
        note: 'maintenance',
        time: 1764650000.987654,
        uid: 'lock-uid-1',
      };
      const permissions = {
        user_groups: {
          root: { allowed_plans: [null], forbidden_plans: [null], allowed_devices: [null] },
          primary: {
            allowed_plans: [':^count$', ':^scan$'],
            forbidden_plans: [':^_'],
            allowed_devices: [':?^det:?.*', ':^motor'],
            allowed_functions: ['function_sleep'],
          },
        },
      };
      await store.save({ lock, permissions });
      store = await backend.reopen(store);
      try {
        await expectPart(store, 'lock', lock);
        await expectPart(store, 'permissions', permissions);
        const unlocked: LockState = {
          environment: false,
          queue: false,
          lock_key: null,
          user: null,
          note: null,
          time: null,
          uid: 'lock-uid-2',
        };
        await store.save({ lock: unlocked });
        store = await backend.reopen(store);
        await expectPart(store, 'lock', unlocked);
        await expectPart(store, 'permissions', permissions);
        await store.save({ lock: null, permissions: null });
        store = await backend.reopen(store);
        await expectPart(store, 'lock', null);
        await expectPart(store, 'permissions', null);
      } finally {
        await store.close();
      }
    });

    it('writes the state as it was when save was called, in call order', async () => {
      let store = await backend.fresh();
      const queue = [item(1)];
      const first = store.save({ queue, autostart: true });
      queue[0].name = 'changed after the call';
      queue.push(item(2));
      const later = [
        store.save({ queue: [item(3), item(4)] }),
        store.save({ queue: [item(4)], autostart: false }),
      ];
      await Promise.all([first, ...later]);
      store = await backend.reopen(store);
      try {
        await expectPart(store, 'queue', [item(4)]);
        await expectPart(store, 'autostart', false);
      } finally {
        await store.close();
      }
    });

    it('refuses a queue with a missing or repeated item_uid and keeps the stored one', async () => {
      let store = await backend.fresh();
      await store.save({ queue: [item(1)] });
      await assert.rejects(
        store.save({ queue: [item(2), item(2)] }),
        (e: Error) => e instanceof QueueStoreError && /item_uid 'uid-2' appears twice/.test(e.message),
      );
      await assert.rejects(
        store.save({ queue: [item(3), { ...item(4), item_uid: '' }] }),
        (e: Error) => e instanceof QueueStoreError && /item 1 has no item_uid/.test(e.message),
      );
      store = await backend.reopen(store);
      try {
        await expectPart(store, 'queue', [item(1)]);
      } finally {
        await store.close();
      }
    });

    it('a closed store refuses calls; a save made before close() still lands', async () => {
      let store = await backend.fresh();
      const pending = store.save({ queue: [item(9)] });
      await store.close();
      await pending;
      await assert.rejects(
        store.load(),
        (e: Error) => e instanceof QueueStoreError && /closed/.test(e.message),
      );
      await assert.rejects(store.save({ autostart: true }), QueueStoreError);
      store = await backend.reopen(store);
      try {
        await expectPart(store, 'queue', [item(9)]);
        await expectPart(store, 'autostart', false);
      } finally {
        await store.close();
      }
    });

    const faults = backend.faults;
    if (faults) {
      it('a failed write rejects and leaves every part of the save as it was', async () => {
        let store = await backend.fresh();
        const before = { queue: [item(1), item(2), item(3)], history: [entry(0)], autostart: false };
        await store.save(before);
        const after = { queue: [item(2), item(3), item(4)], history: [entry(0), entry(1)], autostart: true };
        const restore = await faults.failHistoryInserts();
        try {
          await assert.rejects(
            store.save(after),
            (e: Error) =>
              e instanceof QueueStoreError &&
              e.message.startsWith('cannot save queue, history, autostart to the queue store: ') &&
              e.message.includes('injected failure'),
          );
        } finally {
          await restore();
        }
        const seen = await faults.peek();
        assert.deepEqual({ queue: seen.queue, history: seen.history, autostart: seen.autostart }, before);
        // Without reloading: the store's picture of the database survived the failure, so the same
        // save now lands whole (a picture that took the failed write as done would skip rows).
        await store.save(after);
        store = await backend.reopen(store);
        try {
          const loaded = await store.load();
          assert.deepEqual(
            { queue: loaded.queue, history: loaded.history, autostart: loaded.autostart },
            after,
          );
        } finally {
          await store.close();
        }
      });
    }
  });
}

/** What only the SQL store has: migrations applied once, in its own log, matching the entities. */
export function sqlStoreSuite(name: string, freshUrl: () => Promise<string>): void {
  describe(`queue store schema on ${name}`, () => {
    it('migrates a new database once, logging in its own table', async () => {
      const url = await freshUrl();
      const logs: string[] = [];
      let store = await openQueueStore(url, { log: (m) => logs.push(m) });
      await store.save({ queue: [item(1)] });
      await store.close();
      assert.ok(
        logs.includes('queue store: applied migration Migration20251202000000_initial'),
        logs.join('\n'),
      );
      logs.length = 0;
      store = await openQueueStore(url, { log: (m) => logs.push(m) });
      try {
        assert.ok(!logs.some((m) => m.includes('applied migration')), logs.join('\n'));
        assert.ok(
          logs.some((m) => m.startsWith('queue store: (') && m.endsWith(') ready')),
          logs.join('\n'),
        );
        await expectPart(store, 'queue', [item(1)]);
        const executed = (await store.orm.em
          .getConnection()
          .execute('select "name" from "qs_migrations"', [], 'all')) as { name: string }[];
        assert.deepEqual(
          executed.map((r) => r.name),
          ['Migration20251202000000_initial'],
        );
      } finally {
        await store.close();
      }
    });

    it('the entity definitions agree with the migrated schema', async () => {
      const store = await openQueueStore(await freshUrl());
      try {
        const generator = store.orm.schema as unknown as {
          prepareSchemaForComparison(options: object): Promise<{ fromSchema: unknown; toSchema: unknown }>;
        };
        const { fromSchema, toSchema } = await generator.prepareSchemaForComparison({});
        const diff = new SchemaComparator(store.orm.em.getPlatform() as never).compare(
          fromSchema as never,
          toSchema as never,
        );
        assert.deepEqual(Object.keys(diff.newTables), []);
        // Of our tables only the migration log is unknown to the entities (the database may also hold
        // another service's tables: the test PostgreSQL holds the configuration service's).
        assert.deepEqual(
          Object.keys(diff.removedTables).filter((t) => /(^|\.)qs_/.test(t) && !t.endsWith('qs_migrations')),
          [],
        );
        for (const [table, change] of Object.entries(diff.changedTables)) {
          const problems = {
            added: Object.keys(change.addedColumns),
            removed: Object.keys(change.removedColumns),
            changed: Object.entries(change.changedColumns)
              .filter(([, c]) => c.changedProperties.size > 0)
              // SQLite: the history's seq is INTEGER PRIMARY KEY (the rowid, so the table is kept in
              // seq order), which MikroORM's comparator tells apart from the entity's bigint.
              .filter(
                ([column]) => !(store.backend === 'sqlite' && table === 'qs_history' && column === 'seq'),
              )
              .map(([column, c]) => `${column}: ${[...c.changedProperties].join(',')}`),
            addedIndexes: Object.keys(change.addedIndexes),
            removedIndexes: Object.keys(change.removedIndexes),
          };
          assert.deepEqual(
            problems,
            { added: [], removed: [], changed: [], addedIndexes: [], removedIndexes: [] },
            table,
          );
        }
      } finally {
        await store.close();
      }
    });
  });
}
