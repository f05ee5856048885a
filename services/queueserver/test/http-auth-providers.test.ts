/**
 * A multi-user server configured the reference's way (spec §10.2, §14.2): an httpserver YAML named
 * by QSERVER_HTTP_SERVER_CONFIG with a DictionaryAuthenticator provider and a dictionary access
 * policy. Password login at /api/auth/provider/<name>/token, bearer tokens, minted API keys,
 * session refresh and revoke, whoami, and the admin's principal routes, on a real server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

const CONFIG = `
authentication:
  providers:
    - provider: toy
      authenticator: bluesky_httpserver.authenticators:DictionaryAuthenticator
      args:
        users_to_passwords: { alice: alice-pw, bob: bob-pw, admin: admin-pw }
  secret_keys: [a-secret-from-the-file]
api_access:
  policy: bluesky_httpserver.authorization:DictionaryAPIAccessControl
  args:
    users:
      alice: { roles: [user], displayed_name: Alice A, email: alice@example.org }
      admin: { roles: [admin] }
`;

describe('HTTP authentication with a dictionary provider', () => {
  let qs: RunningQueueServer;
  let configDir: string;
  const url = (path: string) => `${qs.url}${path}`;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const login = (username: string, password: string) =>
    fetch(url('/api/auth/provider/toy/token'), {
      method: 'POST',
      body: new URLSearchParams({ username, password }),
    });
  const tokensOf = async (username: string) => {
    const response = await login(username, `${username}-pw`);
    assert.equal(response.status, 200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  };

  before(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'qs-http-config-'));
    writeFileSync(join(configDir, 'config.yml'), CONFIG);
    qs = await startTestQueueServer({ QSERVER_HTTP_SERVER_CONFIG: join(configDir, 'config.yml') });
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
    removeDir(configDir);
  });

  it('logs in with a password and works with the bearer token', async () => {
    const tokens = await tokensOf('alice');
    const claims = decodeJwt(tokens.access_token);
    assert.deepEqual(claims.ids, [{ id: 'alice', idp: 'toy' }]);
    const status = await httpJson('GET', url('/api/status'), undefined, bearer(tokens.access_token));
    assert.equal(status.status, 200);
    assert.equal(status.body.manager_state, 'idle');
    const added = await httpJson(
      'POST',
      url('/api/queue/item/add'),
      { item: { item_type: 'plan', name: 'count', args: [['det1']] } },
      bearer(tokens.access_token),
    );
    assert.equal(added.body.item.user, 'alice "Alice A <alice@example.org>"');
    assert.equal(added.body.item.user_group, 'primary');
    // The file's secret signs, not the environment's (the harness's 'test-secret').
    const key = (secret: string) => new TextEncoder().encode(secret);
    await jwtVerify(tokens.access_token, key('a-secret-from-the-file'));
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key('test-secret'));
    const refused = await httpJson('GET', url('/api/status'), undefined, bearer(forged));
    assert.equal(refused.status, 401);
    assert.equal(refused.body.detail, 'Could not validate credentials');
  });

  it('refuses bad logins as the reference words them', async () => {
    const wrong = await login('alice', 'nope');
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { detail: 'Incorrect username or password' });
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
    const unknown = await login('bob', 'bob-pw');
    assert.equal(unknown.status, 401);
    assert.deepEqual(await unknown.json(), { detail: 'User is not authorized to access the server' });
    const incomplete = await fetch(url('/api/auth/provider/toy/token'), {
      method: 'POST',
      body: new URLSearchParams({ username: 'alice' }),
    });
    assert.equal(incomplete.status, 422);
    assert.deepEqual(((await incomplete.json()) as { detail: { loc: string[] }[] }).detail[0].loc, [
      'body',
      'password',
    ]);
    // With providers, the single-user key is off.
    const single = await httpJson('GET', url('/api/status'), undefined, {
      Authorization: `ApiKey ${API_KEY}`,
    });
    assert.equal(single.status, 401);
    assert.equal(single.body.detail, 'Invalid API key');
  });

  it('mints, shows, uses and revokes API keys', async () => {
    const tokens = await tokensOf('alice');
    const minted = await httpJson(
      'POST',
      url('/api/auth/apikey'),
      { expires_in: 600, note: 'for a script' },
      bearer(tokens.access_token),
    );
    assert.equal(minted.status, 200);
    assert.match(minted.body.secret, /^[0-9a-f]{72}$/);
    assert.equal(minted.body.first_eight, minted.body.secret.slice(0, 8));
    assert.deepEqual(minted.body.scopes, ['inherit']);
    assert.equal(minted.body.note, 'for a script');
    const withKey = { Authorization: `ApiKey ${minted.body.secret}` };
    assert.equal((await httpJson('GET', url('/api/queue/get'), undefined, withKey)).status, 200);
    const info = await httpJson('GET', url('/api/auth/apikey'), undefined, withKey);
    assert.equal(info.body.first_eight, minted.body.first_eight);
    assert.match(info.body.latest_activity, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const narrow = await httpJson(
      'POST',
      url('/api/auth/apikey'),
      { expires_in: 60, scopes: ['read:status'] },
      withKey,
    );
    const narrowKey = { Authorization: `ApiKey ${narrow.body.secret}` };
    assert.equal((await httpJson('GET', url('/api/queue/get'), undefined, narrowKey)).status, 401);
    const tooMuch = await httpJson(
      'POST',
      url('/api/auth/apikey'),
      { expires_in: 60, scopes: ['admin:apikeys'] },
      withKey,
    );
    assert.equal(tooMuch.status, 400);
    assert.match(tooMuch.body.detail, /^Requested scopes \['admin:apikeys'\] must be a subset/);

    const revoked = await httpJson(
      'DELETE',
      url(`/api/auth/apikey?first_eight=${minted.body.first_eight}`),
      undefined,
      bearer(tokens.access_token),
    );
    assert.deepEqual(revoked.body, { success: true, msg: '' });
    const gone = await httpJson('GET', url('/api/status'), undefined, withKey);
    assert.equal(gone.status, 401);
    assert.equal(gone.body.detail, 'Invalid API key');
  });

  it('refreshes a session until it is revoked; whoami lists it', async () => {
    const tokens = await tokensOf('alice');
    const refreshed = await httpJson('POST', url('/api/auth/session/refresh'), {
      refresh_token: tokens.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.token_type, 'bearer');
    const whoami = await httpJson(
      'GET',
      url('/api/auth/whoami'),
      undefined,
      bearer(refreshed.body.access_token),
    );
    assert.deepEqual(
      whoami.body.identities.map((i: { id: string; provider: string }) => [i.id, i.provider]),
      [['alice', 'toy']],
    );
    assert.deepEqual(whoami.body.roles, ['user']);
    const sid = String(decodeJwt(tokens.refresh_token).sid);
    const dashed = `${sid.slice(0, 8)}-${sid.slice(8, 12)}-${sid.slice(12, 16)}-${sid.slice(16, 20)}-${sid.slice(20)}`;
    assert.ok(whoami.body.sessions.some((s: { uuid: string }) => s.uuid === dashed));

    const revoke = await httpJson(
      'DELETE',
      url(`/api/auth/session/revoke/${dashed}`),
      undefined,
      bearer(refreshed.body.access_token),
    );
    assert.deepEqual(revoke.body, { success: true, msg: '' });
    const again = await httpJson('POST', url('/api/auth/session/refresh'), {
      refresh_token: tokens.refresh_token,
    });
    assert.equal(again.status, 401);
    assert.equal(again.body.detail, 'Session has expired. Please re-authenticate.');
    const missingBody = await httpJson('POST', url('/api/auth/session/refresh'));
    assert.equal(missingBody.status, 422);
  });

  it("gives the admin the principals, and nothing of the queue's", async () => {
    const alice = await tokensOf('alice');
    const admin = await tokensOf('admin');
    const list = await httpJson('GET', url('/api/auth/principal'), undefined, bearer(admin.access_token));
    assert.equal(list.status, 200);
    const ids = list.body.map((p: { identities: { id: string }[] }) => p.identities[0].id).sort();
    assert.deepEqual(ids, ['admin', 'alice']);
    const aliceDoc = list.body.find((p: { identities: { id: string }[] }) => p.identities[0].id === 'alice');
    const one = await httpJson(
      'GET',
      url(`/api/auth/principal/${aliceDoc.uuid}`),
      undefined,
      bearer(admin.access_token),
    );
    assert.equal(one.body.uuid, aliceDoc.uuid);
    assert.deepEqual(one.body.roles, ['user']);
    const forAlice = await httpJson(
      'POST',
      url(`/api/auth/principal/${aliceDoc.uuid}/apikey`),
      { expires_in: null },
      bearer(admin.access_token),
    );
    assert.equal(forAlice.status, 200);
    assert.equal(forAlice.body.expiration_time, null);
    const asAlice = await httpJson(
      'POST',
      url('/api/queue/item/add'),
      {
        item: { item_type: 'plan', name: 'count', args: [['det1']] },
      },
      { Authorization: `ApiKey ${forAlice.body.secret}` },
    );
    assert.equal(asAlice.body.item.user, 'alice "Alice A <alice@example.org>"');
    const unknown = await httpJson(
      'GET',
      url('/api/auth/principal/00000000-0000-4000-8000-000000000000'),
      undefined,
      bearer(admin.access_token),
    );
    assert.equal(unknown.status, 404);
    // The reference's admin role reads principals but cannot touch the queue (§17.22).
    const queue = await httpJson('GET', url('/api/queue/get'), undefined, bearer(admin.access_token));
    assert.equal(queue.status, 401);
    const notAdmin = await httpJson('GET', url('/api/auth/principal'), undefined, bearer(alice.access_token));
    assert.equal(notAdmin.status, 401);
  });
});
