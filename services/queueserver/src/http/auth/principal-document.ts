/**
 * Principals as `/api/auth/whoami` and `/api/auth/principal` show them (the reference's pydantic
 * Principal): uuid, type, identities, API keys, sessions, latest activity, roles and scopes.
 */
import { DomainError } from '@ophyd-service/service-kit';
import { type ApiKeyInfo, apiKeyInfo, isoTime } from './api-keys.ts';
import type { Principal, PrincipalRecord } from './principal.ts';
import { principalFor } from './principal.ts';
import { knownUsernames } from './sessions.ts';
import { type AuthSettings, isMultiUser } from './settings.ts';

export interface PrincipalDocument {
  uuid: string;
  type: 'user' | 'service';
  identities: { id: string; provider: string; latest_login: string | null }[];
  api_keys: ApiKeyInfo[];
  sessions: { uuid: string; expiration_time: string | null; revoked: boolean }[];
  latest_activity: string | null;
  roles: string[];
  scopes: string[];
  api_key_scopes: string[] | null;
}

/** `0123…` (32 hex digits) as Python prints a UUID: `01234567-89ab-…`. */
export function dashedUuid(hex: string): string {
  return /^[0-9a-f]{32}$/.test(hex)
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : hex;
}

/** A UUID in either spelling as the 32 hex digits records are keyed by; undefined if it is none. */
export function uuidHex(text: string): string | undefined {
  const hex = text.toLowerCase().replaceAll('-', '');
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

/**
 * The document of a stored principal, or (single-user and anonymous callers, who are not stored)
 * of the caller as authenticated, with no keys or sessions.
 */
export async function principalDocument(
  record: PrincipalRecord | Principal,
  settings: AuthSettings,
  current?: Principal,
): Promise<PrincipalDocument> {
  const keys = (await settings.apiKeys?.forPrincipal(record.uuid)) ?? [];
  const sessions = (await settings.sessions?.sessionsOf(record.uuid)) ?? [];
  const activity = [
    ...keys.map((key) => key.latestActivity),
    ...sessions.map((session) => session.timeLastRefreshed),
  ].filter((time): time is number => time !== null);
  const resolved = current ?? principalFor(record, knownUsernames(record, settings), 'none', settings);
  return {
    uuid: dashedUuid(record.uuid),
    type: record.type,
    identities: record.identities.map((i) => ({ id: i.id, provider: i.provider, latest_login: null })),
    api_keys: keys.map(apiKeyInfo),
    sessions: sessions.map((s) => ({
      uuid: dashedUuid(s.uuid),
      expiration_time: isoTime(s.expirationTime),
      revoked: s.revoked,
    })),
    latest_activity: activity.length ? isoTime(Math.max(...activity)) : null,
    roles: resolved.roles,
    scopes: resolved.scopes,
    api_key_scopes: current?.apiKeyScopes ?? null,
  };
}

/** Every stored principal's document (`GET /api/auth/principal`); none in single-user mode. */
export async function principalDocuments(settings: AuthSettings): Promise<PrincipalDocument[]> {
  if (!isMultiUser(settings) || !settings.sessions) return [];
  const records = await settings.sessions.principals();
  return Promise.all(records.map((record) => principalDocument(record, settings)));
}

/** The stored principal with this uuid, or a 404. */
export async function storedPrincipal(uuid: string, settings: AuthSettings): Promise<PrincipalRecord> {
  const hex = uuidHex(uuid);
  const record = hex && isMultiUser(settings) ? await settings.sessions?.principal(hex) : undefined;
  if (!record)
    throw new DomainError('not_found', `Principal ${uuid} does not exist or insufficient permissions.`);
  return record;
}
