/** Component schemas of the direct-control service: request validation and the OpenAPI document. */
import { errorSchemas, nullable, ref, type Schema } from '@ophyd-service/service-kit';

/**
 * The longest wait any request may ask for, in seconds (a day). Node's timers overflow past about
 * 24.8 days and would fire at once, so larger values are refused rather than silently shortened.
 */
export const MAX_TIMEOUT_S = 86_400;
const seconds = () => nullable({ type: 'number', minimum: 0, maximum: MAX_TIMEOUT_S });

export const schemas: Record<string, Schema> = {
  PVSetRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['pv_name', 'value'],
    properties: {
      pv_name: { type: 'string', minLength: 1, maxLength: 1024 },
      value: {},
      wait: { type: 'boolean', default: false },
      timeout: seconds(),
      connection_timeout: seconds(),
      use_complete: { type: 'boolean', default: false },
      ftype: nullable({ type: 'integer', minimum: 0, maximum: 38 }),
      check_limits: nullable({ type: 'boolean' }),
    },
  },
  CommandMode: { type: 'string', enum: ['put-completion', 'fire-and-forget'] },
  PVSetResponse: {
    type: 'object',
    required: ['pv_name', 'success', 'value_set', 'timestamp', 'coordination_checked', 'mode', 'message'],
    properties: {
      pv_name: { type: 'string' },
      success: { type: 'boolean' },
      value_set: {},
      timestamp: { type: 'string' },
      coordination_checked: { type: 'boolean' },
      mode: ref('CommandMode'),
      message: nullable({ type: 'string' }),
    },
  },
  PVSetBatchRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['caputs'],
    properties: { caputs: { type: 'array', items: ref('PVSetRequest'), minItems: 1, maxItems: 100 } },
  },
  PVSetBatchItemResult: {
    type: 'object',
    properties: {
      pv_name: { type: 'string' },
      success: { type: 'boolean' },
      value_set: {},
      timestamp: { type: 'string' },
      coordination_checked: { type: 'boolean', default: false },
      mode: nullable(ref('CommandMode')),
      message: nullable({ type: 'string' }),
      error_type: nullable({ type: 'string' }),
      status_code: nullable({ type: 'integer' }),
    },
  },
  PVSetBatchResponse: {
    type: 'object',
    required: ['ok', 'applied', 'requested', 'results'],
    properties: {
      ok: { type: 'boolean' },
      applied: { type: 'integer' },
      requested: { type: 'integer' },
      results: { type: 'array', items: ref('PVSetBatchItemResult') },
    },
  },
  PVValue: {
    type: 'object',
    required: ['pv_name', 'value', 'timestamp', 'shape', 'dtype', 'ndim', 'nbytes'],
    properties: {
      pv_name: { type: 'string' },
      value: {},
      timestamp: { type: 'string' },
      shape: { type: 'array', items: { type: 'integer' } },
      dtype: nullable({ type: 'string' }),
      ndim: { type: 'integer' },
      nbytes: { type: 'integer' },
    },
  },
  DeviceCommandRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['device_name', 'method'],
    properties: {
      device_name: { type: 'string', minLength: 1 },
      method: { type: 'string', minLength: 1 },
      args: { type: 'array', items: {}, default: [] },
      kwargs: { type: 'object', default: {} },
      timeout: seconds(),
      use_put: { type: 'boolean', default: false },
    },
  },
  DeviceCommandResponse: {
    type: 'object',
    required: [
      'device_name',
      'method',
      'success',
      'result',
      'timestamp',
      'coordination_checked',
      'message',
      'use_put',
    ],
    properties: {
      device_name: { type: 'string' },
      method: { type: 'string' },
      success: { type: 'boolean' },
      result: {},
      timestamp: { type: 'string' },
      coordination_checked: { type: 'boolean' },
      message: nullable({ type: 'string' }),
      use_put: { type: 'boolean' },
    },
  },
  NestedDeviceRequest: {
    type: 'object',
    additionalProperties: false,
    properties: {
      method: { type: 'string', default: 'read' },
      value: {},
      timeout: seconds(),
    },
  },
  NestedDeviceResponse: {
    type: 'object',
    required: ['device_path', 'method', 'success', 'result', 'timestamp', 'message'],
    properties: {
      device_path: { type: 'string' },
      method: { type: 'string' },
      success: { type: 'boolean' },
      result: {},
      timestamp: { type: 'string' },
      message: nullable({ type: 'string' }),
    },
  },
  DeviceValue: {
    type: 'object',
    required: ['device_path', 'value', 'timestamp'],
    properties: { device_path: { type: 'string' }, value: {}, timestamp: { type: 'string' } },
  },
  DeviceResolveRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['addresses'],
    properties: { addresses: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 200 } },
  },
  ResolveOutcome: {
    type: 'string',
    enum: [
      'resolved',
      'device_not_found',
      'registry_unavailable',
      'no_instantiation_spec',
      'no_prefix',
      'no_such_attr',
      'not_a_pv_leaf',
      'instantiation_failed',
    ],
  },
  DeviceResolveResultItem: {
    type: 'object',
    required: ['address', 'outcome', 'pv_name', 'message', 'ok'],
    properties: {
      address: { type: 'string' },
      outcome: ref('ResolveOutcome'),
      pv_name: nullable({ type: 'string' }),
      message: nullable({ type: 'string' }),
      ok: { type: 'boolean' },
    },
  },
  DeviceResolveResponse: {
    type: 'object',
    required: ['resolved'],
    properties: { resolved: { type: 'array', items: ref('DeviceResolveResultItem') } },
  },
  Stats: {
    type: 'object',
    required: [
      'service',
      'timestamp',
      'registry_backend',
      'read_only',
      'coordination_enabled',
      'coordination_service_available',
      'coordination_service_detail',
      'command_timeout',
      'pv_socket',
      'device_socket',
      'device_control',
      'buffer_size',
      'max_connections',
    ],
    properties: {
      service: { type: 'string' },
      timestamp: { type: 'string' },
      registry_backend: { type: 'string', enum: ['http', 'file'] },
      read_only: { type: 'boolean' },
      coordination_enabled: { type: 'boolean' },
      coordination_service_available: { type: 'boolean' },
      coordination_service_detail: nullable({ type: 'string' }),
      command_timeout: { type: 'number' },
      pv_socket: {
        type: 'object',
        required: ['websocket_connections', 'total_pvs', 'connected_pvs'],
        properties: {
          websocket_connections: { type: 'integer' },
          total_pvs: { type: 'integer' },
          connected_pvs: { type: 'integer' },
        },
      },
      device_socket: {
        type: 'object',
        required: ['websocket_connections', 'subscribed_devices', 'total_device_pvs'],
        properties: {
          websocket_connections: { type: 'integer' },
          subscribed_devices: { type: 'integer' },
          total_device_pvs: { type: 'integer' },
        },
      },
      device_control: {
        type: 'object',
        required: ['instantiated_devices'],
        properties: { instantiated_devices: { type: 'integer' } },
      },
      buffer_size: { type: 'integer' },
      max_connections: { type: 'integer' },
      monitors: { type: 'object', description: 'Ours: shared CA monitors and their listeners' },
      websocket: { type: 'object', description: 'Ours: connections by endpoint, refusals, image counters' },
    },
  },
  ...errorSchemas,
};
