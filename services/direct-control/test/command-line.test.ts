/**
 * `ophyd-service direct-control` as an operator starts it: HTTPS and WSS from --ssl-keyfile and
 * --ssl-certfile (a certificate made for the test), and --log-level. The service runs as a child
 * process on the registry file of the standalone pod, reading the simulated IOCs over loopback.
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { selfSignedCertificate } from '../../../cli/test/certificate.ts';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, killStarted, type Run, run } from '../../../cli/test/process.ts';
import type { RunningIocs } from '../../../ioc/src/index.ts';
import { untilAsync } from '../../../packages/epics-ca/test/waits.ts';
import { startIocs } from './stack.ts';

const REGISTRY = join(import.meta.dirname, '../../../integration/pods/standalone/registry.yaml');

let iocs: RunningIocs;
before(async () => {
  iocs = await startIocs();
});
after(async () => {
  killStarted();
  await iocs?.stop();
});

/**
 * The service on a port of its own, reading the IOCs of this test; resolves once it has logged its
 * address or, when `quiet` (a level above info), once `/ready` answers.
 */
async function startDirectControl(
  args: string[],
  quiet = false,
  env: NodeJS.ProcessEnv = {},
): Promise<{ service: Run; port: number }> {
  const port = await freePort();
  const service = run(BIN, ['direct-control', '--port', String(port), ...args], {
    LOG_LEVEL: undefined,
    ...env,
    DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
    DIRECT_CONTROL_REGISTRY_FILE_PATH: REGISTRY,
    DIRECT_CONTROL_HOST: '127.0.0.1',
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_SERVER_PORT: String(iocs.server.udpPort),
    EPICS_CA_REPEATER_PORT: String(await freePort()),
  });
  if (!quiet) {
    await service.waitFor(/"msg":"direct_control listening on /);
    return { service, port };
  }
  let ready = false;
  await untilAsync(async () => {
    ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    return ready || service.child.exitCode !== null;
  }, `/ready on ${port}`);
  if (!ready) throw new Error(`exited before /ready on ${port}; output:\n${service.output()}`);
  return { service, port };
}

async function stop(service: Run): Promise<void> {
  service.child.kill('SIGTERM');
  assert.deepEqual(await service.exit(), { code: 0, signal: null }, service.output());
}

describe('direct-control over TLS (--ssl-keyfile, --ssl-certfile)', () => {
  const cert = selfSignedCertificate();
  let service: Run;
  let port: number;
  before(async () => {
    ({ service, port } = await startDirectControl([
      '--ssl-keyfile',
      cert.keyfile,
      '--ssl-certfile',
      cert.certfile,
    ]));
  });
  after(() => stop(service));

  it('logs an https URL and answers HTTPS requests, verified against the certificate', async () => {
    assert.match(service.output(), new RegExp(`"url":"https://127\\.0\\.0\\.1:${port}"`));
    const { status, body } = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      httpsGet({ host: '127.0.0.1', port, path: '/api/v1/pv/mini:current/value', ca: cert.ca }, (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
      }).on('error', reject);
    });
    assert.equal(status, 200, body);
    assert.equal(typeof JSON.parse(body).value, 'number');
  });

  it('streams a pv-socket subscription over WSS', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/api/v1/pv-socket`, { ca: cert.ca });
    try {
      const frames: Record<string, unknown>[] = [];
      const update = new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data));
          frames.push(frame);
          if (frame.event_type === 'pv_update' && frame.pv === 'mini:current' && 'value' in frame)
            resolve(frame);
        });
        ws.on('error', reject);
        ws.on('close', (code) => reject(new Error(`closed ${code}; frames ${JSON.stringify(frames)}`)));
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ action: 'subscribe', pv_names: ['mini:current'] }));
      const frame = await update;
      assert.equal(typeof frame.value, 'number');
      assert.ok(
        frames.some((f) => f.type === 'subscribed'),
        'acknowledged',
      );
    } finally {
      ws.close();
    }
  });

  it('drops a plain HTTP request on that port without an answer', async () => {
    const outcome = await new Promise<string>((resolve) => {
      httpGet({ host: '127.0.0.1', port, path: '/health' }, (res) =>
        resolve(`answered ${res.statusCode}`),
      ).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    assert.equal(outcome, 'ECONNRESET');
  });

  it('refuses a certificate without its key, in one line with exit 2', async () => {
    const cli = run(BIN, ['direct-control', '--ssl-certfile', cert.certfile]);
    assert.equal((await cli.exit()).code, 2);
    assert.deepEqual(cli.stderr, [
      'ophyd-service direct-control: --ssl-keyfile and --ssl-certfile go together: give both, or neither for HTTP',
    ]);
  });
});

describe('direct-control --log-level', () => {
  /** Runs the service, makes one request, stops it: every line it logged. */
  async function linesOfOneRequest(
    args: string[],
    quiet = false,
    env: NodeJS.ProcessEnv = {},
  ): Promise<Record<string, unknown>[]> {
    const { service, port } = await startDirectControl(args, quiet, env);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/stats`)).status, 200);
    await stop(service); // the exit flushes everything the request logged
    return service.stdout.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  }
  const requestLine = (line: Record<string, unknown>) => line.msg === 'GET /api/v1/stats 200';

  it('logs each request at debug', async () => {
    const lines = await linesOfOneRequest(['--log-level', 'debug']);
    const request = lines.find(requestLine);
    assert.ok(request, JSON.stringify(lines));
    assert.equal(request.level, 20);
    assert.equal(request.path, '/api/v1/stats');
  });

  it('leaves them out at the default level (info), which still logs the start', async () => {
    const lines = await linesOfOneRequest([]);
    assert.ok(lines.some((l) => String(l.msg).startsWith('direct_control listening on')));
    assert.equal(lines.filter(requestLine).length, 0);
    assert.ok(lines.every((l) => (l.level as number) >= 30));
  });

  it('keeps only warnings and worse at warning', async () => {
    const lines = await linesOfOneRequest(['--log-level', 'warning'], true);
    assert.ok(
      lines.every((l) => (l.level as number) >= 40),
      JSON.stringify(lines),
    );
  });

  it("takes the same names from LOG_LEVEL (the reference's `warning`), and refuses a name that is no level", async () => {
    const lines = await linesOfOneRequest([], true, { LOG_LEVEL: 'warning' });
    assert.ok(
      lines.every((l) => (l.level as number) >= 40),
      JSON.stringify(lines),
    );
    const port = await freePort();
    const refused = run(BIN, ['direct-control', '--port', String(port)], { LOG_LEVEL: 'loud' });
    const { code } = await refused.exit();
    assert.equal(code, 2, refused.output());
    assert.match(
      refused.output(),
      /invalid environment variable LOG_LEVEL: 'loud' is not a log level \(critical, error, warning, info, debug, trace\)/,
    );
  });
});
