/**
 * Seeding an empty registry from the environment (spec §12, the profile-seeded pod) among real
 * parts: the simulated beamline IOCs, our configuration service starting empty (SQLite), direct
 * control asking it before every write, and the queue server on the test_collection profile with
 * its worker process. At environment open the registry gets the profile's eight EPICS devices
 * (classes, PVs, labels), a plan's devices are then locked by it (direct control: 423), later
 * registry changes are applied before the next plan, and a registry holding anything is left
 * alone. A registry that refuses the devices is reported while the environment stays open.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { registryEntries } from '../src/worker/registry-entries.ts';
import { simProfileNamespace } from '../src/worker/sim-profile.ts';
import { removeDir, startTestQueueServer } from './harness.ts';
import {
  ENV_CLOSED,
  ENV_OPEN,
  type Json,
  poll,
  queueServerApi,
  type RegistryStack,
  startRegistryStack,
  statusWhen,
} from './registry-stack.ts';

const TEST_COLLECTION = join(import.meta.dirname, '../../../integration/profile_collections/test_collection');
const PROFILE_DEVICES = [
  'det_edge',
  'det_pinhole',
  'det_spot',
  'edge_motor',
  'ph_motor',
  'ring_current',
  'sample_x',
  'sample_y',
];

const SEEDED_LINE = /The registry was empty: registered the environment's devices/g;

describe('an empty registry seeded from the environment (spec §12)', () => {
  let stack: RegistryStack;
  const devicesInfo = () => stack.config.json<Record<string, Json>>('/api/v1/devices-info');
  const lockOf = (device: string) => stack.config.json<Json>(`/api/v1/devices/${device}/status`);
  /** Runs one plan through the queue and waits for it to be in the history. */
  const runPlan = async (item: Json): Promise<Json> => {
    const before = (await stack.api('GET', '/api/history/get')).items.length as number;
    const added = await stack.api('POST', '/api/queue/item/add', { item });
    assert.equal(added.success, true, added.msg);
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    await statusWhen(
      stack.qs,
      (s) => s.manager_state === 'idle' && s.items_in_history === before + 1,
      `${item.name} done`,
    );
    return (await stack.api('GET', '/api/history/get')).items.at(-1);
  };

  before(async () => {
    stack = await startRegistryStack(0, {
      configEnv: { CONFIG_LOAD_STRATEGY: 'empty' },
      queueServerEnv: { QSERVER_STARTUP_DIR: TEST_COLLECTION },
    });
  });
  after(() => stack?.close());

  it("registers the profile's eight devices at environment open, with classes, PVs and labels", async () => {
    assert.deepEqual(await devicesInfo(), {});
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open');
    const info = await poll(async () => {
      const now = await devicesInfo();
      return Object.keys(now).length === PROFILE_DEVICES.length ? now : undefined;
    }, 'the registry seeded');
    assert.deepEqual(Object.keys(info).sort(), PROFILE_DEVICES);

    const specs = await stack.config.json<Record<string, Json>>('/api/v1/devices/instantiation');
    assert.deepEqual(specs.det_spot, {
      name: 'det_spot',
      device_class: 'localdevs.Spot',
      args: ['mini:dot'],
      kwargs: { name: 'det_spot' },
      active: true,
      framework: null,
    });
    assert.equal(specs.sample_x.device_class, 'ophyd.EpicsMotor');
    assert.equal(specs.ph_motor.device_class, 'ophyd.signal.EpicsSignal');
    assert.equal(specs.ring_current.device_class, 'ophyd.signal.EpicsSignalRO');
    assert.deepEqual(specs.det_pinhole.args, ['mini:ph']);

    const spot = info.det_spot;
    assert.deepEqual([spot.ophyd_class, spot.module, spot.device_label], ['Spot', 'localdevs', 'detector']);
    assert.deepEqual(spot.pvs, {
      img: 'mini:dot:det',
      roi: 'mini:dot:img_sum',
      exp: 'mini:dot:exp',
      shutter_open: 'mini:dot:shutter_open',
      array_size: 'mini:dot:ArraySize_RBV',
    });
    assert.deepEqual(info.det_pinhole.pvs, { det: 'mini:ph:det', exp: 'mini:ph:exp' });
    const motor = info.sample_x;
    assert.deepEqual(
      [motor.ophyd_class, motor.module, motor.device_label, motor.labels],
      ['EpicsMotor', 'ophyd.epics_motor', 'motor', ['positioners']],
    );
    assert.equal(motor.pvs.user_readback, 'sim:mtr1.RBV');
    assert.equal(motor.pvs.motor_stop, 'sim:mtr1.STOP');
    assert.deepEqual(
      [motor.is_movable, motor.is_stoppable, motor.is_readable, motor.is_flyable],
      [true, true, true, false],
    );
    const ph = info.ph_motor;
    assert.deepEqual(
      [ph.ophyd_class, ph.device_label, ph.labels, ph.pvs, ph.is_movable],
      ['EpicsSignal', 'motor', ['positioners'], { ph_motor: 'mini:ph:mtr' }, true],
    );
    const current = info.ring_current;
    assert.deepEqual(
      [current.ophyd_class, current.device_label, current.labels, current.pvs, current.is_movable],
      ['EpicsSignalRO', 'signal', [], { ring_current: 'mini:current' }, false],
    );
    assert.equal(stack.console.join('').match(SEEDED_LINE)?.length, 1);
    assert.equal(stack.qs.server.runtime.status().config_service_sync_error, null);
  });

  it("locks a plan's seeded devices while it runs: direct control refuses their PVs (423)", async () => {
    const added = await stack.api('POST', '/api/queue/item/add', {
      item: {
        item_type: 'plan',
        name: 'dwell_scan',
        args: [['det_pinhole'], 'ph_motor', -1, 1, 12],
        kwargs: { dwell: 0.25 },
      },
    });
    const uid = added.item.item_uid as string;
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    const lock = await poll(async () => {
      const now = await lockOf('ph_motor');
      return now.lock_status === 'locked' ? now : undefined;
    }, 'ph_motor locked');
    assert.deepEqual([lock.locked_by_plan, lock.locked_by_item], ['dwell_scan', uid]);
    assert.equal((await lockOf('sample_x')).available, true);
    const refused = await stack.directControlPost('/api/v1/pv/set', { pv_name: 'mini:ph:mtr', value: 0 });
    assert.equal(refused.status, 423, JSON.stringify(refused.body));
    const free = await stack.directControlPost('/api/v1/pv/set', { pv_name: 'mini:edge:exp', value: 0.2 });
    assert.equal(free.status, 200, JSON.stringify(free.body));

    await statusWhen(stack.qs, (s) => s.manager_state === 'idle' && s.items_in_queue === 0, 'the plan ended');
    const last = (await stack.api('GET', '/api/history/get')).items.at(-1);
    assert.deepEqual([last.item_uid, last.result.exit_status], [uid, 'completed']);
    await poll(async () => ((await lockOf('ph_motor')).available ? true : undefined), 'ph_motor unlocked');
  });

  it('applies registry changes made while the environment is open before the next plan, once', async () => {
    const created = await stack.config.send('POST', '/api/v1/devices', {
      metadata: {
        name: 'extra_signal',
        device_label: 'signal',
        ophyd_class: 'EpicsSignal',
        pvs: { extra_signal: 'mini:slit:det' },
        labels: ['runtime-registered'],
      },
      instantiation_spec: {
        name: 'extra_signal',
        device_class: 'ophyd.EpicsSignal',
        args: ['mini:slit:det'],
      },
    });
    assert.equal(created.status, 201, await created.text());
    const count = { item_type: 'plan', name: 'count', args: [['det_pinhole']] };
    assert.equal((await runPlan(count)).result.exit_status, 'completed');
    const changed = /Registry devices changed \(added or updated: extra_signal\)/g;
    assert.equal(stack.console.join('').match(changed)?.length, 1);
    const existing = (await stack.api('GET', '/api/devices/existing')).devices_existing as Json;
    assert.ok(existing.extra_signal, 'extra_signal taken into the environment');
    assert.equal((await runPlan(count)).result.exit_status, 'completed');
    assert.equal(stack.console.join('').match(/Registry devices changed/g)?.length, 1, 'the cursor moved on');
  });

  it('leaves a registry that holds devices alone when the environment opens again', async () => {
    const removed = await stack.config.send('DELETE', '/api/v1/devices/edge_motor');
    assert.equal(removed.status, 200, await removed.text());
    assert.equal((await stack.api('POST', '/api/environment/close')).success, true);
    await statusWhen(stack.qs, ENV_CLOSED, 'the environment closed');
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open again');
    // The registry's extra_signal joined the environment (consume mode); nothing was registered.
    const allowed = (await stack.api('GET', '/api/devices/allowed')).devices_allowed as Json;
    assert.ok(allowed.extra_signal, 'extra_signal allowed');
    const expected = [...PROFILE_DEVICES.filter((name) => name !== 'edge_motor'), 'extra_signal'].sort();
    assert.deepEqual(Object.keys(await devicesInfo()).sort(), expected);
    assert.equal(stack.console.join('').match(SEEDED_LINE)?.length, 1);
  });
});

