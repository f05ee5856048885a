/** Locking, availability and the lock policy (spec §1.4.12–1.4.17, 1.4.35, §5). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import { iso } from '../locks.ts';
import { type ConfigurationState, lockFields } from '../state.ts';
import { stringParam } from './params.ts';

type Conflict = {
  device_name: string;
  reason: 'not_found' | 'spec_missing' | 'disabled' | 'already_locked';
  locked_by_plan: string | null;
  locked_at: string | null;
};

const SEVERITY: Conflict['reason'][] = ['spec_missing', 'not_found', 'disabled', 'already_locked'];
const STATUS: Record<Conflict['reason'], number> = {
  spec_missing: 500,
  not_found: 404,
  disabled: 422,
  already_locked: 409,
};

function conflictMessage(c: Conflict): string {
  switch (c.reason) {
    case 'already_locked':
      return `Device '${c.device_name}' is locked by plan '${c.locked_by_plan}'`;
    case 'not_found':
      return `Device not found: ${c.device_name}`;
    case 'spec_missing':
      return `Registry inconsistency: device '${c.device_name}' has no instantiation spec`;
    default:
      return `Device '${c.device_name}' is disabled`;
  }
}

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
export const lock = (state: ConfigurationState) => async (ctx: Context) => {
  const body = ctx.request.body as {
    device_names: string[];
    item_id: string;
    plan_name: string;
    locked_by_service: string;
  };
  const result = await state.mutex.run(async () => {
    const conflicts: Conflict[] = [];
    for (const name of body.device_names) {
      const none = { locked_by_plan: null, locked_at: null };
      const spec = state.registry.specs.get(name);
      const held = state.locks.live(name);
      if (!state.registry.devices.has(name))
        conflicts.push({ device_name: name, reason: 'not_found', ...none });
      else if (!spec) conflicts.push({ device_name: name, reason: 'spec_missing', ...none });
      else if (!spec.active) conflicts.push({ device_name: name, reason: 'disabled', ...none });
      else if (held)
        conflicts.push({
          device_name: name,
          reason: 'already_locked',
          locked_by_plan: held.plan_name,
          locked_at: iso(held.locked_at),
        });
    }
    if (conflicts.length > 0) return { conflicts, granted: undefined };
    const holder = {
      plan_name: body.plan_name,
      item_id: body.item_id,
      locked_by_service: body.locked_by_service,
    };
    const granted = state.locks.acquire(body.device_names, holder);
    try {
      await state.audit(
        [...new Set(body.device_names)].map((name) => ({
          deviceName: name,
          operation: 'lock' as const,
          details: {
            plan: body.plan_name,
            item_id: body.item_id,
            service: body.locked_by_service,
            lock_id: granted.lock_id,
          },
        })),
      );
    } catch (err) {
      state.locks.release(body.device_names); // nothing held when the audit could not be written
      throw err;
    }
    return { conflicts: [], granted };
  });
  const { conflicts, granted } = result;
  if (!granted) {
    const worst = SEVERITY.find((reason) => conflicts.some((c) => c.reason === reason))!;
    ctx.status = STATUS[worst];
    ctx.body = { success: false, message: conflictMessage(conflicts[0]), conflicting_devices: conflicts };
    return;
  }
  const pvs = new Set(
    body.device_names.flatMap((name) => Object.values(state.registry.devices.get(name)?.pvs ?? {})),
  );
  ctx.body = {
    success: true,
    locked_devices: body.device_names,
    locked_pvs: [...pvs].sort(),
    lock_id: granted.lock_id,
    registry_version: state.locks.version,
    lock_epoch: state.locks.epoch,
    expires_at: iso(granted.expires_at),
    lease_ttl_seconds: state.locks.ttlSeconds,
  };
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
export const unlock = (state: ConfigurationState) => async (ctx: Context) => {
  const body = ctx.request.body as { device_names: string[]; item_id: string };
  // Audit first, release after (under the mutex, so no acquisition slips in between): when the
  // audit cannot be written the answer is 503 and the locks are still held, as for lock and force-unlock.
  const removed = await state.mutex.run(async () => {
    const other = state.locks.heldByOther(body.device_names, body.item_id);
    if (other)
      throw new HttpError(
        403,
        `Device '${other.name}' is locked by item ${other.holder}, not ${body.item_id}`,
      );
    const held = [...new Set(body.device_names)].filter((name) => state.locks.has(name));
    await state.audit(
      held.map((name) => ({
        deviceName: name,
        operation: 'unlock' as const,
        details: { item_id: body.item_id, reason: 'plan_completed' },
      })),
    );
    return state.locks.release(held);
  });
  ctx.body = {
    success: true,
    unlocked_devices: removed,
    registry_version: state.locks.version,
    lock_epoch: state.locks.epoch,
  };
};

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
export const renew = (state: ConfigurationState) => (ctx: Context) => {
  const body = ctx.request.body as { device_names: string[]; item_id: string };
  const r = state.locks.renew(body.device_names, body.item_id);
  ctx.body = {
    success: r.lost.length === 0 && r.conflict.length === 0,
    renewed_devices: r.renewed,
    lost_devices: r.lost,
    conflict_devices: r.conflict,
    lock_epoch: state.locks.epoch,
    expires_at: iso(r.expires_at),
  };
};

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
export const forceUnlock = (state: ConfigurationState) => async (ctx: Context) => {
  const body = ctx.request.body as { device_names: string[]; reason: string };
  const names = [...new Set(body.device_names)];
  const unknown = names.filter((name) => !state.registry.devices.has(name) && !state.locks.has(name));
  if (unknown.length > 0) throw new HttpError(404, `Devices not found: ${unknown.join(', ')}`);
  await state.audit(
    names.map((name) => ({
      deviceName: name,
      operation: 'force_unlock' as const,
      details: { reason: body.reason, admin: true },
    })),
  );
  state.locks.release(names);
  ctx.body = {
    success: true,
    unlocked_devices: names,
    registry_version: state.locks.version,
    lock_epoch: state.locks.epoch,
  };
};

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
export const getPolicy = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = { lock_all: state.locks.lockAll };
};
export const setPolicy = (state: ConfigurationState) => (ctx: Context) => {
  state.locks.setPolicy((ctx.request.body as { lock_all: boolean }).lock_all);
  ctx.body = { lock_all: state.locks.lockAll };
};

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
export const deviceStatus = (state: ConfigurationState) => (ctx: Context) => {
  const metadata = state.device(ctx.params.device_name);
  const { enabled, lock, available } = state.availability(metadata.name);
  const pv_health = Object.fromEntries(
    Object.values(metadata.pvs).flatMap((pv) => {
      const record = state.health.get(pv);
      return record ? [[pv, record]] : [];
    }),
  );
  ctx.body = {
    device_name: metadata.name,
    available,
    enabled,
    lock_status: lock ? 'locked' : 'unlocked',
    ...lockFields(lock),
    locked_until: iso(lock?.expires_at),
    lock_epoch: state.locks.epoch,
    pv_health,
  };
};

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
export const pvStatus = (state: ConfigurationState) => (ctx: Context) => {
  const pv = stringParam(ctx.query, 'pv_name', true)!;
  const entry = state.pvEntry(pv);
  if (entry.device_name === null) {
    ctx.body = {
      pv_name: pv,
      available: true,
      device_name: null,
      device_enabled: null,
      device_lock_status: null,
      locked_by_plan: null,
      locked_by_item: null,
      locked_at: null,
    };
    return;
  }
  if (!state.registry.specs.has(entry.device_name)) {
    throw new HttpError(
      500,
      `Registry inconsistency: PV '${pv}' references device '${entry.device_name}' which has no instantiation spec`,
    );
  }
  const { enabled, lock, available } = state.availability(entry.device_name);
  ctx.body = {
    pv_name: pv,
    available,
    device_name: entry.device_name,
    device_enabled: enabled,
    device_lock_status: lock ? 'locked' : 'unlocked',
    ...lockFields(lock),
  };
};
