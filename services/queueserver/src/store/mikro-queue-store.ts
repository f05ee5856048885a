/**
 * The queue store on MikroORM 7: SQLite (the default, through `node:sqlite`) or PostgreSQL, opened
 * and migrated by `@ophyd-service/sql-store` from the committed migrations (migrations/<dialect>/).
 * The layout and why it is so: queue-store.ts.
 *
 * The store remembers what the database holds (the "saved" picture) to write only differences.
 * Saves run one after another in call order; the picture changes only when a transaction commits,
 * so a failed save leaves both the database and the picture as they were.
 */
import type { MigrationObject, MikroORM } from '@mikro-orm/core';
import {
  type DatabaseTarget,
  DatabaseUrlError,
  errorMessage,
  openMigratedOrm,
  parseDatabaseUrl,
} from '@ophyd-service/sql-store';
import { migrations as postgresqlMigrations } from '../../migrations/postgresql/index.ts';
import { migrations as sqliteMigrations } from '../../migrations/sqlite/index.ts';
import type { HistoryItem } from '../manager/types.ts';
import { entities, MIGRATIONS_TABLE, StateRow } from './entities.ts';
import { historyId } from './history-diff.ts';
import {
  checkQueueUids,
  emptyState,
  type QueueStore,
  QueueStoreError,
  STATE_PARTS,
  type StateChanges,
  type StoredState,
} from './queue-store.ts';
import {
  type HistorySnapshot,
  type QueueSnapshot,
  type SavedLists,
  writeHistory,
  writeQueue,
} from './row-writes.ts';

/** How openQueueStore opens the database. */
export interface OpenQueueStoreOptions {
  /** Receives one line per applied migration and when the store is ready (default: silent). */
  log?: (message: string) => void;
  /** PostgreSQL: give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Resolves relative SQLite paths (default: the working directory). */
  cwd?: string;
}

const ACCEPTED =
  'accepted: sqlite:// or sqlite+aiosqlite:// (sqlite:////var/lib/qserver/queue.db, four slashes = absolute ' +
  'path; sqlite:///queue.db, relative to the working directory), postgresql:// or postgresql+psycopg:// ' +
  '(postgresql+psycopg://user:pass@host:5432/db)';

/** Opens (creating and migrating as needed) the queue store named by a `--queue-store-uri` value. */
export async function openQueueStore(
  url: string,
  options: OpenQueueStoreOptions = {},
): Promise<MikroQueueStore> {
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(url, {
      setting: '--queue-store-uri',
      reader: 'the queue server',
      examples: ACCEPTED,
      cwd: options.cwd,
    });
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new QueueStoreError(error.message, { cause: error });
    throw error;
  }
  const orm = await openMigratedOrm({
    target,
    url,
    entities,
    migrations: {
      sqlite: sqliteMigrations as MigrationObject[],
      postgresql: postgresqlMigrations as MigrationObject[],
    },
    migrationsTable: MIGRATIONS_TABLE,
    label: 'queue store',
    log: options.log,
    connectTimeoutMs: options.connectTimeoutMs,
    // One writer at a time (saves are serialised): a few connections are plenty.
    poolMax: 4,
    error: (text, cause) => new QueueStoreError(text, { cause }),
  });
  return new MikroQueueStore(orm, target.backend);
}

/** The key of each scalar part in `qs_state`. */
const STATE_KEYS = {
  running: 'running',
  queueMode: 'queue_mode',
  lock: 'lock',
  permissions: 'permissions',
  autostart: 'autostart',
  stopPending: 'stop_pending',
} as const;
type ScalarPart = keyof typeof STATE_KEYS;

interface Saved extends SavedLists {
  /** Each scalar part's JSON text as stored. */
  state: Map<string, string>;
}

/** A save's input, taken when save() is called: later changes by the caller do not leak in. */
interface Snapshot {
  parts: (keyof StoredState)[];
  queue?: QueueSnapshot;
  history?: HistorySnapshot;
  state: Map<string, string>;
}

/** The QueueStore on SQLite or PostgreSQL (see the file's comment). */
export class MikroQueueStore implements QueueStore {
  /** Exposed for tests and tooling (raw SQL, schema checks); the manager uses the methods. */
  readonly orm: MikroORM;
  readonly backend: DatabaseTarget['backend'];
  #closed = false;
  #tail: Promise<unknown> = Promise.resolve();
  #saved: Saved | null = null;

  constructor(orm: MikroORM, backend: DatabaseTarget['backend']) {
    this.orm = orm;
    this.backend = backend;
  }

  async load(): Promise<StoredState> {
    return this.#serialised('load the queue store', async () => (await this.#read()).state);
  }

