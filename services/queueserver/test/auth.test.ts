import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { DomainError } from '@ophyd-service/service-kit';
import { decodeJwt } from 'jose';
import { ApiAccessControl } from '../src/http/auth/access-control.ts';
import { InMemoryApiKeyStore, mintApiKey, revokeApiKey } from '../src/http/auth/api-keys.ts';
import { type AuthRequest, authenticate, currentApiKeyInfo } from '../src/http/auth/authenticate.ts';
import { checkCsrf, needsCsrfCookie, newCsrfToken } from '../src/http/auth/csrf.ts';
import { DictionaryAuthenticator, loginWithPassword } from '../src/http/auth/dictionary.ts';
import { requireScopes } from '../src/http/auth/principal.ts';
import { ALL_SCOPES, ROLES } from '../src/http/auth/scopes.ts';
import { InMemorySessionStore, refreshSession, revokeSession } from '../src/http/auth/sessions.ts';
import type { AuthSettings } from '../src/http/auth/settings.ts';
import {
  authFromFirstMessage,
  authFromUpgrade,
  WS_CLOSE_AUTH_REQUIRED,
  WS_CLOSE_INVALID_TOKEN,
} from '../src/http/auth/websocket-auth.ts';

const USER_SCOPES = [
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
  'write:execute',
  'write:history:edit',
  'write:manager:control',
  'write:plan:control',
  'write:queue:control',
  'write:queue:edit',
];

function request(parts: Partial<AuthRequest> = {}): AuthRequest {
  return { method: 'GET', query: {}, headers: {}, cookies: {}, ...parts };
}

/** Matches a DomainError with this HTTP status and exact detail. */
function refusal(status: number, detail: string) {
  return (err: unknown) => {
    assert.ok(err instanceof DomainError, `expected a DomainError, got ${err}`);
    assert.equal(err.status, status);
    assert.equal(err.detail, detail);
    return true;
  };
}

function singleUser(allowAnonymous = false): AuthSettings {
  return { singleUserApiKey: 'mad', allowAnonymous, secretKeys: ['first-secret'] };
}

/** A clock tests move by hand: epoch 1700000000 s (2023-11-14T22:13:20Z). */
function manualClock() {
  let ms = 1_700_000_000_000;
  return { now: () => ms, advance: (seconds: number) => (ms += seconds * 1000) };
}

function multiUser(clock = manualClock()): AuthSettings & { clock: ReturnType<typeof manualClock> } {
  return {
    clock,
    allowAnonymous: false,
    secretKeys: ['first-secret'],
    providers: ['toy'],
    apiKeys: new InMemoryApiKeyStore(),
    sessions: new InMemorySessionStore(),
    accessControl: new ApiAccessControl({
      users: {
        alice: { roles: 'User', displayed_name: 'Alice A', email: 'alice@example.org' },
        carol: { roles: ['observer'] },
      },
    }),
    now: clock.now,
  };
}

