/**
 * bluesky-queueserver-api's token authentication against a multi-user server (spec §10.2): login
 * at a DictionaryAuthenticator provider configured by an httpserver YAML, items recorded under the
 * user's displayed name, whoami and scopes, an API key minted, used and deleted, a session
 * refreshed and revoked, logout. Needs the venv of scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { removeDir, startTestQueueServer } from '../harness.ts';
import { runScenario } from './scenario.ts';

const CONFIG = `
authentication:
  providers:
    - provider: toy
      authenticator: bluesky_httpserver.authenticators:DictionaryAuthenticator
      args: { users_to_passwords: { alice: alice-pw } }
api_access:
  policy: bluesky_httpserver.authorization:DictionaryAPIAccessControl
  args:
    users:
      alice: { roles: [user], displayed_name: Alice A, email: alice@example.org }
`;

describe('bluesky-queueserver-api logs in', () => {
  it('with a password, then works with tokens and API keys', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'qs-http-config-'));
    writeFileSync(join(configDir, 'config.yml'), CONFIG);
    const qs = await startTestQueueServer({ QSERVER_HTTP_SERVER_CONFIG: join(configDir, 'config.yml') });
    try {
      const out = await runScenario('auth_scenario.py', [qs.url, 'toy', 'alice', 'alice-pw']);
      assert.deepEqual(out, {
        login: [
          ['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'token_type'],
          'bearer',
          'TOKEN',
        ],
        item_user: 'alice "Alice A <alice@example.org>"',
        whoami: [['alice', 'toy'], ['user'], 1],
        scopes_include_queue_edit: true,
        apikey: [72, 'interop', ['inherit']],
        apikey_info: true,
        key_sees_queue: 1,
        apikey_delete: { success: true, msg: '' },
        deleted_key: `401: Invalid API key ${qs.url}/api/status`,
        refreshed: true,
        revoke: { success: true, msg: '' },
        after_revoke: `401: Session has expired. Please re-authenticate. ${qs.url}/api/auth/session/refresh`,
        logout: {},
        after_logout: 'NONE',
      });
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
      removeDir(configDir);
    }
  });
});
