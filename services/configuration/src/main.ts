/**
 * `ophyd-service configuration [--port N] [--profile-path P] [--load-strategy S]`: the registry on
 * port 8004, on SQLite under OPHYD_SERVICE_DATA_DIR unless CONFIG_DATABASE_URL names a database.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '@ophyd-service/devices';
import { closeOnSignals, describeConfig } from '@ophyd-service/service-kit';
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
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'profile-path': { type: 'string' },
      'load-strategy': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // Flags win over the environment, and go through the same validation.
  const env = { ...process.env };
  if (values.port) env.CONFIG_PORT = values.port;
  if (values.host) env.CONFIG_HOST = values.host;
  if (values['profile-path']) env.CONFIG_PROFILE_PATH = values['profile-path'];
  if (values['load-strategy']) env.CONFIG_LOAD_STRATEGY = values['load-strategy'];
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
