/**
 * Opens a MikroORM 7 on SQLite (MikroORM's generic `SqliteDriver` over `node:sqlite`, see
 * sqlite-dialect.ts) or PostgreSQL (`@mikro-orm/postgresql`), and brings the schema up to date with
 * the caller's committed migrations for that dialect. Migrations are listed, never discovered, and
 * nothing is written next to the sources (no snapshots).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type MigrationObject, MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { SqliteDriver } from '@mikro-orm/sql';
import type pg from 'pg';
import { type DatabaseTarget, describeDatabase } from './dsn.ts';
import { nodeSqliteDialect } from './sqlite-dialect.ts';

/** What openMigratedOrm opens, with which schema, and how it reports. */
export interface OpenOrmOptions {
  target: DatabaseTarget;
  /** The URL as the operator wrote it (redacted in messages). */
  url: string;
  /** The `defineEntity` schemas the caller queries through. */
  entities: NonNullable<Options['entities']>;
  /** Every migration of each dialect, oldest first. */
  migrations: { sqlite: MigrationObject[]; postgresql: MigrationObject[] };
  /** Where MikroORM records applied migrations (default `mikro_orm_migrations`). */
  migrationsTable?: string;
  /** How log lines and errors name the database: `registry database`, `queue store`. */
  label: string;
  /** Receives one line per applied migration and when the database is ready (default: silent). */
  log?: (message: string) => void;
  /** PostgreSQL: give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** PostgreSQL pool size (default 15: the Python services' 5 connections plus 10 overflow). */
  poolMax?: number;
  /** Runs after the migrations, inside the same failure handling (e.g. dropping legacy tables). */
  afterMigrate?: (orm: MikroORM) => Promise<void>;
  /** Wraps open/migrate failures in the caller's error class (default: Error). */
  error?: (message: string, cause: unknown) => Error;
}

/** Opens the database named by `target` and applies pending migrations; closes it again if they fail. */
export async function openMigratedOrm(options: OpenOrmOptions): Promise<MikroORM> {
  const { target, url, label } = options;
  const log = options.log ?? (() => {});
  const fail = options.error ?? ((text: string, cause: unknown) => new Error(text, { cause }));
  const where = describeDatabase(target, url);
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(await ormOptions(options));
  } catch (error) {
    throw fail(`cannot open the ${label} ${where}: ${errorMessage(error)}`, error);
  }
  try {
    const applied = await orm.migrator.up();
    for (const migration of applied) log(`${label}: applied migration ${migration.name}`);
    await options.afterMigrate?.(orm);
  } catch (error) {
    await orm.close(true).catch(() => {});
    throw fail(`cannot migrate the ${label} ${where}: ${errorMessage(error)}`, error);
  }
  log(`${label}: ${where} ready`);
  return orm;
}

async function ormOptions(options: OpenOrmOptions): Promise<Partial<Options>> {
  const { target } = options;
  const common = {
    entities: options.entities,
    extensions: [Migrator],
    // The database must exist (SQLite creates its file); never CREATE DATABASE behind the operator's back.
    ensureDatabase: false,
    debug: false,
    allowGlobalContext: false,
    migrations: {
      ...(options.migrationsTable ? { tableName: options.migrationsTable } : {}),
      // Listed, not discovered, and never written back: no snapshot files next to the sources.
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
  } satisfies Partial<Options>;
  if (target.backend === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return {
      ...common,
      driver: SqliteDriver,
      dbName: target.path,
      driverOptions: nodeSqliteDialect(target.path),
      migrations: { ...common.migrations, migrationsList: options.migrations.sqlite },
    };
  }
  // Loaded only here: pg and MikroORM's PostgreSQL driver are dead weight in a process on SQLite.
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: target.url,
    pool: { min: 0, max: options.poolMax ?? 15, idleTimeoutMillis: 30_000 },
    // Handed to pg's Pool: a server that never answers fails connection attempts instead of queueing forever.
    driverOptions: {
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      onPoolCreated: releaseDeadConnections,
    },
    migrations: { ...common.migrations, migrationsList: options.migrations.postgresql },
  };
}

/**
 * Gives a connection that dies while checked out back to the pool (which discards it), whoever
 * holds it. Kysely's controlled transactions, under MikroORM's `transactional`, release their
 * connection only when COMMIT or ROLLBACK succeeds, and never when BEGIN fails: a transaction
 * whose connection drops (server restart, `pg_terminate_backend`, network cut) would otherwise
 * hold its pool slot forever, until every query waits for the pool and `close()` never returns.
 */
function releaseDeadConnections(pool: pg.Pool): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    client.once('end', () => {
      if (!checkedOut.delete(client)) return;
      const release = client.release;
      // The holder may still release it later (a failed read does): that must not throw.
      client.release = () => {};
      release(new Error('connection ended while checked out'));
    });
  });
}

/** An unknown thrown value as message text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
