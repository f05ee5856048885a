/**
 * `ophyd-service configuration` as an operator starts it: over HTTPS from --ssl-keyfile and
 * --ssl-certfile (a certificate made for the test), logging requests at --log-level debug, and
 * publishing /health and /ready under the reference's operationIds.
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { selfSignedCertificate } from '../../../cli/test/certificate.ts';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, killStarted, type Run, run } from '../../../cli/test/process.ts';

after(killStarted);

function getJson(port: number, path: string, ca: Buffer): Promise<{ status?: number; body: any }> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port, path, ca }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('configuration over TLS at --log-level debug', () => {
  const cert = selfSignedCertificate();
  let service: Run;
  let port: number;
  before(async () => {
    port = await freePort();
    service = run(
      BIN,
      [
        'configuration',
        '--port',
        String(port),
        '--use-mock-data',
        '--ssl-keyfile',
        cert.keyfile,
        '--ssl-certfile',
        cert.certfile,
        '--log-level',
        'debug',
      ],
      { CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false', CONFIG_HOST: '127.0.0.1', LOG_LEVEL: undefined },
    );
    await service.waitFor(/"msg":"configuration_service listening on /);
  });
  after(async () => {
    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exit(), { code: 0, signal: null }, service.output());
  });

  it('serves HTTPS, verified against the certificate, and logs the request at debug', async () => {
    const { status, body } = await getJson(port, '/health', cert.ca);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'healthy', service: 'configuration_service', devices_loaded: 3 });
    const { input: line } = await service.waitFor(/"level":20,.*"msg":"GET \/health 200"/);
    assert.equal(JSON.parse(line ?? '').path, '/health');
  });

  it('drops a plain HTTP request on that port without an answer', async () => {
    const outcome = await new Promise<string>((resolve) => {
      httpGet({ host: '127.0.0.1', port, path: '/health' }, (res) =>
        resolve(`answered ${res.statusCode}`),
      ).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    assert.equal(outcome, 'ECONNRESET');
  });

  it('publishes /health and /ready under the operationIds of the reference', async () => {
    const { body: doc } = await getJson(port, '/openapi.json', cert.ca);
    assert.equal(doc.paths['/health'].get.operationId, 'health_check_health_get');
    assert.equal(doc.paths['/ready'].get.operationId, 'readiness_check_ready_get');
  });
});
