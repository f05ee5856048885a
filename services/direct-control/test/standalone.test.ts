import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaClient } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import { clientEnv } from '../../../packages/epics-ca/test/loopback.ts';
import { createDirectControlService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { FileRegistry } from '../src/registry/file-registry.ts';
import { isType, startIocs, TestSocket } from './stack.ts';

const registryFile = join(import.meta.dirname, 'fixtures', 'registry.yaml');

describe('standalone mode: a registry file and no configuration service', () => {
  it('reads, writes, streams and commands from the file alone', async () => {
    const iocs = await startIocs();
    const client = new CaClient({ env: clientEnv(iocs.server.udpPort, {}), repeater: false });
    const service = createDirectControlService({
      config: readConfig({
        DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
        DIRECT_CONTROL_REGISTRY_FILE_PATH: registryFile,
        DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false',
      }),
      client,
      registry: FileRegistry.load(registryFile),
      logger: createLogger('direct_control', 'silent'),
    });
    const { url } = await service.listen(0, '127.0.0.1');
    const post = (path: string, body: unknown) =>
      fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      const health = (await (await fetch(`${url}/health`)).json()) as any;
      assert.deepEqual(
        [health.registry_backend, health.coordination_enabled, health.status],
        ['file', false, 'healthy'],
      );
      assert.equal((await fetch(`${url}/api/v1/pv/mini:current/value`)).status, 200);
      assert.equal(
        (await fetch(`${url}/api/v1/pv/mini:ph:vel/value`)).status,
        404,
        'live but not in the file',
      );
      assert.equal((await post('/api/v1/pv/set', { pv_name: 'mini:dot:exp', value: 1.5 })).status, 200);
      assert.equal((await client.get('mini:dot:exp')).value, 1.5);
      const specless = await post('/api/v1/device/execute', { device_name: 'slit_det', method: 'read' });
      const [status, body] = [specless.status, (await specless.json()) as any];
      assert.equal(status, 422);
      assert.match(body.detail, /no instantiation spec/);
      const read = (await (
        await post('/api/v1/device/execute', { device_name: 'pinhole', method: 'read' })
      ).json()) as any;
      assert.ok('pinhole_det' in read.result, JSON.stringify(read));
      const socket = await TestSocket.open(`${url.replace('http', 'ws')}/api/v1/device-socket`);
      await socket.request({ action: 'subscribe', device: 'pinhole' }, isType('subscribed'));
      const signals = new Set(
        socket.frames.filter((f) => f.event_type === 'device_update').map((f) => f.signal),
      );
      assert.deepEqual(
        [...signals].sort(),
        ['mini:ph:det', 'mini:ph:exp'],
        'file mode maps each PV to itself',
      );
      socket.close();
    } finally {
      await service.close();
      await client.close();
      await iocs.stop();
    }
  });
});
