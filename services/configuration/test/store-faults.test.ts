/**
 * Store failures at chosen points, on SQLite (in `npm test`): the service runs on a real store
 * wrapped so that any of its methods can be made to fail. Every refused write answers 503 with a
 * clear detail and leaves memory and database as they were; reads from memory keep working.
 * (interop/faults-postgres.test.ts does the same against a real PostgreSQL outage.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { createCatalog } from '@ophyd-service/devices';
import { createLogger } from '@ophyd-service/service-kit';
import { testSignal } from '../../../packages/epics-ca/test/waits.ts';
import { type ConfigurationService, createConfigurationService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { type MikroRegistryStore, openStore } from '../src/store/mikro-store.ts';
import { type RegistryStore, StoreError } from '../src/store/store.ts';

const root = mkdtempSync(join(tmpdir(), 'ophyd-config-store-faults-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A store whose methods named in `failing` reject with a StoreError (the rest pass through). */
function faultyStore(store: MikroRegistryStore) {
  const failing = new Set<keyof RegistryStore>();
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        if (failing.has(prop as keyof RegistryStore))
          return Promise.reject(new StoreError(`injected failure of ${String(prop)}`));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy as RegistryStore, failing, calls };
}

const motor = (name: string) => ({
  metadata: { name, device_label: 'motor', ophyd_class: 'EpicsMotor', pvs: { user_setpoint: `SF:${name}` } },
  instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [`SF:${name}`], kwargs: { name } },
});

