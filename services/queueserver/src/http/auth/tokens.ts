/**
 * HS256 access and refresh tokens (spec §10.2): signed with the first secret key, verified with
 * each key in turn, claims as the reference writes them.
 */

import { randomUUID } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import type { JWTPayload } from 'jose';
import {
  type AuthSettings,
  DEFAULT_ACCESS_TOKEN_MAX_AGE,
  DEFAULT_REFRESH_TOKEN_MAX_AGE,
  nowSeconds,
} from './settings.ts';

type TokenSettings = Pick<AuthSettings, 'secretKeys' | 'accessTokenMaxAge' | 'refreshTokenMaxAge' | 'now'>;

/** What an access token carries: enough to rebuild the principal without a database hit. */
export interface AccessClaims {
  /** The principal's uuid, 32 hex digits. */
  sub: string;
  sub_typ: string;
  scp: string[];
  ids: { id: string; idp: string }[];
  state?: unknown;
}

export interface AccessPayload extends AccessClaims {
  exp: number;
  type: 'access';
}

export interface RefreshPayload {
  sid: string;
  exp: number;
  type: 'refresh';
}

/** The token response of the login and refresh routes. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  token_type: 'bearer';
}

/** Thrown when a token's signature checks out but it has expired (each route words this its own way). */
export class ExpiredTokenError extends Error {
  override name = 'ExpiredTokenError';
}

const ALGORITHM = 'HS256';
/** jose on first use: a queue server with no token login configured never loads it (~3 MB of RSS). */
const jose = () => import('jose');
const encodeKey = (secret: string) => new TextEncoder().encode(secret);

async function signer(payload: Record<string, unknown>, settings: TokenSettings): Promise<string> {
  if (settings.secretKeys.length === 0) throw new Error('No secret key is configured for signing tokens');
  const { SignJWT } = await jose();
  // A token id of its own: two tokens signed in the same second for the same session differ (a
  // refresh right after a login must hand out a new refresh token, not the same text again).
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setJti(randomUUID())
    .sign(encodeKey(settings.secretKeys[0]));
}

/** Signs an access token that expires `accessTokenMaxAge` seconds from now. */
export function createAccessToken(claims: AccessClaims, settings: TokenSettings): Promise<string> {
  const exp = nowSeconds(settings) + (settings.accessTokenMaxAge ?? DEFAULT_ACCESS_TOKEN_MAX_AGE);
  return signer({ ...claims, exp, type: 'access' }, settings);
}

/** Signs a refresh token for session `sessionId` that expires `refreshTokenMaxAge` seconds from now. */
export function createRefreshToken(sessionId: string, settings: TokenSettings): Promise<string> {
  const exp = nowSeconds(settings) + (settings.refreshTokenMaxAge ?? DEFAULT_REFRESH_TOKEN_MAX_AGE);
  return signer({ type: 'refresh', sid: sessionId, exp }, settings);
}

/** Signs both tokens and shapes the login/refresh response. */
export async function issueTokens(
  claims: AccessClaims,
  sessionId: string,
  settings: TokenSettings,
): Promise<TokenResponse> {
  return {
    access_token: await createAccessToken(claims, settings),
    expires_in: settings.accessTokenMaxAge ?? DEFAULT_ACCESS_TOKEN_MAX_AGE,
    refresh_token: await createRefreshToken(sessionId, settings),
    refresh_token_expires_in: settings.refreshTokenMaxAge ?? DEFAULT_REFRESH_TOKEN_MAX_AGE,
    token_type: 'bearer',
  };
}

/**
 * Verifies a token with each secret key in turn. A bad token is a 401 `Could not validate
 * credentials`; a genuine but expired one throws ExpiredTokenError.
 */
export async function decodeToken(token: string, settings: TokenSettings): Promise<JWTPayload> {
  const currentDate = new Date(nowSeconds(settings) * 1000);
  const { errors, jwtVerify } = await jose();
  for (const secret of settings.secretKeys) {
    try {
      const { payload } = await jwtVerify(token, encodeKey(secret), { algorithms: [ALGORITHM], currentDate });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new ExpiredTokenError('token expired');
      // Any other failure: try the next key of the rotation.
    }
  }
  throw couldNotValidate();
}

/** Verifies an access token; a refresh token (or anything else) offered in its place is refused. */
export async function decodeAccessToken(token: string, settings: TokenSettings): Promise<AccessPayload> {
  const payload = await decodeToken(token, settings);
  if (payload.type !== 'access' || typeof payload.sub !== 'string' || !Array.isArray(payload.ids)) {
    throw couldNotValidate();
  }
  return payload as unknown as AccessPayload;
}

/** Verifies a refresh token; an access token offered in its place is refused. */
export async function decodeRefreshToken(token: string, settings: TokenSettings): Promise<RefreshPayload> {
  const payload = await decodeToken(token, settings);
  if (payload.type !== 'refresh' || typeof payload.sid !== 'string') throw couldNotValidate();
  return payload as unknown as RefreshPayload;
}

function couldNotValidate(): DomainError {
  return new DomainError('unauthorized', 'Could not validate credentials');
}
