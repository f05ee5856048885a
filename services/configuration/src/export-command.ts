/**
 * `ophyd-service configuration export [--format happi|bits] [-o FILE] …`: the registry as the export
 * endpoint serves it, without a server. It reads what the service would: the configured store once
 * it is seeded (runtime changes included), else the profile through the loader (what the first
 * boot would seed). Nothing is written to the store.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadCatalog } from '@ophyd-service/devices';
import {
  CommandError,
  describeConfig,
  oneOf,
  parseCommandLine,
  readFlaggedConfig,
  UsageError,
} from '@ophyd-service/service-kit';
import { type ConfigurationConfig, configSchema, readConfig } from './config.ts';
import { bitsDocument, happiEntry } from './export-formats.ts';
import { LOAD_STRATEGIES, LoadError, loadDevices } from './loaders/index.ts';
import type { DeviceMetadata, DeviceSpec } from './schemas.ts';
import { fromStored } from './state.ts';
import { openStore } from './store/mikro-store.ts';
import { StoreError } from './store/store.ts';
import { defaultSqliteFile } from './store-location.ts';

export const EXPORT_FORMATS = ['happi', 'bits'] as const;

export const EXPORT_USAGE = `Usage: ophyd-service configuration export [--format happi|bits] [-o FILE] [--profile-path P] [--load-strategy ${LOAD_STRATEGIES.join('|')}] [--use-mock-data]

Writes the registry as GET /api/v1/registry/export serves it (happi JSON pretty-printed with sorted
keys), without starting the service: from the configured database once it is seeded, else from the
profile the first start would seed it from. Writes nothing to the database.

Options:
  --format <F>          happi (default) or bits
  -o, --output <FILE>   write there instead of stdout (a one-line summary goes to stderr)
  --profile-path <P>    as the service's flag (CONFIG_PROFILE_PATH)
  --load-strategy <S>   as the service's flag (CONFIG_LOAD_STRATEGY)
  --use-mock-data       the built-in mock devices (CONFIG_USE_MOCK_DATA)

Environment (as the service reads it):
${describeConfig(configSchema)
  .filter((line) =>
    /^(CONFIG_(DATABASE_URL|DEVICE_CHANGE|PROFILE|LOAD|USE_MOCK)|OPHYD_SERVICE_DATA_DIR)/.test(line),
  )
  .map((line) => `  ${line}`)
  .join('\n')}`;

const FLAGS = {
  'profile-path': { env: 'CONFIG_PROFILE_PATH' },
  'load-strategy': { env: 'CONFIG_LOAD_STRATEGY' },
  'use-mock-data': { env: 'CONFIG_USE_MOCK_DATA' },
};

interface Exportable {
  metadata: DeviceMetadata;
  spec: DeviceSpec | null;
}

export async function exportCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      format: { type: 'string', default: 'happi' },
      output: { type: 'string', short: 'o' },
      'profile-path': { type: 'string' },
      'load-strategy': { type: 'string' },
      'use-mock-data': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(EXPORT_USAGE);
    return;
  }
  const format = oneOf('--format', values.format, EXPORT_FORMATS);
  if (values['load-strategy'] !== undefined)
    oneOf('--load-strategy', values['load-strategy'], LOAD_STRATEGIES);
  const flagged = { ...env };
  if (values['profile-path'] !== undefined) flagged.CONFIG_PROFILE_PATH = values['profile-path'];
  if (values['load-strategy'] !== undefined) flagged.CONFIG_LOAD_STRATEGY = values['load-strategy'];
  if (values['use-mock-data']) flagged.CONFIG_USE_MOCK_DATA = 'true';
  const config = readFlaggedConfig(FLAGS, () => readConfig(flagged));

  const devices = await registryDevices(config);
  const missing = devices.find((d) => !d.spec);
  if (missing)
    throw new CommandError(`cannot export device '${missing.metadata.name}': it has no instantiation spec`);
  const complete = devices as { metadata: DeviceMetadata; spec: DeviceSpec }[];
  const text =
    format === 'happi'
      ? `${JSON.stringify(
          sortKeys(
            Object.fromEntries(complete.map((d) => [d.metadata.name, happiEntry(d.metadata, d.spec)])),
          ),
          null,
          2,
        )}\n`
      : bitsDocument(complete);
  if (values.output === undefined) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(values.output, text);
  console.error(`exported ${devices.length} devices (${format}) to ${values.output}`);
}

/** The devices the service would serve: the seeded store's, else the loader's. */
async function registryDevices(config: ConfigurationConfig): Promise<Exportable[]> {
  const url = config.CONFIG_DEVICE_CHANGE_HISTORY_ENABLED ? storeToRead(config) : null;
  if (url) {
    const store = await openStore(url).catch((err: Error) => {
      throw err instanceof StoreError ? new CommandError(err.message) : err;
    });
    try {
      if ((await store.seededEpoch()) !== null) return (await store.loadDevices()).map(fromStored);
    } finally {
      await store.close();
    }
  }
  const strategy = config.CONFIG_USE_MOCK_DATA ? 'mock' : config.CONFIG_LOAD_STRATEGY;
  if (!config.CONFIG_PROFILE_PATH && strategy !== 'mock' && strategy !== 'empty')
    throw new UsageError(
      `the ${strategy} strategy reads a profile: give --profile-path (or CONFIG_PROFILE_PATH), or --load-strategy mock|empty`,
    );
  try {
    // Through the stored form, as the service serves what its first boot seeded.
    return loadDevices(strategy, config.CONFIG_PROFILE_PATH, loadCatalog()).map((d) =>
      fromStored({
        name: d.metadata.name,
        metadata: d.metadata as unknown as Record<string, unknown>,
        spec: d.spec as unknown as Record<string, unknown>,
        createdAt: 0,
        updatedAt: 0,
      }),
    );
  } catch (err) {
    if (err instanceof LoadError) throw new CommandError(err.message);
    throw err;
  }
}

/** The database URL the service would use, or null when its default SQLite file does not exist yet. */
function storeToRead(config: ConfigurationConfig): string | null {
  if (config.CONFIG_DATABASE_URL) return config.CONFIG_DATABASE_URL;
  const file = defaultSqliteFile(config);
  return existsSync(file) ? `sqlite:///${file}` : null;
}

/** Keys sorted at every depth, as the reference's `json.dumps(sort_keys=True)`. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
