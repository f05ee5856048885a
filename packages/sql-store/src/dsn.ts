/**
 * Database URL parsing. Deployments and compose files carry SQLAlchemy-style DSNs
 * (`postgresql+psycopg://…`, `sqlite+pysqlite:////abs/path.db`, `sqlite+aiosqlite:///…`), so both
 * those and the plain forms are accepted; the `+driver` part only named a Python driver and is dropped.
 * Each service names its own setting and examples in the messages (see DatabaseUrlContext).
 */
import { isAbsolute, resolve } from 'node:path';

/** What a database URL names, as the drivers need it. */
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

/** Who reads the URL, so that messages name what the operator has to fix. */
export interface DatabaseUrlContext {
  /** The setting as the operator writes it: `CONFIG_DATABASE_URL`, `--queue-store-uri`. */
  setting: string;
  /** Who reads it, for the unsupported-backend message: `the configuration service`. */
  reader: string;
  /** Example URLs, appended to every message. */
  examples: string;
  /** The message for an empty value (default: `<setting> is not set, <examples>`). */
  missing?: string;
  /** Resolves relative SQLite paths; SQLAlchemy resolves them against the working directory (default). */
  cwd?: string;
}

/** A database URL that cannot be used; the message never holds its password. */
export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

/** Parses a database URL into the backend and what its driver needs; never echoes a password. */
export function parseDatabaseUrl(raw: string | undefined, context: DatabaseUrlContext): DatabaseTarget {
  const { setting, examples } = context;
  const value = (raw ?? '').trim();
  if (value === '') throw new DatabaseUrlError(context.missing ?? `${setting} is not set, ${examples}`);
  const match = /^([A-Za-z][\w+.-]*):\/\//.exec(value);
  if (!match) {
    // Never echo the value: it may hold a password.
    throw new DatabaseUrlError(`${setting} is not a database URL (no scheme://), ${examples}`);
  }
  const scheme = match[1].toLowerCase();
  const backend = scheme.split('+')[0];
  const rest = value.slice(match[0].length);
  if (backend === 'postgresql' || backend === 'postgres') return parsePostgres(rest, context);
  if (backend === 'sqlite') return parseSqlite(rest, context);
  throw new DatabaseUrlError(
    `Unsupported database backend '${backend}' in ${setting}: ${context.reader} supports ` +
      `postgresql and sqlite (${examples})`,
  );
}

function parsePostgres(rest: string, { setting, examples }: DatabaseUrlContext): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(`postgresql://${rest}`);
  } catch {
    throw new DatabaseUrlError(`${setting} is not a valid PostgreSQL URL, ${examples}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '') {
    throw new DatabaseUrlError(`${setting} names no PostgreSQL host, ${examples}`);
  }
  if (database === '' || database.includes('/')) {
    throw new DatabaseUrlError(`${setting} names no PostgreSQL database (…/dbname), ${examples}`);
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

function parseSqlite(rest: string, { setting, examples, cwd }: DatabaseUrlContext): DatabaseTarget {
  // SQLAlchemy: sqlite://<no host>/<path>; options after `?` (check_same_thread, timeout…) only
  // concern the Python driver and are ignored.
  const withoutQuery = rest.replace(/[?#].*$/, '');
  const slash = withoutQuery.indexOf('/');
  const host = slash === -1 ? withoutQuery : withoutQuery.slice(0, slash);
  if (host !== '') {
    throw new DatabaseUrlError(`${setting}: an SQLite URL takes no host ('sqlite://${host}/…'), ${examples}`);
  }
  const path = decodeURIComponent(slash === -1 ? '' : withoutQuery.slice(slash + 1));
  // `sqlite://` and `sqlite:///:memory:` are SQLAlchemy's in-memory database.
  if (path === '' || path === ':memory:') return { backend: 'sqlite', path: ':memory:' };
  return { backend: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd ?? process.cwd(), path) };
}

/** The URL with its password replaced, for logs and error messages. */
export function redactDatabaseUrl(raw: string): string {
  return raw.replace(/^([A-Za-z][\w+.-]*:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** How logs and errors name a database: the SQLite file, or the URL without its password. */
export function describeDatabase(target: DatabaseTarget, url: string): string {
  return target.backend === 'sqlite' ? `(sqlite ${target.path})` : `(${redactDatabaseUrl(url)})`;
}