  async save(changes: StateChanges): Promise<void> {
    const snapshot = takeSnapshot(changes);
    if (snapshot.parts.length === 0) return;
    await this.#serialised(`save ${snapshot.parts.join(', ')} to the queue store`, async () => {
      const saved = this.#saved ?? (await this.#read()).saved;
      const next = await this.orm.em.fork().transactional(async (em) => {
        const queue = snapshot.queue ? await writeQueue(em, saved.queue, snapshot.queue) : saved.queue;
        const lists: SavedLists = snapshot.history
          ? { queue, ...(await writeHistory(em, saved.history, snapshot.history, saved.nextSeq)) }
          : { queue, history: saved.history, nextSeq: saved.nextSeq };
        const state = new Map(saved.state);
        for (const [key, value] of snapshot.state) {
          if (saved.state.get(key) === value) continue;
          await em.upsert(StateRow, { key, value });
          state.set(key, value);
        }
        return { ...lists, state };
      });
      this.#saved = next;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    await this.orm.close();
  }

  /** Runs `work` after every earlier call has finished; failures become QueueStoreErrors. */
  #serialised<T>(what: string, work: () => Promise<T>): Promise<T> {
    // Checked when called, so calls made before close() still complete (close waits for them).
    // MikroORM would quietly reconnect a closed ORM; a closed store stays closed.
    if (this.#closed) return Promise.reject(new QueueStoreError(`cannot ${what}: the queue store is closed`));
    const run = async () => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof QueueStoreError) throw error;
        throw new QueueStoreError(`cannot ${what}: ${errorMessage(error)}`, { cause: error });
      }
    };
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Reads everything in one transaction and takes it as the saved picture. */
  async #read(): Promise<{ state: StoredState; saved: Saved }> {
    const rows = await this.orm.em.fork().transactional(async (em) => {
      const run = async <R>(sql: string) =>
        (await em.getConnection().execute(sql, [], 'all', em.getTransactionContext())) as R[];
      return {
        queue: await run<{ item_uid: string; position: number; item: string }>(
          'select "item_uid", "position", "item" from "qs_queue" order by "position"',
        ),
        history: await run<{ seq: number | string; item: string }>(
          'select "seq", "item" from "qs_history" order by "seq"',
        ),
        state: await run<{ key: string; value: string }>('select "key", "value" from "qs_state"'),
      };
    });
    const state = emptyState();
    state.queue = rows.queue.map((row) => parse(row.item, `queue item ${row.item_uid}`));
    state.history = rows.history.map((row) => parse(row.item, `history entry ${row.seq}`) as HistoryItem);
    const stored = new Map(rows.state.map((row) => [row.key, row.value]));
    const target = state as unknown as Record<ScalarPart, unknown>;
    for (const part of Object.keys(STATE_KEYS) as ScalarPart[]) {
      const text = stored.get(STATE_KEYS[part]);
      if (text !== undefined) target[part] = parse(text, part);
    }
    const seqs = rows.history.map((row) => Number(row.seq));
    const saved: Saved = {
      queue: new Map(
        rows.queue.map((row) => [row.item_uid, { position: Number(row.position), json: row.item }]),
      ),
      history: { entries: state.history, ids: state.history.map(historyId), seqs },
      nextSeq: seqs.length > 0 ? seqs[seqs.length - 1] + 1 : 1,
      state: stored,
    };
    this.#saved = saved;
    return { state, saved };
  }
}

/**
 * Each queue item's JSON, made once per item object: the manager replaces items and never edits
 * one in place (QueueStore.save), so a save of a long queue serialises only the items it has not
 * seen, instead of all of them on every add.
 */
const jsonOfItem = new WeakMap<object, string>();
function itemJson(item: object): string {
  let json = jsonOfItem.get(item);
  if (json === undefined) {
    json = JSON.stringify(item);
    jsonOfItem.set(item, json);
  }
  return json;
}

function takeSnapshot(changes: StateChanges): Snapshot {
  const snapshot: Snapshot = { parts: [], state: new Map() };
  for (const part of STATE_PARTS) {
    const value = changes[part];
    if (value === undefined) continue;
    snapshot.parts.push(part);
    if (part === 'queue') {
      const queue = value as StoredState['queue'];
      checkQueueUids(queue);
      snapshot.queue = queue.map((item) => ({ uid: item.item_uid, json: itemJson(item) }));
    } else if (part === 'history') {
      // Entries are immutable once saved (QueueStore.save): copying the list is enough.
      snapshot.history = (value as StoredState['history']).slice();
    } else {
      snapshot.state.set(STATE_KEYS[part], JSON.stringify(value));
    }
  }
  return snapshot;
}

function parse(text: string, what: string): never {
  try {
    return JSON.parse(text) as never;
  } catch (error) {
    throw new QueueStoreError(`the stored ${what} is not valid JSON: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}
