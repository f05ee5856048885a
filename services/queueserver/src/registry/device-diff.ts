/**
 * The environment's devices against the registry (spec §3.11, `config_service_diff`): the "profile"
 * side is what the running worker describes (its EPICS devices, as seeding would register them),
 * the other side the registry's instantiation specs, disabled ones included. Pure: the answers
 * come in, the diff and the writes a sync strategy picks go out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { RegistryEntry } from '../worker/protocol.ts';
import type { InstantiationSpec } from './config-client.ts';

export interface DeviceDiff {
  /** Described by the environment, unknown to the registry. */
  added: string[];
  /** Active in the registry, not described by the environment. */
  removed: string[];
  /** On both sides, active in the registry, with specs that differ. */
  modified: { name: string; before: unknown; after: unknown; fields_changed: string[] }[];
  /** Disabled in the registry (`active: false`), whatever the environment holds: no strategy but `selected` touches them. */
  disabled: string[];
}

export const SYNC_STRATEGIES = ['all', 'additions_only', 'selected'] as const;
export type SyncStrategy = (typeof SYNC_STRATEGIES)[number];

/** The registry's writes that bring it closer to the environment. */
export interface SyncWrites {
  upsert: string[];
  delete: string[];
}

export function diffAgainstRegistry(
  entries: readonly RegistryEntry[],
  registry: Record<string, InstantiationSpec>,
): DeviceDiff {
  const described = new Map(entries.map((entry) => [entry.metadata.name, entry.instantiation_spec]));
  const disabled = Object.keys(registry).filter((name) => registry[name].active === false);
  const active = Object.keys(registry).filter((name) => registry[name].active !== false);
  const diff: DeviceDiff = {
    added: [...described.keys()].filter((name) => !Object.hasOwn(registry, name)),
    removed: active.filter((name) => !described.has(name)),
    modified: [],
    disabled,
  };
  for (const name of active) {
    const after = described.get(name);
    if (!after) continue;
    const fields = changedFields(registry[name], after);
    if (fields.length) diff.modified.push({ name, before: registry[name], after, fields_changed: fields });
  }
  diff.added.sort();
  diff.removed.sort();
  diff.disabled.sort();
  diff.modified.sort((a, b) => (a.name < b.name ? -1 : 1));
  return diff;
}

/**
 * The top-level keys whose values differ, an absent key being the same as null: the registry
 * fills in `framework: null`, which the environment's description leaves out.
 */
function changedFields(before: object, after: object): string[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((key) => !isDeepStrictEqual(b[key] ?? null, a[key] ?? null)).sort();
}

/**
 * What a strategy writes: `all` registers the added and modified devices and deletes the removed
 * ones, `additions_only` only registers the added, `selected` does what `all` would for the named
 * devices and also re-enables a named disabled device the environment describes.
 */
export function selectWrites(
  diff: DeviceDiff,
  strategy: SyncStrategy,
  selected: readonly string[] = [],
  described: ReadonlySet<string> = new Set(),
): SyncWrites {
  const changed = [...diff.added, ...diff.modified.map((m) => m.name)].sort();
  if (strategy === 'all') return { upsert: changed, delete: [...diff.removed] };
  if (strategy === 'additions_only') return { upsert: [...diff.added], delete: [] };
  const chosen = new Set(selected);
  const reenabled = diff.disabled.filter((name) => described.has(name));
  return {
    upsert: [...changed, ...reenabled].filter((name) => chosen.has(name)).sort(),
    delete: diff.removed.filter((name) => chosen.has(name)),
  };
}
