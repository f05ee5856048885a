/**
 * `ophyd-service configuration [--port N] [--profile-path P] [--load-strategy S]`: the registry on
 * port 8004, on SQLite under OPHYD_SERVICE_DATA_DIR unless CONFIG_DATABASE_URL names a database.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCatalog } from '@ophyd-service/devices';
import { closeOnSignals, describeConfig, envFromFlags } from '@ophyd-service/service-kit';
import { createConfigurationService } from './app.ts';
import { configSchema, readConfig } from './config.ts';
import { openStore } from './store/mikro-store.ts';

const USAGE = `Usage: ophyd-service configuration [--port N] [--host H] [--profile-path P] [--load-strategy auto|empty|happi|bits|mock]

Environment:
${describeConfig(configSchema)
  .map((line) => `  ${line}`)
  .join('\n')}
  OPHYD_DEVICE_CATALOG: a JSON/YAML file of extra device classes`;

export async function main(argv: string[]): Promise<void> {
  const env = envFromFlags(argv, USAGE, {
    port: { env: 'CONFIG_PORT' },
    host: { env: 'CONFIG_HOST' },
    'profile-path': { env: 'CONFIG_PROFILE_PATH' },
    'load-strategy': { env: 'CONFIG_LOAD_STRATEGY' },
  });
  if (!env) return;
  const config = readConfig(env);
  let store = null;
  if (config.CONFIG_DEVICE_CHANGE_HISTORY_ENABLED) {
    let url = config.CONFIG_DATABASE_URL;
    if (!url) {
      const dir = resolve(config.OPHYD_SERVICE_DATA_DIR);
      mkdirSync(dir, { recursive: true });
      url = `sqlite:///${resolve(dir, 'configuration.db')}`;
    }
    store = await openStore(url);
  }
  const service = await createConfigurationService({ config, store, catalog: loadCatalog() });
  await service.listen(config.CONFIG_PORT, config.CONFIG_HOST);
  closeOnSignals(service);
}
