/** Locking, availability and the lock policy (spec §1.4.12–1.4.17, 1.4.35, §5): thin handlers over operations/locks.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import { DOMAIN_ERROR_STATUS, type Handler } from '@ophyd-service/service-kit';
import * as locks from '../operations/locks.ts';
import type { ConfigurationState } from '../state.ts';

/**
 * @openapi
 * /api/v1/devices/lock:
 *   post:
 *     tags: [Device Locking]
 *     operationId: lock_devices_api_v1_devices_lock_post
 *     summary: Lock devices for a plan, all or none
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockRequest' } } } }
 *     responses:
 *       '200': { description: Locked, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockResponse' } } } }
 *       '404': { description: A device does not exist; nothing locked, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockConflictResponse' } } } }
 *       '409': { description: A device is locked; nothing locked, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockConflictResponse' } } } }
 *       '422': { description: A device is disabled (or invalid body); nothing locked, content: { application/json: { schema: { anyOf: [{ $ref: '#/components/schemas/DeviceLockConflictResponse' }, { $ref: '#/components/schemas/HTTPValidationError' }] } } } }
 *       '500': { description: A device has no instantiation spec; nothing locked, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockConflictResponse' } } } }
 *       '503': { description: Database unavailable; nothing locked, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const lock =
  (state: ConfigurationState): Handler<operations['lock_devices_api_v1_devices_lock_post']> =>
  async ({ body, ctx }) => {
    const answer = await locks.lockDevices(state, body);
    if (answer.granted) return answer.body;
    // A refusal carries its own body (no `detail` envelope), under the status of its worst conflict.
    ctx.status = DOMAIN_ERROR_STATUS[answer.kind];
    ctx.body = answer.body;
  };

/**
 * @openapi
 * /api/v1/devices/unlock:
 *   post:
 *     tags: [Device Locking]
 *     operationId: unlock_devices_api_v1_devices_unlock_post
 *     summary: Release a plan's locks (owner only, unless lapsed)
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceUnlockRequest' } } } }
 *     responses:
 *       '200': { description: Released, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceUnlockResponse' } } } }
 *       '403': { description: Held by another item; nothing released, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '503': { description: Database unavailable, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const unlock =
  (state: ConfigurationState): Handler<operations['unlock_devices_api_v1_devices_unlock_post']> =>
  ({ body }) =>
    locks.unlockDevices(state, body);

/**
 * @openapi
 * /api/v1/devices/lock/renew:
 *   post:
 *     tags: [Device Locking]
 *     operationId: renew_device_locks_api_v1_devices_lock_renew_post
 *     summary: Heartbeat that extends a plan's leases
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockRenewRequest' } } } }
 *     responses:
 *       '200': { description: Renewal result, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceLockRenewResponse' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const renew =
  (state: ConfigurationState): Handler<operations['renew_device_locks_api_v1_devices_lock_renew_post']> =>
  ({ body }) =>
    locks.renewLocks(state, body);

/**
 * @openapi
 * /api/v1/devices/force-unlock:
 *   post:
 *     tags: [Device Locking]
 *     operationId: force_unlock_devices_api_v1_devices_force_unlock_post
 *     summary: Admin release of any lock, including orphans of deleted devices
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceForceUnlockRequest' } } } }
 *     responses:
 *       '200': { description: Released, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceUnlockResponse' } } } }
 *       '404': { description: Unknown names; nothing released, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '503': { description: Database unavailable, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const forceUnlock =
  (state: ConfigurationState): Handler<operations['force_unlock_devices_api_v1_devices_force_unlock_post']> =>
  ({ body }) =>
    locks.forceUnlockDevices(state, body);

/**
 * @openapi
 * /api/v1/devices/lock/policy:
 *   get:
 *     tags: [Device Locking]
 *     operationId: get_lock_policy_api_v1_devices_lock_policy_get
 *     summary: The lock_all availability policy
 *     responses:
 *       '200': { description: Policy, content: { application/json: { schema: { $ref: '#/components/schemas/LockPolicy' } } } }
 *   put:
 *     tags: [Device Locking]
 *     operationId: set_lock_policy_api_v1_devices_lock_policy_put
 *     summary: Set the lock_all policy (in memory; boot value from CONFIG_LOCK_ALL)
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/LockPolicy' } } } }
 *     responses:
 *       '200': { description: Policy, content: { application/json: { schema: { $ref: '#/components/schemas/LockPolicy' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const policy =
  (state: ConfigurationState): Handler<operations['get_lock_policy_api_v1_devices_lock_policy_get']> =>
  () =>
    locks.lockPolicy(state);
export const setPolicy =
  (state: ConfigurationState): Handler<operations['set_lock_policy_api_v1_devices_lock_policy_put']> =>
  ({ body }) =>
    locks.setLockPolicy(state, body.lock_all);

/**
 * @openapi
 * /api/v1/devices/{device_name}/status:
 *   get:
 *     tags: [Device Locking]
 *     operationId: get_device_status_api_v1_devices__device_name__status_get
 *     summary: Whether a device may be used now (enabled, not locked) and its PV health
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Status, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceStatusResponse' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: The device has no instantiation spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const deviceStatus =
  (
    state: ConfigurationState,
  ): Handler<operations['get_device_status_api_v1_devices__device_name__status_get']> =>
  ({ params }) =>
    locks.deviceStatus(state, params.device_name);

/**
 * @openapi
 * /api/v1/pvs/status:
 *   get:
 *     tags: [Device Locking]
 *     operationId: get_pv_status_api_v1_pvs_status_get
 *     summary: May this PV be written now? (its owner device's availability)
 *     parameters: [{ in: query, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Status, content: { application/json: { schema: { $ref: '#/components/schemas/PVStatusResponse' } } } }
 *       '404': { description: Unknown PV, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: pv_name missing, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '500': { description: The owner has no instantiation spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const pvStatus =
  (state: ConfigurationState): Handler<operations['get_pv_status_api_v1_pvs_status_get']> =>
  ({ query }) =>
    locks.pvStatus(state, query.pv_name);
