/**
 * The HTTP side's authentication set-up (spec §10.2, §14.2): the environment's single-user key,
 * anonymous access and secrets, overridden by the httpserver YAML named by
 * `QSERVER_HTTP_SERVER_CONFIG` (its `authentication`, `api_access`, `resource_access` and
 * `allow_origins` sections). Username/password providers (the dictionary and dummy authenticators)
 * switch to multi-user mode; OIDC providers' Bearer tokens are verified against their JWKS; PAM, LDAP,
 * SAML and Entra are refused by name.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigOf, loadConfig, yaml } from '@ophyd-service/service-kit';
import { type AccessControlOptions, ApiAccessControl } from './access-control.ts';
import { InMemoryApiKeyStore } from './api-keys.ts';
import { DictionaryAuthenticator, type PasswordAuthenticator } from './dictionary.ts';
import { type OidcProviderConfig, OidcVerifier } from './oidc.ts';
import { InMemorySessionStore } from './sessions.ts';
import type { AuthSettings } from './settings.ts';

export const httpAuthConfigSchema = {
  type: 'object',
  properties: {
    QSERVER_HTTP_SERVER_CONFIG: {
      type: 'string',
      default: '',
      description:
        'httpserver YAML: authentication (providers, secret_keys, …), api_access, resource_access, allow_origins; its values override the environment',
    },
    QSERVER_HTTP_SERVER_ACCESS_TOKEN_MAX_AGE: {
      type: 'integer',
      minimum: 1,
      default: 900,
      description: 'Access token lifetime, seconds',
    },
    QSERVER_HTTP_SERVER_REFRESH_TOKEN_MAX_AGE: {
      type: 'integer',
      minimum: 1,
      default: 604800,
      description: 'Refresh token lifetime, seconds',
    },
    QSERVER_HTTP_SERVER_SESSION_MAX_AGE: {
      type: 'integer',
      minimum: 1,
      default: 31536000,
      description: 'Login session lifetime, seconds',
    },
  },
} as const;

/** The settings config.ts already reads that authentication uses. */
export interface HttpAuthEnvironment {
  QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: string;
  QSERVER_HTTP_SERVER_ALLOW_ANONYMOUS_ACCESS: boolean;
  QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS: string;
  QSERVER_HTTP_SERVER_ALLOW_ORIGINS: string;
}

export interface HttpAuthSetup {
  settings: AuthSettings;
  /** Username/password authenticators by provider name (`POST /api/auth/provider/<name>/token`). */
  authenticators: Map<string, PasswordAuthenticator>;
  allowOrigins: string[];
  /** The single-user key made up because none was configured (to be printed), if one was. */
  generatedApiKey?: string;
}

interface ProviderSpec {
  provider?: unknown;
  authenticator?: unknown;
  args?: Record<string, unknown> | null;
}

interface HttpServerYaml {
  authentication?: {
    providers?: ProviderSpec[] | null;
    secret_keys?: string[] | string | null;
    allow_anonymous_access?: boolean | null;
    single_user_api_key?: string | null;
    access_token_max_age?: number | null;
    refresh_token_max_age?: number | null;
    session_max_age?: number | null;
  } | null;
  api_access?: { policy?: string; args?: AccessControlOptions | null } | null;
  resource_access?: { policy?: string; args?: { default_group?: string } | null } | null;
  allow_origins?: string[] | null;
}

/** The last part of a Python object path: `bluesky_httpserver.authenticators:DictionaryAuthenticator`. */
const className = (path: string) => path.split(/[:.]/).at(-1) ?? path;

/** Builds the authentication settings from the environment and the optional YAML file. */
export function httpAuthSetup(
  base: HttpAuthEnvironment,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): HttpAuthSetup {
  const extra: ConfigOf<typeof httpAuthConfigSchema> = loadConfig(httpAuthConfigSchema, env);
  const file = extra.QSERVER_HTTP_SERVER_CONFIG ? readYaml(extra.QSERVER_HTTP_SERVER_CONFIG) : {};
  const auth = file.authentication ?? {};
  const authenticators = new Map<string, PasswordAuthenticator>();
  const oidcProviders: OidcProviderConfig[] = [];
  for (const spec of auth.providers ?? []) {
    const oidc = oidcProviderOf(spec);
    if (oidc) {
      oidcProviders.push(oidc);
      continue;
    }
    const [name, authenticator] = providerOf(spec);
    authenticators.set(name, authenticator);
  }
  const multiUser = authenticators.size > 0 || oidcProviders.length > 0;
  const secretKeys = (
    typeof auth.secret_keys === 'string'
      ? [auth.secret_keys]
      : (auth.secret_keys ?? base.QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS.split(';'))
  ).filter(Boolean);
  let singleUserApiKey: string | undefined;
  let generatedApiKey: string | undefined;
  if (!multiUser) {
    singleUserApiKey = auth.single_user_api_key || base.QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY;
    if (!singleUserApiKey) singleUserApiKey = generatedApiKey = randomBytes(16).toString('hex');
    if (!/^[A-Za-z0-9]+$/.test(singleUserApiKey))
      throw new ConfigError('QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY', 'must be alphanumeric');
  }
  const settings: AuthSettings = {
    singleUserApiKey,
    allowAnonymous: auth.allow_anonymous_access ?? base.QSERVER_HTTP_SERVER_ALLOW_ANONYMOUS_ACCESS,
    secretKeys: secretKeys.length ? secretKeys : [randomBytes(32).toString('hex')],
    accessControl: accessControl(file.api_access),
    resourceGroup: resourceGroup(file.resource_access),
    accessTokenMaxAge: auth.access_token_max_age ?? extra.QSERVER_HTTP_SERVER_ACCESS_TOKEN_MAX_AGE,
    refreshTokenMaxAge: auth.refresh_token_max_age ?? extra.QSERVER_HTTP_SERVER_REFRESH_TOKEN_MAX_AGE,
    sessionMaxAge: auth.session_max_age ?? extra.QSERVER_HTTP_SERVER_SESSION_MAX_AGE,
  };
  if (multiUser) {
    settings.providers = [...authenticators.keys(), ...oidcProviders.map((p) => p.name)];
    if (oidcProviders.length) settings.oidc = new OidcVerifier(oidcProviders);
    settings.apiKeys = new InMemoryApiKeyStore();
    settings.sessions = new InMemorySessionStore();
  }
  const allowOrigins = file.allow_origins ?? base.QSERVER_HTTP_SERVER_ALLOW_ORIGINS.split(/\s+/);
  return { settings, authenticators, allowOrigins: allowOrigins.filter(Boolean), generatedApiKey };
}

