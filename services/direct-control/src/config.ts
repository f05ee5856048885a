/** Environment of the direct-control service (spec §6), parsed once at start-up. */
import { type ConfigOf, loadConfig } from '@ophyd-service/service-kit';

export const configSchema = {
  type: 'object',
  properties: {
    DIRECT_CONTROL_PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 8003,
      description: 'HTTP and WebSocket port',
    },
    DIRECT_CONTROL_HOST: { type: 'string', default: '0.0.0.0', description: 'Address to listen on' },
    DIRECT_CONTROL_GLOBAL_READ_ONLY: {
      type: 'boolean',
      default: true,
      description: 'Refuse every write (safe default)',
    },
    DIRECT_CONTROL_REGISTRY_BACKEND: {
      type: 'string',
      enum: ['http', 'file'],
      default: 'http',
      description: 'Registry: the configuration service or a file',
    },
    DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: {
      type: 'string',
      default: 'http://localhost:8004',
      description: 'Configuration service base URL',
    },
    DIRECT_CONTROL_REGISTRY_FILE_PATH: {
      type: 'string',
      description: 'Registry file (JSON/YAML) for the file backend',
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
      minimum: 0,
      default: 30,
      description: 'Seconds a write with completion may take',
    },
  },
} as const;

export type DirectControlConfig = ConfigOf<typeof configSchema>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): DirectControlConfig =>
  loadConfig(configSchema, env);