const toy = new DictionaryAuthenticator({ alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' });

describe('scopes and roles', () => {
  test('the scope list and the default roles', () => {
    assert.equal(ALL_SCOPES.length, 25);
    assert.deepEqual([...ROLES.admin].sort(), [
      'admin:apikeys',
      'admin:metrics',
      'admin:read:principals',
      'read:status',
      'user:apikeys',
    ]);
    assert.deepEqual([...ROLES.user].sort(), USER_SCOPES);
    assert.deepEqual([...ROLES.advanced].sort(), USER_SCOPES);
    assert.deepEqual([...ROLES.unauthenticated_public], ['read:status']);
    const single = new Set(ROLES.unauthenticated_single_user);
    assert.equal(single.size, 22);
    for (const scope of ['write:manager:stop', 'write:testing', 'write:scripts', 'user:apikeys'])
      assert.ok(single.has(scope));
    for (const scope of ['admin:apikeys', 'admin:read:principals', 'admin:metrics'])
      assert.ok(!single.has(scope));
    assert.deepEqual(ROLES.expert.filter((s) => !ROLES.user.includes(s)).sort(), [
      'write:config',
      'write:lock',
      'write:permissions',
      'write:scripts',
    ]);
    assert.deepEqual(
      [...ROLES.observer].sort(),
      USER_SCOPES.filter((s) => !s.startsWith('write:')),
    );
  });

  test('config changes roles in the order set, add, remove; null takes every scope away', () => {
    const policy = new ApiAccessControl({
      roles: {
        user: { scopes_add: 'WRITE:SCRIPTS', scopes_remove: ['write:queue:edit'] },
        observer: null,
        custom: { scopes_set: ['read:status', 'read:queue'], scopes_remove: 'read:queue' },
      },
      users: {
        u: { roles: 'user' },
        o: { roles: ['observer'] },
        c: { roles: 'custom' },
        x: { roles: 'no_such_role' },
      },
    });
    const userScopes = policy.userScopes('u');
    assert.ok(userScopes.includes('write:scripts'));
    assert.ok(!userScopes.includes('write:queue:edit'));
    assert.deepEqual(policy.userScopes('o'), []);
    assert.deepEqual(policy.userScopes('c'), ['read:status']);
    assert.deepEqual(policy.userScopes('x'), []);
    assert.deepEqual(policy.userScopes('nobody'), []);
    assert.equal(policy.isUserKnown('x'), true);
    assert.equal(policy.isUserKnown('nobody'), false);
    assert.equal(policy.isUserKnown('UNAUTHENTICATED_SINGLE_USER'), true);
  });

  test('displayed user names', () => {
    const policy = new ApiAccessControl({
      users: {
        a: { roles: 'user' },
        b: { roles: 'user', email: 'b@x.org' },
        c: { roles: 'user', displayed_name: 'Cee' },
        d: { roles: 'user', displayed_name: 'Dee', email: 'd@x.org' },
      },
    });
    assert.equal(policy.displayedUserName('a'), 'a');
    assert.equal(policy.displayedUserName('b'), 'b <b@x.org>');
    assert.equal(policy.displayedUserName('c'), 'c "Cee"');
    assert.equal(policy.displayedUserName('d'), 'd "Dee <d@x.org>"');
  });
});

describe('HTTP authentication matrix (spec §16 item 38)', () => {
  test('no credentials without anonymous access: any scoped route is a 401', async () => {
    const principal = await authenticate(request(), singleUser());
    assert.deepEqual(principal.scopes, []);
    assert.throws(
      () => requireScopes(principal, ['read:status']),
      refusal(401, "Not enough permissions. Requires scopes ['read:status']. Request had scopes []"),
    );
  });

  test('a wrong API key is a 401 Invalid API key, with or without anonymous access', async () => {
    for (const settings of [singleUser(false), singleUser(true)]) {
      await assert.rejects(
        authenticate(request({ headers: { authorization: 'ApiKey wrong' } }), settings),
        refusal(401, 'Invalid API key'),
      );
      await assert.rejects(
        authenticate(request({ query: { api_key: '' } }), settings),
        refusal(401, 'Invalid API key'),
      );
    }
  });

  test('a bad bearer token is a 401 Could not validate credentials', async () => {
    await assert.rejects(
      authenticate(request({ headers: { authorization: 'Bearer not.a.jwt' } }), singleUser()),
      refusal(401, 'Could not validate credentials'),
    );
  });

  test('another authorization scheme is a 400', async () => {
    await assert.rejects(
      authenticate(request({ headers: { Authorization: 'Basic bWFkOm1hZA==' } }), singleUser()),
      (err: unknown) => {
        assert.ok(err instanceof DomainError);
        assert.equal(err.status, 400);
        assert.match(String(err.detail), /^Authorization header must include the authorization type /);
        return true;
      },
    );
  });

  test('anonymous access: status yes, queue no', async () => {
    const principal = await authenticate(request(), singleUser(true));
    assert.equal(principal.username, 'UNAUTHENTICATED_PUBLIC');
    assert.deepEqual(principal.roles, ['unauthenticated_public']);
    requireScopes(principal, ['read:status']);
    assert.throws(
      () => requireScopes(principal, ['read:queue']),
      refusal(
        401,
        "Not enough permissions. Requires scopes ['read:queue']. Request had scopes ['read:status']",
      ),
    );
  });

  test('the single-user key in each place it may come from', async () => {
    const places: Partial<AuthRequest>[] = [
      { headers: { authorization: 'ApiKey mad' } },
      { headers: { authorization: 'apikey mad' } },
      { query: { api_key: 'mad' } },
      { cookies: { bluesky_httpserver_api_key: 'mad' } },
    ];
    for (const place of places) {
      const principal = await authenticate(request(place), singleUser());
      assert.equal(principal.username, 'UNAUTHENTICATED_SINGLE_USER');
      assert.equal(principal.displayedName, 'UNAUTHENTICATED_SINGLE_USER');
      assert.equal(principal.userGroup, 'primary');
      assert.deepEqual(principal.roles, ['unauthenticated_single_user']);
      assert.deepEqual(principal.identities, [
        { id: 'UNAUTHENTICATED_SINGLE_USER', provider: '__anonymous__' },
      ]);
      requireScopes(principal, ['write:queue:edit', 'write:manager:stop']);
    }
  });

  test('the single user may not use admin routes (/api/auth/principal)', async () => {
    const principal = await authenticate(request({ headers: { authorization: 'ApiKey mad' } }), singleUser());
    assert.throws(
      () => requireScopes(principal, ['admin:read:principals']),
      (err: unknown) => {
        assert.ok(err instanceof DomainError);
        assert.equal(err.status, 401);
        assert.match(
          err.message,
          /^Not enough permissions\. Requires scopes \['admin:read:principals'\]\. Request had scopes \['read:config', /,
        );
        return true;
      },
    );
  });

  test('lookup order: the query key wins over the header, the header over the cookie', async () => {
    const settings = singleUser();
    const principal = await authenticate(
      request({ query: { api_key: 'mad' }, headers: { authorization: 'ApiKey wrong' } }),
      settings,
    );
    assert.equal(principal.via, 'single_user_api_key');
    await assert.rejects(
      authenticate(
        request({
          headers: { authorization: 'ApiKey wrong' },
          cookies: { bluesky_httpserver_api_key: 'mad' },
        }),
        settings,
      ),
      refusal(401, 'Invalid API key'),
    );
  });

  test('a key from the query is to be moved into the cookie', async () => {
    const fromQuery = await authenticate(request({ query: { api_key: 'mad' } }), singleUser());
    assert.equal(fromQuery.apiKeyCookie, 'mad');
    const alreadySet = await authenticate(
      request({ query: { api_key: 'mad' }, cookies: { bluesky_httpserver_api_key: 'mad' } }),
      singleUser(),
    );
    assert.equal(alreadySet.apiKeyCookie, undefined);
  });

  test('without a configured key no key is accepted', async () => {
    await assert.rejects(
      authenticate(request({ headers: { authorization: 'ApiKey mad' } }), {
        allowAnonymous: false,
        secretKeys: ['s'],
      }),
      refusal(401, 'Invalid API key'),
    );
  });
});

describe('login, tokens and sessions', () => {
  test('password login gives tokens with the reference claims', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.refresh_token_expires_in, 604800);
    const access = decodeJwt(tokens.access_token);
    assert.match(String(access.sub), /^[0-9a-f]{32}$/);
    assert.equal(access.sub_typ, 'user');
    assert.deepEqual(access.scp, USER_SCOPES);
    assert.deepEqual(access.ids, [{ id: 'alice', idp: 'toy' }]);
    assert.equal(access.type, 'access');
    assert.equal(access.exp, 1_700_000_900);
    const refresh = decodeJwt(tokens.refresh_token);
    assert.equal(refresh.type, 'refresh');
    assert.match(String(refresh.sid), /^[0-9a-f]{32}$/);
    assert.equal(refresh.exp, 1_700_604_800);
  });

  test('login refusals', async () => {
    const settings = multiUser();
    await assert.rejects(
      loginWithPassword('toy', toy, { username: 'alice', password: 'wrong' }, settings),
      refusal(401, 'Incorrect username or password'),
    );
    await assert.rejects(
      loginWithPassword('toy', toy, { username: 'nobody', password: '' }, settings),
      refusal(401, 'Incorrect username or password'),
    );
    await assert.rejects(
      loginWithPassword('toy', toy, { username: 'bob', password: 'bob-pw' }, settings),
      refusal(401, 'User is not authorized to access the server'),
    );
  });

  test('a bearer token authenticates until it expires', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    const bearer = request({ headers: { authorization: `Bearer ${tokens.access_token}` } });
    const principal = await authenticate(bearer, settings);
    assert.equal(principal.via, 'access_token');
    assert.equal(principal.username, 'alice');
    assert.equal(principal.displayedName, 'alice "Alice A <alice@example.org>"');
    assert.equal(principal.userGroup, 'primary');
    assert.deepEqual(principal.roles, ['user']);
    assert.deepEqual(principal.scopes, USER_SCOPES);
    // The same principal on the next login: its uuid is kept.
    const again = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    assert.equal(decodeJwt(again.access_token).sub, principal.uuid);

    settings.clock.advance(901);
    await assert.rejects(
      authenticate(bearer, settings),
      refusal(401, 'Access token has expired. Refresh token.'),
    );
  });

  test('every secret key is tried when verifying; the first one signs', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'carol', password: 'carol-pw' }, settings);
    const bearer = request({ headers: { authorization: `Bearer ${tokens.access_token}` } });
    const rotated = { ...settings, secretKeys: ['newer-secret', 'first-secret'] };
    assert.deepEqual((await authenticate(bearer, rotated)).roles, ['observer']);
    const unrelated = { ...settings, secretKeys: ['someone-else'] };
    await assert.rejects(authenticate(bearer, unrelated), refusal(401, 'Could not validate credentials'));
    // Expired and signed by an unknown key: still "could not validate", not "expired".
    settings.clock.advance(1000);
    await assert.rejects(authenticate(bearer, unrelated), refusal(401, 'Could not validate credentials'));
  });

  test('a refresh token is not an access token, and the other way round', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    await assert.rejects(
      authenticate(request({ headers: { authorization: `Bearer ${tokens.refresh_token}` } }), settings),
      refusal(401, 'Could not validate credentials'),
    );
    await assert.rejects(
      refreshSession(tokens.access_token, settings),
      refusal(401, 'Could not validate credentials'),
    );
  });

  test('refreshing a live session, then after it is revoked', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    settings.clock.advance(600);
    const refreshed = await refreshSession(tokens.refresh_token, settings);
    assert.equal(decodeJwt(refreshed.access_token).exp, 1_700_001_500);
    assert.equal(decodeJwt(refreshed.refresh_token).sid, decodeJwt(tokens.refresh_token).sid);
    // Refreshed again within the same second: still a new refresh token (the client compares them).
    const again = await refreshSession(refreshed.refresh_token, settings);
    assert.notEqual(again.refresh_token, refreshed.refresh_token);

    const principal = await authenticate(
      request({ headers: { authorization: `Bearer ${refreshed.access_token}` } }),
      settings,
    );
    const sid = String(decodeJwt(tokens.refresh_token).sid);
    await assert.rejects(
      revokeSession({ ...principal, uuid: 'f'.repeat(32) }, sid, settings),
      refusal(404, 'Sessions does not exist or requester has insufficient permissions'),
    );
    assert.deepEqual(await revokeSession(principal, sid, settings), { success: true, msg: '' });
    await assert.rejects(
      refreshSession(refreshed.refresh_token, settings),
      refusal(401, 'Session has expired. Please re-authenticate.'),
    );
    await assert.rejects(
      revokeSession(principal, 'a'.repeat(32), settings),
      refusal(404, `No session ${'a'.repeat(32)}`),
    );
  });

  test('an expired refresh token, and a user the policy no longer knows', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    const withoutAlice = { ...settings, accessControl: new ApiAccessControl() };
    await assert.rejects(
      refreshSession(tokens.refresh_token, withoutAlice),
      refusal(401, 'Permissions for the user are revoked. Please contact the administrator.'),
    );
    settings.clock.advance(604_801);
    await assert.rejects(
      refreshSession(tokens.refresh_token, settings),
      refusal(401, 'Session has expired. Please re-authenticate.'),
    );
  });
});

