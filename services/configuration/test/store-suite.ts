/**
 * The registry-store scenarios, run against SQLite by store.test.ts (npm test) and against a real
 * PostgreSQL by interop/store-postgres.test.ts (npm run test:interop). Every test starts from an
 * empty database: a fresh temp file for SQLite, dropped tables for PostgreSQL.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SchemaComparator } from '@mikro-orm/sql';
import { type MikroRegistryStore, openStore } from '../src/store/mikro-store.ts';
import { type AuditInput, type StoredDevice, StoreError } from '../src/store/store.ts';

export interface StoreBackend {
  name: 'sqlite' | 'postgresql';
  /** Prepares an empty database and returns its URL. */
  freshDatabase(): Promise<string>;
  /**
   * Prepares a database that can be made to hang: returns the URL to open, `hang(store)` (the
   * connection stays busy / the server stops answering) and `release()` (idempotent).
   */
  withHang(url: string): Promise<{
    url: string;
    hang(store: MikroRegistryStore): Promise<void>;
    release(): Promise<void>;
  }>;
  /** DDL of the Python service's tables, to check that an existing database is adopted. */
  pythonDdl: string[];
}

type NewDevice = Omit<StoredDevice, 'createdAt' | 'updatedAt'>;

const device = (name: string, extra: Partial<NewDevice> = {}): NewDevice => ({
  name,
  metadata: { name, device_label: 'motor', ophyd_class: 'EpicsMotor', labels: ['x'] },
  spec: { device_class: 'ophyd.EpicsMotor', args: [`BL:${name}`], kwargs: { name } },
  ...extra,
});

/** The stored device without its timestamps, after checking both are the time of the write. */
function withoutTimes(stored: StoredDevice | null | undefined, notBefore: number): NewDevice {
  assert.ok(stored, 'device missing');
  const { createdAt, updatedAt, ...rest } = stored;
  assert.equal(createdAt, updatedAt);
  assert.ok(createdAt >= notBefore && createdAt <= Date.now() / 1000 + 1, `timestamp ${createdAt}`);
  return rest;
}

const audit = (
  deviceName: string,
  operation: AuditInput['operation'],
  details: AuditInput['details'] = null,
) => ({
  deviceName,
  operation,
  details,
});

async function sql<T = Record<string, unknown>>(
  store: MikroRegistryStore,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await store.orm.em.getConnection().execute(text, params, 'all')) as T[];
}

