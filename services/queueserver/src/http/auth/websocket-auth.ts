/**
 * WebSocket authentication (spec §10.5): credentials from the upgrade request's Authorization
 * header, else its `?api_key=` / `?access_token=` query; failing that the socket is accepted and
 * must authenticate with its first text frame. WebSockets are never anonymous.
 */

import type { IncomingMessage } from 'node:http';
import { DomainError } from '@ophyd-service/service-kit';
import {
  headerOf,
  parseAuthorization,
  principalFromAccessToken,
  principalFromApiKey,
} from './authenticate.ts';
import { type Principal, requireScopes } from './principal.ts';
import type { AuthSettings } from './settings.ts';

/** Close code for a first-message credential that does not check out. */
export const WS_CLOSE_INVALID_TOKEN = 4001;
/** Close code when no first-message credential arrived in time. */
export const WS_CLOSE_AUTH_REQUIRED = 4401;
/** How long an accepted socket may take to send its auth frame. */
export const WS_FIRST_MESSAGE_TIMEOUT_MS = 10_000;

/** The upgrade request: its headers and query (or Node's IncomingMessage, whose url holds the query). */
export interface UpgradeRequest {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
}

function upgradeView(request: UpgradeRequest | IncomingMessage): UpgradeRequest {
  if ('query' in request) return request;
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value[0] : value;
  const query: Record<string, string | undefined> = {};
  for (const [name, value] of new URL(request.url ?? '/', 'http://upgrade').searchParams)
    query[name] ??= value;
  return { headers, query };
}

export type UpgradeAuth = { principal: Principal } | { needsFirstMessage: true };

export type FirstMessageAuth =
  | { principal: Principal }
  | { closeCode: typeof WS_CLOSE_INVALID_TOKEN; reason: string };

type Credential = { apiKey: string } | { accessToken: string };

/** The upgrade's credential: the header (ApiKey or Bearer, any case) wins over the query. */
function upgradeCredential(request: UpgradeRequest): Credential | undefined {
  const authorization = parseAuthorization(headerOf(request, 'authorization'));
  const scheme = authorization?.scheme.toLowerCase();
  if (authorization && scheme === 'apikey') return { apiKey: authorization.param };
  if (authorization && scheme === 'bearer') return { accessToken: authorization.param };
  if (request.query.api_key !== undefined) return { apiKey: request.query.api_key };
  if (request.query.access_token !== undefined) return { accessToken: request.query.access_token };
  return undefined;
}

async function principalOf(credential: Credential, settings: AuthSettings): Promise<Principal> {
  return 'apiKey' in credential
    ? principalFromApiKey(credential.apiKey, settings)
    : principalFromAccessToken(credential.accessToken, settings);
}

/**
 * Decides at upgrade time: a principal when the request's credentials are valid and hold
 * `requiredScopes`; otherwise (none, invalid, or lacking the scope) the socket is to be accepted
 * and authenticated by its first message.
 */
export async function authFromUpgrade(
  request: UpgradeRequest | IncomingMessage,
  requiredScopes: string | readonly string[],
  settings: AuthSettings,
): Promise<UpgradeAuth> {
  const credential = upgradeCredential(upgradeView(request));
  if (!credential) return { needsFirstMessage: true };
  try {
    const principal = await principalOf(credential, settings);
    requireScopes(principal, typeof requiredScopes === 'string' ? [requiredScopes] : requiredScopes);
    return { principal };
  } catch (err) {
    if (err instanceof DomainError) return { needsFirstMessage: true };
    throw err;
  }
}

/**
 * Checks the first text frame, `{"type":"auth","api_key":"…"}` or `{"type":"auth","access_token":"…"}`.
 * Like the reference, this path does not check the route's scope.
 */
export async function authFromFirstMessage(text: string, settings: AuthSettings): Promise<FirstMessageAuth> {
  const invalid = { closeCode: WS_CLOSE_INVALID_TOKEN, reason: 'Invalid token' } as const;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return invalid;
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'auth') {
    return invalid;
  }
  const { api_key: apiKey, access_token: accessToken } = message as Record<string, unknown>;
  const credential: Credential | undefined =
    typeof apiKey === 'string' ? { apiKey } : typeof accessToken === 'string' ? { accessToken } : undefined;
  if (!credential) return invalid;
  try {
    return { principal: await principalOf(credential, settings) };
  } catch (err) {
    if (err instanceof DomainError) return invalid;
    throw err;
  }
}