describe('minted API keys', () => {
  async function loggedIn(settings: AuthSettings, username = 'alice', password = 'alice-pw') {
    const tokens = await loginWithPassword('toy', toy, { username, password }, settings);
    return authenticate(request({ headers: { authorization: `Bearer ${tokens.access_token}` } }), settings);
  }

  test('minting, using, inspecting, expiring', async () => {
    const settings = multiUser();
    const alice = await loggedIn(settings);
    const key = await mintApiKey(alice, { expires_in: 60, note: 'monitor' }, settings);
    assert.match(key.secret, /^[0-9a-f]{72}$/);
    assert.equal(key.first_eight, key.secret.slice(0, 8));
    assert.deepEqual(
      { ...key, secret: undefined, first_eight: undefined },
      {
        secret: undefined,
        first_eight: undefined,
        expiration_time: '2023-11-14T22:14:20',
        note: 'monitor',
        scopes: ['inherit'],
        latest_activity: null,
      },
    );

    settings.clock.advance(30);
    const withKey = request({ headers: { authorization: `ApiKey ${key.secret}` } });
    const principal = await authenticate(withKey, settings);
    assert.equal(principal.via, 'api_key');
    assert.equal(principal.uuid, alice.uuid);
    assert.equal(principal.displayedName, 'alice "Alice A <alice@example.org>"');
    assert.deepEqual(principal.scopes, USER_SCOPES);
    assert.deepEqual(principal.apiKeyScopes, ['inherit']);
    assert.equal((await currentApiKeyInfo(withKey, settings)).latest_activity, '2023-11-14T22:13:50');

    settings.clock.advance(31);
    await assert.rejects(authenticate(withKey, settings), refusal(401, 'Invalid API key'));
  });

  test('a key limited to some scopes, and a key made from it', async () => {
    const settings = multiUser();
    const alice = await loggedIn(settings);
    const limited = await mintApiKey(alice, { expires_in: null, scopes: ['read:status'] }, settings);
    assert.equal(limited.expiration_time, null);
    const viaLimited = await authenticate(request({ query: { api_key: limited.secret } }), settings);
    assert.deepEqual(viaLimited.scopes, ['read:status']);
    await assert.rejects(
      mintApiKey(viaLimited, { expires_in: 60, scopes: ['read:queue'] }, settings),
      refusal(
        400,
        "Requested scopes ['read:queue'] must be a subset of the allowed principal's scopes ['read:status'].",
      ),
    );
    const child = await mintApiKey(viaLimited, { expires_in: 60 }, settings);
    assert.deepEqual(child.scopes, ['read:status']);
    await assert.rejects(
      mintApiKey(alice, { expires_in: 60, scopes: ['admin:metrics'] }, settings),
      (err: unknown) => err instanceof DomainError && err.status === 400,
    );
  });

  test('revoking a key; only its owner may', async () => {
    const settings = multiUser();
    const alice = await loggedIn(settings);
    const carol = await loggedIn(settings, 'carol', 'carol-pw');
    const key = await mintApiKey(alice, { expires_in: 600 }, settings);
    await assert.rejects(
      revokeApiKey(carol, key.first_eight, settings),
      refusal(404, 'The currently-authenticated user has no such API key.'),
    );
    assert.deepEqual(await revokeApiKey(alice, key.first_eight, settings), { success: true, msg: '' });
    await assert.rejects(
      authenticate(request({ headers: { authorization: `ApiKey ${key.secret}` } }), settings),
      refusal(401, 'Invalid API key'),
    );
  });

  test('with providers the single-user key and non-hex keys are invalid', async () => {
    const settings = { ...multiUser(), singleUserApiKey: 'mad' };
    await assert.rejects(
      authenticate(request({ query: { api_key: 'mad' } }), settings),
      refusal(401, 'Invalid API key'),
    );
    await assert.rejects(
      authenticate(request({ query: { api_key: 'ab'.repeat(36) } }), settings),
      refusal(401, 'Invalid API key'),
    );
    await assert.rejects(
      currentApiKeyInfo(request(), settings),
      refusal(401, 'No API key was provided with this request.'),
    );
  });
});

