import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pv } from '../src/index.ts';
import type { CaServer } from '../src/server/server.ts';
import { startServer } from './loopback.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../../bin/ophyd-service.ts');

describe('ophyd-service ca', () => {
  let server: CaServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startServer({
      pvs: [
        pv.double('cli:x', 1.25, { units: 'mm' }),
        pv.enum('cli:e', ['Off', 'On'], 0),
        pv.double('cli:ro', 2, { writable: false }),
      ],
    });
    env = {
      ...process.env,
      EPICS_CA_ADDR_LIST: '127.0.0.1',
      EPICS_CA_AUTO_ADDR_LIST: 'NO',
      EPICS_CA_SERVER_PORT: String(server.udpPort),
    };
  });
  after(() => server.stop());

  const ca = (...args: string[]) => run(process.execPath, [bin, 'ca', ...args], { env, timeout: 20_000 });

  it('gets values as text and JSON', async () => {
    const { stdout } = await ca('get', 'cli:x', '--type', 'ctrl');
    assert.match(stdout, /^cli:x\s+1\.25 mm\n$/);
    const json = JSON.parse((await ca('get', '--json', 'cli:e')).stdout);
    assert.equal(json.value, 0);
    assert.equal(json.name, 'cli:e');
  });

  it('puts with completion, enum states by name, and reads back', async () => {
    assert.match((await ca('put', '--wait', 'cli:x', '3.5')).stdout, /cli:x\s+\S+ 3\.5/);
    assert.equal(server.get('cli:x')!.value, 3.5);
    await ca('put', '--wait', 'cli:e', 'On');
    assert.equal(server.get('cli:e')!.value, 1);
  });

  it('describes a channel', async () => {
    const { stdout } = await ca('info', 'cli:ro');
    assert.match(stdout, /native type: DBR_DOUBLE/);
    assert.match(stdout, /access: read, no write/);
  });

  it('fails with a clear message and a non-zero exit for an unknown PV and a refused put', async () => {
    await assert.rejects(
      ca('get', '--timeout', '0.3', 'cli:missing'),
      (err: any) => err.code !== 0 && /cli:missing: not connected/.test(err.stderr),
    );
    await assert.rejects(
      ca('put', '--wait', 'cli:ro', '9'),
      (err: any) => err.code !== 0 && /no write access/.test(err.stderr),
    );
    await assert.rejects(
      ca('frobnicate', 'cli:x'),
      (err: any) => err.code !== 0 && /unknown verb/.test(err.stderr),
    );
  });
});
