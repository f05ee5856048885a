/**
 * `config_service_diff` and `config_service_sync` against the registry (spec §3.11, §12): the diff
 * reads every instantiation spec (`active_only=false`, so disabled devices are seen as such), and a
 * sync writes what its strategy picks from that diff (registering with the seeding's upsert,
 * deleting with `DELETE /api/v1/devices/{name}`), then diffs again.
 */
import type { RegistryEntry } from '../worker/protocol.ts';
import { upsertDevice } from './bootstrap.ts';
import { type ConfigServiceClient, errorText } from './config-client.ts';
import { type DeviceDiff, diffAgainstRegistry, type SyncStrategy, selectWrites } from './device-diff.ts';

export interface SyncOutcome {
  applied: { upserted: string[]; deleted: string[] };
  diff_after: DeviceDiff;
}

/** The environment's devices against the registry as it is now. */
export async function diffEnvironment(
  client: ConfigServiceClient,
  entries: readonly RegistryEntry[],
): Promise<DeviceDiff> {
  return diffAgainstRegistry(entries, await client.instantiationSpecs(false));
}

/**
 * Writes the strategy's share of the diff. A write the registry refuses fails the sync, naming each
 * refusal and what was written before it; an unreachable registry throws RegistryUnreachable.
 */
export async function syncRegistry(
  client: ConfigServiceClient,
  entries: readonly RegistryEntry[],
  strategy: SyncStrategy,
  selected: readonly string[] = [],
): Promise<SyncOutcome> {
  const byName = new Map(entries.map((entry) => [entry.metadata.name, entry]));
  const writes = selectWrites(
    await diffEnvironment(client, entries),
    strategy,
    selected,
    new Set(byName.keys()),
  );
  const applied: SyncOutcome['applied'] = { upserted: [], deleted: [] };
  const refused: string[] = [];
  for (const name of writes.upsert) {
    const answer = await upsertDevice(client, byName.get(name) as RegistryEntry);
    if (answer.status < 300) applied.upserted.push(name);
    else refused.push(`${name} (${errorText(answer)})`);
  }
  for (const name of writes.delete) {
    const answer = await client.request('DELETE', `/api/v1/devices/${encodeURIComponent(name)}`);
    if (answer.status < 300) applied.deleted.push(name);
    else refused.push(`${name} (${errorText(answer)})`);
  }
  if (refused.length) {
    const written = [
      ...applied.upserted.map((n) => `upserted ${n}`),
      ...applied.deleted.map((n) => `deleted ${n}`),
    ];
    const done = written.length ? `; written meanwhile: ${written.join(', ')}` : '';
    throw new Error(`the registry refused ${refused.join('; ')}${done}`);
  }
  return { applied, diff_after: await diffEnvironment(client, entries) };
}
