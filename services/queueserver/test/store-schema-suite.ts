/** What only the SQL queue store has: migrations applied once, in its own log, matching the entities. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaComparator } from '@mikro-orm/sql';
import { openQueueStore } from '../src/store/mikro-queue-store.ts';
import { expectPart, item } from './store-fixtures.ts';

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
