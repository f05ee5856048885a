import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CaClient } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import { type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../../packages/epics-ca/test/loopback.ts';
import { type Harness, startConfiguration } from '../../configuration/test/harness.ts';
import { createDirectControlService, type DirectControlService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';
import { documented } from './openapi-check.ts';

const seed = join(import.meta.dirname, '../../../integration/seed/happi_db.json');

describe('direct control over REST, against the simulated IOCs and the seeded registry', () => {
  let iocs: RunningIocs;
  let config: Harness;
  let client: CaClient;
  let service: DirectControlService;
  let base: string;
  // Every answer in these tests is also checked against the published OpenAPI document.
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, init);
    await documented('GET', res);
    return res;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await documented('POST', res);
    return res;
  };

  before(async () => {
    iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
      seed: 3,
      server: {
        port: 0,
        interfaces: ['127.0.0.1'],
        beaconAddresses: [],
        env: serverEnv({ EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
      },
    });
    config = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: seed });
    client = new CaClient({
      env: clientEnv(iocs.server.udpPort, { EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
      repeater: false,
    });
    service = createDirectControlService({
      config: readConfig({
        DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false',
        DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url,
      }),
      client,
      registry: new HttpRegistry({ baseUrl: config.url, cacheTtlMs: 0 }),
      logger: createLogger('direct_control', 'silent'),
    });
    base = (await service.listen(0, '127.0.0.1')).url;
  });
  after(async () => {
    await service.close();
    await client.close();
    await config.close();
    await iocs.stop();
  });

  it('reads a registered PV fresh, and refuses unregistered ones', async () => {
    const current = (await (await get(`/api/v1/pv/mini:current/value`)).json()) as any;
    assert.ok(current.value >= 475 && current.value <= 525);
    assert.deepEqual([current.shape, current.dtype, current.ndim, current.nbytes], [[], null, 0, 0]);
    const unknown = await get(`/api/v1/pv/not:registered/value`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as any).detail, /not found in the registry/);
  });

  it('serves arrays as little-endian bytes on request', async () => {
    const res = await get(`/api/v1/pv/mini:dot:ArraySize_RBV/value?format=binary`);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual([res.headers.get('x-pv-dtype'), res.headers.get('x-pv-shape')], ['<i4', '2']);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([bytes.readInt32LE(0), bytes.readInt32LE(4)], [480, 640]);
    const refused = await get(`/api/v1/pv/mini:current/value`, { headers: { accept: 'text/html' } });
    assert.equal(refused.status, 406);
  });

  it('writes through the gates: fire-and-forget, put-completion, and a lock refusal', async () => {
    const res = await post('/api/v1/pv/set', { pv_name: 'mini:dot:mtrx', value: 3.14 });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.deepEqual([body.success, body.mode, body.value_set], [true, 'fire-and-forget', 3.14]);
    const waited = (await (
      await post('/api/v1/pv/set', { pv_name: 'mini:ph:mtr', value: 0.2, wait: true })
    ).json()) as any;
    assert.equal(waited.mode, 'put-completion');
    assert.equal(
      (await client.get('mini:ph:mtr')).value,
      0.2,
      'the move had finished when the write answered',
    );
    await config.send('POST', '/api/v1/devices/lock', {
      device_names: ['motor_spotx'],
      item_id: 'q1',
      plan_name: 'grid_scan',
    });
    const locked = await post('/api/v1/pv/set', { pv_name: 'mini:dot:mtrx', value: 1 });
    assert.equal(locked.status, 423);
    assert.match(((await locked.json()) as any).detail, /locked by plan 'grid_scan'/);
    await config.send('POST', '/api/v1/devices/unlock', { device_names: ['motor_spotx'], item_id: 'q1' });
  });

  it('stops a batch at the first failure and reports each attempted item', async () => {
    const res = await post('/api/v1/pv/set/batch', {
      caputs: [
        { pv_name: 'mini:dot:mtry', value: 1 },
        { pv_name: 'not:registered', value: 2 },
        { pv_name: 'mini:dot:mtrx', value: 3 },
      ],
    });
    const body = (await res.json()) as any;
    assert.deepEqual([body.ok, body.applied, body.requested, body.results.length], [false, 1, 3, 2]);
    assert.deepEqual(
      [body.results[1].status_code, body.results[1].error_type],
      [404, 'RegistryValidationError'],
    );
    assert.equal((await post('/api/v1/pv/set/batch', { caputs: [] })).status, 422);
  });

  it('serves the monitor cache with alarm state and metadata, and lists connected PVs', async () => {
    const cached = (await (await get(`/api/v1/pvs/mini:ph:mtr_tick_rate/value`)).json()) as any;
    assert.deepEqual(
      [cached.value, cached.units, cached.connected, cached.write_access],
      [10, 'Hz', true, true],
    );
    assert.ok(
      ((await (await get(`/api/v1/pvs/connected`)).json()) as string[]).includes('mini:ph:mtr_tick_rate'),
    );
  });

  it('reports its health and the registry backend', async () => {
    const health = (await (await get(`/health`)).json()) as any;
    assert.deepEqual(
      [health.status, health.registry_backend, health.read_only, health.coordination_service_available],
      ['healthy', 'http', false, true],
    );
  });
});

describe('read-only mode', () => {
  it('refuses every write with 403 before looking at the body, and still reads', async () => {
    const config = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    const client = new CaClient({ env: clientEnv(1, {}), repeater: false, timeoutMs: 300 });
    const service = createDirectControlService({
      config: readConfig({ DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url }),
      client,
      registry: new HttpRegistry({ baseUrl: config.url }),
      logger: createLogger('direct_control', 'silent'),
    });
    const { url } = await service.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${url}/api/v1/pv/set`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"bogus": true}',
      });
      assert.equal(res.status, 403);
      await documented('POST', res);
      assert.match(((await res.json()) as any).detail, /read-only/i);
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      await documented('GET', health);
    } finally {
      await service.close();
      await client.close();
      await config.close();
    }
  });
});
