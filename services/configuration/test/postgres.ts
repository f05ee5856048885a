/**
 * The PostgreSQL that the PostgreSQL suites use: TEST_DATABASE_URL, or the local server that
 * scripts/provision.sh sets up. Shared by the store, acceptance and fault suites.
 */
import pg from 'pg';
import { parseDatabaseUrl, redactDatabaseUrl } from '../src/store/dsn.ts';

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL || 'postgresql://ophyd:ophyd@127.0.0.1:5432/ophyd_test';

/** The service's tables (and MikroORM's migration log): dropping them gives a fresh registry. */
export const SERVICE_TABLES = [
  'device_registry',
  'device_audit_log',
  'registry_metadata',
  'standalone_pvs',
  'mikro_orm_migrations',
  'device_change_history',
];

export function postgresTarget(url = POSTGRES_URL) {
  const parsed = parseDatabaseUrl(url);
  if (parsed.backend !== 'postgresql')
    throw new Error(`TEST_DATABASE_URL must name PostgreSQL, not ${parsed.backend}`);
  return parsed;
}

export async function withPostgres<T>(
  work: (client: pg.Client) => Promise<T>,
  url = POSTGRES_URL,
): Promise<T> {
  const client = new pg.Client({ connectionString: postgresTarget(url).url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const dropServiceTables = (url = POSTGRES_URL) =>
  withPostgres((c) => c.query(`drop table if exists ${SERVICE_TABLES.join(', ')} cascade`), url);

/** Fails (never skips) with the script that provides the server when it cannot be reached. */
export async function requirePostgres(url = POSTGRES_URL): Promise<void> {
  try {
    await withPostgres((c) => c.query('select 1'), url);
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${redactDatabaseUrl(url)} is unreachable (${(error as Error).message}). ` +
        'Run scripts/provision.sh (as root on Debian it installs and starts PostgreSQL with the test role), ' +
        'or point TEST_DATABASE_URL at a server.',
    );
  }
}
