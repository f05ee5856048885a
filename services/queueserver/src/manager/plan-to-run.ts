/**
 * What the worker needs to run a queue item: its arguments, its run metadata and the names its
 * user group may use (strings naming other devices stay strings, spec §9.4).
 */
import type { PlanToRun } from '../worker/protocol.ts';
import type { AllowedLists } from './state.ts';
import type { QueueItem } from './types.ts';

export function planToRun(item: QueueItem, allowed: AllowedLists): PlanToRun {
  return {
    item_uid: item.item_uid,
    name: item.name,
    args: item.args ?? [],
    kwargs: item.kwargs ?? {},
    md: runMetadata(item),
    allowed_devices: deviceNames(allowed.devices[item.user_group] ?? {}),
    allowed_plans: Object.keys(allowed.plans[item.user_group] ?? {}),
  };
}

/** `meta` (a list merges with earlier entries winning) plus who queued the item. */
function runMetadata(item: QueueItem): Record<string, unknown> {
  const metas = Array.isArray(item.meta) ? item.meta : item.meta ? [item.meta] : [];
  const merged: Record<string, unknown> = {};
  for (const meta of [...metas].reverse()) Object.assign(merged, meta);
  return { ...merged };
}

/** Every device and sub-device the tree lets the group use, dotted (`sim_bundle_A.dets.det_A`). */
export function deviceNames(tree: Record<string, unknown>, prefix = ''): string[] {
  const names: string[] = [];
  for (const [name, node] of Object.entries(tree)) {
    const full = prefix + name;
    const description = node as { excluded?: boolean; components?: Record<string, unknown> };
    if (!description.excluded) names.push(full);
    if (description.components) names.push(...deviceNames(description.components, `${full}.`));
  }
  return names;
}
