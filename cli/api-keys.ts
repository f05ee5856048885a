/**
 * API keys `ophyd-service up` hands its components: a component that declares `apiKeyVariable`
 * gets a fresh random key for the run unless the user's environment sets one, and the supervisor
 * prints it beside the component's URL (a key the user set is named, never echoed).
 */
import { randomBytes } from 'node:crypto';
import type { Component } from './components.ts';

export interface ApiKey {
  variable: string;
  value: string;
  /** Made here for this run (so printing it reveals nothing the user chose). */
  generated: boolean;
}

/** The key of each component that takes one, by component name. */
export function apiKeysFor(components: readonly Component[], env: NodeJS.ProcessEnv): Map<string, ApiKey> {
  const keys = new Map<string, ApiKey>();
  for (const { name, apiKeyVariable: variable } of components) {
    if (!variable) continue;
    const given = env[variable];
    // Alphanumeric, as the queue server requires of its single-user key.
    keys.set(
      name,
      given
        ? { variable, value: given, generated: false }
        : { variable, value: randomBytes(16).toString('hex'), generated: true },
    );
  }
  return keys;
}

/** What the summary line says about a key. */
export function describeKey(key: ApiKey): string {
  return `API key: ${key.generated ? key.value : `$${key.variable}`}`;
}
