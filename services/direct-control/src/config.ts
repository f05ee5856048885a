/** Environment of the direct-control service (spec §6), parsed once at start-up. */
import { ENDPOINTS, httpUrl } from '@ophyd-service/endpoints';
import { type ConfigOf, DEFAULT_HOST, jsonList, loadConfig, STACK_ORIGINS } from '@ophyd-service/service-kit';

export const configSchema = {
  type: 'object',
  properties: {
    DIRECT_CONTROL_PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: ENDPOINTS['direct-control'].port,
      description: 'HTTP and WebSocket port',
    },
    DIRECT_CONTROL_HOST: {
      type: 'string',
      default: DEFAULT_HOST,
      description: 'Address to listen on (0.0.0.0: every interface)',
    },
    DIRECT_CONTROL_GLOBAL_READ_ONLY: {
      type: 'boolean',
      default: true,
      description: 'Refuse every write (safe default)',
    },
    DIRECT_CONTROL_REGISTRY_BACKEND: {
      type: 'string',
      enum: ['http', 'file', 'auto'],
      default: 'http',
      description:
        'Registry: the configuration service, a file, or auto (the service when it answers, else the file)',
    },
    DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: {
      type: 'string',
      default: httpUrl(ENDPOINTS.configuration, 'localhost'),
      description: 'Configuration service base URL',
    },
    DIRECT_CONTROL_REGISTRY_FILE_PATH: {
      type: 'string',
      description: 'Registry file (JSON/YAML) for the file backend',
    },
    DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE: {
      type: 'boolean',
      default: true,
      description: 'Wait at start-up until the configuration service answers /health',
    },
    DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_TIMEOUT: {
      type: 'number',
      minimum: 0,
      default: 60,
      description: 'Seconds the start-up probe waits',
    },
    DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE_INTERVAL: {
      type: 'number',
      minimum: 0.05,
      default: 2,
      description: 'Seconds between start-up probe attempts',
    },
    DIRECT_CONTROL_COORDINATION_CHECK_ENABLED: {
      type: 'boolean',
      default: true,
      description: 'Check device locks before writes',
    },
    DIRECT_CONTROL_CHECK_CTRL_LIMITS: {
      type: 'boolean',
      default: true,
      description: 'Refuse writes outside control limits',
    },
    DIRECT_CONTROL_COMMAND_TIMEOUT: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 86_400,
      default: 30,
      description: 'Seconds a write with completion may take',
    },
    DIRECT_CONTROL_EPICS_CA_ADDR_LIST: {
      type: 'string',
      description: "Overrides EPICS_CA_ADDR_LIST for this service's CA client (applied before it starts)",
    },
    DIRECT_CONTROL_EPICS_CA_AUTO_ADDR_LIST: {
      type: 'string',
      enum: ['YES', 'NO', 'yes', 'no'],
      description: "Overrides EPICS_CA_AUTO_ADDR_LIST for this service's CA client (never defaulted)",
    },
    DIRECT_CONTROL_COORDINATION_TIMEOUT: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 300,
      default: 5,
      description: 'Seconds to wait for a lock status from the configuration service',
    },
    DIRECT_CONTROL_PV_BUFFER_SIZE: {
      type: 'integer',
      minimum: 1,
      default: 100,
      description:
        "The reference's per-PV history length; echoed in /api/v1/stats (we keep only the latest value)",
    },
    DIRECT_CONTROL_CTRL_LIMIT_READ_TIMEOUT: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 60,
      default: 1,
      description: "Seconds to read a PV's control limits and enum states before a write",
    },
    DIRECT_CONTROL_STOP_ON_COMMAND_TIMEOUT: {
      type: 'boolean',
      default: true,
      description: 'Stop a device whose command timed out',
    },
    DIRECT_CONTROL_DEVICE_CONNECT_TIMEOUT: {
      type: 'number',
      minimum: 0,
      default: 10,
      description: 'Seconds a device may take to connect',
    },
    DIRECT_CONTROL_RESPONSE_BYTESIZE_LIMIT: {
      type: 'integer',
      minimum: 1,
      default: 100_000_000,
      description: 'Largest REST body or WebSocket frame, bytes',
    },
    DIRECT_CONTROL_WS_MAX_CONNECTIONS: {
      type: 'integer',
      minimum: 0,
      default: 100,
      description: 'WebSocket connections over all sockets (close 1013 past it)',
    },
    DIRECT_CONTROL_WS_HEARTBEAT_INTERVAL: {
      type: 'integer',
      default: 30,
      description: 'Seconds between heartbeat frames on pv/device sockets (<=0 disables)',
    },
    DIRECT_CONTROL_WS_PING_INTERVAL: {
      type: 'number',
      minimum: 0,
      default: 20,
      description: 'Seconds between protocol pings; a peer silent for two is dropped (0 disables)',
    },
    DIRECT_CONTROL_WS_SEND_BUFFER_BYTES: {
      type: 'integer',
      minimum: 1024,
      default: 65_536,
      description: 'Bytes a client may have unread before its updates coalesce to the newest per PV',
    },
    DIRECT_CONTROL_MAX_SUBSCRIPTIONS_PER_CLIENT: {
      type: 'integer',
      minimum: 0,
      default: 1000,
      description: 'PVs per pv-socket client, devices per device-socket client (0 = unlimited)',
    },
    DIRECT_CONTROL_PV_MONITOR_IDLE_TTL: {
      type: 'number',
      minimum: 0,
      default: 300,
      description: 'Seconds a monitor without listeners lives after its last read',
    },
    DIRECT_CONTROL_PV_MONITOR_SWEEP_INTERVAL: {
      type: 'number',
      minimum: 0,
      default: 60,
      description: 'Seconds between idle-monitor sweeps (0 disables)',
    },
    DIRECT_CONTROL_IMAGE_FRAME_QUEUE_SIZE: {
      type: 'integer',
      minimum: 1,
      default: 8,
      description: 'Image frames waiting per camera socket (oldest dropped)',
    },
    DIRECT_CONTROL_IMAGE_MAX_FPS: {
      type: 'number',
      minimum: 0,
      default: 30,
      description: 'Image frames per second per camera socket (0 = unlimited)',
    },
    DIRECT_CONTROL_IMAGE_MAX_DIMENSION: {
      type: 'integer',
      minimum: 1,
      default: 2500,
      description: 'Largest image side sent; larger images are scaled down',
    },
    DIRECT_CONTROL_IMAGE_ENCODING: {
      type: 'string',
      enum: ['jpeg', 'jpg', 'png', 'webp'],
      default: 'jpeg',
      description: 'Image encoding on camera sockets',
    },
    DIRECT_CONTROL_IMAGE_JPEG_QUALITY: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 100,
      description: 'JPEG quality',
    },
    DIRECT_CONTROL_IMAGE_LOG_NORMALIZATION_DEFAULT: {
      type: 'boolean',
      default: true,
      description: 'Log-scale images before 8-bit conversion',
    },
    DIRECT_CONTROL_CAMERA_DEFAULT_IMAGE_ARRAY_PV: {
      type: 'string',
      default: '13SIM1:image1:ArrayData',
      description: 'Camera socket array PV when the client names none',
    },
    DIRECT_CONTROL_TIFF_DEFAULT_PREFIX: {
      type: 'string',
      default: '13PIL1',
      description: 'tiff socket prefix when the client names none',
    },
    DIRECT_CONTROL_CORS_ORIGINS: {
      type: 'string',
      default: JSON.stringify(STACK_ORIGINS),
      description:
        'Allowed CORS origins, a JSON list or comma-separated (default: the stack\'s own; ["*"] allows any page)',
    },
    DIRECT_CONTROL_CORS_ALLOW_CREDENTIALS: {
      type: 'boolean',
      default: false,
      description: 'Allow credentials (never with "*")',
    },
  },
} as const;

type RawConfig = ConfigOf<typeof configSchema>;

export interface DirectControlConfig extends RawConfig {
  corsOrigins: string[];
}

/** CORS origins as a JSON list (the reference's form) or a plain comma-separated list. */
function origins(text: string): string[] {
  return text.trim().startsWith('[')
    ? jsonList('DIRECT_CONTROL_CORS_ORIGINS', text)
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): DirectControlConfig {
  const raw = loadConfig(configSchema, env);
  return { ...raw, corsOrigins: origins(raw.DIRECT_CONTROL_CORS_ORIGINS) };
}
