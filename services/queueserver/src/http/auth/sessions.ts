/**
 * Login sessions (spec §10.2): a login makes a session and a pair of tokens; the refresh token
 * names the session, so refreshing works only while the session is alive and not revoked.
 */

import { randomUUID } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import type { Principal, PrincipalRecord } from './principal.ts';
import { accessControlOf } from './principal.ts';
import { type AuthSettings, DEFAULT_SESSION_MAX_AGE, isMultiUser, nowSeconds } from './settings.ts';
import { decodeRefreshToken, ExpiredTokenError, issueTokens, type TokenResponse } from './tokens.ts';

export interface SessionRecord {
  /** 32 hex digits. */
  uuid: string;
  principalUuid: string;
  /** Epoch seconds. */
  expirationTime: number;
  revoked: boolean;
  refreshCount: number;
  timeLastRefreshed: number | null;
}

/** Principals (by login identity) and their sessions: in memory here, a database later. */
export interface SessionStore {
  principalByIdentity(
    provider: string,
    id: string,
  ): PrincipalRecord | undefined | Promise<PrincipalRecord | undefined>;
  principal(uuid: string): PrincipalRecord | undefined | Promise<PrincipalRecord | undefined>;
  principals(): PrincipalRecord[] | Promise<PrincipalRecord[]>;
  addPrincipal(record: PrincipalRecord): void | Promise<void>;
  session(uuid: string): SessionRecord | undefined | Promise<SessionRecord | undefined>;
  addSession(record: SessionRecord): void | Promise<void>;
  updateSession(record: SessionRecord): void | Promise<void>;
  removeSession(uuid: string): void | Promise<void>;
  /** Every session of a principal (for the principal documents). */
  sessionsOf(principalUuid: string): SessionRecord[] | Promise<SessionRecord[]>;
}

/** Keeps principals and sessions in memory (logins are lost on restart). */
export class InMemorySessionStore implements SessionStore {
  readonly #principals = new Map<string, PrincipalRecord>();
  readonly #sessions = new Map<string, SessionRecord>();

  principalByIdentity(provider: string, id: string): PrincipalRecord | undefined {
    for (const record of this.#principals.values()) {
      if (record.identities.some((i) => i.provider === provider && i.id === id)) return record;
    }
    return undefined;
  }
  principal(uuid: string): PrincipalRecord | undefined {
    return this.#principals.get(uuid);
  }
  principals(): PrincipalRecord[] {
    return [...this.#principals.values()];
  }
  addPrincipal(record: PrincipalRecord): void {
    this.#principals.set(record.uuid, record);
  }
  session(uuid: string): SessionRecord | undefined {
    return this.#sessions.get(uuid);
  }
  addSession(record: SessionRecord): void {
    this.#sessions.set(record.uuid, record);
  }
  updateSession(record: SessionRecord): void {
    this.#sessions.set(record.uuid, record);
  }
  removeSession(uuid: string): void {
    this.#sessions.delete(uuid);
  }
  sessionsOf(principalUuid: string): SessionRecord[] {
    return [...this.#sessions.values()].filter((session) => session.principalUuid === principalUuid);
  }
}

const hexUuid = () => randomUUID().replaceAll('-', '');
const SESSION_EXPIRED = 'Session has expired. Please re-authenticate.';

function storeOf(settings: Pick<AuthSettings, 'sessions'>): SessionStore {
  if (!settings.sessions)
    throw new DomainError('unsupported', 'Sessions are not available without authentication providers');
  return settings.sessions;
}

/**
 * Starts a session for a user who just logged in with `provider` (making their principal on the
 * first login) and returns the token response.
 */
export async function createSession(
  provider: string,
  username: string,
  settings: AuthSettings,
): Promise<TokenResponse> {
  const store = storeOf(settings);
  let principal = await store.principalByIdentity(provider, username);
  if (!principal) {
    principal = { uuid: hexUuid(), type: 'user', identities: [{ id: username, provider }] };
    await store.addPrincipal(principal);
  }
  const session: SessionRecord = {
    uuid: hexUuid(),
    principalUuid: principal.uuid,
    expirationTime: nowSeconds(settings) + (settings.sessionMaxAge ?? DEFAULT_SESSION_MAX_AGE),
    revoked: false,
    refreshCount: 0,
    timeLastRefreshed: null,
  };
  await store.addSession(session);
  return issueTokens(
    claimsFor(principal, accessControlOf(settings).userScopes(username)),
    session.uuid,
    settings,
  );
}

/** `POST /api/auth/session/refresh`: new tokens while the session lives; 401 otherwise. */
export async function refreshSession(refreshToken: string, settings: AuthSettings): Promise<TokenResponse> {
  const store = storeOf(settings);
  let sid: string;
  try {
    ({ sid } = await decodeRefreshToken(refreshToken, settings));
  } catch (err) {
    if (err instanceof ExpiredTokenError) throw new DomainError('unauthorized', SESSION_EXPIRED);
    throw err;
  }
  const now = nowSeconds(settings);
  const session = await store.session(sid);
  // Revoked, expired and forgotten sessions get the same answer, so as not to tell which.
  if (!session || session.revoked || session.expirationTime < now) {
    if (session && session.expirationTime < now) await store.removeSession(sid);
    throw new DomainError('unauthorized', SESSION_EXPIRED);
  }
  const principal = await store.principal(session.principalUuid);
  const usernames = principal ? knownUsernames(principal, settings) : [];
  if (!principal || usernames.length === 0) {
    throw new DomainError(
      'unauthorized',
      'Permissions for the user are revoked. Please contact the administrator.',
    );
  }
  await store.updateSession({ ...session, timeLastRefreshed: now, refreshCount: session.refreshCount + 1 });
  const policy = accessControlOf(settings);
  const scopes = [...new Set(usernames.flatMap((name) => policy.userScopes(name)))].sort();
  return issueTokens(claimsFor(principal, scopes), sid, settings);
}

/** `DELETE /api/auth/session/revoke/{session_id}`: the caller may revoke only their own sessions. */
export async function revokeSession(
  principal: Principal,
  sessionId: string,
  settings: AuthSettings,
): Promise<{ success: true; msg: '' }> {
  const store = storeOf(settings);
  const session = await store.session(sessionId);
  if (!session || session.expirationTime < nowSeconds(settings)) {
    throw new DomainError('not_found', `No session ${sessionId}`);
  }
  if (session.principalUuid !== principal.uuid) {
    throw new DomainError('not_found', 'Sessions does not exist or requester has insufficient permissions');
  }
  await store.updateSession({ ...session, revoked: true });
  return { success: true, msg: '' };
}

/** The principal's user names that a configured provider vouches for and the policy knows. */
export function knownUsernames(record: PrincipalRecord, settings: AuthSettings): string[] {
  const providers = new Set(isMultiUser(settings) ? settings.providers : []);
  const policy = accessControlOf(settings);
  return [
    ...new Set(
      record.identities.filter((i) => providers.has(i.provider) && policy.isUserKnown(i.id)).map((i) => i.id),
    ),
  ];
}

function claimsFor(principal: PrincipalRecord, scopes: string[]) {
  return {
    sub: principal.uuid,
    sub_typ: principal.type,
    scp: scopes,
    ids: principal.identities.map((i) => ({ id: i.id, idp: i.provider })),
  };
}
