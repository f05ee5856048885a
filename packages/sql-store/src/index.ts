/** What the services share to persist on SQL: URL parsing, the `node:sqlite` dialect, opening a migrated MikroORM. */
export {
  type DatabaseTarget,
  type DatabaseUrlContext,
  DatabaseUrlError,
  describeDatabase,
  parseDatabaseUrl,
  redactDatabaseUrl,
} from './dsn.ts';
export { errorMessage, type OpenOrmOptions, openMigratedOrm } from './open-orm.ts';
export { nodeSqliteDialect, openSqliteDatabase, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-dialect.ts';
