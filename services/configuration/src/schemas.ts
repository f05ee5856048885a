/**
 * The component schemas of the configuration service: they drive request validation and are
 * published in the OpenAPI document under the reference's component names.
 */
import {
  DEVICE_NAME_MAX_LENGTH,
  DEVICE_NAME_PATTERN,
  PV_NAME_MAX_LENGTH,
  PV_NAME_PATTERN,
} from '@ophyd-service/devices';
import { errorSchemas, nullable, ref, type Schema } from '@ophyd-service/service-kit';

const strings = { type: 'array', items: { type: 'string' } };

// The name rules both services share (spec §2.1, plus no `.`/`..`: see @ophyd-service/devices names.ts).
const deviceName = {
  type: 'string',
  minLength: 1,
  maxLength: DEVICE_NAME_MAX_LENGTH,
  pattern: DEVICE_NAME_PATTERN,
};
const pvName = { type: 'string', minLength: 1, maxLength: PV_NAME_MAX_LENGTH, pattern: PV_NAME_PATTERN };

export const FLAGS = [
  'is_movable',
  'is_flyable',
  'is_readable',
  'is_triggerable',
  'is_stageable',
  'is_configurable',
  'is_pausable',
  'is_stoppable',
  'is_subscribable',
  'is_checkable',
  'writes_external_assets',
] as const;

const metadataProperties = (update: boolean): Record<string, Schema> => {
  const opt = (schema: Schema, fallback: unknown) =>
    update ? nullable(schema) : { ...schema, default: fallback };
  return {
    name: update ? nullable({ type: 'string' }) : deviceName,
    device_label: update ? nullable(ref('DeviceLabel')) : ref('DeviceLabel'),
    ophyd_class: update ? nullable({ type: 'string' }) : { type: 'string', maxLength: 256 },
    module: nullable({ type: 'string' }),
    ...Object.fromEntries(FLAGS.map((flag) => [flag, opt({ type: 'boolean' }, false)])),
    pvs: opt({ type: 'object', additionalProperties: pvName }, {}),
    hints: nullable({ type: 'object' }),
    read_attrs: opt(strings, []),
    configuration_attrs: opt(strings, []),
    parent: nullable({ type: 'string' }),
    labels: opt(strings, []),
    beamline: nullable({ type: 'string' }),
    location_group: nullable({ type: 'string' }),
    functional_group: nullable({ type: 'string' }),
    documentation: nullable({ type: 'string' }),
  };
};

const specProperties = (update: boolean): Record<string, Schema> => ({
  name: update ? nullable({ type: 'string' }) : deviceName,
  device_class: update ? nullable({ type: 'string' }) : { type: 'string', minLength: 1, maxLength: 512 },
  args: update ? nullable({ type: 'array' }) : { type: 'array', default: [] },
  kwargs: update ? nullable({ type: 'object' }) : { type: 'object', default: {} },
  active: update ? nullable({ type: 'boolean' }) : { type: 'boolean', default: true },
  framework: nullable({ enum: ['ophyd-sync', 'ophyd-async'] }),
});

const crud = (key: string) => ({
  type: 'object',
  required: ['success', key, 'operation', 'message'],
  properties: {
    success: { type: 'boolean' },
    [key]: { type: 'string' },
    operation: { type: 'string' },
    message: { type: 'string' },
  },
});

