/** Plans, devices and permissions (spec §3.2). */
import { validatePermissions } from '../../permissions/permissions.ts';
import type { Manager } from '../manager.ts';
import { type MethodTable, ok } from '../method.ts';
import { type Params, Refusal } from '../types.ts';

function group(manager: Manager, p: Params): string {
  if (!('user_group' in p)) throw new Refusal('Incorrect request format: user group is not specified');
  const name = p.user_group;
  if (typeof name !== 'string' || !Object.hasOwn(manager.data.allowed.plans, name))
    throw new Refusal(`Unknown user group: '${String(name)}'`);
  return name;
}

export const listMethods: MethodTable = {
  plans_allowed: {
    params: ['user_group'],
    failure: () => ({ plans_allowed: {}, plans_allowed_uid: null }),
    run: (manager, p) =>
      ok({
        plans_allowed: manager.data.allowed.plans[group(manager, p)],
        plans_allowed_uid: manager.data.uids.plans_allowed_uid,
      }),
  },

  devices_allowed: {
    params: ['user_group'],
    failure: () => ({ devices_allowed: {}, devices_allowed_uid: null }),
    run: (manager, p) =>
      ok({
        devices_allowed: manager.data.allowed.devices[group(manager, p)] ?? {},
        devices_allowed_uid: manager.data.uids.devices_allowed_uid,
      }),
  },

  plans_existing: {
    params: [],
    failure: () => ({ plans_existing: {}, plans_existing_uid: null }),
    run: ({ data }) =>
      ok({ plans_existing: data.existing.plans, plans_existing_uid: data.uids.plans_existing_uid }),
  },

  devices_existing: {
    params: [],
    failure: () => ({ devices_existing: {}, devices_existing_uid: null }),
    run: ({ data }) =>
      ok({ devices_existing: data.existing.devices, devices_existing_uid: data.uids.devices_existing_uid }),
  },

  permissions_get: {
    params: [],
    failure: () => ({ user_group_permissions: {} }),
    run: ({ data }) => ok({ user_group_permissions: structuredClone(data.permissions ?? {}) }),
  },

  permissions_set: {
    params: ['user_group_permissions', 'lock_key'],
    lock: 'queue',
    run: (manager, p) => {
      if (!('user_group_permissions' in p))
        throw new Refusal("Parameter 'user_group_permissions' is missing");
      if (JSON.stringify(p.user_group_permissions) === JSON.stringify(manager.data.permissions)) return ok();
      manager.data.permissions = validatePermissions(p.user_group_permissions);
      manager.recomputeAllowed(true);
      return ok();
    },
  },

  permissions_reload: {
    params: ['restore_plans_devices', 'restore_permissions', 'lock_key'],
    lock: 'queue',
    run: (manager, p) => {
      const restorePlansDevices = p.restore_plans_devices ?? false;
      const restorePermissions = p.restore_permissions ?? true;
      const policy = manager.deps.permissionsReload;
      if (restorePermissions && policy === 'NEVER')
        throw new Refusal(
          `Restoring user group permissions from disk is not allowed: RE Manager was started with option user_group_permissions_reload='${policy}'`,
        );
      if (restorePermissions) manager.data.permissions = manager.deps.readPermissionsFile();
      if (restorePlansDevices) manager.setExisting(manager.deps.readExistingLists());
      manager.recomputeAllowed(true);
      return ok();
    },
  },
};
