/**
 * Seeding an empty registry from the environment's devices (spec §12, the profile-seeded pod): when
 * `GET /api/v1/devices-info` holds nothing, every device the worker described is registered with
 * `POST /api/v1/devices`, and one that appeared meanwhile (409) is updated with `PUT`. A registry
 * that holds anything is the source of truth and is left alone.
 */
import type { RegistryEntry } from '../worker/protocol.ts';
import { type ConfigServiceClient, errorText } from './config-client.ts';

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
    let answer = await client.request('POST', '/api/v1/devices', entry);
    if (answer.status === 409)
      answer = await client.request('PUT', `/api/v1/devices/${encodeURIComponent(name)}`, entry);
    if (answer.status >= 200 && answer.status < 300) outcome.registered.push(name);
    else {
      const reason = errorText(answer);
      outcome.refused.set(reason, [...(outcome.refused.get(reason) ?? []), name]);
    }
  }
  return outcome;
}

/** The refusals as one sentence: `det_spot, det_edge (<reason>); ph_motor (<reason>)`. */
export function describeRefusals(refused: BootstrapOutcome['refused']): string {
  return [...refused].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ');
}
