/** Environment of the configuration service (spec §4.6), parsed once at start-up. */
import { ENDPOINTS } from '@ophyd-service/endpoints';
import { type ConfigOf, DEFAULT_HOST, jsonList, loadConfig, STACK_ORIGINS } from '@ophyd-service/service-kit';

export const configSchema = {
  type: 'object',
  properties: {
    CONFIG_PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: ENDPOINTS.configuration.port,
      description: 'HTTP port',
    },
    CONFIG_HOST: {
      type: 'string',
      default: DEFAULT_HOST,
      description: 'Address to listen on (0.0.0.0: every interface)',
    },
    CONFIG_PROFILE_PATH: {
      type: 'string',
      description: 'Profile directory (or happi JSON file) to seed from',
    },
    CONFIG_LOAD_STRATEGY: {
      type: 'string',
      enum: ['auto', 'empty', 'happi', 'bits', 'mock'],
      default: 'auto',
      description: 'How to build the registry on first boot',
    },
    CONFIG_USE_MOCK_DATA: { type: 'boolean', default: false, description: 'Force the mock strategy' },
    CONFIG_DATABASE_URL: {
      type: 'string',
      default: '',
      description:
        'postgresql://… or sqlite:///path (SQLAlchemy forms accepted); default: a SQLite file under OPHYD_SERVICE_DATA_DIR',
    },
    CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: {
      type: 'boolean',
      default: true,
      description: 'Persistence on (false: in memory only)',
    },
    CONFIG_LOCK_ALL: { type: 'boolean', default: false, description: 'Boot value of the lock_all policy' },
    CONFIG_LOCK_LEASE_TTL_SECONDS: {
      type: 'number',
      minimum: 0,
      default: 0,
      description: 'Lock lease; 0 = no expiry',
    },
    CONFIG_DEVICE_CLASS_ALLOWLIST: {
      type: 'string',
      default: '[]',
      description: 'JSON list of allowed device_class prefixes; empty = any',
    },
    CONFIG_CORS_ORIGINS: {
      type: 'string',
      default: JSON.stringify(STACK_ORIGINS),
      description: 'JSON list of CORS origins (default: the stack\'s own; ["*"] allows any page)',
    },
    CONFIG_CORS_ALLOW_CREDENTIALS: {
      type: 'boolean',
      default: false,
      description: 'CORS credentials (forced off with "*")',
    },
    CONFIG_MAX_BODY_BYTES: {
      type: 'integer',
      minimum: 1024,
      default: 1048576,
      description: 'Largest accepted request body',
    },
    OPHYD_SERVICE_DATA_DIR: {
      type: 'string',
      default: '.data',
      description: 'Where the default SQLite file lives',
    },
  },
} as const;

export type RawConfig = ConfigOf<typeof configSchema>;

export interface ConfigurationConfig
  extends Omit<RawConfig, 'CONFIG_DEVICE_CLASS_ALLOWLIST' | 'CONFIG_CORS_ORIGINS'> {
  allowlist: string[];
  corsOrigins: string[];
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ConfigurationConfig {
  const raw = loadConfig(configSchema, env);
  const { CONFIG_DEVICE_CLASS_ALLOWLIST, CONFIG_CORS_ORIGINS, ...rest } = raw;
  return {
    ...rest,
    allowlist: jsonList('CONFIG_DEVICE_CLASS_ALLOWLIST', CONFIG_DEVICE_CLASS_ALLOWLIST),
    corsOrigins: jsonList('CONFIG_CORS_ORIGINS', CONFIG_CORS_ORIGINS),
  };
}
