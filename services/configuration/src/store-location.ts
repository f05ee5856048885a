/** Where the service keeps its registry when CONFIG_DATABASE_URL names no database. */
import { resolve } from 'node:path';
import type { ConfigurationConfig } from './config.ts';

export const defaultSqliteFile = (config: Pick<ConfigurationConfig, 'OPHYD_SERVICE_DATA_DIR'>) =>
  resolve(config.OPHYD_SERVICE_DATA_DIR, 'configuration.db');
