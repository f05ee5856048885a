/**
 * `CONFIG_DATABASE_URL` parsing. Deployments and compose files carry SQLAlchemy-style DSNs
 * (`postgresql+psycopg://…`, `sqlite+pysqlite:////abs/path.db`), so both those and the plain forms
 * are accepted; the `+driver` part only named a Python driver and is dropped.
 */
import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget =
  | {
      backend: 'postgresql';
      /** The DSN rewritten to `postgresql://…` for the `pg` driver (password included). */
      url: string;
      host: string;
      port: number;
      database: string;
      user: string;
    }
  | {
      backend: 'sqlite';
      /** Absolute file path, or `:memory:`. */
      path: string;
    };

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

const EXAMPLES =
  'e.g. sqlite+pysqlite:////var/lib/ophyd/config.db (four slashes = absolute path), ' +
  'sqlite:///config.db (relative to the working directory) or postgresql+psycopg://user:pass@host:5432/db';

/**
 * Parses a database URL. `cwd` resolves relative SQLite paths (SQLAlchemy resolves them against the
 * process working directory, so that is the default).
 */
export function parseDatabaseUrl(raw: string | undefined, cwd: string = process.cwd()): DatabaseTarget {
  const value = (raw ?? '').trim();
  if (value === '') {
    throw new DatabaseUrlError(
      'CONFIG_DATABASE_URL is not set: persistence is on (CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=true) and needs ' +
        `a database URL, ${EXAMPLES}; or set CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=false to run without a database`,
    );
  }
  const match = /^([A-Za-z][\w+.-]*):\/\//.exec(value);
  if (!match) {
    // Never echo the value: it may hold a password.
    throw new DatabaseUrlError(`CONFIG_DATABASE_URL is not a database URL (no scheme://), ${EXAMPLES}`);
  }
  const scheme = match[1].toLowerCase();
  const backend = scheme.split('+')[0];
  const rest = value.slice(match[0].length);
  if (backend === 'postgresql' || backend === 'postgres') return parsePostgres(rest);
  if (backend === 'sqlite') return parseSqlite(rest, cwd);
  throw new DatabaseUrlError(
    `Unsupported database backend '${backend}' in CONFIG_DATABASE_URL: the configuration service supports ` +
      `postgresql and sqlite (${EXAMPLES})`,
  );
}

function parsePostgres(rest: string): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(`postgresql://${rest}`);
  } catch {
    throw new DatabaseUrlError(`CONFIG_DATABASE_URL is not a valid PostgreSQL URL, ${EXAMPLES}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '') {
    throw new DatabaseUrlError(`CONFIG_DATABASE_URL names no PostgreSQL host, ${EXAMPLES}`);
  }
  if (database === '' || database.includes('/')) {
    throw new DatabaseUrlError(`CONFIG_DATABASE_URL names no PostgreSQL database (…/dbname), ${EXAMPLES}`);
  }
  return {
    backend: 'postgresql',
    url: url.href,
    host: url.hostname,
    port: url.port === '' ? 5432 : Number(url.port),
    database,
    user: decodeURIComponent(url.username),
  };
}

function parseSqlite(rest: string, cwd: string): DatabaseTarget {
  // SQLAlchemy: sqlite://<no host>/<path>; options after `?` (check_same_thread, timeout…) only
  // concern the Python driver and are ignored.
  const withoutQuery = rest.replace(/[?#].*$/, '');
  const slash = withoutQuery.indexOf('/');
  const host = slash === -1 ? withoutQuery : withoutQuery.slice(0, slash);
  if (host !== '') {
    throw new DatabaseUrlError(
      `CONFIG_DATABASE_URL: an SQLite URL takes no host ('sqlite://${host}/…'), ${EXAMPLES}`,
    );
  }
  const path = decodeURIComponent(slash === -1 ? '' : withoutQuery.slice(slash + 1));
  // `sqlite://` and `sqlite:///:memory:` are SQLAlchemy's in-memory database.
  if (path === '' || path === ':memory:') return { backend: 'sqlite', path: ':memory:' };
  return { backend: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** The URL with its password replaced, for logs and error messages. */
export function redactDatabaseUrl(raw: string): string {
  return raw.replace(/^([A-Za-z][\w+.-]*:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
