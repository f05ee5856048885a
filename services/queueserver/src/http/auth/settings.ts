/**
 * What the HTTP authentication needs to know (spec §10.2, §14.2): the configured keys, stores,
 * policy and lifetimes. The lead builds one from env/config; tests build one by hand.
 */

import type { ApiAccessControl } from './access-control.ts';
import type { ApiKeyStore } from './api-keys.ts';
import type { OidcVerifier } from './oidc.ts';
import type { SessionStore } from './sessions.ts';

export interface AuthSettings {
  /** Bearer tokens of external OpenID Connect providers, verified against their JWKS. */
  oidc?: OidcVerifier;
  /** The single-user API key (single-user mode: no providers). Unset = no key is accepted. */
  singleUserApiKey?: string;
  /** Requests without credentials get UNAUTHENTICATED_PUBLIC's scopes (never on WebSockets). */
  allowAnonymous: boolean;
  /** JWT secrets: the first signs, all are tried when verifying (key rotation). */
  secretKeys: string[];
  /**
   * Names of the configured authentication providers. Any provider switches to multi-user mode:
   * the single-user key is off and API keys come from `apiKeys`.
   */
  providers?: string[];
  /** Minted API keys (multi-user mode). */
  apiKeys?: ApiKeyStore;
  /** Principals and login sessions (multi-user mode). */
  sessions?: SessionStore;
  /** Who holds which scopes; the basic policy (the two unauthenticated users) when unset. */
  accessControl?: ApiAccessControl;
  /** The resource group every user maps to (DefaultResourceAccessControl). */
  resourceGroup?: string;
  /** Lifetimes in seconds: access 900, refresh 7 days, session 365 days by default. */
  accessTokenMaxAge?: number;
  refreshTokenMaxAge?: number;
  sessionMaxAge?: number;
  /** The clock, in epoch milliseconds (injected by tests). */
  now?: () => number;
}

export const DEFAULT_ACCESS_TOKEN_MAX_AGE = 900;
export const DEFAULT_REFRESH_TOKEN_MAX_AGE = 7 * 24 * 3600;
export const DEFAULT_SESSION_MAX_AGE = 365 * 24 * 3600;
export const DEFAULT_RESOURCE_GROUP = 'primary';

/** The settings' clock in whole epoch seconds (the reference works with second resolution). */
export function nowSeconds(settings: Pick<AuthSettings, 'now'>): number {
  return Math.floor((settings.now?.() ?? Date.now()) / 1000);
}

/** Whether authentication providers are configured (multi-user mode). */
export function isMultiUser(settings: Pick<AuthSettings, 'providers'>): boolean {
  return (settings.providers?.length ?? 0) > 0;
}
