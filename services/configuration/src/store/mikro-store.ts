/**
 * The registry store on MikroORM 7: SQLite through Node's built-in `node:sqlite` or PostgreSQL, opened
 * by `@ophyd-service/sql-store`. The schema comes from the committed migrations of the matching
 * dialect, applied at open.
 *
 * Every method that writes more than one row does it in one transaction; every database failure
 * surfaces as a StoreError (the service answers 500/503 and changes nothing in memory).
 */
import type { EntityManager, MigrationObject, MikroORM } from '@mikro-orm/core';
import { errorMessage, openMigratedOrm, SQLITE_BUSY_TIMEOUT_MS } from '@ophyd-service/sql-store';
import { CompiledQuery } from 'kysely';
import { migrations as postgresqlMigrations } from '../../migrations/postgresql/index.ts';
import { migrations as sqliteMigrations } from '../../migrations/sqlite/index.ts';
import { type DatabaseTarget, parseDatabaseUrl } from './dsn.ts';
import { AuditRow, DeviceRow, entities, LEGACY_TABLES, MetadataRow, StandalonePvRow } from './entities.ts';
import { pythonJsonDumps } from './python-json.ts';
import {
  type AuditEntry,
  type AuditInput,
  type AuditOperation,
  type RegistryStore,
  type StoredDevice,
  type StoredStandalonePv,
  StoreError,
} from './store.ts';

export interface OpenStoreOptions {
  /** Receives one line per applied migration and start-up step (default: silent). */
  log?: (message: string) => void;
  /** PostgreSQL: give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

const SEEDED_KEY = 'seeded';
/** Rows per INSERT statement: far below SQLite's bound-parameter limit. */
const INSERT_CHUNK = 200;
/** The Python service's pool: 5 connections plus 10 overflow. */
const PG_POOL_MAX = 15;

/** Opens (creating and migrating as needed) the store named by a `CONFIG_DATABASE_URL` value. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<MikroRegistryStore> {
  const target = parseDatabaseUrl(url);
  const orm = await openMigratedOrm({
    target,
    url,
    entities,
    migrations: {
      sqlite: sqliteMigrations as MigrationObject[],
      postgresql: postgresqlMigrations as MigrationObject[],
    },
    label: 'registry database',
    log: options.log,
    connectTimeoutMs: options.connectTimeoutMs,
    poolMax: PG_POOL_MAX,
    async afterMigrate(opened) {
      for (const table of LEGACY_TABLES) {
        await opened.em.getConnection().execute(`drop table if exists "${table}"`, [], 'run');
      }
    },
    error: (text, cause) => new StoreError(text, { cause }),
  });
  return new MikroRegistryStore(orm, target.backend);
}

/**
 * Unix seconds as a float, strictly increasing within the process: two writes in the same
 * millisecond still get ordered timestamps, so an update always advances `updated_at`.
 */
let lastNow = 0;
function now(): number {
  const t = Date.now() / 1000;
  lastNow = t > lastNow ? t : lastNow + 1e-6;
  return lastNow;
}

type DeviceRowData = {
  name: string;
  deviceMetadata: string;
  instantiationSpec: string | null;
  createdAt: number;
  updatedAt: number;
};
type AuditRowData = {
  id: number;
  deviceName: string;
  operation: string;
  timestamp: number;
  details: string | null;
};
type StandaloneRowData = {
  pvName: string;
  description: string | null;
  protocol: string;
  accessMode: string;
  labels: string;
  source: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
};

export class MikroRegistryStore implements RegistryStore {
  /** Exposed for tests and tooling (raw SQL, schema checks); the service uses the methods. */
  readonly orm: MikroORM;
  readonly backend: DatabaseTarget['backend'];
  #closed = false;

  constructor(orm: MikroORM, backend: DatabaseTarget['backend']) {
    this.orm = orm;
    this.backend = backend;
  }

