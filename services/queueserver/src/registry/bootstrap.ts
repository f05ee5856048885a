/**
 * Seeding an empty registry from the environment's devices (spec §12, the profile-seeded pod): when
 * `GET /api/v1/devices-info` holds nothing, every device the worker described is registered with
 * `POST /api/v1/devices`, and one that appeared meanwhile (409) is updated with `PUT`. A registry
 * that holds anything is the source of truth and is left alone.
 */
import type { RegistryEntry } from '../worker/protocol.ts';
import { type Answer, type ConfigServiceClient, errorText } from './config-client.ts';

export interface BootstrapOutcome {
  /** False when the registry already held devices (nothing was sent). */
  wasEmpty: boolean;
  registered: string[];
  /** The devices the registry refused, by its reason. */
  refused: Map<string, string[]>;
}

/** Registers `entries` when the registry is empty; throws when the registry cannot be asked. */
export async function bootstrapRegistry(
  client: ConfigServiceClient,
  entries: readonly RegistryEntry[],
): Promise<BootstrapOutcome> {
  const probe = await client.request('GET', '/api/v1/devices-info');
  if (probe.status !== 200) throw new Error(`the device list was refused: ${errorText(probe)}`);
  if (Object.keys(probe.body).length > 0) return { wasEmpty: false, registered: [], refused: new Map() };
  const outcome: BootstrapOutcome = { wasEmpty: true, registered: [], refused: new Map() };
  for (const entry of entries) {
    const name = entry.metadata.name;
    const answer = await upsertDevice(client, entry);
    if (answer.status >= 200 && answer.status < 300) outcome.registered.push(name);
    else {
      const reason = errorText(answer);
      outcome.refused.set(reason, [...(outcome.refused.get(reason) ?? []), name]);
    }
  }
  return outcome;
}

/** Registers one device, or updates it when the registry already has one of its name (409). */
export async function upsertDevice(client: ConfigServiceClient, entry: RegistryEntry): Promise<Answer> {
  const answer = await client.request('POST', '/api/v1/devices', entry);
  if (answer.status !== 409) return answer;
  return client.request('PUT', `/api/v1/devices/${encodeURIComponent(entry.metadata.name)}`, entry);
}

/** The refusals as one sentence: `det_spot, det_edge (<reason>); ph_motor (<reason>)`. */
export function describeRefusals(refused: BootstrapOutcome['refused']): string {
  return [...refused].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ');
}
