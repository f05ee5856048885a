/**
 * Export → import round trips over HTTP: a service seeded from the simulated beamline's happi
 * database exports it; a second service seeded from that export holds the same registry.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Harness, startConfiguration } from './harness.ts';

const SEED = join(import.meta.dirname, '..', '..', '..', 'integration', 'seed', 'happi_db.json');

const root = mkdtempSync(join(tmpdir(), 'ophyd-config-export-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The registry as clients see it: metadata by name, every spec (disabled ones too), PV index. */
async function registry(h: Harness) {
  return {
    devices: (await h.json('/api/v1/devices')) as string[],
    info: (await h.json('/api/v1/devices-info')) as Record<string, any>,
    specs: (await h.json('/api/v1/devices/instantiation?active_only=false')) as Record<string, any>,
    pvs: (await h.json('/api/v1/pvs')) as { pvs: string[] },
    classes: await h.json('/api/v1/devices/classes'),
    types: await h.json('/api/v1/devices/types'),
  };
}

describe('happi export → import round trip', { concurrency: 1 }, () => {
  let first: Harness;
  let exported: Record<string, any>;
  const seed = JSON.parse(readFileSync(SEED, 'utf8')) as Record<string, any>;

  before(async () => {
    first = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: SEED });
    const res = await first.get('/api/v1/registry/export');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    exported = (await res.json()) as Record<string, any>;
  });
  after(() => first?.close());

  it('exports every seeded device as a happi entry', () => {
    assert.deepEqual(Object.keys(exported).sort(), Object.keys(seed).sort());
    for (const [name, entry] of Object.entries(seed)) {
      const out = exported[name];
      assert.equal(out._id, name);
      assert.equal(out.name, name);
      assert.equal(out.device_class, entry.device_class);
      assert.equal(out.type, entry.device_class);
      assert.equal(out.active, true);
      // Templates come back filled in.
      assert.deepEqual(out.args, [entry.prefix]);
      assert.deepEqual(out.kwargs, { name });
      assert.equal(out.prefix, entry.prefix);
      for (const key of ['beamline', 'functional_group', 'documentation'])
        assert.equal(out[key], entry[key], `${name}.${key}`);
    }
  });

  it('seeds a second service with the same registry', async () => {
    const file = join(root, 'roundtrip', 'happi_db.json');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(exported));
    const second = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: file });
    try {
      const a = await registry(first);
      const b = await registry(second);
      assert.equal(a.devices.length, Object.keys(seed).length);
      assert.deepEqual(b.devices, a.devices);
      assert.deepEqual(b.info, a.info, 'devices-info');
      assert.deepEqual(b.specs, a.specs, 'instantiation specs');
      assert.deepEqual(b.pvs, a.pvs, 'PV index');
      assert.deepEqual(b.classes, a.classes);
      assert.deepEqual(b.types, a.types);
      // Compound devices kept their catalog-walked PVs through the trip.
      assert.deepEqual(b.info.pinhole.pvs, { det: 'mini:ph:det', exp: 'mini:ph:exp' });
      assert.equal(b.info.cam.pvs.image, '13SIM1:image1:ArrayData');
      // And exporting again gives the same document.
      assert.deepEqual(await second.json('/api/v1/registry/export'), exported);
    } finally {
      await second.close();
    }
  });

  it('carries location_group, framework and a disabled device (exported inactive, skipped on import)', async () => {
    const created = await first.send('POST', '/api/v1/devices', {
      metadata: { name: 'extra_det', device_label: 'detector', ophyd_class: 'Det' },
      instantiation_spec: {
        name: 'extra_det',
        device_class: 'localdevs.Det',
        args: ['mini:extra'],
        kwargs: { name: 'extra_det' },
        framework: 'ophyd-sync',
      },
    });
    assert.equal(created.status, 201);
    assert.equal(
      (await first.send('PUT', '/api/v1/devices/extra_det', { metadata: { location_group: 'hutch B' } }))
        .status,
      200,
    );
    assert.equal((await first.send('PATCH', '/api/v1/devices/sim_mtr3/disable')).status, 200);
    const again = (await first.json('/api/v1/registry/export')) as Record<string, any>;
    assert.equal(again.extra_det.location_group, 'hutch B');
    assert.equal(again.extra_det.framework, 'ophyd-sync');
    assert.equal(again.extra_det.prefix, 'mini:extra');
    assert.equal(again.sim_mtr3.active, false);

    const file = join(root, 'second', 'happi_db.json');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(again));
    const third = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: file });
    try {
      const devices = (await third.json('/api/v1/devices')) as string[];
      assert.ok(devices.includes('extra_det'));
      assert.equal(devices.includes('sim_mtr3'), false, 'happi clients skip inactive entries');
      const det = await third.json('/api/v1/devices/extra_det');
      assert.equal(det.location_group, 'hutch B');
      assert.deepEqual(
        det.pvs,
        { det: 'mini:extra:det', exp: 'mini:extra:exp' },
        'PVs from the catalog walk',
      );
      assert.deepEqual(await third.json('/api/v1/devices/extra_det/instantiation'), {
        name: 'extra_det',
        device_class: 'localdevs.Det',
        args: ['mini:extra'],
        kwargs: { name: 'extra_det' },
        active: true,
        framework: 'ophyd-sync',
      });
    } finally {
      await third.close();
    }
  });
});

describe('BITS export → import round trip', () => {
  it('reloads the same devices, classes and constructor prefixes through the BITS loader', async () => {
    const first = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: SEED });
    let yaml: string;
    let specs: Record<string, any>;
    try {
      const res = await first.get('/api/v1/registry/export?format=bits');
      assert.equal(res.status, 200);
      yaml = await res.text();
      specs = await first.json('/api/v1/devices/instantiation?active_only=false');
    } finally {
      await first.close();
    }
    const dir = join(root, 'bits');
    mkdirSync(join(dir, 'configs'), { recursive: true });
    writeFileSync(join(dir, 'configs', 'devices.yml'), yaml);
    const second = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'bits', CONFIG_PROFILE_PATH: dir });
    try {
      const reloaded = (await second.json('/api/v1/devices/instantiation?active_only=false')) as Record<
        string,
        any
      >;
      assert.deepEqual(Object.keys(reloaded).sort(), Object.keys(specs).sort());
      for (const [name, spec] of Object.entries(specs)) {
        assert.equal(reloaded[name].device_class, spec.device_class, name);
        assert.deepEqual(reloaded[name].args, spec.args, name);
        assert.equal(reloaded[name].kwargs.name, name);
      }
    } finally {
      await second.close();
    }
  });
});
