/**
 * `CONFIG_DATABASE_URL`: the shared parser (`@ophyd-service/sql-store`) with the configuration
 * service's messages.
 */
import {
  type DatabaseTarget,
  DatabaseUrlError,
  parseDatabaseUrl as parseUrl,
  redactDatabaseUrl,
} from '@ophyd-service/sql-store';

export { type DatabaseTarget, DatabaseUrlError, redactDatabaseUrl };

const EXAMPLES =
  'e.g. sqlite+pysqlite:////var/lib/ophyd/config.db (four slashes = absolute path), ' +
  'sqlite:///config.db (relative to the working directory) or postgresql+psycopg://user:pass@host:5432/db';

/** Parses a `CONFIG_DATABASE_URL` value; `cwd` resolves relative SQLite paths. */
export function parseDatabaseUrl(raw: string | undefined, cwd: string = process.cwd()): DatabaseTarget {
  return parseUrl(raw, {
    setting: 'CONFIG_DATABASE_URL',
    reader: 'the configuration service',
    examples: EXAMPLES,
    missing:
      'CONFIG_DATABASE_URL is not set: persistence is on (CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=true) and needs ' +
      `a database URL, ${EXAMPLES}; or set CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=false to run without a database`,
    cwd,
  });
}
