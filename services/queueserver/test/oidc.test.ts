/**
 * OIDC bearer tokens against a local issuer: a loopback HTTP server publishing a discovery document
 * and a JWKS, with tokens signed by its RS256 key (and by keys it does not publish).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { OidcExpiredError, OidcVerifier } from '../src/http/auth/oidc.ts';
import { removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

describe('OIDC bearer tokens', () => {
  let server: Server;
  let issuer: string;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let strangerKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let discoveries = 0;

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        discoveries++;
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const token = (claims: JWTPayload, key: typeof signingKey = signingKey, expires = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('queueserver')
      .setIssuedAt()
      .setExpirationTime(expires)
      .sign(key);
  const verifier = () => new OidcVerifier([{ name: 'local', issuer, audience: 'queueserver' }]);

  it('accepts a token the issuer signed, naming its user', async () => {
    const v = verifier();
    const identity = await v.verify(await token({ sub: 'u-1', preferred_username: 'jdoe' }));
    assert.equal(identity?.provider, 'local');
    assert.equal(identity?.username, 'jdoe');
    assert.equal((await v.verify(await token({ sub: 'u-2' })))?.username, 'u-2');
    assert.equal(discoveries >= 1, true);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    assert.equal(await verifier().verify(await token({ sub: 'x' }, strangerKey)), null);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const other = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(signingKey);
    assert.equal(await verifier().verify(other), null);
    const foreign = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://elsewhere.example')
      .setAudience('queueserver')
      .setExpirationTime('5m')
      .sign(signingKey);
    assert.equal(await verifier().verify(foreign), null);
  });

  it("lets the queue server accept the provider's users, with the roles the access policy gives them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-oidc-'));
    writeFileSync(
      join(dir, 'config.yml'),
      `authentication:
  providers:
    - provider: sso
      authenticator: bluesky_httpserver.authenticators:OIDCAuthenticator
      args: { well_known_uri: "${issuer}/.well-known/openid-configuration", client_id: queueserver }
api_access:
  policy: bluesky_httpserver.authorization:DictionaryAPIAccessControl
  args:
    users:
      jdoe: { roles: [user], displayed_name: John Doe }
      watcher: { roles: [observer] }
`,
    );
    const qs = await startTestQueueServer({ QSERVER_HTTP_SERVER_CONFIG: join(dir, 'config.yml') });
    try {
      const as = async (claims: JWTPayload, key: typeof signingKey = signingKey) => ({
        Authorization: `Bearer ${await token(claims, key)}`,
      });
      const item = { item: { item_type: 'plan', name: 'count', args: [['det1']] } };
      const added = await httpJson(
        'POST',
        `${qs.url}/api/queue/item/add`,
        item,
        await as({ sub: '1', preferred_username: 'jdoe' }),
      );
      assert.equal(added.status, 200);
      assert.equal(added.body.item.user, 'jdoe "John Doe"');
      const observer = await httpJson(
        'POST',
        `${qs.url}/api/queue/item/add`,
        item,
        await as({ sub: '2', preferred_username: 'watcher' }),
      );
      assert.equal(observer.status, 401);
      assert.match(observer.body.detail, /^Not enough permissions/);
      const status = await httpJson(
        'GET',
        `${qs.url}/api/status`,
        undefined,
        await as({ sub: '2', preferred_username: 'watcher' }),
      );
      assert.equal(status.status, 200);
      const forged = await httpJson(
        'GET',
        `${qs.url}/api/status`,
        undefined,
        await as({ preferred_username: 'jdoe' }, strangerKey),
      );
      assert.equal(forged.status, 401);
      assert.equal(forged.body.detail, 'Could not validate credentials');
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
      removeDir(dir);
    }
  });

  it('refuses a tampered token and says when a real one has expired', async () => {
    const good = await token({ sub: 'x', preferred_username: 'jdoe' });
    const [head, , sig] = good.split('.');
    const forged = `${head}.${Buffer.from(JSON.stringify({ iss: issuer, aud: 'queueserver', preferred_username: 'root', exp: 9e9 })).toString('base64url')}.${sig}`;
    assert.equal(await verifier().verify(forged), null);
    const expired = await token({ sub: 'x' }, signingKey, '-1m');
    await assert.rejects(verifier().verify(expired), OidcExpiredError);
  });
});
