/**
 * The registry store on SQLite (the embedded default), one temp file per test. The same scenarios
 * run against PostgreSQL in interop/store-postgres.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeSuite } from './store-suite.ts';

const root = await mkdtemp(join(tmpdir(), 'ophyd-config-store-'));
let counter = 0;
after(() => rm(root, { recursive: true, force: true }));

/** How long the other process keeps the write lock. */
const LOCK_HOLD_MS = 1500;

// Another process holds the write lock for LOCK_HOLD_MS. It has to be another process: our own
// SQLite calls are synchronous and block the event loop while they wait for a lock.
const LOCKER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1]);
db.exec('begin immediate');
db.exec("insert into registry_metadata (key, value) values ('locker', 'x')");
process.stdout.write('locked\\n');
setTimeout(() => { db.exec("delete from registry_metadata where key = 'locker'"); db.exec('commit'); db.close(); }, ${LOCK_HOLD_MS});
`;

async function startLocker(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', LOCKER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = once(child.stdout!, 'data').then(([chunk]) => String(chunk));
  const died = once(child, 'exit').then(([code]) => `exited with ${code}`);
  const said = await Promise.race([ready, died]);
  if (!said.includes('locked')) throw new Error(`the lock-holding process ${said}`);
  return child;
}

storeSuite({
  name: 'sqlite',
  async freshDatabase() {
    counter += 1;
    // Both SQLAlchemy spellings are accepted; four slashes = absolute path.
    const scheme = counter % 2 === 0 ? 'sqlite' : 'sqlite+pysqlite';
    return `${scheme}:///${join(root, `t${counter}`, 'config.db')}`;
  },
  async withHang(url) {
    const path = url.replace(/^[^:]+:\/\/\//, '');
    let child: ChildProcess | undefined;
    let endTransaction: (() => void) | undefined;
    let transaction: Promise<unknown> | undefined;
    return {
      url,
      // In WAL mode nothing outside the process blocks a read, so the ping hangs the way it can:
      // behind a long transaction of our own (SQLite has one connection). Meanwhile another process
      // holds the write lock, so the writes queued after the ping's busy-timeout dance prove that
      // the normal 30 s busy timeout is back (with the ping's 300 ms they would fail).
      async hang(store) {
        child = await startLocker(path);
        const gate = new Promise<void>((resolve) => {
          endTransaction = resolve;
        });
        let started!: () => void;
        const inside = new Promise<void>((resolve) => {
          started = resolve;
        });
        transaction = store.orm.em.fork().transactional(async (em) => {
          await em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
          started();
          await gate;
        });
        await inside;
      },
      async release() {
        endTransaction?.();
        await transaction;
        if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      },
    };
  },
  pythonDdl: [
    'CREATE TABLE device_registry (name VARCHAR NOT NULL, device_metadata TEXT NOT NULL, instantiation_spec TEXT, ' +
      'created_at FLOAT NOT NULL, updated_at FLOAT NOT NULL, PRIMARY KEY (name))',
    'CREATE TABLE device_audit_log (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, device_name VARCHAR NOT NULL, ' +
      'operation VARCHAR NOT NULL, timestamp FLOAT NOT NULL, details TEXT)',
    'CREATE TABLE registry_metadata (key VARCHAR NOT NULL, value TEXT, PRIMARY KEY (key))',
    "CREATE TABLE standalone_pvs (pv_name VARCHAR NOT NULL, description TEXT, protocol VARCHAR DEFAULT 'ca' NOT NULL, " +
      "access_mode VARCHAR DEFAULT 'read-only' NOT NULL, labels TEXT DEFAULT '[]' NOT NULL, " +
      "source VARCHAR DEFAULT 'runtime' NOT NULL, created_by VARCHAR, created_at FLOAT NOT NULL, " +
      'updated_at FLOAT NOT NULL, PRIMARY KEY (pv_name))',
  ],
});
