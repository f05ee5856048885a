/**
 * The HTTP authentication set-up from the environment and the httpserver YAML (spec §14.2): file
 * values win over the environment, providers switch to multi-user mode, and what is not supported
 * is refused at start-up by name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type HttpAuthEnvironment, httpAuthSetup } from '../src/http/auth/config.ts';
import { removeDir } from './harness.ts';

const BASE: HttpAuthEnvironment = {
  QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: 'envkey',
  QSERVER_HTTP_SERVER_ALLOW_ANONYMOUS_ACCESS: false,
  QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS: 'one;two',
  QSERVER_HTTP_SERVER_ALLOW_ORIGINS: 'http://a.example http://b.example',
};

describe('HTTP authentication set-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qs-auth-config-'));
  after(() => removeDir(dir));
  let files = 0;
  const withFile = (yaml: string) => {
    const path = join(dir, `config-${files++}.yml`);
    writeFileSync(path, yaml);
    return httpAuthSetup(BASE, { QSERVER_HTTP_SERVER_CONFIG: path });
  };

  it('takes the environment when there is no file', () => {
    const setup = httpAuthSetup(BASE, { QSERVER_HTTP_SERVER_ACCESS_TOKEN_MAX_AGE: '60' });
    assert.equal(setup.settings.singleUserApiKey, 'envkey');
    assert.deepEqual(setup.settings.secretKeys, ['one', 'two']);
    assert.equal(setup.settings.allowAnonymous, false);
    assert.equal(setup.settings.accessTokenMaxAge, 60);
    assert.equal(setup.settings.refreshTokenMaxAge, 604800);
    assert.equal(setup.settings.providers, undefined);
    assert.deepEqual(setup.allowOrigins, ['http://a.example', 'http://b.example']);
    assert.equal(setup.generatedApiKey, undefined);
  });

  it('makes up a key when none is set, and refuses one that is not alphanumeric', () => {
    const setup = httpAuthSetup({ ...BASE, QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: '' }, {});
    assert.match(setup.generatedApiKey ?? '', /^[0-9a-f]{32}$/);
    assert.equal(setup.settings.singleUserApiKey, setup.generatedApiKey);
    assert.throws(
      () => httpAuthSetup({ ...BASE, QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: 'not-alnum' }, {}),
      /QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: must be alphanumeric/,
    );
  });

  it("lets the file's values win", () => {
    const setup = withFile(`
authentication:
  single_user_api_key: filekey
  allow_anonymous_access: true
  secret_keys: file-secret
  session_max_age: 100
resource_access:
  policy: bluesky_httpserver.authorization:DefaultResourceAccessControl
  args: { default_group: test_user }
allow_origins: [http://c.example]
`);
    assert.equal(setup.settings.singleUserApiKey, 'filekey');
    assert.equal(setup.settings.allowAnonymous, true);
    assert.deepEqual(setup.settings.secretKeys, ['file-secret']);
    assert.equal(setup.settings.sessionMaxAge, 100);
    assert.equal(setup.settings.resourceGroup, 'test_user');
    assert.deepEqual(setup.allowOrigins, ['http://c.example']);
  });

  it('switches to multi-user mode with providers; the basic policy knows no configured users', () => {
    const setup = withFile(`
authentication:
  providers:
    - { provider: toy, authenticator: DictionaryAuthenticator, args: { users_to_passwords: { u: p } } }
    - { provider: demo, authenticator: bluesky_httpserver.authenticators:DummyAuthenticator }
api_access:
  policy: bluesky_httpserver.authorization:BasicAPIAccessControl
  args: { users: { u: { roles: [user] } }, roles: { user: { scopes_add: [write:lock] } } }
`);
    assert.deepEqual(setup.settings.providers, ['toy', 'demo']);
    assert.equal(setup.settings.singleUserApiKey, undefined);
    assert.ok(setup.settings.apiKeys && setup.settings.sessions);
    assert.equal(setup.authenticators.get('toy')?.authenticate('u', 'p'), 'u');
    assert.equal(setup.authenticators.get('toy')?.authenticate('u', 'x'), undefined);
    assert.equal(setup.authenticators.get('demo')?.authenticate('anyone', 'anything'), 'anyone');
    assert.equal(setup.settings.accessControl?.isUserKnown('u'), false);
  });

  it('refuses what it does not support, by name', () => {
    assert.throws(
      () =>
        withFile(`
authentication:
  providers:
    - { provider: ldap, authenticator: bluesky_httpserver.authenticators:LDAPAuthenticator }
`),
      /provider 'ldap': authenticator "bluesky_httpserver.authenticators:LDAPAuthenticator" is not supported/,
    );
    assert.throws(
      () =>
        withFile(`
authentication:
  providers:
    - { provider: sso, authenticator: bluesky_httpserver.authenticators:OIDCAuthenticator }
`),
      /provider 'sso': OIDCAuthenticator needs args.issuer or args.well_known_uri/,
    );
    assert.throws(
      () =>
        withFile(
          'authentication:\n  providers:\n    - { provider: toy, authenticator: DictionaryAuthenticator }\n',
        ),
      /DictionaryAuthenticator needs args.users_to_passwords/,
    );
    assert.throws(
      () =>
        withFile('api_access: { policy: bluesky_httpserver.authorization:ServerBasedAPIAccessControl }\n'),
      /api_access policy .* is not supported/,
    );
    assert.throws(() => withFile('- a list\n'), /must hold a mapping/);
    assert.throws(
      () => httpAuthSetup(BASE, { QSERVER_HTTP_SERVER_CONFIG: join(dir, 'absent.yml') }),
      /QSERVER_HTTP_SERVER_CONFIG: cannot read/,
    );
  });
});
