/**
 * API keys minted by authenticated users (spec §10.2, `POST/GET/DELETE /api/auth/apikey`): a
 * 72-hex-digit secret shown once; the store keeps its first eight digits and a SHA-256 hash.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import { pythonRepr } from '../../zmq/python-repr.ts';
import type { Principal, PrincipalRecord } from './principal.ts';
import { type AuthSettings, nowSeconds } from './settings.ts';

export interface ApiKeyRecord {
  firstEight: string;
  /** SHA-256 of the secret's bytes, hex. */
  hashedSecret: string;
  principal: PrincipalRecord;
  /** What the key may do; "inherit" = whatever its principal may do at the time of use. */
  scopes: string[];
  note: string | null;
  /** Epoch seconds, or null for a key that never expires. */
  expirationTime: number | null;
  latestActivity: number | null;
}

/** Where minted keys live: in memory here, a database later. Methods may be async. */
export interface ApiKeyStore {
  add(record: ApiKeyRecord): void | Promise<void>;
  /** Every key whose secret starts with these eight hex digits. */
  findByFirstEight(firstEight: string): ApiKeyRecord[] | Promise<ApiKeyRecord[]>;
  update(record: ApiKeyRecord): void | Promise<void>;
  remove(record: ApiKeyRecord): void | Promise<void>;
  /** Every key a principal holds (for the principal documents). */
  forPrincipal(principalUuid: string): ApiKeyRecord[] | Promise<ApiKeyRecord[]>;
}

/** Keeps minted keys in memory (they are lost on restart). */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly #keys: ApiKeyRecord[] = [];

  add(record: ApiKeyRecord): void {
    this.#keys.push(record);
  }

  findByFirstEight(firstEight: string): ApiKeyRecord[] {
    return this.#keys.filter((key) => key.firstEight === firstEight);
  }

  update(): void {
    // Records are held by reference: a change to one is already stored.
  }

  remove(record: ApiKeyRecord): void {
    const index = this.#keys.indexOf(record);
    if (index >= 0) this.#keys.splice(index, 1);
  }

  forPrincipal(principalUuid: string): ApiKeyRecord[] {
    return this.#keys.filter((key) => key.principal.uuid === principalUuid);
  }
}

/** The body of `POST /api/auth/apikey`. */
export interface ApiKeyRequest {
  expires_in?: number | null;
  scopes?: string[] | null;
  note?: string | null;
}

/** An API key as `GET /api/auth/apikey` shows it (times as naive UTC ISO text, like pydantic). */
export interface ApiKeyInfo {
  first_eight: string;
  expiration_time: string | null;
  note: string | null;
  scopes: string[];
  latest_activity: string | null;
}

type KeySettings = Pick<AuthSettings, 'apiKeys' | 'now'>;

/** The secret as bytes, or undefined when it is not hex (and so cannot be a minted key). */
function secretBytes(apiKey: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(apiKey) ? Buffer.from(apiKey, 'hex') : undefined;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** The stored, unexpired key with this secret; an expired match is deleted. */
export async function lookupValidApiKey(
  apiKey: string,
  settings: KeySettings,
): Promise<ApiKeyRecord | undefined> {
  const secret = secretBytes(apiKey);
  if (!secret || !settings.apiKeys) return undefined;
  const hashed = sha256(secret);
  const candidates = await settings.apiKeys.findByFirstEight(secret.toString('hex').slice(0, 8));
  const match = candidates.find((key) => timingSafeEqual(Buffer.from(key.hashedSecret, 'hex'), hashed));
  if (!match) return undefined;
  if (match.expirationTime !== null && match.expirationTime < nowSeconds(settings)) {
    await settings.apiKeys.remove(match);
    return undefined;
  }
  return match;
}

/**
 * Mints a key for the principal. Scopes default to ["inherit"]; a key made with another key can
 * have at most that key's scopes; asking for more is a 400.
 */
export async function mintApiKey(
  principal: Principal,
  request: ApiKeyRequest,
  settings: KeySettings,
): Promise<ApiKeyInfo & { secret: string }> {
  if (!settings.apiKeys)
    throw new DomainError('unsupported', 'API keys are not available without authentication providers');
  const source = principal.apiKeyScopes;
  const fromLimitedKey = source !== null && !source.includes('inherit');
  const allowed = new Set(fromLimitedKey ? source : principal.scopes);
  const requested = request.scopes ?? ['inherit'];
  const scopes = requested.includes('inherit') ? (fromLimitedKey ? source : ['inherit']) : requested;
  if (!scopes.every((scope) => scope === 'inherit' || allowed.has(scope))) {
    throw new DomainError(
      'bad_request',
      `Requested scopes ${pythonRepr([...scopes].sort())} must be a subset of the ` +
        `allowed principal's scopes ${pythonRepr([...allowed].sort())}.`,
    );
  }
  // 32 bytes of entropy plus 4, since the first eight hex digits are stored in the clear.
  const secret = randomBytes(36);
  const record: ApiKeyRecord = {
    firstEight: secret.toString('hex').slice(0, 8),
    hashedSecret: sha256(secret).toString('hex'),
    principal: { uuid: principal.uuid, type: principal.type, identities: principal.identities },
    scopes: [...scopes],
    note: request.note ?? null,
    expirationTime: typeof request.expires_in === 'number' ? nowSeconds(settings) + request.expires_in : null,
    latestActivity: null,
  };
  await settings.apiKeys.add(record);
  return { ...apiKeyInfo(record), secret: secret.toString('hex') };
}

/** `DELETE /api/auth/apikey?first_eight=`: removes one of the caller's own keys, else 404. */
export async function revokeApiKey(
  principal: Principal,
  firstEight: string,
  settings: KeySettings,
): Promise<{ success: true; msg: '' }> {
  const keys = settings.apiKeys ? await settings.apiKeys.findByFirstEight(firstEight.slice(0, 8)) : [];
  const own = keys.find((key) => key.principal.uuid === principal.uuid);
  if (!own || !settings.apiKeys) {
    throw new DomainError('not_found', `The currently-authenticated ${principal.type} has no such API key.`);
  }
  await settings.apiKeys.remove(own);
  return { success: true, msg: '' };
}

/** The public view of a stored key. */
export function apiKeyInfo(record: ApiKeyRecord): ApiKeyInfo {
  return {
    first_eight: record.firstEight,
    expiration_time: isoTime(record.expirationTime),
    note: record.note,
    scopes: record.scopes,
    latest_activity: isoTime(record.latestActivity),
  };
}

/** pydantic's rendering of the reference's naive UTC datetimes: `2024-01-02T03:04:05`. */
export function isoTime(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().slice(0, 19);
}
