/**
 * A Kysely SQLite dialect over Node's built-in `node:sqlite`, for MikroORM's generic `SqliteDriver`.
 *
 * Why not `@mikro-orm/sqlite`: it depends on better-sqlite3, a native addon that has to compile on
 * machines where its prebuilt binary cannot be downloaded (and then needs headers matching Node 24).
 * `node:sqlite` ships inside Node 24, so `npm ci` compiles nothing.
 *
 * Why not `NodeSqliteDialect` from `@mikro-orm/sql` as it is: the services need WAL and a busy timeout
 * on the connection (configuration spec §3.1), set when it opens, before MikroORM issues its first
 * statement.
 */
import { DatabaseSync } from 'node:sqlite';
import { type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';

/** SQLAlchemy's SQLite busy timeout, which the Python service used. */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

/** Statements that return rows: Kysely reads them with `all()`, the rest with `run()`. */
const READER = /^\s*(select|pragma|explain|with|values)\b/i;
const RETURNING = /\breturning\b/i;

/** Opens an SQLite file (or `:memory:`) with WAL and the busy timeout, as Kysely's SqliteDatabase. */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  // WAL lets readers proceed during a write; the busy timeout makes a writer wait for another
  // process's lock instead of failing at once. Both are per connection: set them on open.
  db.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  if (path !== ':memory:') db.exec('pragma journal_mode = wal');
  return {
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      return {
        reader: READER.test(sql) || RETURNING.test(sql),
        all: (params) => stmt.all(...(params as never[])),
        run: (params) => stmt.run(...(params as never[])),
        iterate: (params) => stmt.iterate(...(params as never[])),
      };
    },
    close() {
      if (db.isOpen) db.close();
    },
  };
}

/** The Kysely dialect MikroORM's SqliteDriver takes as `driverOptions`, over `node:sqlite`. */
export function nodeSqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({ database: async () => openSqliteDatabase(path) });
}
