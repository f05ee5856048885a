/**
 * The queue server in its pods (spec integration-iocs-pods.md §3.2 F, G, H): the runtime image's
 * `queueserver` on the pod's network, driven from the host over HTTP (API key `mad`), its
 * WebSockets and 0MQ (bluesky-queueserver-api from the Python peers' venv).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { call } from '../../../cli/deployment-checks.ts';
import { type Pod, startPod } from '../src/pods.ts';
import {
  type Json,
  pythonScenario,
  QueueServerHttp,
  signal,
  waitFor,
  watchSocket,
} from './queueserver-client.ts';

describe('with-queueserver pod: IOC, registry, direct control, the queue server and the web UI', () => {
  let pod: Pod;
  let qs: QueueServerHttp;
  before(async () => {
    pod = await startPod('with-queueserver');
    qs = new QueueServerHttp(pod.queueServer!.url, pod.queueServer!.apiKey);
  });
  after(() => pod?.stop());

  it('answers the smoke checks: the other services healthy, the manager idle with the key, 401 without', async () => {
    assert.equal((await call('GET', `${pod.configurationUrl}/health`)).status, 200);
    assert.equal((await call('GET', `${pod.directControlUrl}/health`)).status, 200);
    const status = await qs.status();
    assert.equal(status.manager_state, 'idle');
    assert.equal(status.worker_environment_exists, false);
    assert.equal((await qs.call('GET', '/api/status', undefined, false)).status, 401);
  });

  it('serves the web UI built into the image, telling the page the services at their mapped ports', async () => {
    const url = pod.webUiUrl!;
    const page = await (await fetch(`${url}/`)).text();
    const script = page.match(/<script[^>]+src="([^"]+\.js)"/)?.[1];
    assert.ok(script, `the page names its script: ${page.slice(0, 400)}`);
    const asset = await fetch(`${url}${script}`);
    assert.equal(asset.status, 200);
    assert.match(String(asset.headers.get('content-type')), /^text\/javascript/);
    assert.deepEqual(await (await fetch(`${url}/config.json`)).json(), {
      configurationUrl: pod.configurationUrl,
      directControlUrl: pod.directControlUrl,
      queueServerUrl: pod.queueServer!.url,
      queueServerApiKey: pod.queueServer!.apiKey,
    });
  });

  it('is driven by bluesky-queueserver-api over 0MQ and HTTP through the mapped ports', async () => {
    const { control, info, url, apiKey } = pod.queueServer!;
    const out = await pythonScenario('queueserver_api_compat.py', [control, info, url, apiKey]);
    assert.equal(out.zmq_manager_state, 'idle');
    assert.equal(out.zmq_queue_len, 1);
    assert.equal(out.zmq_plans_allowed_has_count, true);
    assert.equal(typeof out.console_msg, 'string');
    assert.doesNotMatch(out.console_msg, /^timeout/, 'a console message within 30 s');
    assert.ok(Array.isArray(out.system_info_keys), `a status message: ${out.system_info_keys}`);
    assert.ok(out.system_info_keys.includes('status'));
    assert.equal(out.http_manager_state, 'idle');
    assert.deepEqual(out.http_queue, ['count'], 'HTTP sees the item added over 0MQ');
    assert.ok(out.http_devices_allowed > 0);
    assert.equal(out.zmq_queue_len_after_http_clear, 0, 'a clear over HTTP is seen over 0MQ');
  });

  it('streams status, info and console over its WebSockets with the key, and nothing to a socket without credentials', async () => {
    const status = watchSocket(qs.url, '/api/status/ws', qs.apiKey);
    const info = watchSocket(qs.url, '/api/info/ws', qs.apiKey);
    const consoleOutput = watchSocket(qs.url, '/api/console_output/ws', qs.apiKey);
    const anonymous = watchSocket(qs.url, '/api/status/ws', null);
    try {
      // Opening the environment prints to the console; the status is published every second.
      await qs.openEnvironment();
      const [statusFrame, infoFrame, consoleFrame] = await Promise.all([
        status.first,
        info.first,
        consoleOutput.first,
      ]);
      assert.equal(typeof statusFrame.msg.status.manager_state, 'string');
      assert.equal(typeof infoFrame.msg.status.manager_state, 'string');
      assert.equal(typeof consoleFrame.msg, 'string');
      // The server gives a socket without credentials ten seconds to authenticate, sending nothing.
      const refused = await anonymous.closed;
      assert.equal(refused.code, 4401);
      assert.deepEqual(refused.frames, []);
    } finally {
      for (const socket of [status, info, consoleOutput, anonymous]) socket.close();
    }
  });

  it("runs count and scan from the simulated profile, and count of the registry's pinhole over the IOC", async () => {
    await qs.waitForStatus('the environment', (s) => s.worker_environment_exists === true);
    // Consume mode: pinhole exists only in the happi registry, not in the simulated profile.
    const allowed = (await qs.ok('GET', '/api/devices/allowed')).devices_allowed;
    assert.ok('pinhole' in allowed, `pinhole in ${Object.keys(allowed)}`);
    await qs.ok('POST', '/api/history/clear');
    await qs.addPlan('count', [['det1', 'det2']], { num: 3 });
    await qs.addPlan('scan', [['det1'], 'motor', -1, 1, 5]);
    await qs.addPlan('count', [['pinhole']], { num: 2 });
    const history = await qs.runQueue();
    assert.deepEqual(
      history.map((h: Json) => [h.name, h.result.exit_status, h.result.run_uids.length]),
      [
        ['count', 'completed', 1],
        ['scan', 'completed', 1],
        ['count', 'completed', 1],
      ],
    );
  });

  it('keeps its queue and history when its container is killed mid-plan; the running plan is then unknown', async () => {
    await qs.waitForStatus('the environment', (s) => s.worker_environment_exists === true);
    const running = await qs.addPlan('count', [['det1']], { num: 600, delay: 0.1 });
    const waiting = await qs.addPlan('count', [['det2']], { num: 1 });
    const before = (await qs.ok('GET', '/api/history/get')).items.length;
    await qs.ok('POST', '/api/queue/start');
    await qs.waitForStatus(
      'the long count to run',
      (s) => s.running_item_uid === running && s.re_state === 'running',
    );

    await pod.kill('queueserver');

    qs = new QueueServerHttp(pod.queueServer!.url, pod.queueServer!.apiKey);
    const status = await qs.status();
    assert.equal(status.manager_state, 'idle');
    assert.equal(status.worker_environment_exists, false, 'the worker died with the container');
    assert.equal(status.running_item_uid, null);
    const queue = (await qs.ok('GET', '/api/queue/get')).items.map((i: Json) => i.item_uid);
    assert.deepEqual(queue, [waiting], 'the waiting item is still queued');
    const history = (await qs.ok('GET', '/api/history/get')).items;
    assert.equal(history.length, before + 1);
    const last = history.at(-1);
    assert.deepEqual([last.item_uid, last.result.exit_status], [running, 'unknown']);
  });
});

const PROFILE_PLANS = [
  'count',
  'dwell_scan',
  'grid_scan',
  'list_scan',
  'mv',
  'plan_sleep',
  'rel_scan',
  'scan',
  'trigger_and_read',
];
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

describe('profile-seeded pod: the queue server on the test_collection profile, the registry starting empty', () => {
  let pod: Pod;
  let qs: QueueServerHttp;
  let config: string;
  let direct: string;
  const lockOf = async (device: string): Promise<Json> =>
    (await call('GET', `${config}/api/v1/devices/${device}/status`)).body as Json;
  const setDevice = (device: string, value: number) =>
    call('POST', `${direct}/api/v1/device/execute`, {
      device_name: device,
      method: 'set',
      args: [value],
      kwargs: {},
    });
  /** Starts dwell_scan(det_pinhole, ph_motor, -1, 1, 12, dwell=0.5) and waits until ph_motor is locked by it. */
  const startDwellScan = async (): Promise<string> => {
    const uid = await qs.addPlan('dwell_scan', [['det_pinhole'], 'ph_motor', -1, 1, 12], { dwell: 0.5 });
    await qs.ok('POST', '/api/queue/start');
    await waitFor(
      'ph_motor locked by the plan',
      async () => (await lockOf('ph_motor')).lock_status === 'locked',
    );
    return uid;
  };
  const finish = async (uid: string): Promise<void> => {
    await qs.waitForStatus('the plan to end', (s) => s.manager_state === 'idle' && s.items_in_queue === 0);
    const last = (await qs.ok('GET', '/api/history/get')).items.at(-1);
    assert.deepEqual([last.item_uid, last.result.exit_status], [uid, 'completed']);
  };

  before(async () => {
    pod = await startPod('profile-seeded');
    qs = new QueueServerHttp(pod.queueServer!.url, pod.queueServer!.apiKey);
    config = pod.configurationUrl!;
    direct = pod.directControlUrl;
  });
  after(() => pod?.stop());

  it('starts idle, with an empty registry', async () => {
    assert.equal((await qs.status()).manager_state, 'idle');
    assert.deepEqual((await call('GET', `${config}/api/v1/devices-info`)).body, {});
  });

  it("opens the environment on the profile's modules: its 9 plans and 8 devices", async () => {
    await qs.openEnvironment();
    const plans = Object.keys((await qs.ok('GET', '/api/plans/allowed')).plans_allowed).sort();
    assert.deepEqual(plans, PROFILE_PLANS);
    const devices = Object.keys((await qs.ok('GET', '/api/devices/allowed')).devices_allowed).sort();
    assert.deepEqual(devices, PROFILE_DEVICES);
    const dwell = (await qs.ok('GET', '/api/plans/existing')).plans_existing.dwell_scan;
    assert.deepEqual(
      dwell.parameters.map((p: Json) => p.name),
      ['detectors', 'motor', 'start', 'stop', 'num', 'dwell', 'md'],
    );
  });

  it("seeds the empty registry with the profile's 8 devices, their classes and PVs (exerciser H part 1)", async () => {
    await qs.waitForStatus('the environment', (s) => s.worker_environment_exists === true);
    const devicesInfo = async () => (await call('GET', `${config}/api/v1/devices-info`)).body as Json;
    await waitFor(
      'the registry seeded',
      async () => Object.keys(await devicesInfo()).length === PROFILE_DEVICES.length,
    );
    const info = await devicesInfo();
    assert.deepEqual(Object.keys(info).sort(), PROFILE_DEVICES);
    const specs = (await call('GET', `${config}/api/v1/devices/instantiation`)).body as Json;
    assert.equal(specs.det_spot.device_class, 'localdevs.Spot');
    assert.match(specs.sample_x.device_class, /EpicsMotor$/);
    assert.deepEqual(specs.ph_motor.args, ['mini:ph:mtr']);
    assert.deepEqual(info.ph_motor.pvs, { ph_motor: 'mini:ph:mtr' });
    assert.deepEqual(info.det_pinhole.pvs, { det: 'mini:ph:det', exp: 'mini:ph:exp' });
    assert.equal(info.sample_x.pvs.user_readback, 'sim:mtr1.RBV');
    // Plan-scoped locks: nothing is locked while no plan runs.
    assert.equal((await lockOf('ph_motor')).available, true);
    assert.equal((await qs.status()).config_service_sync_error, null);
  });

  it('runs count and dwell_scan over the IOCs through Channel Access: the pinhole motor ends at the last point', async () => {
    await qs.addPlan('count', [['det_pinhole', 'ring_current']], { num: 2 });
    await qs.addPlan('dwell_scan', [['det_pinhole'], 'ph_motor', -1, 1, 12], { dwell: 0.5 });
    const history = await qs.runQueue();
    assert.deepEqual(
      history.map((h: Json) => [h.name, h.result.exit_status, h.result.run_uids.length]),
      [
        ['count', 'completed', 1],
        ['dwell_scan', 'completed', 1],
      ],
    );
    const client = new CaClient({ env: readCaEnv(pod.caEnv()), repeater: false });
    try {
      assert.equal(Number((await client.get('mini:ph:mtr')).value), 1);
    } finally {
      await client.close();
    }
  });

  it("locks a running plan's registered devices: direct control answers 423 for them, 200 for others", async () => {
    // The devices are the ones seeded from the profile at environment open.
    const policy = await call('PUT', `${config}/api/v1/devices/lock/policy`, { lock_all: false });
    assert.equal(policy.status, 200);

    const uid = await startDwellScan();
    const lock = await lockOf('ph_motor');
    assert.deepEqual([lock.locked_by_plan, lock.locked_by_item], ['dwell_scan', uid]);
    assert.equal((await lockOf('det_pinhole')).lock_status, 'locked');
    assert.equal((await lockOf('sample_x')).available, true);
    assert.equal((await setDevice('ph_motor', 0)).status, 423);
    const pvSet = await call('POST', `${direct}/api/v1/pv/set`, { pv_name: 'mini:ph:mtr', value: 0 });
    assert.equal(pvSet.status, 423);
    const free = await setDevice('sample_x', 0.2);
    assert.equal(free.status, 200, JSON.stringify(free.body));
    await finish(uid);
    assert.equal((await lockOf('ph_motor')).available, true);
    assert.equal((await lockOf('det_pinhole')).available, true);
  });

  it('with lock_all, a running plan makes every registered device unavailable', async () => {
    assert.equal((await call('PUT', `${config}/api/v1/devices/lock/policy`, { lock_all: true })).status, 200);
    try {
      const uid = await startDwellScan();
      assert.equal((await lockOf('sample_x')).available, false);
      assert.equal((await setDevice('sample_x', 0.4)).status, 423);
      await finish(uid);
      assert.equal((await lockOf('sample_x')).available, true);
      const back = await setDevice('sample_x', 0);
      assert.equal(back.status, 200, JSON.stringify(back.body));
    } finally {
      await call('PUT', `${config}/api/v1/devices/lock/policy`, { lock_all: false });
    }
  });

  it('takes a device registered at run time into the next environment, without seeding again (exerciser H part 2)', async () => {
    const added = await call('POST', `${config}/api/v1/devices`, {
      ...signal('extra_signal', 'mini:slit:det'),
      metadata: { ...signal('extra_signal', 'mini:slit:det').metadata, labels: ['runtime-registered'] },
    });
    assert.ok([200, 201].includes(added.status), JSON.stringify(added.body));
    await qs.ok('POST', '/api/environment/close');
    await qs.waitForStatus(
      'closed',
      (s) => s.worker_environment_exists === false && s.manager_state === 'idle',
    );
    await qs.openEnvironment();
    const registry = (await call('GET', `${config}/api/v1/devices-info`)).body as Json;
    assert.deepEqual(Object.keys(registry).sort(), [...PROFILE_DEVICES, 'extra_signal'].sort());
    const allowed = (await qs.ok('GET', '/api/devices/allowed')).devices_allowed;
    assert.ok(allowed.extra_signal, 'extra_signal is an allowed device');
    const uid = await qs.addPlan('count', [['extra_signal']], { num: 1 });
    const last = (await qs.runQueue()).at(-1) as Json;
    assert.deepEqual([last.item_uid, last.result.exit_status], [uid, 'completed']);
  });
});
