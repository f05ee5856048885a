/**
 * Bearer tokens issued by an OpenID Connect provider (spec §10.2, "external OIDC authenticators"):
 * a token is accepted when its signature verifies against the provider's published keys (JWKS,
 * found through its discovery document), its issuer is the provider's, its audience ours, and it
 * has not expired. The user is the token's `preferred_username` (or another claim), as the provider
 * names it; the access policy gives that user its roles, as for any other login.
 */
import type { createRemoteJWKSet, JWTPayload } from 'jose';

/** jose on first use: a queue server with no OIDC provider never loads it. */
const jose = () => import('jose');

export interface OidcProviderConfig {
  /** The provider's name in identities (`ids[].idp`), e.g. `keycloak`. */
  name: string;
  /** The issuer URL; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The audience (`aud`) our tokens must carry: the client id registered with the provider. */
  audience: string;
  /** The claim naming the user (default `preferred_username`, falling back to `sub`). */
  usernameClaim?: string;
}

export interface OidcIdentity {
  provider: string;
  username: string;
  claims: JWTPayload;
}

/** The token was the provider's but has expired (the client should log in again). */
export class OidcExpiredError extends Error {
  override name = 'OidcExpiredError';
}

/** Verifies provider tokens; discovery and key sets are fetched once per provider and cached. */
export class OidcVerifier {
  private readonly providers: OidcProviderConfig[];
  private readonly keySets = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();

  constructor(providers: OidcProviderConfig[]) {
    this.providers = providers;
  }

  get configured(): boolean {
    return this.providers.length > 0;
  }

  /**
   * The identity a token proves, or null when no configured provider issued it (the caller then
   * answers "Could not validate credentials"). An expired provider token throws OidcExpiredError.
   */
  async verify(token: string): Promise<OidcIdentity | null> {
    const issuer = unverifiedIssuer(token);
    const provider = this.providers.find((p) => sameIssuer(p.issuer, issuer));
    if (!provider) return null;
    const { errors, jwtVerify } = await jose();
    try {
      const { payload } = await jwtVerify(token, await this.keySet(provider), {
        issuer: provider.issuer,
        audience: provider.audience,
      });
      const claim = provider.usernameClaim ?? 'preferred_username';
      const username = typeof payload[claim] === 'string' ? (payload[claim] as string) : payload.sub;
      if (!username) return null;
      return { provider: provider.name, username, claims: payload };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new OidcExpiredError('the provider token has expired');
      return null;
    }
  }

  private keySet(provider: OidcProviderConfig): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let keys = this.keySets.get(provider.name);
    if (!keys) {
      keys = Promise.all([discoverJwks(provider.issuer), jose()]).then(([uri, { createRemoteJWKSet }]) =>
        createRemoteJWKSet(new URL(uri)),
      );
      // A failed discovery is retried on the next token rather than remembered forever.
      keys.catch(() => this.keySets.delete(provider.name));
      this.keySets.set(provider.name, keys);
    }
    return keys;
  }
}

async function discoverJwks(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${url} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} names no jwks_uri`);
  return document.jwks_uri;
}

/** The `iss` claim read without verifying anything: only to pick the provider whose keys verify it. */
function unverifiedIssuer(token: string): string | undefined {
  const [, body] = token.split('.');
  if (!body) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

function sameIssuer(a: string, b: string | undefined): boolean {
  return b !== undefined && a.replace(/\/$/, '') === b.replace(/\/$/, '');
}