describe('seeding a registry that refuses it', () => {
  it('reports the failure (console, config_service_sync_error) and the environment stays open', async () => {
    // Persistence off: the registry starts empty and answers 501 to every change and to its feed.
    const config = await startConfiguration({
      CONFIG_LOAD_STRATEGY: 'empty',
      CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false',
    });
    const qs = await startTestQueueServer({
      QSERVER_CONFIG_SERVICE_ENABLED: 'true',
      QSERVER_CONFIG_SERVICE_URL: config.url,
      QSERVER_STARTUP_DIR: TEST_COLLECTION,
    });
    const lines: string[] = [];
    qs.server.runtime.on('console', (message) => lines.push(message.msg));
    try {
      const api = queueServerApi(qs);
      assert.equal((await api('POST', '/api/environment/open')).success, true);
      const status = await statusWhen(
        qs,
        (s) => ENV_OPEN(s) && s.config_service_sync_error !== null,
        'the open with a sync error',
      );
      assert.match(
        status.config_service_sync_error,
        /^Failed to seed the configuration service with the environment's devices: the registry refused det_edge, det_pinhole, det_spot, edge_motor, ph_motor, ring_current, sample_x, sample_y \(Device registry persistence not enabled\. Set CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=true\.\)$/,
      );
      await poll(async () => (/keeps no change history/.test(lines.join('')) ? true : undefined), 'the feed');
      assert.match(lines.join(''), /Failed to seed the configuration service/);
      assert.deepEqual(await config.json('/api/v1/devices-info'), {});
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
      await config.close();
    }
  });
});

describe('registry entries of a namespace', () => {
  it('leaves simulated devices out: they have no PVs and no catalog class', () => {
    const devices = simProfileNamespace().devices;
    assert.ok(Object.keys(devices).length > 40);
    assert.deepEqual(registryEntries(devices), []);
  });
});
