/** The audit log and the change feed (spec §1.4.8–1.4.9): thin handlers over operations/history.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import type { Handler } from '@ophyd-service/service-kit';
import * as audit from '../operations/history.ts';
import type { ConfigurationState } from '../state.ts';

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
export const history =
  (state: ConfigurationState): Handler<operations['list_device_history_api_v1_devices_history_get']> =>
  ({ query }) =>
    audit.history(state, { deviceName: query.device_name, limit: query.limit ?? 1000 });

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
export const changes =
  (state: ConfigurationState): Handler<operations['get_device_changes_api_v1_devices_changes_get']> =>
  ({ query }) =>
    audit.changes(state, query.since_version ?? 0);