describe('store failures at chosen points (SQLite)', { concurrency: 1 }, () => {
  let service: ConfigurationService;
  let raw: MikroRegistryStore;
  let faults: ReturnType<typeof faultyStore>;
  let base: string;

  beforeEach(async () => {
    raw = await openStore(`sqlite:///${join(root, `db${++counter}`, 'registry.db')}`);
    faults = faultyStore(raw);
    service = await createConfigurationService({
      config: readConfig({ CONFIG_LOAD_STRATEGY: 'mock' }),
      store: faults.store,
      catalog: createCatalog(),
      logger: createLogger('configuration_service', 'silent'),
    });
    base = (await service.listen(0, '127.0.0.1')).url;
    // A standalone PV and a lock, so that reset/clear have something to keep and something to drop.
    assert.equal((await send('POST', '/api/v1/pvs', { pv_name: 'SF:STANDALONE' })).status, 201);
    assert.equal(
      (await send('POST', '/api/v1/devices/lock', { device_names: ['det1'], item_id: 'i1', plan_name: 'p' }))
        .status,
      200,
    );
  });
  afterEach(() => service.close());

  const send = (method: string, path: string, body?: unknown) =>
    fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: testSignal(), // a hang fails the test at its timeout
    });
  const json = async (path: string) => (await send('GET', path)).json() as Promise<any>;

  /** Memory (over HTTP) and the database (read directly), to compare before and after. */
  async function everything() {
    return {
      devices: await json('/api/v1/devices'),
      info: await json('/api/v1/devices-info'),
      specs: await json('/api/v1/devices/instantiation?active_only=false'),
      pvs: await json('/api/v1/pvs'),
      det1: (await json('/api/v1/devices/det1/status')).lock_status,
      stored: (await raw.loadDevices()).map((d) => [d.name, d.metadata, d.spec]),
      audit: (await raw.history({ limit: 10000 })).map((e) => `${e.operation}:${e.device_name}`),
      standalone: (await raw.listStandalone()).map((p) => p.pv_name),
      epoch: await raw.seededEpoch(),
    };
  }

  async function assertRefused(res: Response, what: string) {
    assert.equal(res.status, 503, what);
    const { detail } = (await res.json()) as { detail: string };
    assert.match(detail, /^Registry store unavailable; nothing was changed \(.*injected failure/, what);
  }

  it('refuses every device and PV write with 503 and changes nothing', async () => {
    const before = await everything();
    faults.failing.add('upsertDevice').add('deleteDevice').add('upsertStandalone').add('deleteStandalone');
    faults.failing.add('getStandalone').add('appendAudit');
    const writes: [string, string, unknown?][] = [
      ['POST', '/api/v1/devices', motor('refused')],
      ['PUT', '/api/v1/devices/cam1', { metadata: { documentation: 'no' } }],
      ['DELETE', '/api/v1/devices/sample_x'],
      ['PATCH', '/api/v1/devices/cam1/disable'],
      ['POST', '/api/v1/pvs', { pv_name: 'SF:REFUSED' }],
      ['PUT', '/api/v1/pvs/standalone/SF:STANDALONE', { description: 'no' }],
      ['DELETE', '/api/v1/pvs/standalone/SF:STANDALONE'],
      ['POST', '/api/v1/devices/lock', { device_names: ['sample_x'], item_id: 'i2', plan_name: 'p' }],
      ['POST', '/api/v1/devices/unlock', { device_names: ['det1'], item_id: 'i1' }],
      ['POST', '/api/v1/devices/force-unlock', { device_names: ['det1'], reason: 'r' }],
    ];
    for (const [method, path, body] of writes)
      await assertRefused(await send(method, path, body), `${method} ${path}`);
    assert.deepEqual(await everything(), before);
    // Reads from memory are untouched by the failing store.
    assert.equal((await send('GET', '/api/v1/devices/sample_x')).status, 200);
    assert.equal((await json('/api/v1/pvs/lookup?pv_name=BL01:SAMPLE:X.RBV')).device_name, 'sample_x');
    assert.equal((await send('GET', '/ready')).status, 200, 'the ping still answers');
  });

  for (const route of ['reset', 'clear'] as const) {
    it(`refuses a ${route} whose seed fails, and changes nothing`, async () => {
      const before = await everything();
      faults.failing.add('seed');
      await assertRefused(await send('POST', `/api/v1/registry/${route}`), route);
      assert.deepEqual(await everything(), before);
    });

    it(`refuses a ${route} whose standalone-PV read fails before seeding anything`, async () => {
      const before = await everything();
      faults.failing.add('listStandalone');
      await assertRefused(await send('POST', `/api/v1/registry/${route}`), route);
      // The database must not have been reseeded behind a 503: memory and database still agree.
      assert.deepEqual(await everything(), before);
      faults.failing.clear();
      assert.equal((await send('POST', `/api/v1/registry/${route}`)).status, 200);
      const after = await everything();
      assert.deepEqual(after.devices, route === 'reset' ? ['cam1', 'det1', 'sample_x'] : []);
      assert.deepEqual(
        after.stored.map(([name]) => name),
        after.devices,
      );
      assert.deepEqual(after.standalone, ['SF:STANDALONE'], 'standalone PVs survive');
      assert.equal(after.det1, route === 'reset' ? 'unlocked' : undefined, 'locks dropped');
    });
  }

  it('answers 503 on the database-backed reads and recovers when the store does', async () => {
    faults.failing.add('history').add('listStandalone').add('loadDevices').add('maxAuditId').add('ping');
    for (const path of [
      '/api/v1/devices/history',
      '/api/v1/devices/changes?since_version=0',
      '/api/v1/pvs/standalone',
      '/api/v1/pvs/labels',
      '/api/v1/registry/export',
    ])
      await assertRefused(await send('GET', path), path);
    assert.equal((await send('GET', '/ready')).status, 503);
    assert.equal((await send('GET', '/health')).status, 503);
    faults.failing.clear();
    assert.equal((await send('GET', '/ready')).status, 200);
    assert.equal((await send('GET', '/health')).status, 200);
    assert.equal((await send('POST', '/api/v1/devices', motor('after'))).status, 201);
    assert.deepEqual(
      (await json('/api/v1/devices/history?limit=1')).map((e: any) => e.device_name),
      ['after'],
    );
  });
});
