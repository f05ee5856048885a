/**
 * The authenticated caller of an HTTP request (spec §10.2): identities, roles and scopes, and the
 * user name and group the queue records on items the caller adds.
 */

import { randomUUID } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import { pythonRepr } from '../../zmq/python-repr.ts';
import { ApiAccessControl } from './access-control.ts';
import { ANONYMOUS_PROVIDER, UNAUTHENTICATED_PUBLIC, UNAUTHENTICATED_SINGLE_USER } from './scopes.ts';
import { type AuthSettings, DEFAULT_RESOURCE_GROUP } from './settings.ts';

export interface Identity {
  id: string;
  provider: string;
}

/** A user as the session store keeps it: a uuid (32 hex digits) and its login identities. */
export interface PrincipalRecord {
  uuid: string;
  type: 'user' | 'service';
  identities: Identity[];
}

export interface Principal extends PrincipalRecord {
  /** The user name the policy knows (the first identity it recognizes). */
  username: string;
  /** What the queue records as `user` (`jdoe "John Doe <jdoe@…>"`). */
  displayedName: string;
  /** What the queue records as `user_group`. */
  userGroup: string;
  roles: string[];
  scopes: string[];
  /** The scopes of the API key used (may hold "inherit"); null when no minted key was used. */
  apiKeyScopes: string[] | null;
  /** How the caller authenticated. */
  via: 'single_user_api_key' | 'api_key' | 'access_token' | 'none';
  /**
   * An API key given in `?api_key=` that the response should store in the
   * `bluesky_httpserver_api_key` cookie (the reference moves query keys into the cookie).
   */
  apiKeyCookie?: string;
}

const BASIC_POLICY = new ApiAccessControl();

/** The settings' access policy, or the basic one. */
export function accessControlOf(settings: Pick<AuthSettings, 'accessControl'>): ApiAccessControl {
  return settings.accessControl ?? BASIC_POLICY;
}

/**
 * A principal whose roles and scopes are the union over `usernames` (the names the policy knows
 * it by; normally one), or none at all when `withScopes` is false.
 */
export function principalFor(
  record: PrincipalRecord,
  usernames: string[],
  via: Principal['via'],
  settings: Pick<AuthSettings, 'accessControl' | 'resourceGroup'>,
  withScopes = true,
): Principal {
  const policy = accessControlOf(settings);
  const username = usernames[0] ?? record.identities[0]?.id ?? '';
  const union = (pick: (name: string) => string[]) =>
    withScopes ? [...new Set(usernames.flatMap(pick))].sort() : [];
  return {
    ...record,
    username,
    displayedName: policy.displayedUserName(username),
    userGroup: settings.resourceGroup ?? DEFAULT_RESOURCE_GROUP,
    roles: union((name) => policy.userRoles(name)),
    scopes: union((name) => policy.userScopes(name)),
    apiKeyScopes: null,
    via,
  };
}

/** Whoever presented the single-user API key (role unauthenticated_single_user). */
export function singleUserPrincipal(
  settings: Pick<AuthSettings, 'accessControl' | 'resourceGroup'>,
): Principal {
  return principalFor(
    anonymousRecord(UNAUTHENTICATED_SINGLE_USER),
    [UNAUTHENTICATED_SINGLE_USER],
    'single_user_api_key',
    settings,
  );
}

/**
 * A request without credentials: UNAUTHENTICATED_PUBLIC with `read:status` when anonymous access
 * is on, with no scopes at all otherwise (so every scoped route answers 401).
 */
export function publicPrincipal(
  settings: Pick<AuthSettings, 'accessControl' | 'resourceGroup' | 'allowAnonymous'>,
): Principal {
  return principalFor(
    anonymousRecord(UNAUTHENTICATED_PUBLIC),
    [UNAUTHENTICATED_PUBLIC],
    'none',
    settings,
    settings.allowAnonymous,
  );
}

// The reference makes a fresh uuid for the unauthenticated users on every request; nothing keys on it.
function anonymousRecord(username: string): PrincipalRecord {
  return {
    uuid: randomUUID().replaceAll('-', ''),
    type: 'user',
    identities: [{ id: username, provider: ANONYMOUS_PROVIDER }],
  };
}

/** Throws the reference's 401 unless the principal holds every one of `scopes`. */
export function requireScopes(principal: Pick<Principal, 'scopes'>, scopes: readonly string[]): void {
  const held = new Set(principal.scopes);
  if (scopes.every((scope) => held.has(scope))) return;
  throw new DomainError(
    'unauthorized',
    `Not enough permissions. Requires scopes ${pythonRepr([...scopes])}. Request had scopes ${pythonRepr(principal.scopes)}`,
  );
}
