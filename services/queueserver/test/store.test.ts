/**
 * The queue store: the shared scenarios on the memory store and on SQLite (one temp file per test;
 * PostgreSQL runs them in interop/store-postgres.test.ts), the SQL schema checks, the order keys and
 * history plans the SQL store writes by, and the store URLs it accepts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { historyId, planHistory } from '../src/store/history-diff.ts';
import { MemoryQueueStore } from '../src/store/memory-queue-store.ts';
import { openQueueStore } from '../src/store/mikro-queue-store.ts';
import { orderKeys } from '../src/store/queue-order.ts';
import { QueueStoreError } from '../src/store/queue-store.ts';
import { entry } from './store-fixtures.ts';
import { sqlStoreSuite } from './store-schema-suite.ts';
import { queueStoreSuite } from './store-suite.ts';

const root = await mkdtemp(join(tmpdir(), 'qs-store-'));
after(() => rm(root, { recursive: true, force: true }));
let counter = 0;

/** A new SQLite file, in both spellings the reference accepts (four slashes = absolute path). */
function freshSqliteUrl(): string {
  counter += 1;
  const scheme = counter % 2 === 0 ? 'sqlite' : 'sqlite+aiosqlite';
  return `${scheme}:///${join(root, `t${counter}`, 'queue.db')}`;
}
const sqlitePath = (url: string) => url.replace(/^[^:]+:\/\/\//, '');

queueStoreSuite({
  name: 'memory',
  async fresh() {
    return new MemoryQueueStore();
  },
  async reopen(store) {
    await store.close();
    return (store as MemoryQueueStore).reopen();
  },
});

let sqliteUrl = '';
queueStoreSuite({
  name: 'sqlite',
  async fresh() {
    sqliteUrl = freshSqliteUrl();
    return openQueueStore(sqliteUrl);
  },
  async reopen(store) {
    await store.close();
    return openQueueStore(sqliteUrl);
  },
  faults: {
    // Another connection to the file installs a trigger, as an operator or a full disk would break it.
    async failHistoryInserts() {
      const db = new DatabaseSync(sqlitePath(sqliteUrl));
      db.exec(
        `create trigger "qs_test_fail" before insert on "qs_history" begin select raise(abort, 'injected failure'); end`,
      );
      db.close();
      return async () => {
        const again = new DatabaseSync(sqlitePath(sqliteUrl));
        again.exec('drop trigger "qs_test_fail"');
        again.close();
      };
    },
    async peek() {
      const other = await openQueueStore(sqliteUrl);
      try {
        return await other.load();
      } finally {
        await other.close();
      }
    },
  },
});

sqlStoreSuite('sqlite', async () => freshSqliteUrl());

describe('queue order keys', () => {
  const uids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
  const saved = (list: string[], keys: number[]) => {
    const map = new Map(list.map((uid, i) => [uid, keys[i]]));
    return (uid: string) => map.get(uid);
  };
  const none = () => undefined;

  it('a pop, an append, a push to the front and a move each give one row a new key', () => {
    const before = uids(6);
    const keys = orderKeys(before, none);
    assert.deepEqual(keys, [0, 1, 2, 3, 4, 5]);
    const was = saved(before, keys);
    assert.deepEqual(orderKeys(before.slice(1), was), [1, 2, 3, 4, 5]);
    assert.deepEqual(orderKeys([...before, 'new'], was), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(orderKeys(['new', ...before], was), [-1, 0, 1, 2, 3, 4, 5]);
    // u5 moved between u1 and u2: it alone gets a key, halfway.
    assert.deepEqual(orderKeys(['u0', 'u1', 'u5', 'u2', 'u3', 'u4'], was), [0, 1, 1.5, 2, 3, 4]);
    // u0 moved to the back: the rest keep theirs.
    assert.deepEqual(orderKeys(['u1', 'u2', 'u3', 'u4', 'u5', 'u0'], was), [1, 2, 3, 4, 5, 6]);
  });

  it('renumbers everything once neighbouring keys leave no room', () => {
    const was = saved(['a', 'b'], [1, 1 + Number.EPSILON]);
    assert.deepEqual(orderKeys(['a', 'x', 'b'], was), [0, 1, 2]);
  });

  it('always gives strictly increasing keys, and keeps every key whose order still holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
        (first, second) => {
          const before = [...new Set(first)].map(String);
          const after = [...new Set(second)].map(String);
          const was = saved(before, orderKeys(before, none));
          const keys = orderKeys(after, was);
          for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i], `${keys}`);
          // Items that kept their relative order with no other moved item could keep their keys:
          // at least the unchanged ones survive when `after` only drops items from `before`.
          if (
            after.every((uid) => was(uid) !== undefined) &&
            after.every((uid, i) => i === 0 || was(after[i - 1])! < was(uid)!)
          ) {
            assert.deepEqual(keys, after.map(was));
          }
        },
      ),
    );
  });
});