export function storeSuite(backend: StoreBackend): void {
  describe(`registry store on ${backend.name}`, () => {
    let url = '';
    const open = (u = url) => openStore(u);

    beforeEach(async () => {
      url = await backend.freshDatabase();
    });

    it('seeds, then loads every device ordered by name', async () => {
      const store = await open();
      try {
        assert.equal(await store.seededEpoch(), null);
        assert.deepEqual(await store.loadDevices(), []);
        const devices = [
          device('sample_y'),
          device('Zeta'),
          device('alpha', { spec: null }),
          device('sample_x'),
        ];
        const notBefore = Date.now() / 1000 - 0.001;
        const epoch = await store.seed(devices);
        assert.match(epoch, /^\d+(\.\d+)?$/);
        assert.equal(await store.seededEpoch(), epoch);
        const loaded = await store.loadDevices();
        assert.deepEqual(
          loaded.map((d) => d.name),
          ['Zeta', 'alpha', 'sample_x', 'sample_y'],
        );
        assert.deepEqual(
          withoutTimes(
            loaded.find((d) => d.name === 'sample_x'),
            notBefore,
          ),
          device('sample_x'),
        );
        assert.equal(loaded.find((d) => d.name === 'alpha')?.spec, null);
        assert.deepEqual(withoutTimes(await store.getDevice('sample_y'), notBefore), device('sample_y'));
        assert.equal(await store.getDevice('nope'), null);

        const seeds = await store.auditSince(0);
        assert.deepEqual(
          seeds.map((e) => [e.device_name, e.operation, e.details]),
          devices.map((d) => [d.name, 'seed', '{"source": "profile"}']),
        );

        // A second seed replaces every row and moves the epoch.
        const epoch2 = await store.seed([device('only')]);
        assert.notEqual(epoch2, epoch);
        assert.equal(await store.seededEpoch(), epoch2);
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          ['only'],
        );
        // Seeding nothing is legal (clear): the marker still moves.
        const epoch3 = await store.seed([]);
        assert.notEqual(epoch3, epoch2);
        assert.deepEqual(await store.loadDevices(), []);
      } finally {
        await store.close();
      }
    });

    it('seed with reset writes the reset row first, in the same transaction', async () => {
      const store = await open();
      try {
        await store.seed([device('a')]);
        const before = await store.maxAuditId();
        await store.seed([device('b'), device('c')], { reset: true });
        const rows = await store.auditSince(before);
        assert.deepEqual(
          rows.map((e) => [e.device_name, e.operation, e.details]),
          [
            ['*', 'reset', '{"reason": "manual_reset"}'],
            ['b', 'seed', '{"source": "profile"}'],
            ['c', 'seed', '{"source": "profile"}'],
          ],
        );
        assert.ok(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
      } finally {
        await store.close();
      }
    });

    it('a failing seed changes nothing (one transaction)', async () => {
      const store = await open();
      try {
        const epoch = await store.seed([device('keep')]);
        const maxId = await store.maxAuditId();
        // Duplicate names violate the primary key half-way through the batch.
        await assert.rejects(store.seed([device('x'), device('x')], { reset: true }), StoreError);
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          ['keep'],
        );
        assert.equal(await store.seededEpoch(), epoch);
        assert.equal((await store.auditSince(maxId)).length, 0);
      } finally {
        await store.close();
      }
    });

    it('upsert keeps created_at, advances updated_at and appends the audit row', async () => {
      const store = await open();
      try {
        const input = device('m1');
        const notBefore = Date.now() / 1000 - 0.001;
        await store.upsertDevice(
          input,
          audit('m1', 'add', { device_label: 'motor', ophyd_class: 'EpicsMotor' }),
        );
        const first = await store.getDevice('m1');
        assert.deepEqual(withoutTimes(first, notBefore), input);
        assert.ok(first);

        const changed = { ...input, metadata: { ...input.metadata, labels: ['y'] } };
        await store.upsertDevice(changed, audit('m1', 'update', { changed_fields: ['labels'] }));
        const second = await store.getDevice('m1');
        assert.ok(second);
        assert.equal(second.createdAt, first.createdAt);
        assert.ok(second.updatedAt > first.updatedAt);
        assert.deepEqual(second.metadata.labels, ['y']);

        // Even back to back (same millisecond), updated_at moves forward.
        await store.upsertDevice(changed, audit('m1', 'update'));
        await store.upsertDevice(changed, audit('m1', 'update'));
        const third = await store.getDevice('m1');
        assert.ok(third && third.updatedAt > second.updatedAt);

        const history = await store.history({ deviceName: 'm1', limit: 10 });
        assert.deepEqual(
          history.map((e) => [e.operation, e.details]),
          [
            ['update', null],
            ['update', null],
            ['update', '{"changed_fields": ["labels"]}'],
            ['add', '{"device_label": "motor", "ophyd_class": "EpicsMotor"}'],
          ],
        );
        for (const entry of history) assert.equal(typeof entry.timestamp, 'number');
      } finally {
        await store.close();
      }
    });

    it('delete audits only when a row existed', async () => {
      const store = await open();
      try {
        await store.seed([device('d1'), device('d2')]);
        const before = await store.maxAuditId();
        assert.equal(await store.deleteDevice('nope', audit('nope', 'delete')), false);
        assert.equal(await store.maxAuditId(), before);
        assert.equal(
          await store.deleteDevice(
            'd1',
            audit('d1', 'delete', { ophyd_class: 'EpicsMotor', device_label: 'motor' }),
          ),
          true,
        );
        assert.equal(await store.getDevice('d1'), null);
        const rows = await store.auditSince(before);
        assert.deepEqual(
          rows.map((e) => [e.device_name, e.operation, e.details]),
          [['d1', 'delete', '{"ophyd_class": "EpicsMotor", "device_label": "motor"}']],
        );
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          ['d2'],
        );
      } finally {
        await store.close();
      }
    });

    it('never reuses an audit id, even after the max row is deleted and the store reopened', async () => {
      let store = await open();
      try {
        assert.equal(await store.maxAuditId(), 0);
        await store.appendAudit([audit('a', 'lock'), audit('b', 'lock'), audit('c', 'lock')]);
        const max = await store.maxAuditId();
        assert.deepEqual(
          (await store.auditSince(0)).map((e) => e.id),
          [max - 2, max - 1, max],
        );
        await sql(store, 'delete from device_audit_log where id = ?', [max]);
        assert.equal(await store.maxAuditId(), max - 1);
        await store.appendAudit([audit('d', 'unlock')]);
        assert.equal(await store.maxAuditId(), max + 1);

        await sql(store, 'delete from device_audit_log where id = ?', [max + 1]);
        await store.close();
        store = await open();
        await store.appendAudit([audit('e', 'unlock')]);
        assert.equal(await store.maxAuditId(), max + 2);
      } finally {
        await store.close();
      }
    });

    it('history is newest first with filter and limit; auditSince is oldest first', async () => {
      const store = await open();
      try {
        await store.appendAudit([
          audit('m1', 'lock', { plan: 'count', item_id: 'i1', service: 'qs', lock_id: 'L1' }),
          audit('m2', 'lock'),
          audit('m1', 'unlock', { item_id: 'i1', reason: 'plan_completed' }),
          audit('m1', 'force_unlock', { reason: 'stuck', admin: true }),
        ]);
        const all = await store.history({ limit: 100 });
        assert.deepEqual(
          all.map((e) => [e.device_name, e.operation]),
          [
            ['m1', 'force_unlock'],
            ['m1', 'unlock'],
            ['m2', 'lock'],
            ['m1', 'lock'],
          ],
        );
        assert.equal(all[0].details, '{"reason": "stuck", "admin": true}');
        assert.deepEqual(
          (await store.history({ deviceName: 'm1', limit: 2 })).map((e) => e.operation),
          ['force_unlock', 'unlock'],
        );
        assert.deepEqual(await store.history({ deviceName: 'none', limit: 10 }), []);
        assert.deepEqual(await store.history({ limit: 0 }), []);

        const ids = all.map((e) => e.id).reverse();
        assert.deepEqual(
          (await store.auditSince(ids[1])).map((e) => e.id),
          ids.slice(2),
        );
        assert.deepEqual(await store.auditSince(ids[3]), []);
        assert.equal(await store.maxAuditId(), ids[3]);
        // Non-ASCII details are stored as Python's json.dumps writes them.
        await store.appendAudit([audit('m1', 'lock', { plan: 'scan ü' })]);
        assert.equal((await store.history({ limit: 1 }))[0].details, '{"plan": "scan \\u00fc"}');
      } finally {
        await store.close();
      }
    });

    it('appendAudit writes all rows or none', async () => {
      const store = await open();
      try {
        await store.appendAudit([]);
        assert.equal(await store.maxAuditId(), 0);
        await assert.rejects(
          store.appendAudit([
            audit('ok', 'lock'),
            { deviceName: null as unknown as string, operation: 'lock', details: null },
          ]),
          StoreError,
        );
        assert.deepEqual(await store.auditSince(0), []);
      } finally {
        await store.close();
      }
    });

    it('standalone PVs: upsert keeps created_at and created_by; list, get, delete', async () => {
      const store = await open();
      try {
        const created = await store.upsertStandalone({
          pv_name: 'BL:TEMP:1',
          description: 'cryostat',
          protocol: 'ca',
          access_mode: 'read-only',
          labels: ['temp', 'cryo'],
          source: 'runtime',
          created_by: 'alice',
        });
        assert.equal(created.created_at, created.updated_at);
        assert.deepEqual(created.labels, ['temp', 'cryo']);
        const updated = await store.upsertStandalone({
          pv_name: 'BL:TEMP:1',
          description: null,
          protocol: 'pva',
          access_mode: 'read-write',
          labels: [],
          source: 'runtime',
          created_by: 'bob',
        });
        assert.deepEqual(updated, {
          pv_name: 'BL:TEMP:1',
          description: null,
          protocol: 'pva',
          access_mode: 'read-write',
          labels: [],
          source: 'runtime',
          created_by: 'alice',
          created_at: created.created_at,
          updated_at: updated.updated_at,
        });
        assert.ok(updated.updated_at > created.updated_at);
        assert.deepEqual(await store.getStandalone('BL:TEMP:1'), updated);
        assert.equal(await store.getStandalone('nope'), null);

        await store.upsertStandalone({ ...updated, pv_name: 'A/with/slash', created_by: null });
        assert.deepEqual(
          (await store.listStandalone()).map((pv) => [pv.pv_name, pv.created_by]),
          [
            ['A/with/slash', null],
            ['BL:TEMP:1', 'alice'],
          ],
        );
        assert.equal(await store.deleteStandalone('BL:TEMP:1'), true);
        assert.equal(await store.deleteStandalone('BL:TEMP:1'), false);
        assert.deepEqual(
          (await store.listStandalone()).map((pv) => pv.pv_name),
          ['A/with/slash'],
        );
      } finally {
        await store.close();
      }
    });

    it('standalone defaults of the schema match the spec', async () => {
      const store = await open();
      try {
        await sql(store, 'insert into standalone_pvs (pv_name, created_at, updated_at) values (?, ?, ?)', [
          'RAW:PV',
          1,
          2,
        ]);
        assert.deepEqual(await store.getStandalone('RAW:PV'), {
          pv_name: 'RAW:PV',
          description: null,
          protocol: 'ca',
          access_mode: 'read-only',
          labels: [],
          source: 'runtime',
          created_by: null,
          created_at: 1,
          updated_at: 2,
        });
      } finally {
        await store.close();
      }
    });

    it('ping answers on a healthy database', async () => {
      const store = await open();
      try {
        await store.ping(2000);
      } finally {
        await store.close();
      }
    });

    it('ping fails on its own timeout when the database hangs, and leaves the connection settings alone', async () => {
      const hung = await backend.withHang(url);
      const store = await open(hung.url);
      try {
        await store.seed([device('before')]);
        await hung.hang(store);
        // Its own 300 ms limit ends the probe (nothing else would while the hang lasts).
        await assert.rejects(store.ping(300), {
          name: 'StoreError',
          message: 'registry database did not answer within 300 ms',
        });
        // A write issued during the hang waits for it (the normal busy timeout / no statement
        // timeout) instead of failing with the probe's short limit.
        const write = store.upsertDevice(
          { name: 'during', metadata: {}, spec: null },
          audit('during', 'add'),
        );
        await hung.release();
        await write;
        await store.ping(2000);
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          ['before', 'during'],
        );
      } finally {
        await hung.release();
        await store.close();
      }
    });

    it('reopening keeps the data; migrations are applied once', async () => {
      const logs: string[] = [];
      let store = await openStore(url, { log: (m) => logs.push(m) });
      await store.seed([device('persist')]);
      await store.upsertStandalone({
        pv_name: 'P:1',
        description: null,
        protocol: 'ca',
        access_mode: 'read-only',
        labels: [],
        source: 'runtime',
        created_by: null,
      });
      const epoch = await store.seededEpoch();
      await store.close();
      assert.ok(logs.some((m) => m.includes('applied migration Migration20251125000000_initial')));

      logs.length = 0;
      store = await openStore(url, { log: (m) => logs.push(m) });
      try {
        assert.ok(!logs.some((m) => m.includes('applied migration')), logs.join('\n'));
        assert.equal(await store.seededEpoch(), epoch);
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          ['persist'],
        );
        assert.deepEqual(
          (await store.listStandalone()).map((pv) => pv.pv_name),
          ['P:1'],
        );
        const executed = await sql<{ name: string }>(store, 'select name from mikro_orm_migrations');
        assert.deepEqual(
          executed.map((r) => r.name),
          ['Migration20251125000000_initial'],
        );
      } finally {
        await store.close();
      }
    });

    it('drops the legacy device_change_history table at open', async () => {
      let store = await open();
      await sql(store, 'create table device_change_history (id integer primary key, note text)');
      await store.close();
      store = await open();
      try {
        const tables = await tableNames(store);
        assert.ok(!tables.includes('device_change_history'));
        assert.ok(tables.includes('device_registry'));
      } finally {
        await store.close();
      }
    });

    it('adopts a database created by the Python service (same tables, no migrations table)', async () => {
      let store = await open();
      for (const table of [
        'device_registry',
        'device_audit_log',
        'registry_metadata',
        'standalone_pvs',
        'mikro_orm_migrations',
      ]) {
        await sql(store, `drop table if exists ${table}`);
      }
      for (const ddl of backend.pythonDdl) await sql(store, ddl);
      await sql(
        store,
        'insert into device_registry (name, device_metadata, instantiation_spec, created_at, updated_at) values (?, ?, ?, ?, ?)',
        ['legacy', '{"name": "legacy"}', null, 1.5, 2.5],
      );
      await sql(store, "insert into registry_metadata (key, value) values ('seeded', '1700000000.123456')");
      await sql(
        store,
        "insert into device_audit_log (device_name, operation, timestamp, details) values ('legacy', 'seed', 1.5, null)",
      );
      await store.close();

      store = await open();
      try {
        assert.equal(await store.seededEpoch(), '1700000000.123456');
        assert.deepEqual(await store.loadDevices(), [
          { name: 'legacy', metadata: { name: 'legacy' }, spec: null, createdAt: 1.5, updatedAt: 2.5 },
        ]);
        await store.appendAudit([audit('legacy', 'lock')]);
        assert.equal(await store.maxAuditId(), 2);
      } finally {
        await store.close();
      }
    });

    it('50 concurrent upserts of distinct devices all land', async () => {
      const store = await open();
      try {
        const names = Array.from({ length: 50 }, (_, i) => `dev_${String(i).padStart(2, '0')}`);
        await Promise.all(
          names.map((name) =>
            store.upsertDevice({ name, metadata: { name }, spec: null }, audit(name, 'add')),
          ),
        );
        assert.deepEqual(
          (await store.loadDevices()).map((d) => d.name),
          names,
        );
        const rows = await store.auditSince(0);
        assert.equal(rows.length, 50);
        assert.equal(new Set(rows.map((r) => r.id)).size, 50);
        assert.deepEqual(new Set(rows.map((r) => r.device_name)), new Set(names));
      } finally {
        await store.close();
      }
    });

    it('the entity definitions agree with the migrated schema', async () => {
      const store = await open();
      try {
        const generator = store.orm.schema as unknown as {
          prepareSchemaForComparison(options: object): Promise<{ fromSchema: unknown; toSchema: unknown }>;
        };
        const { fromSchema, toSchema } = await generator.prepareSchemaForComparison({});
        const comparator = new SchemaComparator(store.orm.em.getPlatform() as never);
        const diff = comparator.compare(fromSchema as never, toSchema as never);
        assert.deepEqual(Object.keys(diff.newTables), []);
        // Only MikroORM's own table is unknown to the entities.
        assert.deepEqual(
          Object.keys(diff.removedTables).filter((t) => !t.endsWith('mikro_orm_migrations')),
          [],
        );
        for (const [table, change] of Object.entries(diff.changedTables)) {
          const problems = {
            added: Object.keys(change.addedColumns),
            removed: Object.keys(change.removedColumns),
            changed: Object.entries(change.changedColumns)
              .filter(([, c]) => c.changedProperties.size > 0)
              // SQLite: AUTOINCREMENT needs the rowid alias INTEGER, which MikroORM's comparator
              // tells apart from the entity's bigint, though it emits INTEGER itself.
              .filter(
                ([name]) => !(store.backend === 'sqlite' && table === 'device_audit_log' && name === 'id'),
              )
              .map(([name, c]) => `${name}: ${[...c.changedProperties].join(',')}`),
            addedIndexes: Object.keys(change.addedIndexes),
            removedIndexes: Object.keys(change.removedIndexes),
            changedIndexes: Object.keys(change.changedIndexes),
          };
          assert.deepEqual(
            problems,
            { added: [], removed: [], changed: [], addedIndexes: [], removedIndexes: [], changedIndexes: [] },
            table,
          );
        }
      } finally {
        await store.close();
      }
    });

    it('a closed store fails with StoreError', async () => {
      const store = await open();
      await store.close();
      await store.close();
      await assert.rejects(store.loadDevices(), StoreError);
    });
  });
}

async function tableNames(store: MikroRegistryStore): Promise<string[]> {
  const rows =
    store.backend === 'sqlite'
      ? await sql<{ name: string }>(store, "select name from sqlite_master where type = 'table'")
      : await sql<{ name: string }>(
          store,
          'select table_name as name from information_schema.tables where table_schema = current_schema()',
        );
  return rows.map((r) => r.name);
}