  async ping(timeoutMs: number): Promise<void> {
    if (this.#closed) throw new StoreError('the registry store is closed');
    const probe =
      this.backend === 'sqlite'
        ? this.#pingSqlite(timeoutMs)
        : this.orm.em.getConnection().execute('select 1', [], 'all');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreError(`registry database did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    // A hung server leaves `probe` pending: it settles (or fails) later, never unhandled.
    probe.catch(() => {});
    try {
      await Promise.race([probe, timeout]);
    } catch (error) {
      throw error instanceof StoreError
        ? error
        : new StoreError(`registry database ping failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SQLite calls are synchronous, so a lock held by another process is bounded only by the busy
   * timeout: lower it to the probe's timeout for this one statement and restore it on the same
   * connection (held throughout), so the short value never reaches other queries.
   */
  async #pingSqlite(timeoutMs: number): Promise<void> {
    const kysely = (this.orm.em as unknown as { getKysely(): KyselyLike }).getKysely();
    await kysely.connection().execute(async (db) => {
      await db.executeQuery(CompiledQuery.raw(`pragma busy_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`));
      try {
        // Reading the schema touches the file (a bare `select 1` would not).
        await db.executeQuery(CompiledQuery.raw('select count(*) from sqlite_master'));
      } finally {
        await db.executeQuery(CompiledQuery.raw(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`));
      }
    });
  }

  async seededEpoch(): Promise<string | null> {
    return this.#run('read the seeded marker', async (em) => {
      const row = await em.findOne(MetadataRow, { key: SEEDED_KEY });
      return row?.value ?? null;
    });
  }

  async seed(
    devices: Omit<StoredDevice, 'createdAt' | 'updatedAt'>[],
    options: { reset?: boolean } = {},
  ): Promise<string> {
    return this.#transaction('seed the registry', async (em) => {
      const timestamp = now();
      if (options.reset) {
        await em.insert(
          AuditRow,
          auditData({ deviceName: '*', operation: 'reset', details: RESET }, timestamp),
        );
      }
      await em.nativeDelete(DeviceRow, {});
      for (const chunk of chunks(devices)) {
        await em.insertMany(
          DeviceRow,
          chunk.map((d) => deviceData({ ...d, createdAt: timestamp, updatedAt: timestamp })),
        );
      }
      for (const chunk of chunks(devices)) {
        await em.insertMany(
          AuditRow,
          chunk.map((d) => auditData({ deviceName: d.name, operation: 'seed', details: SEED }, timestamp)),
        );
      }
      const previous = await em.findOne(MetadataRow, { key: SEEDED_KEY });
      // The epoch tells clients "the registry was replaced": it must differ from the last one.
      let epoch = String(now());
      if (previous?.value === epoch) epoch = String(now());
      await em.upsert(MetadataRow, { key: SEEDED_KEY, value: epoch });
      return epoch;
    });
  }

  async loadDevices(): Promise<StoredDevice[]> {
    return this.#run('load devices', async (em) => {
      const rows = (await em.find(DeviceRow, {}, { orderBy: { name: 'asc' } })) as DeviceRowData[];
      return rows.map(toDevice).sort((a, b) => compareText(a.name, b.name));
    });
  }

  async getDevice(name: string): Promise<StoredDevice | null> {
    return this.#run('read a device', async (em) => {
      const row = (await em.findOne(DeviceRow, { name })) as DeviceRowData | null;
      return row ? toDevice(row) : null;
    });
  }

  async upsertDevice(
    device: Omit<StoredDevice, 'createdAt' | 'updatedAt'>,
    audit: AuditInput,
  ): Promise<void> {
    await this.#transaction(`write device ${device.name}`, async (em) => {
      const timestamp = now();
      // One statement (INSERT … ON CONFLICT DO UPDATE): concurrent writers cannot both insert.
      await em.upsert(DeviceRow, deviceData({ ...device, createdAt: timestamp, updatedAt: timestamp }), {
        onConflictFields: ['name'],
        onConflictAction: 'merge',
        onConflictMergeFields: ['deviceMetadata', 'instantiationSpec', 'updatedAt'],
      });
      await em.insert(AuditRow, auditData(audit, timestamp));
    });
  }

  async deleteDevice(name: string, audit: AuditInput): Promise<boolean> {
    return this.#transaction(`delete device ${name}`, async (em) => {
      const deleted = await em.nativeDelete(DeviceRow, { name });
      if (deleted > 0) await em.insert(AuditRow, auditData(audit, now()));
      return deleted > 0;
    });
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#transaction('append audit rows', async (em) => {
      const timestamp = now();
      for (const chunk of chunks(entries)) {
        await em.insertMany(
          AuditRow,
          chunk.map((entry) => auditData(entry, timestamp)),
        );
      }
    });
  }

  async history(options: { deviceName?: string; limit: number }): Promise<AuditEntry[]> {
    return this.#run('read the audit log', async (em) => {
      const where = options.deviceName === undefined ? {} : { deviceName: options.deviceName };
      const rows = (await em.find(AuditRow, where, {
        orderBy: { id: 'desc' },
        limit: Math.max(0, Math.floor(options.limit)),
      })) as AuditRowData[];
      return rows.map(toAuditEntry);
    });
  }

  async auditSince(afterId: number): Promise<AuditEntry[]> {
    return this.#run('read the audit log', async (em) => {
      const rows = (await em.find(
        AuditRow,
        { id: { $gt: afterId } },
        { orderBy: { id: 'asc' } },
      )) as AuditRowData[];
      return rows.map(toAuditEntry);
    });
  }

  async maxAuditId(): Promise<number> {
    return this.#run('read the audit log', async (em) => {
      const rows = await em
        .getConnection()
        .execute<{ max_id: number | string }[]>(
          'select coalesce(max("id"), 0) as "max_id" from "device_audit_log"',
        );
      // PostgreSQL returns bigint as a string.
      return Number(rows[0]?.max_id ?? 0);
    });
  }

  async listStandalone(): Promise<StoredStandalonePv[]> {
    return this.#run('list standalone PVs', async (em) => {
      const rows = (await em.find(
        StandalonePvRow,
        {},
        { orderBy: { pvName: 'asc' } },
      )) as StandaloneRowData[];
      return rows.map(toStandalone).sort((a, b) => compareText(a.pv_name, b.pv_name));
    });
  }

  async getStandalone(pvName: string): Promise<StoredStandalonePv | null> {
    return this.#run('read a standalone PV', async (em) => {
      const row = (await em.findOne(StandalonePvRow, { pvName })) as StandaloneRowData | null;
      return row ? toStandalone(row) : null;
    });
  }

  async upsertStandalone(
    pv: Omit<StoredStandalonePv, 'created_at' | 'updated_at'>,
  ): Promise<StoredStandalonePv> {
    return this.#transaction(`write standalone PV ${pv.pv_name}`, async (em) => {
      const timestamp = now();
      await em.upsert(
        StandalonePvRow,
        {
          pvName: pv.pv_name,
          description: pv.description,
          protocol: pv.protocol,
          accessMode: pv.access_mode,
          labels: JSON.stringify(pv.labels),
          source: pv.source,
          createdBy: pv.created_by,
          createdAt: timestamp,
          updatedAt: timestamp,
        },
        {
          onConflictFields: ['pvName'],
          onConflictAction: 'merge',
          // created_at and created_by keep the values of the first registration.
          onConflictMergeFields: ['description', 'protocol', 'accessMode', 'labels', 'source', 'updatedAt'],
          disableIdentityMap: true,
        },
      );
      const row = (await em.findOne(
        StandalonePvRow,
        { pvName: pv.pv_name },
        { disableIdentityMap: true },
      )) as StandaloneRowData | null;
      if (!row) throw new Error(`standalone PV ${pv.pv_name} vanished after its upsert`);
      return toStandalone(row);
    });
  }

  async deleteStandalone(pvName: string): Promise<boolean> {
    return this.#run(`delete standalone PV ${pvName}`, async (em) => {
      return (await em.nativeDelete(StandalonePvRow, { pvName })) > 0;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.orm.close();
  }

  /** A read or single-statement write on a fresh EntityManager (no identity map shared between calls). */
  async #run<T>(what: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    // MikroORM would quietly reconnect a closed ORM; a closed store stays closed.
    if (this.#closed) throw new StoreError(`cannot ${what}: the registry store is closed`);
    try {
      return await work(this.orm.em.fork());
    } catch (error) {
      throw new StoreError(`cannot ${what}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async #transaction<T>(what: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.#run(what, (em) => em.transactional((trx) => work(trx)));
  }
}

interface KyselyLike {
  connection(): {
    execute<T>(
      work: (db: { executeQuery(query: CompiledQuery): Promise<unknown> }) => Promise<T>,
    ): Promise<T>;
  };
}

const SEED = { source: 'profile' };
const RESET = { reason: 'manual_reset' };

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += INSERT_CHUNK) out.push(items.slice(i, i + INSERT_CHUNK));
  return out;
}

function deviceData(device: StoredDevice): DeviceRowData {
  return {
    name: device.name,
    deviceMetadata: JSON.stringify(device.metadata),
    instantiationSpec: device.spec === null ? null : JSON.stringify(device.spec),
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
  };
}

function auditData(entry: AuditInput, timestamp: number): Omit<AuditRowData, 'id'> {
  return {
    deviceName: entry.deviceName,
    operation: entry.operation,
    timestamp,
    details: entry.details === null ? null : pythonJsonDumps(entry.details),
  };
}

function toDevice(row: DeviceRowData): StoredDevice {
  return {
    name: row.name,
    metadata: JSON.parse(row.deviceMetadata) as Record<string, unknown>,
    spec:
      row.instantiationSpec === null ? null : (JSON.parse(row.instantiationSpec) as Record<string, unknown>),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toAuditEntry(row: AuditRowData): AuditEntry {
  return {
    id: Number(row.id),
    device_name: row.deviceName,
    operation: row.operation as AuditOperation,
    timestamp: row.timestamp,
    details: row.details,
  };
}

function toStandalone(row: StandaloneRowData): StoredStandalonePv {
  return {
    pv_name: row.pvName,
    description: row.description,
    protocol: row.protocol as StoredStandalonePv['protocol'],
    access_mode: row.accessMode as StoredStandalonePv['access_mode'],
    labels: JSON.parse(row.labels) as string[],
    source: row.source,
    created_by: row.createdBy,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** Code-unit order, the same on both backends (PostgreSQL would otherwise sort by its collation). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
