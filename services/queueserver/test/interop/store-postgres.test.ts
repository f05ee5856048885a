/**
 * The queue-store scenarios of store-suite.ts against a real PostgreSQL: TEST_DATABASE_URL, or the
 * local server that scripts/provision.sh sets up (the configuration service's PostgreSQL helper). An
 * unreachable server fails the run (never a silent skip). Each test starts from dropped tables.
 */
import { after, before } from 'node:test';
import { POSTGRES_URL, requirePostgres, withPostgres } from '../../../configuration/test/postgres.ts';
import { STORE_TABLES } from '../../src/store/entities.ts';
import { openQueueStore } from '../../src/store/mikro-queue-store.ts';
import { sqlStoreSuite } from '../store-schema-suite.ts';
import { queueStoreSuite } from '../store-suite.ts';

// The reference's spelling, for the store; the helper's plain URL for the raw client.
const STORE_URL = POSTGRES_URL.replace(/^[a-z+]+:/i, 'postgresql+psycopg:');

before(() => requirePostgres());

const sql = (statement: string) => withPostgres((client) => client.query(statement));

// The database is shared with the configuration service's suites, which check it holds only their
// tables: leave none of ours behind.
after(async () => {
  await sql(`drop table if exists ${STORE_TABLES.map((t) => `"${t}"`).join(', ')} cascade`);
});

async function freshDatabase(): Promise<string> {
  await sql(`drop table if exists ${STORE_TABLES.map((t) => `"${t}"`).join(', ')} cascade`);
  return STORE_URL;
}

queueStoreSuite({
  name: 'postgresql',
  async fresh() {
    return openQueueStore(await freshDatabase());
  },
  async reopen(store) {
    await store.close();
    // Reopened through the plain spelling: both reach the same database.
    return openQueueStore(POSTGRES_URL);
  },
  faults: {
    // Another session installs a trigger, as a revoked grant or a full disk would break the writes.
    async failHistoryInserts() {
      await sql(
        `create or replace function qs_test_fail() returns trigger language plpgsql as $$ ` +
          `begin raise exception 'injected failure'; end $$`,
      );
      await sql(
        'create trigger qs_test_fail before insert on "qs_history" for each row execute function qs_test_fail()',
      );
      return async () => {
        await sql('drop trigger if exists qs_test_fail on "qs_history"');
        await sql('drop function if exists qs_test_fail()');
      };
    },
    async peek() {
      const other = await openQueueStore(STORE_URL);
      try {
        return await other.load();
      } finally {
        await other.close();
      }
    },
  },
});

sqlStoreSuite('postgresql', freshDatabase);
