/**
 * Who is calling (spec §10.2): credentials are looked up in the reference's order — `?api_key=`,
 * `Authorization: ApiKey`, the API-key cookie, then `Authorization: Bearer` — and turned into a
 * principal, or refused with the reference's 400/401 texts.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import { type ApiKeyInfo, apiKeyInfo, lookupValidApiKey } from './api-keys.ts';
import { OidcExpiredError, type OidcVerifier } from './oidc.ts';
import { type Principal, principalFor, publicPrincipal, singleUserPrincipal } from './principal.ts';
import { knownUsernames } from './sessions.ts';
import { type AuthSettings, isMultiUser, nowSeconds } from './settings.ts';
import { decodeAccessToken, ExpiredTokenError } from './tokens.ts';

/** The parts of an HTTP request authentication reads (Koa's ctx maps onto it directly). */
export interface AuthRequest {
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  cookies: Record<string, string | undefined>;
  method: string;
}

/** The name the HTTP layer uses for the same view. */
export type RequestView = AuthRequest;

/** The cookie an API key given in the query is moved into, and that browsers send back. */
export const API_KEY_COOKIE = 'bluesky_httpserver_api_key';

/** A header by case-insensitive name. */
export function headerOf(request: Pick<AuthRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `Authorization: <scheme> <param>`, split at the first space as FastAPI does. */
export function parseAuthorization(value: string | undefined): { scheme: string; param: string } | undefined {
  if (!value) return undefined;
  const space = value.indexOf(' ');
  return space < 0
    ? { scheme: value, param: '' }
    : { scheme: value.slice(0, space), param: value.slice(space + 1) };
}

export type Credentials =
  | { apiKey: string; fromQuery: boolean; accessToken?: undefined }
  | { accessToken: string; apiKey?: undefined }
  | { apiKey?: undefined; accessToken?: undefined };

/** The request's credentials in lookup order; an Authorization scheme other than ApiKey/Bearer is a 400. */
export function credentialsOf(request: Omit<AuthRequest, 'method'>): Credentials {
  const authorization = parseAuthorization(headerOf(request, 'authorization'));
  let headerKey: string | undefined;
  let bearer: string | undefined;
  if (authorization) {
    const scheme = authorization.scheme.toLowerCase();
    if (scheme === 'bearer') bearer = authorization.param;
    else if (scheme === 'apikey') headerKey = authorization.param;
    else {
      throw new DomainError(
        'bad_request',
        "Authorization header must include the authorization type followed by a space and then the secret, as in 'Bearer SECRET' or 'Apikey SECRET'. ",
      );
    }
  }
  const fromQuery = request.query.api_key !== undefined;
  const apiKey = request.query.api_key ?? headerKey ?? request.cookies[API_KEY_COOKIE];
  if (apiKey !== undefined) return { apiKey, fromQuery };
  if (bearer !== undefined) return { accessToken: bearer };
  return {};
}

/** Authenticates an HTTP request; no credentials give the public principal (scoped by allowAnonymous). */
export async function authenticate(request: AuthRequest, settings: AuthSettings): Promise<Principal> {
  const credentials = credentialsOf(request);
  if (credentials.apiKey !== undefined) {
    const principal = await principalFromApiKey(credentials.apiKey, settings);
    if (credentials.fromQuery && request.cookies[API_KEY_COOKIE] !== credentials.apiKey) {
      principal.apiKeyCookie = credentials.apiKey;
    }
    return principal;
  }
  if (credentials.accessToken !== undefined)
    return principalFromAccessToken(credentials.accessToken, settings);
  return publicPrincipal(settings);
}

const invalidApiKey = () => new DomainError('unauthorized', 'Invalid API key');

/**
 * The principal an API key stands for: the single user's key without providers, a minted key
 * (scopes = the key's, resolved against its owner's current ones) with them; 401 otherwise.
 */
export async function principalFromApiKey(apiKey: string, settings: AuthSettings): Promise<Principal> {
  if (!isMultiUser(settings)) {
    const key = settings.singleUserApiKey;
    if (key === undefined || !sameSecret(apiKey, key)) throw invalidApiKey();
    return singleUserPrincipal(settings);
  }
  const record = await lookupValidApiKey(apiKey, settings);
  if (!record) throw invalidApiKey();
  const principal = principalFor(
    record.principal,
    knownUsernames(record.principal, settings),
    'api_key',
    settings,
  );
  // A key keeps only the scopes its owner still has; "inherit" stands for all of them.
  const ownerScopes = new Set(principal.scopes);
  const scopes = new Set(record.scopes.filter((scope) => scope === 'inherit' || ownerScopes.has(scope)));
  if (scopes.delete('inherit')) for (const scope of ownerScopes) scopes.add(scope);
  principal.scopes = [...scopes].sort();
  principal.apiKeyScopes = [...record.scopes].sort();
  record.latestActivity = nowSeconds(settings);
  await settings.apiKeys?.update(record);
  return principal;
}

/** The principal of a Bearer access token; scopes come from the policy now, not from the token. */
export async function principalFromAccessToken(token: string, settings: AuthSettings): Promise<Principal> {
  let payload: Awaited<ReturnType<typeof decodeAccessToken>>;
  try {
    payload = await decodeAccessToken(token, settings);
  } catch (err) {
    if (err instanceof ExpiredTokenError)
      throw new DomainError('unauthorized', 'Access token has expired. Refresh token.');
    const external = settings.oidc?.configured ? await principalFromProviderToken(token, settings) : null;
    if (external) return external;
    throw err;
  }
  const identities = payload.ids.map((i) => ({ id: i.id, provider: i.idp }));
  const providers = new Set(settings.providers ?? []);
  const usernames = identities.filter((i) => providers.has(i.provider)).map((i) => i.id);
  const type = payload.sub_typ === 'service' ? 'service' : 'user';
  return principalFor({ uuid: payload.sub, type, identities }, usernames, 'access_token', settings);
}

/**
 * The principal of a token an OpenID Connect provider signed: the provider's user name, with the
 * roles the access policy gives it; a stable uuid per provider and user.
 */
async function principalFromProviderToken(token: string, settings: AuthSettings): Promise<Principal | null> {
  let identity: Awaited<ReturnType<OidcVerifier['verify']>>;
  try {
    identity = (await settings.oidc?.verify(token)) ?? null;
  } catch (err) {
    if (err instanceof OidcExpiredError)
      throw new DomainError('unauthorized', 'Access token has expired. Refresh token.');
    throw err;
  }
  if (!identity) return null;
  const uuid = createHash('sha256')
    .update(`${identity.provider}\0${identity.username}`)
    .digest('hex')
    .slice(0, 32);
  const identities = [{ id: identity.username, provider: identity.provider }];
  return principalFor({ uuid, type: 'user', identities }, [identity.username], 'access_token', settings);
}

/** `GET /api/auth/apikey`: the stored view of the minted key this request carries. */
export async function currentApiKeyInfo(request: AuthRequest, settings: AuthSettings): Promise<ApiKeyInfo> {
  const credentials = credentialsOf(request);
  if (credentials.apiKey === undefined) {
    throw new DomainError('unauthorized', 'No API key was provided with this request.');
  }
  const record = await lookupValidApiKey(credentials.apiKey, settings);
  if (!record) throw invalidApiKey();
  return apiKeyInfo(record);
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
