/**
 * `ophyd-service queueserver` as a process (spec §10.6, §16.40): with its HTTP port free it reports
 * `http_server_state: running` on both transports; with the port taken it keeps answering 0MQ and
 * reports `failed`. `--help` lists the HTTP authentication variables.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Request } from 'zeromq';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, killStarted, run } from '../../../cli/test/process.ts';
import { API_KEY, removeDir } from './harness.ts';

async function zmqStatus(address: string): Promise<Record<string, unknown>> {
  const socket = new Request({ receiveTimeout: 30_000, linger: 0 });
  socket.connect(address);
  try {
    await socket.send(JSON.stringify({ method: 'status' }));
    const [reply] = await socket.receive();
    return JSON.parse(String(reply));
  } finally {
    socket.close();
  }
}

async function startCli(httpPort: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'qs-main-'));
  const control = `tcp://127.0.0.1:${await freePort()}`;
  const process = run(
    BIN,
    [
      'queueserver',
      '--http-port',
      String(httpPort),
      '--zmq-control-addr',
      control,
      '--zmq-info-addr',
      `tcp://127.0.0.1:${await freePort()}`,
    ],
    { OPHYD_SERVICE_DATA_DIR: dataDir, QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: API_KEY },
  );
  return { process, control, dataDir };
}

describe('ophyd-service queueserver', () => {
  const dirs: string[] = [];
  after(() => {
    killStarted();
    for (const dir of dirs) removeDir(dir);
  });

  it('reports its HTTP server running on both transports', async () => {
    const port = await freePort();
    const { process, control, dataDir } = await startCli(port);
    dirs.push(dataDir);
    await process.waitFor(/listening on/);
    const response = await fetch(`http://127.0.0.1:${port}/api/status`, {
      headers: { Authorization: `ApiKey ${API_KEY}` },
    });
    assert.equal(((await response.json()) as Record<string, unknown>).http_server_state, 'running');
    assert.equal((await zmqStatus(control)).http_server_state, 'running');
    process.child.kill('SIGTERM');
    assert.equal((await process.exit()).code, 0);
  });

  it('keeps answering 0MQ when its HTTP port is taken, and says so', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = squatter.address() as { port: number };
      const { process, control, dataDir } = await startCli(port);
      dirs.push(dataDir);
      await process.waitFor(/HTTP server failed to start/);
      const status = await zmqStatus(control);
      assert.equal(status.http_server_state, 'failed');
      assert.equal(status.manager_state, 'idle');
      process.child.kill('SIGTERM');
      await process.exit();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('lists the HTTP authentication settings in its own --help', async () => {
    const help = run(BIN, ['queueserver', '--', '--help']);
    assert.equal((await help.exit()).code, 0);
    for (const name of ['QSERVER_HTTP_SERVER_CONFIG', 'QSERVER_HTTP_SERVER_ACCESS_TOKEN_MAX_AGE'])
      assert.match(help.output(), new RegExp(name));
  });
});
