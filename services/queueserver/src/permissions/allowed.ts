/**
 * Allowed plans, devices and functions per user group (spec §9.1): the existing lists filtered by
 * the `root` group's rules, then by each group's, as bluesky-queueserver computes them.
 */
import { Refusal } from '../manager/types.ts';
import {
  type DeviceNode,
  type DeviceTree,
  nameAllowed,
  parseNamePattern,
  visitSelected,
} from './patterns.ts';
import type { Permissions } from './permissions.ts';

export interface AllowedLists {
  /** Group → plan name → plan description (§9.2). */
  plans: Record<string, Record<string, unknown>>;
  /** Group → device tree (§9.3), with `excluded: true` on parents kept only for their children. */
  devices: Record<string, Record<string, unknown>>;
}

type Patterns = readonly (string | null)[];

/** Marks (or unmarks) as excluded what one pattern selects; a plain name marks the node at its path. */
function markPattern(
  pattern: string,
  tree: DeviceTree,
  marks: Map<DeviceNode, boolean>,
  exclude: boolean,
): void {
  const parsed = parseNamePattern(pattern);
  if (parsed.usesRegex) {
    visitSelected(parsed, tree, (node) => marks.set(node, exclude));
    return;
  }
  let level: DeviceTree | undefined = tree;
  parsed.components.forEach(({ text }, n) => {
    const node: DeviceNode | undefined = level && Object.hasOwn(level, text) ? level[text] : undefined;
    if (node && n === parsed.components.length - 1) marks.set(node, exclude);
    level = node?.components;
  });
}

/** Drops unselected branches; a parent kept for its children gets `excluded: true`. True if anything is left. */
function trim(tree: DeviceTree, marks: Map<DeviceNode, boolean>): boolean {
  let kept = false;
  for (const [name, node] of Object.entries(tree)) {
    let keep = false;
    if (node.components) {
      if (trim(node.components, marks)) keep = true;
      else delete node.components;
    }
    if (node.excluded || marks.get(node)) node.excluded = true;
    else keep = true;
    if (keep) kept = true;
    else delete tree[name];
  }
  return kept;
}

/** A copy of a device tree with only what `allow` selects and `forbid` does not. */
export function filterDeviceTree(
  tree: Record<string, unknown>,
  allow: Patterns,
  forbid: Patterns,
): DeviceTree {
  const copy = structuredClone(tree) as DeviceTree;
  const allowAll = allow.length > 0 && allow[0] === null;
  const marks = new Map<DeviceNode, boolean>();
  const markAll = (devices: DeviceTree) => {
    for (const node of Object.values(devices)) {
      marks.set(node, !allowAll);
      if (node.components) markAll(node.components);
    }
  };
  markAll(copy);
  if (!allowAll) for (const pattern of allow) markPattern(pattern as string, copy, marks, false);
  if (forbid.length > 0 && forbid[0] !== null)
    for (const pattern of forbid) markPattern(pattern as string, copy, marks, true);
  trim(copy, marks);
  return copy;
}

/** Whether a plain (dotted) name is in an allowed list and not excluded at its end. */
export function isNameInTree(name: unknown, tree: Record<string, unknown>): boolean {
  let parts: string[];
  try {
    const parsed = parseNamePattern(name);
    if (parsed.usesRegex) return false;
    parts = parsed.components.map((c) => c.text);
  } catch (error) {
    if (error instanceof Refusal) return false;
    throw error;
  }
  let level = tree as DeviceTree | undefined;
  let node: DeviceNode | undefined;
  for (const part of parts) {
    node = level && Object.hasOwn(level, part) ? level[part] : undefined;
    if (!node) return false;
    level = node.components;
  }
  return !node?.excluded;
}

function selectPlans(
  plans: Record<string, unknown>,
  allow: Patterns,
  forbid: Patterns,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(plans).filter(([name]) => nameAllowed(name, allow, forbid)));
}

type Annotation = { plans?: Record<string, unknown[]>; devices?: Record<string, unknown[]> };

/** A plan description whose `annotation.plans`/`annotation.devices` lists keep only allowed names. */
function reduceEnums(
  description: unknown,
  plans: Record<string, unknown>,
  devices: Record<string, unknown>,
): unknown {
  const copy = structuredClone(description) as { parameters?: { annotation?: Annotation }[] };
  for (const { annotation } of copy.parameters ?? []) {
    for (const [key, allowed] of [
      ['plans', plans],
      ['devices', devices],
    ] as const) {
      const lists = annotation?.[key];
      if (!lists) continue;
      for (const type of Object.keys(lists))
        lists[type] = lists[type].filter((name) => isNameInTree(name, allowed));
    }
  }
  return copy;
}

const list = (group: Permissions['user_groups'][string], key: keyof typeof group): Patterns =>
  group[key] ?? [];

/**
 * The allowed plans and devices of every group. Without permissions (or with rules that cannot be
 * applied, as the reference falls back) only group `root` exists, with everything that exists.
 */
export function allowedLists(
  perms: Permissions | null,
  plansExisting: Record<string, unknown>,
  devicesExisting: Record<string, unknown>,
): AllowedLists {
  const everything = { plans: { root: plansExisting }, devices: { root: devicesExisting } };
  if (!perms?.user_groups) return everything;
  try {
    const groups = perms.user_groups;
    let plansRoot = plansExisting;
    let devicesRoot: Record<string, unknown> = devicesExisting;
    if (Object.hasOwn(groups, 'root')) {
      const root = groups.root;
      devicesRoot = filterDeviceTree(
        devicesExisting,
        list(root, 'allowed_devices'),
        list(root, 'forbidden_devices'),
      );
      plansRoot = selectPlans(plansExisting, list(root, 'allowed_plans'), list(root, 'forbidden_plans'));
    }
    const result: AllowedLists = { plans: {}, devices: {} };
    for (const [name, group] of Object.entries(groups)) {
      const devices =
        name === 'root'
          ? devicesRoot
          : filterDeviceTree(devicesRoot, list(group, 'allowed_devices'), list(group, 'forbidden_devices'));
      const plans =
        name === 'root'
          ? plansRoot
          : selectPlans(plansRoot, list(group, 'allowed_plans'), list(group, 'forbidden_plans'));
      result.devices[name] = devices;
      result.plans[name] = Object.fromEntries(
        Object.entries(plans).map(([plan, description]) => [plan, reduceEnums(description, plans, devices)]),
      ) as Record<string, unknown>;
    }
    return result;
  } catch (error) {
    if (error instanceof Refusal) return everything;
    throw error;
  }
}

/** Whether `group` may run function `name`: root's rules and the group's, each on its own (none without permissions). */
export function functionAllowed(perms: Permissions | null, name: string, group: string): boolean {
  const groups = perms?.user_groups;
  if (!groups || !Object.hasOwn(groups, 'root') || !Object.hasOwn(groups, group)) return false;
  const root = groups.root;
  const own = groups[group];
  return (
    nameAllowed(name, list(root, 'allowed_functions'), list(root, 'forbidden_functions')) &&
    nameAllowed(name, list(own, 'allowed_functions'), list(own, 'forbidden_functions'))
  );
}