describe('WebSocket authentication (spec §10.5)', () => {
  test('credentials on the upgrade request', async () => {
    const settings = singleUser(true);
    for (const upgrade of [
      { headers: { authorization: 'ApiKey mad' }, query: {} },
      { headers: { authorization: 'APIKEY mad' }, query: {} },
      { headers: {}, query: { api_key: 'mad' } },
    ]) {
      const auth = await authFromUpgrade(upgrade, ['read:console'], settings);
      assert.ok('principal' in auth);
      assert.equal(auth.principal.username, 'UNAUTHENTICATED_SINGLE_USER');
    }
  });

  test('a bearer token in the header or as ?access_token=', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'alice', password: 'alice-pw' }, settings);
    const viaHeader = await authFromUpgrade(
      { headers: { authorization: `bearer ${tokens.access_token}` }, query: {} },
      'read:monitor',
      settings,
    );
    assert.ok('principal' in viaHeader && viaHeader.principal.username === 'alice');
    const viaQuery = await authFromUpgrade(
      { headers: {}, query: { access_token: tokens.access_token } },
      'read:monitor',
      settings,
    );
    assert.ok('principal' in viaQuery && viaQuery.principal.username === 'alice');
  });

  test('no credentials, invalid ones or a missing scope: authenticate by first message (never anonymous)', async () => {
    const settings = singleUser(true);
    const ask = { needsFirstMessage: true };
    assert.deepEqual(await authFromUpgrade({ headers: {}, query: {} }, 'read:status', settings), ask);
    assert.deepEqual(
      await authFromUpgrade(
        { headers: { authorization: 'ApiKey wrong' }, query: {} },
        'read:console',
        settings,
      ),
      ask,
    );
    // The header wins over the query even when only the query is right.
    assert.deepEqual(
      await authFromUpgrade(
        { headers: { authorization: 'ApiKey wrong' }, query: { api_key: 'mad' } },
        'read:console',
        settings,
      ),
      ask,
    );
    assert.deepEqual(
      await authFromUpgrade(
        { headers: { authorization: 'ApiKey mad' }, query: {} },
        'admin:metrics',
        settings,
      ),
      ask,
    );
  });

  test("Node's upgrade request (IncomingMessage) is read directly", async () => {
    const incoming = new IncomingMessage(new Socket());
    incoming.url = '/api/console_output/ws?api_key=mad';
    incoming.headers = {};
    const auth = await authFromUpgrade(incoming, 'read:console', singleUser());
    assert.ok('principal' in auth);
  });

  test('the first message', async () => {
    const settings = singleUser();
    const ok = await authFromFirstMessage('{"type": "auth", "api_key": "mad"}', settings);
    assert.ok('principal' in ok && ok.principal.username === 'UNAUTHENTICATED_SINGLE_USER');
    const invalid = { closeCode: 4001, reason: 'Invalid token' };
    assert.deepEqual(await authFromFirstMessage('{"type": "auth", "api_key": "wrong"}', settings), invalid);
    assert.deepEqual(
      await authFromFirstMessage('{"type": "auth", "access_token": "x.y.z"}', settings),
      invalid,
    );
    assert.deepEqual(await authFromFirstMessage('{"type": "hello", "api_key": "mad"}', settings), invalid);
    assert.deepEqual(await authFromFirstMessage('not json', settings), invalid);
    assert.equal(WS_CLOSE_INVALID_TOKEN, 4001);
    assert.equal(WS_CLOSE_AUTH_REQUIRED, 4401);
  });

  test('the first message may carry an access token', async () => {
    const settings = multiUser();
    const tokens = await loginWithPassword('toy', toy, { username: 'carol', password: 'carol-pw' }, settings);
    const auth = await authFromFirstMessage(
      JSON.stringify({ type: 'auth', access_token: tokens.access_token }),
      settings,
    );
    assert.ok('principal' in auth && auth.principal.username === 'carol');
  });
});

