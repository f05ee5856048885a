/** The page's server tells the page where the services are, from the host the browser used. */
import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { serveUi } from '../serve.ts';

const server = await serveUi({
  host: '127.0.0.1',
  port: 0,
  ports: { configuration: 9104, directControl: 9103, queueServer: 9110 },
  apiKey: 'abc123',
});
after(() => server.close());

/** GET `path` from `on` with the Host header a browser would send for `host`. */
function get(
  path: string,
  host: string,
  on: Server = server,
): Promise<{ status: number; type: string; body: string }> {
  const { port } = on.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }),
      );
    });
    req.on('error', reject).end();
  });
}

describe('web-ui /config.json', () => {
  it('names each service on the host the page was reached by, with the queue server key', async () => {
    const answer = await get('/config.json', 'beamline.example:5173');
    assert.equal(answer.status, 200);
    assert.equal(answer.type, 'application/json');
    assert.deepEqual(JSON.parse(answer.body), {
      configurationUrl: 'http://beamline.example:9104',
      directControlUrl: 'http://beamline.example:9103',
      queueServerUrl: 'http://beamline.example:9110',
      queueServerApiKey: 'abc123',
    });
  });

  it('gives the URLs the serving side was told to publish instead (an ingress, a proxy)', async () => {
    const published = await serveUi({
      host: '127.0.0.1',
      port: 0,
      ports: { configuration: 9104, directControl: 9103, queueServer: 9110 },
      urls: { queueServerUrl: 'https://bl.example/queue' },
    });
    try {
      const answer = await get('/config.json', 'beamline.example:5173', published);
      assert.deepEqual(JSON.parse(answer.body), {
        configurationUrl: 'http://beamline.example:9104',
        directControlUrl: 'http://beamline.example:9103',
        queueServerUrl: 'https://bl.example/queue',
      });
    } finally {
      published.close();
    }
  });

  it('keeps an IPv6 host in brackets', async () => {
    const answer = await get('/config.json', '[::1]:5173');
    assert.equal(JSON.parse(answer.body).configurationUrl, 'http://[::1]:9104');
  });
});
