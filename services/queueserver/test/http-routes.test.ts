/**
 * The HTTP routes added to the reference's table (spec §10.3) on a real server: the item by uid
 * (canonical UUIDs only; the literal paths keep theirs) and the /api/auth routes in single-user
 * mode (§16.38; whoami answers instead of the reference's 500, §17.13).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

const SINGLE_USER_SCOPES = [
  'read:config',
  'read:console',
  'read:history',
  'read:lock',
  'read:monitor',
  'read:queue',
  'read:resources',
  'read:status',
  'read:testing',
  'user:apikeys',
  'write:config',
  'write:execute',
  'write:history:edit',
  'write:lock',
  'write:manager:control',
  'write:manager:stop',
  'write:permissions',
  'write:plan:control',
  'write:queue:control',
  'write:queue:edit',
  'write:scripts',
  'write:testing',
];

describe('HTTP routes beyond the relays (single-user mode)', () => {
  let qs: RunningQueueServer;
  const url = (path: string) => `${qs.url}${path}`;
  before(async () => {
    qs = await startTestQueueServer();
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
  });

  it('GET /api/queue/item/{uid} answers for canonical UUIDs only (§10.3)', async () => {
    const added = await httpJson('POST', url('/api/queue/item/add'), {
      item: { item_type: 'plan', name: 'count', args: [['det1']] },
    });
    const uid = added.body.item.item_uid as string;
    const found = await httpJson('GET', url(`/api/queue/item/${uid}`));
    assert.equal(found.status, 200);
    assert.equal(found.body.success, true);
    assert.deepEqual(found.body.item, added.body.item);

    const missing = await httpJson('GET', url('/api/queue/item/00000000-0000-4000-8000-000000000000'));
    assert.equal(missing.status, 200);
    assert.equal(missing.body.success, false);
    assert.match(missing.body.msg, /is not in the queue/);

    // The literal routes beside it keep theirs: a wrong method is a 405 naming the right one.
    const wrongMethod = await httpJson('GET', url('/api/queue/item/add'));
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
    const literalGet = await httpJson('GET', url('/api/queue/item/get'), { uid });
    assert.equal(literalGet.body.item.item_uid, uid);
    for (const other of ['nonsense', uid.toUpperCase(), uid.replaceAll('-', '')]) {
      const response = await httpJson('GET', url(`/api/queue/item/${other}`));
      assert.equal(response.status, 404, other);
      assert.equal(response.body.detail, 'Not Found');
    }
    const anonymous = await httpJson('GET', url(`/api/queue/item/${uid}`), undefined, {});
    assert.equal(anonymous.status, 401);
  });

  it('GET /api/auth/scopes and whoami describe the single user (§16.38, §17.13)', async () => {
    const scopes = await httpJson('GET', url('/api/auth/scopes'));
    assert.equal(scopes.status, 200);
    assert.deepEqual(scopes.body, { roles: ['unauthenticated_single_user'], scopes: SINGLE_USER_SCOPES });

    const whoami = await httpJson('GET', url('/api/auth/whoami'));
    assert.equal(whoami.status, 200);
    assert.match(whoami.body.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { ...whoami.body, uuid: 'checked above' },
      {
        uuid: 'checked above',
        type: 'user',
        identities: [{ id: 'UNAUTHENTICATED_SINGLE_USER', provider: '__anonymous__', latest_login: null }],
        api_keys: [],
        sessions: [],
        latest_activity: null,
        roles: ['unauthenticated_single_user'],
        scopes: SINGLE_USER_SCOPES,
        api_key_scopes: null,
      },
    );

    // No credentials: nobody, and no scopes (anonymous access is off).
    const nobody = await httpJson('GET', url('/api/auth/whoami'), undefined, {});
    assert.equal(nobody.status, 200);
    assert.equal(nobody.body, null);
    const noScopes = await httpJson('GET', url('/api/auth/scopes'), undefined, {});
    assert.deepEqual(noScopes.body, { roles: [], scopes: [] });
    const wrong = await httpJson('GET', url('/api/auth/whoami'), undefined, {
      Authorization: 'ApiKey wrong',
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.detail, 'Invalid API key');
  });

  it('keeps the admin, key and session routes from the single user (§16.38)', async () => {
    const principals = await httpJson('GET', url('/api/auth/principal'));
    assert.equal(principals.status, 401);
    assert.match(
      principals.body.detail,
      /^Not enough permissions. Requires scopes \['admin:read:principals'\]/,
    );
    const mint = await httpJson('POST', url('/api/auth/apikey'), { expires_in: 60 });
    assert.equal(mint.status, 501);
    assert.equal(mint.body.detail, 'API keys are not available without authentication providers');
    const info = await httpJson('GET', url('/api/auth/apikey'));
    assert.equal(info.status, 401);
    const refresh = await httpJson('POST', url('/api/auth/session/refresh'), { refresh_token: 'x' });
    assert.equal(refresh.status, 501);
    const login = await fetch(url('/api/auth/provider/toy/token'), {
      method: 'POST',
      body: new URLSearchParams({ username: 'a', password: 'b' }),
    });
    assert.equal(login.status, 404);
  });

  it('logout clears the cookies; a browser gets a CSRF cookie (§10.1)', async () => {
    const status = await httpJson('GET', url('/api/status'));
    assert.match(String(status.headers['set-cookie']), /bluesky_httpserver_csrf=[\w-]{43};/);
    const fromQuery = await httpJson('GET', url(`/api/status?api_key=${API_KEY}`), undefined, {});
    assert.equal(fromQuery.status, 200);
    assert.match(
      String(fromQuery.headers['set-cookie']),
      new RegExp(`bluesky_httpserver_api_key=${API_KEY};`),
    );
    const logout = await httpJson('POST', url('/api/auth/logout'));
    assert.equal(logout.status, 200);
    assert.deepEqual(logout.body, {});
    const cleared = (logout.headers['set-cookie'] ?? []) as string[];
    for (const cookie of ['bluesky_httpserver_api_key', 'bluesky_httpserver_csrf'])
      assert.ok(
        cleared.some((line) => line.startsWith(`${cookie}=;`) && /expires=Thu, 01 Jan 1970/.test(line)),
        cookie,
      );
  });
});
