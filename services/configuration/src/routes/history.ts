/** The audit log and the change feed built on it (spec §1.4.8–1.4.9). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import type { ConfigurationState } from '../state.ts';
import { intParam, stringParam } from './params.ts';

const FEED_OPERATIONS = new Set(['seed', 'add', 'update', 'delete', 'enable', 'disable']);

/**
 * @openapi
 * /api/v1/devices/history:
 *   get:
 *     tags: [Device Management]
 *     operationId: list_device_history_api_v1_devices_history_get
 *     summary: The audit log, newest first
 *     parameters:
 *       - { in: query, name: device_name, schema: { type: string } }
 *       - { in: query, name: limit, schema: { type: integer, minimum: 1, maximum: 10000, default: 1000 } }
 *     responses:
 *       '200': { description: Entries, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/DeviceAuditEntry' } } } } }
 *       '422': { description: 'Invalid query, or a device_name holding NUL', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const history = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const deviceName = stringParam(ctx.query, 'device_name');
  if (deviceName?.includes('\0'))
    throw new HttpError(422, 'device_name must not contain NUL (0x00) characters');
  const limit = intParam(ctx.query, 'limit', { min: 1, max: 10000 }) ?? 1000;
  ctx.body = await state.write((store) => store.history({ deviceName: deviceName || undefined, limit }));
};

/**
 * @openapi
 * /api/v1/devices/changes:
 *   get:
 *     tags: [Device Management]
 *     operationId: get_device_changes_api_v1_devices_changes_get
 *     summary: Devices changed since an audit cursor (current state, one entry per device)
 *     parameters: [{ in: query, name: since_version, schema: { type: integer, minimum: 0, default: 0 } }]
 *     responses:
 *       '200': { description: Changes, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceChangesResponse' } } } }
 *       '422': { description: Invalid query, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const changes = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const since = intParam(ctx.query, 'since_version', { min: 0 }) ?? 0;
  ctx.body = await state.write(async (store) => {
    const current_version = await store.maxAuditId();
    const service_epoch = (await store.seededEpoch()) ?? 'unseeded';
    if (since >= current_version)
      return { current_version, service_epoch, reset_occurred: false, changes: [] };
    const rows = await store.auditSince(since);
    const reset_occurred = rows.some((r) => r.operation === 'reset');
    const latest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      if (!FEED_OPERATIONS.has(row.operation) || row.device_name === '*') continue;
      latest.delete(row.device_name); // re-insert so map order follows the latest id
      latest.set(row.device_name, row);
    }
    const list = [];
    for (const row of latest.values()) {
      const stored = row.operation === 'delete' ? null : await store.getDevice(row.device_name);
      list.push(
        stored
          ? {
              device_name: row.device_name,
              op: 'upsert',
              version: row.id,
              metadata: stored.metadata,
              spec: stored.spec,
            }
          : { device_name: row.device_name, op: 'delete', version: row.id, metadata: null, spec: null },
      );
    }
    return { current_version, service_epoch, reset_occurred, changes: list };
  });
};