describe('CSRF (spec §10.1)', () => {
  const apiCookie = { bluesky_httpserver_api_key: 'mad' };

  test('safe methods and requests without the API-key cookie need no token', () => {
    checkCsrf(request({ method: 'GET', cookies: apiCookie }));
    checkCsrf(request({ method: 'OPTIONS', cookies: apiCookie }));
    checkCsrf(request({ method: 'POST', headers: { authorization: 'ApiKey mad' } }));
    checkCsrf(request({ method: 'DELETE', query: { api_key: 'mad' } }));
  });

  test('a POST with the API-key cookie needs the CSRF cookie repeated in the header or query', () => {
    assert.throws(
      () => checkCsrf(request({ method: 'POST', cookies: apiCookie })),
      refusal(403, 'Expected bluesky_httpserver_csrf cookie'),
    );
    const cookies = { ...apiCookie, bluesky_httpserver_csrf: 'token123' };
    assert.throws(
      () => checkCsrf(request({ method: 'POST', cookies })),
      refusal(403, 'Expected csrf query parameter or x-csrf header'),
    );
    assert.throws(
      () => checkCsrf(request({ method: 'POST', cookies, headers: { 'x-csrf': 'token124' } })),
      refusal(403, 'Double-submit CSRF tokens do not match'),
    );
    assert.throws(
      () => checkCsrf(request({ method: 'PUT', cookies, query: { csrf: 'tok' } })),
      refusal(403, 'Double-submit CSRF tokens do not match'),
    );
    checkCsrf(request({ method: 'POST', cookies, headers: { 'X-CSRF': 'token123' } }));
    checkCsrf(request({ method: 'post', cookies, query: { csrf: 'token123' } }));
  });

  test('the CSRF cookie is set when absent', () => {
    assert.equal(needsCsrfCookie(request()), true);
    assert.equal(needsCsrfCookie(request({ cookies: { bluesky_httpserver_csrf: 'x' } })), false);
    const token = newCsrfToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newCsrfToken(), token);
  });
});
