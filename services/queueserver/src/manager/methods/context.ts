/** The item context the methods hand to `prepareItem`: the manager's allowed lists and permissions. */
import { functionAllowed } from '../../permissions/allowed.ts';
import { type ItemContext, prepareItem, storedItem } from '../items.ts';
import type { Manager } from '../manager.ts';
import type { ItemType, Params, QueueItem } from '../types.ts';

export function itemContext(manager: Manager): ItemContext {
  const { data, deps } = manager;
  return {
    newUid: deps.newUid,
    allowedPlans: (group) =>
      (Object.hasOwn(data.allowed.plans, group) ? data.allowed.plans[group] : undefined) as never,
    allowedDevices: (group) =>
      Object.hasOwn(data.allowed.devices, group) ? data.allowed.devices[group] : undefined,
    functionAllowed: (name, group) => functionAllowed(data.permissions, name, group),
  };
}

/** The request's item, checked and ready for the queue (spec §2.4). */
export function prepare(manager: Manager, params: Params, types: readonly ItemType[]): QueueItem {
  return storedItem(prepareItem(params, itemContext(manager), types)) as QueueItem;
}
