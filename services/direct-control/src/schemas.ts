/** Component schemas of the direct-control service: request validation and the OpenAPI document. */
import { errorSchemas, nullable, ref, type Schema } from '@ophyd-service/service-kit';

export const schemas: Record<string, Schema> = {
  PVSetRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['pv_name', 'value'],
    properties: {
      pv_name: { type: 'string', minLength: 1, maxLength: 1024 },
      value: {},
      wait: { type: 'boolean', default: false },
      timeout: nullable({ type: 'number', minimum: 0 }),
      connection_timeout: nullable({ type: 'number', minimum: 0 }),
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
  ...errorSchemas,
};
