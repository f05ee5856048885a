/**
 * Locking, availability and the lock policy (spec §1.4.12–1.4.17, 1.4.35, §5), over the lock book
 * (which runs each change with its audit in the registry's turn).
 */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError, type DomainErrorKind } from '@ophyd-service/service-kit';
import type { LockConflict, LockRequest } from '../lock-book.ts';
import { iso, type Lock } from '../locks.ts';
import type { ConfigurationState } from '../state.ts';

type Schemas = components['schemas'];

/** Which refusal is reported when several devices are in the way: the first of these present. */
const SEVERITY: LockConflict['reason'][] = ['spec_missing', 'not_found', 'disabled', 'already_locked'];
const KIND: Record<LockConflict['reason'], DomainErrorKind> = {
  spec_missing: 'failed',
  not_found: 'not_found',
  disabled: 'invalid',
  already_locked: 'conflict',
};

function conflictMessage(c: LockConflict): string {
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
 * A refused lock is an answer, not an error: the contract's refusal body (`success: false`, the
 * message, every device in the way) has no `detail` envelope, which a DomainError would impose.
 * So the outcome is returned, with the kind of the worst refusal for the route to turn into a status.
 */
export type LockAnswer =
  | { granted: true; body: Schemas['DeviceLockResponse'] }
  | { granted: false; kind: DomainErrorKind; body: Schemas['DeviceLockConflictResponse'] };

export async function lockDevices(state: ConfigurationState, request: LockRequest): Promise<LockAnswer> {
  const outcome = await state.locks.lock(request);
  if (!outcome.granted) {
    const { conflicts } = outcome;
    const worst = SEVERITY.find((reason) => conflicts.some((c) => c.reason === reason))!;
    return {
      granted: false,
      kind: KIND[worst],
      body: { success: false, message: conflictMessage(conflicts[0]), conflicting_devices: conflicts },
    };
  }
  const pvs = new Set(
    request.device_names.flatMap((name) => Object.values(state.registry.devices.get(name)?.pvs ?? {})),
  );
  return {
    granted: true,
    body: {
      success: true,
      locked_devices: request.device_names,
      locked_pvs: [...pvs].sort(),
      lock_id: outcome.lock_id,
      registry_version: outcome.version,
      lock_epoch: state.locks.epoch,
      expires_at: iso(outcome.expires_at),
      lease_ttl_seconds: state.locks.ttlSeconds,
    },
  };
}

export async function unlockDevices(
  state: ConfigurationState,
  request: Schemas['DeviceUnlockRequest'],
): Promise<Schemas['DeviceUnlockResponse']> {
  const { unlocked, version } = await state.locks.unlock(request);
  return {
    success: true,
    unlocked_devices: unlocked,
    registry_version: version,
    lock_epoch: state.locks.epoch,
  };
}

export async function renewLocks(
  state: ConfigurationState,
  request: Schemas['DeviceLockRenewRequest'],
): Promise<Schemas['DeviceLockRenewResponse']> {
  const r = await state.locks.renew(request);
  return {
    success: r.lost.length === 0 && r.conflict.length === 0,
    renewed_devices: r.renewed,
    lost_devices: r.lost,
    conflict_devices: r.conflict,
    lock_epoch: state.locks.epoch,
    expires_at: iso(r.expires_at),
  };
}

export async function forceUnlockDevices(
  state: ConfigurationState,
  request: Schemas['DeviceForceUnlockRequest'],
): Promise<Schemas['DeviceUnlockResponse']> {
  const { unlocked, version } = await state.locks.forceUnlock(request);
  return {
    success: true,
    unlocked_devices: unlocked,
    registry_version: version,
    lock_epoch: state.locks.epoch,
  };
}

export const lockPolicy = (state: ConfigurationState): Schemas['LockPolicy'] => ({
  lock_all: state.locks.lockAll,
});

export async function setLockPolicy(
  state: ConfigurationState,
  lockAll: boolean,
): Promise<Schemas['LockPolicy']> {
  return { lock_all: await state.locks.setPolicy(lockAll) };
}

const lockFields = (lock: Lock | undefined) => ({
  locked_by_plan: lock?.plan_name ?? null,
  locked_by_item: lock?.item_id ?? null,
  locked_at: iso(lock?.locked_at),
});

/** Availability of a device: enabled and not locked (by its own lock or, under lock_all, any). */
function availability(state: ConfigurationState, name: string) {
  const spec = state.registry.specs.get(name);
  if (!spec)
    throw new DomainError('failed', `Registry inconsistency: device '${name}' has no instantiation spec`);
  const lock = state.locks.effective(name);
  return { enabled: spec.active, lock, available: spec.active && !lock };
}

/** Whether a device may be used now, why not, and the health of its PVs that have a record. */
export function deviceStatus(state: ConfigurationState, name: string): Schemas['DeviceStatusResponse'] {
  const metadata = state.device(name);
  const { enabled, lock, available } = availability(state, metadata.name);
  const pv_health = Object.fromEntries(
    Object.values(metadata.pvs).flatMap((pv) => {
      const record = state.health.get(pv);
      return record ? [[pv, record]] : [];
    }),
  );
  return {
    device_name: metadata.name,
    available,
    enabled,
    lock_status: lock ? 'locked' : 'unlocked',
    ...lockFields(lock),
    locked_until: iso(lock?.expires_at),
    lock_epoch: state.locks.epoch,
    pv_health,
  };
}

/** May this PV be written now: its owner's availability (a standalone PV always may). */
export function pvStatus(state: ConfigurationState, pv: string): Schemas['PVStatusResponse'] {
  const entry = state.pvEntry(pv);
  if (entry.device_name === null) {
    return {
      pv_name: pv,
      available: true,
      device_name: null,
      device_enabled: null,
      device_lock_status: null,
      locked_by_plan: null,
      locked_by_item: null,
      locked_at: null,
    };
  }
  if (!state.registry.specs.has(entry.device_name)) {
    throw new DomainError(
      'failed',
      `Registry inconsistency: PV '${pv}' references device '${entry.device_name}' which has no instantiation spec`,
    );
  }
  const { enabled, lock, available } = availability(state, entry.device_name);
  return {
    pv_name: pv,
    available,
    device_name: entry.device_name,
    device_enabled: enabled,
    device_lock_status: lock ? 'locked' : 'unlocked',
    ...lockFields(lock),
  };
}