export const schemas: Record<string, Schema> = {
  DeviceLabel: { type: 'string', enum: ['motor', 'detector', 'signal', 'flyer', 'readable', 'device'] },
  DeviceMetadata: {
    type: 'object',
    required: ['name', 'device_label', 'ophyd_class'],
    properties: metadataProperties(false),
  },
  DeviceInstantiationSpec: {
    type: 'object',
    required: ['name', 'device_class'],
    properties: specProperties(false),
  },
  DeviceMetadataUpdate: { type: 'object', properties: metadataProperties(true) },
  DeviceInstantiationSpecUpdate: { type: 'object', properties: specProperties(true) },
  DeviceCreateRequest: {
    type: 'object',
    required: ['metadata', 'instantiation_spec'],
    properties: { metadata: ref('DeviceMetadata'), instantiation_spec: ref('DeviceInstantiationSpec') },
  },
  DeviceUpdateRequest: {
    type: 'object',
    properties: {
      metadata: nullable(ref('DeviceMetadataUpdate')),
      instantiation_spec: nullable(ref('DeviceInstantiationSpecUpdate')),
    },
  },
  DeviceCRUDResponse: crud('device_name'),
  PVMetadata: {
    type: 'object',
    required: ['pv'],
    properties: {
      pv: { type: 'string' },
      connected: { type: 'boolean', default: false },
      dtype: nullable({ type: 'string' }),
      units: nullable({ type: 'string' }),
      precision: nullable({ type: 'integer' }),
      enum_strs: nullable(strings),
      upper_ctrl_limit: nullable({ type: 'number' }),
      lower_ctrl_limit: nullable({ type: 'number' }),
      device_name: nullable({ type: 'string' }),
      component_name: nullable({ type: 'string' }),
    },
  },
  DeviceAuditEntry: {
    type: 'object',
    required: ['id', 'device_name', 'operation', 'timestamp'],
    properties: {
      id: { type: 'integer' },
      device_name: { type: 'string' },
      operation: { type: 'string' },
      timestamp: { type: 'number' },
      details: nullable({ type: 'string' }),
    },
  },
  DeviceChangeEntry: {
    type: 'object',
    required: ['device_name', 'op', 'version'],
    properties: {
      device_name: { type: 'string' },
      op: { enum: ['upsert', 'delete'] },
      version: { type: 'integer' },
      metadata: nullable(ref('DeviceMetadata')),
      spec: nullable(ref('DeviceInstantiationSpec')),
    },
  },
  DeviceChangesResponse: {
    type: 'object',
    required: ['current_version', 'service_epoch', 'reset_occurred'],
    properties: {
      current_version: { type: 'integer' },
      service_epoch: { type: 'string' },
      reset_occurred: { type: 'boolean' },
      changes: { type: 'array', items: ref('DeviceChangeEntry'), default: [] },
    },
  },
  PVProtocol: { type: 'string', enum: ['ca', 'pva'] },
  PVAccessMode: { type: 'string', enum: ['read-only', 'read-write'] },
  StandalonePV: {
    type: 'object',
    required: ['pv_name'],
    properties: {
      pv_name: { type: 'string' },
      description: nullable({ type: 'string' }),
      protocol: { ...ref('PVProtocol'), default: 'ca' },
      access_mode: { ...ref('PVAccessMode'), default: 'read-only' },
      labels: { ...strings, default: [] },
      source: { type: 'string', default: 'runtime' },
      created_by: nullable({ type: 'string' }),
      created_at: nullable({ type: 'number' }),
      updated_at: nullable({ type: 'number' }),
    },
  },
  StandalonePVCreateRequest: {
    type: 'object',
    required: ['pv_name'],
    properties: {
      pv_name: pvName,
      description: nullable({ type: 'string', maxLength: 4096 }),
      protocol: { ...ref('PVProtocol'), default: 'ca' },
      access_mode: { ...ref('PVAccessMode'), default: 'read-only' },
      labels: { ...strings, default: [] },
    },
  },
  StandalonePVUpdateRequest: {
    type: 'object',
    properties: {
      description: nullable({ type: 'string', maxLength: 4096 }),
      protocol: ref('PVProtocol'),
      access_mode: ref('PVAccessMode'),
      labels: nullable(strings),
    },
  },
  StandalonePVCRUDResponse: crud('pv_name'),
  DeviceLockRequest: {
    type: 'object',
    required: ['device_names', 'item_id', 'plan_name'],
    properties: {
      device_names: { type: 'array', items: { type: 'string' }, maxItems: 10000 },
      item_id: { type: 'string' },
      plan_name: { type: 'string' },
      locked_by_service: { type: 'string', default: 'experiment_execution' },
    },
  },
  DeviceLockConflict: {
    type: 'object',
    required: ['device_name', 'reason'],
    properties: {
      device_name: { type: 'string' },
      reason: { enum: ['not_found', 'spec_missing', 'disabled', 'already_locked'] },
      locked_by_plan: nullable({ type: 'string' }),
      locked_at: nullable({ type: 'string' }),
    },
  },
  DeviceLockConflictResponse: {
    type: 'object',
    required: ['message'],
    properties: {
      success: { type: 'boolean', default: false },
      message: { type: 'string' },
      conflicting_devices: { type: 'array', items: ref('DeviceLockConflict'), default: [] },
    },
  },
  DeviceLockResponse: {
    type: 'object',
    required: ['success', 'registry_version', 'lock_epoch'],
    properties: {
      success: { type: 'boolean' },
      locked_devices: strings,
      locked_pvs: strings,
      lock_id: nullable({ type: 'string' }),
      registry_version: { type: 'integer' },
      lock_epoch: { type: 'string' },
      expires_at: nullable({ type: 'string' }),
      lease_ttl_seconds: { type: 'number', default: 0 },
    },
  },
  DeviceUnlockRequest: {
    type: 'object',
    required: ['device_names', 'item_id'],
    properties: {
      device_names: { type: 'array', items: { type: 'string' }, maxItems: 10000 },
      item_id: { type: 'string' },
    },
  },
  DeviceLockRenewRequest: {
    type: 'object',
    required: ['device_names', 'item_id'],
    properties: {
      device_names: { type: 'array', items: { type: 'string' }, maxItems: 10000 },
      item_id: { type: 'string' },
    },
  },
  DeviceUnlockResponse: {
    type: 'object',
    required: ['success', 'registry_version', 'lock_epoch'],
    properties: {
      success: { type: 'boolean' },
      unlocked_devices: strings,
      registry_version: { type: 'integer' },
      lock_epoch: { type: 'string' },
    },
  },
  DeviceLockRenewResponse: {
    type: 'object',
    required: ['success', 'lock_epoch'],
    properties: {
      success: { type: 'boolean' },
      renewed_devices: strings,
      lost_devices: strings,
      conflict_devices: strings,
      lock_epoch: { type: 'string' },
      expires_at: nullable({ type: 'string' }),
    },
  },
  DeviceForceUnlockRequest: {
    type: 'object',
    required: ['device_names', 'reason'],
    properties: {
      device_names: { type: 'array', items: { type: 'string' }, maxItems: 10000 },
      reason: { type: 'string' },
    },
  },
  LockPolicy: { type: 'object', required: ['lock_all'], properties: { lock_all: { type: 'boolean' } } },
  PVHealthState: { type: 'string', enum: ['healthy', 'degraded', 'unresponsive'] },
  PVHealthRecord: {
    type: 'object',
    additionalProperties: false,
    required: ['pv_name', 'state'],
    properties: {
      pv_name: { type: 'string' },
      consecutive_failures: { type: 'integer', default: 0 },
      last_failure_at: nullable({ type: 'string', format: 'date-time' }),
      last_failure_message: nullable({ type: 'string' }),
      last_success_at: nullable({ type: 'string', format: 'date-time' }),
      state: { ...ref('PVHealthState'), readOnly: true },
    },
  },
  PVHealthReport: {
    type: 'object',
    additionalProperties: false,
    properties: { message: nullable({ type: 'string', maxLength: 4096 }) },
  },
  PVHealthClearResponse: {
    type: 'object',
    required: ['cleared'],
    properties: { cleared: { type: 'integer', minimum: 0 } },
  },
  PVHealthStateCounts: {
    type: 'object',
    properties: {
      healthy: { type: 'integer', default: 0 },
      degraded: { type: 'integer', default: 0 },
      unresponsive: { type: 'integer', default: 0 },
    },
  },
  PVHealthStats: {
    type: 'object',
    required: ['by_state', 'tracked_pvs'],
    properties: { by_state: ref('PVHealthStateCounts'), tracked_pvs: { type: 'integer', readOnly: true } },
  },
  DeviceStatusResponse: {
    type: 'object',
    required: ['device_name', 'available', 'enabled', 'lock_status', 'lock_epoch'],
    properties: {
      device_name: { type: 'string' },
      available: { type: 'boolean' },
      enabled: { type: 'boolean' },
      lock_status: { enum: ['locked', 'unlocked'] },
      locked_by_plan: nullable({ type: 'string' }),
      locked_by_item: nullable({ type: 'string' }),
      locked_at: nullable({ type: 'string' }),
      locked_until: nullable({ type: 'string' }),
      lock_epoch: { type: 'string' },
      pv_health: { type: 'object', additionalProperties: ref('PVHealthRecord'), default: {} },
    },
  },
  PVStatusResponse: {
    type: 'object',
    required: ['pv_name', 'available'],
    properties: {
      pv_name: { type: 'string' },
      available: { type: 'boolean' },
      device_name: nullable({ type: 'string' }),
      device_enabled: nullable({ type: 'boolean' }),
      device_lock_status: nullable({ enum: ['locked', 'unlocked'] }),
      locked_by_plan: nullable({ type: 'string' }),
      locked_by_item: nullable({ type: 'string' }),
      locked_at: nullable({ type: 'string' }),
    },
  },
  NestedDeviceComponent: {
    type: 'object',
    required: ['name', 'device_path', 'parent_device'],
    properties: {
      name: { type: 'string' },
      device_path: { type: 'string' },
      parent_device: { type: 'string' },
      component_type: nullable({ type: 'string' }),
      pv: nullable({ type: 'string' }),
      is_readable: { type: 'boolean', default: true },
      is_settable: { type: 'boolean', default: false },
    },
  },
  Outcome: {
    type: 'string',
    enum: ['resolved', 'device_not_found', 'import_failed', 'no_such_attr', 'needs_enrichment'],
  },
  PathResolveRequest: {
    type: 'object',
    required: ['addresses'],
    properties: {
      addresses: { type: 'array', items: { type: 'string', maxLength: 1024 }, minItems: 1, maxItems: 200 },
    },
  },
  PathResolveResultItem: {
    type: 'object',
    required: ['address', 'outcome', 'ok'],
    properties: {
      address: { type: 'string' },
      outcome: ref('Outcome'),
      pv_name: nullable({ type: 'string' }),
      message: nullable({ type: 'string' }),
      ok: { type: 'boolean', readOnly: true },
    },
  },
  PathResolveResponse: {
    type: 'object',
    required: ['resolved'],
    properties: { resolved: { type: 'array', items: ref('PathResolveResultItem') } },
  },
  ...errorSchemas,
};

export type DeviceLabel = 'motor' | 'detector' | 'signal' | 'flyer' | 'readable' | 'device';

export interface DeviceMetadata {
  name: string;
  device_label: DeviceLabel;
  ophyd_class: string;
  module: string | null;
  is_movable: boolean;
  is_flyable: boolean;
  is_readable: boolean;
  is_triggerable: boolean;
  is_stageable: boolean;
  is_configurable: boolean;
  is_pausable: boolean;
  is_stoppable: boolean;
  is_subscribable: boolean;
  is_checkable: boolean;
  writes_external_assets: boolean;
  pvs: Record<string, string>;
  hints: Record<string, unknown> | null;
  read_attrs: string[];
  configuration_attrs: string[];
  parent: string | null;
  labels: string[];
  beamline: string | null;
  location_group: string | null;
  functional_group: string | null;
  documentation: string | null;
}

export interface DeviceSpec {
  name: string;
  device_class: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  active: boolean;
  framework: 'ophyd-sync' | 'ophyd-async' | null;
}
