/**
 * Environment of the queue server (spec §14), parsed once at start-up. The reference's variables
 * keep their names; its flags without a variable get a `QSERVER_` one, so flags, environment and
 * pods say the same thing.
 */
import { ENDPOINTS } from '@ophyd-service/endpoints';
import { type ConfigOf, loadConfig } from '@ophyd-service/service-kit';

const [CONTROL_PORT, INFO_PORT] = ENDPOINTS.queueserver.otherPorts;

export const configSchema = {
  type: 'object',
  properties: {
    QSERVER_HTTP_PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: ENDPOINTS.queueserver.port,
      description: 'HTTP and WebSocket port',
    },
    QSERVER_HTTP_HOST: {
      type: 'string',
      default: '127.0.0.1',
      description: 'Address the HTTP server listens on (0.0.0.0: every interface, as the pods use)',
    },
    QSERVER_ZMQ_CONTROL_ADDRESS_FOR_SERVER: {
      type: 'string',
      default: `tcp://127.0.0.1:${CONTROL_PORT}`,
      description: '0MQ CONTROL (REP) bind address (tcp://*:60615: every interface)',
    },
    QSERVER_ZMQ_INFO_ADDRESS_FOR_SERVER: {
      type: 'string',
      default: `tcp://127.0.0.1:${INFO_PORT}`,
      description: '0MQ INFO (PUB) bind address',
    },
    QSERVER_ZMQ_PUBLISH_CONSOLE: {
      type: 'boolean',
      default: true,
      description:
        'Publish console output and status on the INFO socket (the HTTP streams need it off only if false)',
    },
    QSERVER_ZMQ_ENCODING_FOR_SERVER: {
      type: 'string',
      enum: ['json', 'msgpack'],
      default: 'json',
      description: 'Encoding of every 0MQ message',
    },
    QSERVER_ZMQ_PRIVATE_KEY_FOR_SERVER: {
      type: 'string',
      default: '',
      description: 'CurveZMQ server secret key (z85, 40 characters): encrypts the CONTROL socket',
    },
    QSERVER_QUEUE_STORE_URI: {
      type: 'string',
      default: '',
      description:
        'sqlite:///path or postgresql://… (SQLAlchemy forms accepted); default: a SQLite file under OPHYD_SERVICE_DATA_DIR',
    },
    OPHYD_SERVICE_DATA_DIR: {
      type: 'string',
      default: '.data',
      description: 'Where the default SQLite file lives',
    },
    QSERVER_STARTUP_DIR: {
      type: 'string',
      default: '',
      description:
        'Startup directory of TypeScript/JavaScript modules; empty: the built-in simulated profile',
    },
    QSERVER_EXISTING_PLANS_DEVICES: {
      type: 'string',
      default: '',
      description:
        'existing_plans_and_devices.yaml (default: in the startup directory; none for the built-in profile)',
    },
    QSERVER_UPDATE_EXISTING_PLANS_DEVICES: {
      type: 'string',
      enum: ['NEVER', 'ENVIRONMENT_OPEN', 'ALWAYS'],
      default: 'ENVIRONMENT_OPEN',
      description: 'When the lists file is rewritten',
    },
    QSERVER_USER_GROUP_PERMISSIONS: {
      type: 'string',
      default: '',
      description: 'user_group_permissions.yaml (default: in the startup directory, else the built-in one)',
    },
    QSERVER_USER_GROUP_PERMISSIONS_RELOAD: {
      type: 'string',
      enum: ['NEVER', 'ON_REQUEST', 'ON_STARTUP'],
      default: 'ON_STARTUP',
      description: 'When the permissions file is read',
    },
    QSERVER_PERMITTED_RE_METADATA_KEYS: {
      type: 'string',
      default: '/',
      description: 'Colon-separated RunEngine metadata keys re_metadata shows (/ = all)',
    },
    QSERVER_EMERGENCY_LOCK_KEY_FOR_SERVER: {
      type: 'string',
      default: '',
      description: 'A key that can always unlock',
    },
    QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: {
      type: 'string',
      default: '',
      description: 'The single-user API key (alphanumeric); empty: a random key, printed at start-up',
    },
    QSERVER_HTTP_SERVER_ALLOW_ANONYMOUS_ACCESS: {
      type: 'boolean',
      default: false,
      description: 'Requests without credentials may read the status',
    },
    QSERVER_HTTP_SERVER_ALLOW_ORIGINS: {
      type: 'string',
      default: '',
      description: 'Space-separated CORS origins',
    },
    QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS: {
      type: 'string',
      default: '',
      description: 'Semicolon-separated JWT secrets (the first signs); empty: a random one',
    },
    QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR: {
      type: 'string',
      default: '',
      description:
        'Git checkout the /api/profile_collection routes status, pull and reload (default: the checkout holding the startup directory)',
    },
    QSERVER_CUSTOM_MODULES: {
      type: 'string',
      default: '',
      description:
        'Colon- or comma-separated JavaScript/TypeScript modules (file paths or package names); one exporting spreadsheet_to_plan_list converts uploaded spreadsheets',
    },
    QSERVER_WORKER_HEAP_MB: {
      type: 'integer',
      minimum: 64,
      default: 2048,
      description:
        'Heap limit of the worker process: a plan that exhausts it ends the environment, not the manager',
    },
    QSERVER_CONFIG_SERVICE_ENABLED: {
      type: 'boolean',
      default: false,
      description:
        'Coordinate with the configuration service (spec §12): its devices join the environment, plans lock theirs',
    },
    QSERVER_CONFIG_SERVICE_URL: {
      type: 'string',
      default: '',
      description:
        'Base URL of the configuration service (required when enabled), e.g. http://127.0.0.1:8004',
    },
    QSERVER_CONFIG_SERVICE_TIMEOUT: {
      type: 'number',
      minimum: 0.1,
      default: 30,
      description: 'Seconds one request to the configuration service may take',
    },
    QSERVER_CONFIG_SERVICE_MAX_ATTEMPTS: {
      type: 'integer',
      minimum: 1,
      default: 3,
      description: 'Attempts per request when the configuration service cannot be reached',
    },
    QSERVER_CONFIG_SERVICE_BACKOFF_MS: {
      type: 'string',
      pattern: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$',
      default: '200,400',
      description: 'Comma-separated waits (ms) before the 2nd, 3rd… attempt; the last repeats',
    },
    QSERVER_CONFIG_SERVICE_LOCK_SCOPE: {
      type: 'string',
      enum: ['plan', 'environment'],
      default: 'plan',
      description:
        "Lock a plan's registered devices while it runs (plan), or every registered device while the environment is open",
    },
    QSERVER_CONFIG_SERVICE_NAME: {
      type: 'string',
      default: 'bluesky-queueserver',
      description: 'Sent as locked_by_service with every lock',
    },
  },
} as const;

export type QueueServerConfig = ConfigOf<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): QueueServerConfig {
  return loadConfig(configSchema, env);
}
