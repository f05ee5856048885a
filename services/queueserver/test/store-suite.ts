/**
 * The queue-store scenarios (the lists' in store-lists-suite.ts), run against the memory store and
 * SQLite by store.test.ts (npm test) and against a real PostgreSQL by interop/store-postgres.test.ts.
 * Every test starts from an empty store; "reopen" closes the store and opens the same database
 * again, as a restart does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockState } from '../src/manager/types.ts';
import { QueueStoreError, type StoredState } from '../src/store/queue-store.ts';
import { entry, expectPart, item, type SuiteBackend } from './store-fixtures.ts';
import { listScenarios } from './store-lists-suite.ts';

export type { SuiteBackend };

/** Registers every queue-store scenario for one backend. */
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

    listScenarios(backend);

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