describe('history plans', () => {
  const list = (...ns: number[]) => ns.map(entry);
  const saved = (...ns: number[]) => {
    const entries = list(...ns);
    return { entries, ids: entries.map(historyId) };
  };

  it('an append keeps every saved row', () => {
    assert.deepEqual(planHistory(saved(0, 1, 2), list(0, 1, 2, 3, 4)), { drop: 0, keep: 3 });
    assert.deepEqual(planHistory(saved(), list(0)), { drop: 0, keep: 0 });
  });

  it('a trim drops the oldest rows and keeps the rest, also with new entries after them', () => {
    assert.deepEqual(planHistory(saved(0, 1, 2, 3), list(2, 3)), { drop: 2, keep: 2 });
    assert.deepEqual(planHistory(saved(0, 1, 2, 3), list(3, 4)), { drop: 3, keep: 1 });
  });

  it('a clear or a list that does not continue the saved one drops everything', () => {
    assert.deepEqual(planHistory(saved(0, 1), []), { drop: 2, keep: 0 });
    assert.deepEqual(planHistory(saved(0, 1, 2), list(1, 0)), { drop: 3, keep: 0 });
    assert.deepEqual(planHistory(saved(0, 1, 2), list(0, 2)), { drop: 3, keep: 0 });
  });

  it('matches entries equal in content, not only the same objects', () => {
    const copies = list(0, 1).map((e) => JSON.parse(JSON.stringify(e)));
    assert.deepEqual(planHistory(saved(0, 1), [...copies, entry(2)]), { drop: 0, keep: 2 });
  });
});

describe('queue store URLs', () => {
  it('accepts sqlite+aiosqlite:///, sqlite:///, and a relative path from the working directory', async () => {
    const dir = join(root, 'relative');
    const relative = await openQueueStore('sqlite+aiosqlite:///queue.db', { cwd: dir });
    try {
      await relative.save({ autostart: true });
      assert.equal(relative.backend, 'sqlite');
    } finally {
      await relative.close();
    }
    const absolute = await openQueueStore(`sqlite:///${join(dir, 'queue.db')}`);
    try {
      assert.equal((await absolute.load()).autostart, true);
    } finally {
      await absolute.close();
    }
  });

  it('refuses other schemes, naming the accepted ones', async () => {
    for (const [url, backend] of [
      ['redis://localhost:6379/0', 'redis'],
      ['mysql+pymysql://u:secret@h/db', 'mysql'],
    ]) {
      await assert.rejects(openQueueStore(url), (e: Error) => {
        assert.ok(e instanceof QueueStoreError, e.message);
        assert.ok(
          e.message.startsWith(`Unsupported database backend '${backend}' in --queue-store-uri`),
          e.message,
        );
        for (const scheme of ['sqlite://', 'sqlite+aiosqlite://', 'postgresql://', 'postgresql+psycopg://']) {
          assert.ok(e.message.includes(scheme), `${e.message} names ${scheme}`);
        }
        assert.ok(!e.message.includes('secret'));
        return true;
      });
    }
  });

  it('refuses a value that is not a URL, without echoing it', async () => {
    await assert.rejects(
      openQueueStore('user:secret@host/db'),
      (e: Error) =>
        e instanceof QueueStoreError &&
        e.message.startsWith('--queue-store-uri is not a database URL') &&
        !e.message.includes('secret'),
    );
  });

  it('an unreachable PostgreSQL fails to open with the URL redacted', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once. MikroORM
    // connects lazily: the first statement, the migrations' check, is what fails.
    await assert.rejects(
      openQueueStore('postgresql+psycopg://qs:secret@127.0.0.1:1/qs', { connectTimeoutMs: 2000 }),
      (e: Error) =>
        e instanceof QueueStoreError &&
        e.message.startsWith(
          'cannot migrate the queue store (postgresql+psycopg://qs:***@127.0.0.1:1/qs): ',
        ) &&
        e.message.includes('ECONNREFUSED') &&
        !e.message.includes('secret'),
    );
  });
});
