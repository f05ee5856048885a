/**
 * `ophyd-service configuration [--port N] [--profile-path P] [--load-strategy S] …`: the registry on
 * port 8004, on SQLite under OPHYD_SERVICE_DATA_DIR unless CONFIG_DATABASE_URL names a database.
 * `ophyd-service configuration export …` writes the registry out without a server.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { publishOpenApiWhenAsked } from '@ophyd-service/cluster';
import { loadCatalog } from '@ophyd-service/devices';
import {
  CommandError,
  closeOnSignals,
  createLogger,
  describeConfig,
  readFlaggedConfig,
  SERVER_OPTIONS_USAGE,
  serviceCommandLine,
} from '@ophyd-service/service-kit';
import { createConfigurationService, SERVICE_NAME } from './app.ts';
import { configSchema, readConfig } from './config.ts';
import { exportCommand } from './export-command.ts';
import { LOAD_STRATEGIES, LoadError } from './loaders/index.ts';
import { openStore } from './store/mikro-store.ts';
import { StoreError } from './store/store.ts';
import { defaultSqliteFile } from './store-location.ts';

const FLAGS = {
  port: { env: 'CONFIG_PORT' },
  host: { env: 'CONFIG_HOST' },
  'profile-path': { env: 'CONFIG_PROFILE_PATH' },
  'load-strategy': { env: 'CONFIG_LOAD_STRATEGY', choices: LOAD_STRATEGIES },
  'use-mock-data': { env: 'CONFIG_USE_MOCK_DATA', setsTo: 'true' },
};

const USAGE = `Usage: ophyd-service configuration [options]
       ophyd-service configuration export [--format happi|bits] [-o FILE] …   (see export --help)

Options:
  --port <N>            HTTP port (CONFIG_PORT)
  --host <H>            listen address (CONFIG_HOST)
  --profile-path <P>    profile directory or happi JSON file to seed from (CONFIG_PROFILE_PATH)
  --load-strategy <S>   ${LOAD_STRATEGIES.join('|')} (CONFIG_LOAD_STRATEGY)
  --use-mock-data       the built-in mock devices (CONFIG_USE_MOCK_DATA=true)
${SERVER_OPTIONS_USAGE}

Environment:
${describeConfig(configSchema)
  .map((line) => `  ${line}`)
  .join('\n')}
  OPHYD_DEVICE_CATALOG: a JSON/YAML file of extra device classes`;

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'export') return exportCommand(argv.slice(1));
  const command = serviceCommandLine(argv, USAGE, FLAGS);
  if (!command) return;
  const config = readFlaggedConfig(FLAGS, () => readConfig(command.env));
  let store = null;
  if (config.CONFIG_DEVICE_CHANGE_HISTORY_ENABLED) {
    let url = config.CONFIG_DATABASE_URL;
    if (!url) {
      const file = defaultSqliteFile(config);
      mkdirSync(dirname(file), { recursive: true });
      url = `sqlite:///${file}`;
    }
    store = await openStore(url).catch((err: Error) => {
      throw err instanceof StoreError ? new CommandError(err.message) : err;
    });
  }
  const logger = createLogger(SERVICE_NAME, command.logLevel);
  let service: Awaited<ReturnType<typeof createConfigurationService>>;
  try {
    service = await createConfigurationService({ config, store, catalog: loadCatalog(), logger });
  } catch (err) {
    await store?.close();
    // A profile that cannot be loaded is the operator's to fix: one line, not a stack.
    if (err instanceof LoadError) throw new CommandError(err.message);
    throw err;
  }
  await service.listen(config.CONFIG_PORT, config.CONFIG_HOST, { tls: command.tls });
  closeOnSignals(service);
  // In a pod the operator asks (OPHYD_SERVICE_OPENAPI_CONFIGMAP) for the document in a ConfigMap.
  await publishOpenApiWhenAsked(service, SERVICE_NAME);
}