function readYaml(path: string): HttpServerYaml {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('QSERVER_HTTP_SERVER_CONFIG', `cannot read ${path}: ${(error as Error).message}`);
  }
  const doc = yaml().parse(text) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError('QSERVER_HTTP_SERVER_CONFIG', `${path} must hold a mapping`);
  return doc as HttpServerYaml;
}

/**
 * An `OIDCAuthenticator` provider entry: tokens its issuer signs are accepted as Bearer credentials.
 * `args.issuer` (or the issuer of `args.well_known_uri`), `args.audience` (default `args.client_id`)
 * and optionally `args.username_claim`.
 */
function oidcProviderOf(spec: ProviderSpec): OidcProviderConfig | null {
  const kind = typeof spec?.authenticator === 'string' ? className(spec.authenticator) : '';
  if (kind !== 'OIDCAuthenticator') return null;
  const fail = (problem: string) =>
    new ConfigError('QSERVER_HTTP_SERVER_CONFIG', `provider '${spec.provider}': ${problem}`);
  const args = (spec.args ?? {}) as Record<string, unknown>;
  const wellKnown = typeof args.well_known_uri === 'string' ? args.well_known_uri : undefined;
  const issuer =
    typeof args.issuer === 'string'
      ? args.issuer
      : wellKnown?.replace(/\/\.well-known\/openid-configuration\/?$/, '');
  const audience = typeof args.audience === 'string' ? args.audience : args.client_id;
  if (typeof spec.provider !== 'string' || !/^[\w-]+$/.test(spec.provider))
    throw fail('every authentication provider needs a name (letters, digits, _ and -)');
  if (!issuer) throw fail('OIDCAuthenticator needs args.issuer or args.well_known_uri');
  if (typeof audience !== 'string') throw fail('OIDCAuthenticator needs args.audience or args.client_id');
  return {
    name: spec.provider,
    issuer,
    audience,
    ...(typeof args.username_claim === 'string' ? { usernameClaim: args.username_claim } : {}),
  };
}

/** A provider entry of the YAML: its name and a password authenticator, or a ConfigError. */
function providerOf(spec: ProviderSpec): [string, PasswordAuthenticator] {
  const fail = (problem: string) => new ConfigError('QSERVER_HTTP_SERVER_CONFIG', problem);
  if (typeof spec?.provider !== 'string' || !/^[\w-]+$/.test(spec.provider))
    throw fail('every authentication provider needs a name (letters, digits, _ and -)');
  const kind = typeof spec.authenticator === 'string' ? className(spec.authenticator) : '';
  if (kind === 'DictionaryAuthenticator') {
    const users = spec.args?.users_to_passwords;
    if (!users || typeof users !== 'object')
      throw fail(`provider '${spec.provider}': DictionaryAuthenticator needs args.users_to_passwords`);
    return [spec.provider, new DictionaryAuthenticator(users as Record<string, string>)];
  }
  if (kind === 'DummyAuthenticator')
    // The reference's test authenticator: any password is right.
    return [spec.provider, { authenticate: (username) => username || undefined }];
  throw fail(
    `provider '${spec.provider}': authenticator ${JSON.stringify(spec.authenticator)} is not supported ` +
      '(DictionaryAuthenticator, DummyAuthenticator and OIDCAuthenticator are; PAM, LDAP, SAML and Entra are not yet)',
  );
}

function accessControl(section: HttpServerYaml['api_access']): ApiAccessControl {
  const policy = className(section?.policy ?? 'BasicAPIAccessControl');
  if (policy !== 'BasicAPIAccessControl' && policy !== 'DictionaryAPIAccessControl')
    throw new ConfigError(
      'QSERVER_HTTP_SERVER_CONFIG',
      `api_access policy '${section?.policy}' is not supported (BasicAPIAccessControl and DictionaryAPIAccessControl are)`,
    );
  const args = section?.args ?? {};
  return new ApiAccessControl({
    roles: args.roles,
    users: policy === 'BasicAPIAccessControl' ? null : args.users,
  });
}

function resourceGroup(section: HttpServerYaml['resource_access']): string {
  const policy = className(section?.policy ?? 'DefaultResourceAccessControl');
  if (policy !== 'DefaultResourceAccessControl')
    throw new ConfigError(
      'QSERVER_HTTP_SERVER_CONFIG',
      `resource_access policy '${section?.policy}' is not supported (DefaultResourceAccessControl is)`,
    );
  return section?.args?.default_group ?? 'primary';
}
