/**
 * The four tables of the registry (spec §3.2), mapped with `defineEntity` (no decorators: Node's type
 * stripping cannot run them). Column names and types are the Python service's, so a database it
 * created is adopted as it is. JSON payloads are TEXT holding a JSON string, parsed by the store.
 * Timestamps are Unix seconds as floats.
 *
 * The schema itself is created by the committed migrations (migrations/<dialect>/), not from these
 * definitions; test/store.test.ts checks that the two agree.
 */
import { defineEntity, p } from '@mikro-orm/core';

const unixSeconds = () => p.double().runtimeType('number').$type<number>();

export const DeviceRow = defineEntity({
  name: 'DeviceRow',
  tableName: 'device_registry',
  properties: {
    name: p.text().primary(),
    deviceMetadata: p.text().fieldName('device_metadata'),
    instantiationSpec: p.text().nullable().fieldName('instantiation_spec'),
    createdAt: unixSeconds().fieldName('created_at'),
    updatedAt: unixSeconds().fieldName('updated_at'),
  },
});

export const AuditRow = defineEntity({
  name: 'AuditRow',
  tableName: 'device_audit_log',
  properties: {
    // SQLite: INTEGER PRIMARY KEY AUTOINCREMENT; PostgreSQL: bigint identity. Never reused.
    id: p.bigint('number').primary().autoincrement(),
    deviceName: p.text().fieldName('device_name'),
    operation: p.text(),
    timestamp: unixSeconds(),
    details: p.text().nullable(),
  },
  // History filtered by device, newest first.
  indexes: [{ properties: ['deviceName', 'id'], name: 'device_audit_log_device_name_id_index' }],
});

export const MetadataRow = defineEntity({
  name: 'MetadataRow',
  tableName: 'registry_metadata',
  properties: {
    key: p.text().primary(),
    value: p.text().nullable(),
  },
});

export const StandalonePvRow = defineEntity({
  name: 'StandalonePvRow',
  tableName: 'standalone_pvs',
  properties: {
    pvName: p.text().primary().fieldName('pv_name'),
    description: p.text().nullable(),
    protocol: p.text().default('ca'),
    accessMode: p.text().default('read-only').fieldName('access_mode'),
    labels: p.text().default('[]'),
    source: p.text().default('runtime'),
    createdBy: p.text().nullable().fieldName('created_by'),
    createdAt: unixSeconds().fieldName('created_at'),
    updatedAt: unixSeconds().fieldName('updated_at'),
  },
});

export const entities = [DeviceRow, AuditRow, MetadataRow, StandalonePvRow];

/** The legacy table the Python service dropped at start-up; we do the same. */
export const LEGACY_TABLES = ['device_change_history'] as const;
