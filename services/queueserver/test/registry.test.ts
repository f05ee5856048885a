/**
 * The queue server coordinating with the configuration service (spec §12) among real parts: the
 * simulated beamline IOCs, our configuration service (seeded, SQLite, lock leases of 2 s), direct
 * control asking it before every write, and the queue server with its worker process.
 * Consume mode puts the registry's devices in the environment; a plan locks the registered devices
 * it names while it runs (direct control refuses writes to them with 423) and unlocks them after;
 * a device locked by someone else, or a registry that is down, keeps the plan from starting
 * without losing the item, and says why in `config_service_sync_error`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigServiceClient, RegistryUnreachable } from '../src/registry/config-client.ts';
import { devicesNamedByPlan } from '../src/registry/plan-devices.ts';
import { removeDir, startTestQueueServer } from './harness.ts';
import {
  ENV_OPEN,
  type Json,
  poll,
  queueServerApi,
  type RegistryStack,
  startRegistryStack,
  statusWhen,
} from './registry-stack.ts';

const IDLE = (s: Json) => s.manager_state === 'idle' && s.running_item_uid === null;
const longCount = {
  item_type: 'plan',
  name: 'count',
  args: [['pinhole']],
  kwargs: { num: 100000, delay: 0.05 },
};

describe('queue server ↔ configuration service (spec §12)', () => {
  let stack: RegistryStack;
  const lockOf = async (device: string): Promise<Json> =>
    stack.config.json(`/api/v1/devices/${device}/status`);
  const writeExposure = (device: string, value: number) =>
    stack.directControlPost(`/api/v1/device/${device}.exp`, { method: 'set', value, timeout: 10 });

  before(async () => {
    stack = await startRegistryStack(2);
    // A registry device named like a profile device replaces it; one we cannot build is only reported.
    const created = await stack.config.send('POST', '/api/v1/devices', {
      metadata: {
        name: 'det2',
        device_label: 'signal',
        ophyd_class: 'EpicsSignalRO',
        pvs: { value: 'mini:current' },
      },
      instantiation_spec: { name: 'det2', device_class: 'ophyd.EpicsSignalRO', args: ['mini:current'] },
    });
    assert.equal(created.status, 201, await created.text());
    const odd = await stack.config.send('POST', '/api/v1/devices', {
      metadata: {
        name: 'odd_thing',
        device_label: 'detector',
        ophyd_class: 'Odd',
        pvs: { value: 'mini:odd' },
      },
      instantiation_spec: { name: 'odd_thing', device_class: 'mysite.devices.Odd', args: ['mini:odd'] },
    });
    assert.equal(odd.status, 201, await odd.text());
  });
  after(() => stack?.close());

  it('consume mode: the registry devices join the environment at open', async () => {
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open');
    const allowed = (await stack.api('GET', '/api/devices/allowed')).devices_allowed as Json;
    for (const name of ['pinhole', 'sim_mtr1', 'beam_current', 'det1'])
      assert.ok(allowed[name], `${name} allowed`);
    assert.equal(allowed.pinhole.classname, 'Det');
    assert.equal(allowed.det2.classname, 'EpicsSignalRO', "the registry's det2 replaced the profile's");
    assert.equal(allowed.odd_thing, undefined);
    const text = stack.console.join('');
    assert.match(
      text,
      /Registry device 'odd_thing' is not instantiated: ImportError: cannot import name 'Odd'/,
    );
    assert.match(text, /replacing the profile's det2/);
  });

  it("locks a running plan's registered devices (direct control answers 423) and unlocks them after", async () => {
    const added = await stack.api('POST', '/api/queue/item/add', { item: longCount });
    assert.equal(added.success, true, added.msg);
    const uid = added.item.item_uid as string;
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    await statusWhen(
      stack.qs,
      (s) => s.running_item_uid === uid && s.re_state === 'running',
      'the plan running',
    );

    const lock = await lockOf('pinhole');
    assert.deepEqual([lock.lock_status, lock.locked_by_item, lock.locked_by_plan], ['locked', uid, 'count']);
    assert.equal((await lockOf('edge')).lock_status, 'unlocked', 'a device the plan does not name');
    const refused = await writeExposure('pinhole', 0.2);
    assert.equal(refused.status, 423);
    assert.match(refused.body.detail, /locked by plan 'count'/);
    assert.equal((await writeExposure('edge', 0.2)).status, 200);

    // The lease (2 s) is renewed while the plan runs: its expiry moves on, the lock stays ours.
    const firstExpiry = lock.locked_until as string;
    const renewed = await poll(async () => {
      const now = await lockOf('pinhole');
      return now.locked_until !== firstExpiry ? now : undefined;
    }, 'a renewal');
    assert.deepEqual([renewed.lock_status, renewed.locked_by_item], ['locked', uid]);
    // A lock the registry lost (here: forced off) is taken back by the next renewal.
    const forced = await stack.config.send('POST', '/api/v1/devices/force-unlock', {
      device_names: ['pinhole'],
      reason: 'test',
    });
    assert.equal(forced.status, 200);
    const retaken = await poll(async () => {
      const now = await lockOf('pinhole');
      return now.lock_status === 'locked' ? now : undefined;
    }, 'the lock taken back');
    assert.equal(retaken.locked_by_item, uid);

    // Paused, the plan still holds its devices; stopped, it gives them back.
    assert.equal((await stack.api('POST', '/api/re/pause', { option: 'immediate' })).success, true);
    await statusWhen(stack.qs, (s) => s.manager_state === 'paused', 'the plan paused');
    assert.equal((await lockOf('pinhole')).locked_by_item, uid);
    assert.equal((await stack.api('POST', '/api/re/stop')).success, true);
    await statusWhen(stack.qs, IDLE, 'the plan stopped');
    assert.equal((await lockOf('pinhole')).lock_status, 'unlocked', 'unlocked before the status is idle');
    assert.equal((await writeExposure('pinhole', 0.2)).status, 200);
    const history = (await stack.api('GET', '/api/history/get')).items as Json[];
    assert.deepEqual([history.at(-1)?.item_uid, history.at(-1)?.result.exit_status], [uid, 'stopped']);
  });

  it('does not start a plan whose device someone else holds: the item stays first', async () => {
    const taken = await stack.config.send('POST', '/api/v1/devices/lock', {
      device_names: ['pinhole'],
      item_id: 'someone-else',
      plan_name: 'manual_alignment',
    });
    assert.equal(taken.status, 200);
    const added = await stack.api('POST', '/api/queue/item/add', {
      item: { item_type: 'plan', name: 'count', args: [['pinhole', 'det1']] },
    });
    const uid = added.item.item_uid as string;
    const historyBefore = (await stack.api('GET', '/api/history/get')).items.length;
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    const status = await statusWhen(
      stack.qs,
      (s) => IDLE(s) && s.config_service_sync_error !== null,
      'a refusal',
    );
    assert.match(
      status.config_service_sync_error,
      /Cannot lock the devices of plan 'count'.*locked by plan 'manual_alignment'/,
    );
    const queue = (await stack.api('GET', '/api/queue/get')).items as Json[];
    assert.equal(queue[0]?.item_uid, uid);
    assert.equal((await stack.api('GET', '/api/history/get')).items.length, historyBefore);
    assert.equal((await lockOf('pinhole')).locked_by_item, 'someone-else');
    assert.match(stack.console.join(''), /The plan was not started: Cannot lock the devices/);

    // Once the holder lets go, the same item runs, and the error clears.
    await stack.config.send('POST', '/api/v1/devices/unlock', {
      device_names: ['pinhole'],
      item_id: 'someone-else',
    });
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    const done = await statusWhen(
      stack.qs,
      (s) => IDLE(s) && s.items_in_history === historyBefore + 1,
      'the plan done',
    );
    assert.equal(done.config_service_sync_error, null);
    const history = (await stack.api('GET', '/api/history/get')).items as Json[];
    assert.deepEqual([history.at(-1)?.item_uid, history.at(-1)?.result.exit_status], [uid, 'completed']);
    await poll(
      async () => ((await lockOf('pinhole')).lock_status === 'unlocked' ? true : undefined),
      'unlock',
    );
  });

  it('lock_scope=environment: every registered device is locked while the environment is open', async () => {
    // Someone left pinhole locked: the environment takes it over (force-unlock, then lock).
    await stack.config.send('POST', '/api/v1/devices/lock', {
      device_names: ['pinhole'],
      item_id: 'stale-environment',
      plan_name: '__environment__',
    });
    const qs = await startTestQueueServer({
      QSERVER_CONFIG_SERVICE_ENABLED: 'true',
      QSERVER_CONFIG_SERVICE_URL: stack.config.url,
      QSERVER_CONFIG_SERVICE_LOCK_SCOPE: 'environment',
      QSERVER_CONFIG_SERVICE_NAME: 'beamline-queue',
    });
    try {
      const api = queueServerApi(qs);
      assert.equal((await api('POST', '/api/environment/open')).success, true);
      await statusWhen(qs, ENV_OPEN, 'the environment open');
      const specs = await stack.config.json('/api/v1/devices/instantiation?active_only=true');
      const locks = await Promise.all(Object.keys(specs).map(lockOf));
      const holders = new Set(locks.map((l) => `${l.lock_status} ${l.locked_by_plan} ${l.locked_by_item}`));
      assert.equal(holders.size, 1, [...holders].join('; '));
      assert.match([...holders][0], /^locked __environment__ environment-[0-9a-f-]{36}$/);
      const history = (await stack.config.json(
        '/api/v1/devices/history?device_name=pinhole&limit=1',
      )) as Json[];
      assert.match(history[0].details, /"service": ?"beamline-queue"/);
      assert.equal((await writeExposure('edge', 0.3)).status, 423);

      assert.equal((await api('POST', '/api/environment/close')).success, true);
      await statusWhen(qs, (s) => s.worker_environment_exists === false && IDLE(s), 'the environment closed');
      assert.equal((await lockOf('edge')).lock_status, 'unlocked', 'unlocked before the status is closed');
      assert.equal((await lockOf('pinhole')).lock_status, 'unlocked');
      assert.equal((await writeExposure('edge', 0.3)).status, 200);
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
    }
  });

  it('a registry that is down keeps plans from starting (queue intact) and environments from opening', async () => {
    const added = await stack.api('POST', '/api/queue/item/add', {
      item: { item_type: 'plan', name: 'count', args: [['pinhole']] },
    });
    const uid = added.item.item_uid as string;
    const queueBefore = ((await stack.api('GET', '/api/queue/get')).items as Json[]).map((i) => i.item_uid);
    await stack.config.close();
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    const status = await statusWhen(
      stack.qs,
      (s) => IDLE(s) && s.config_service_sync_error !== null,
      'a refusal',
    );
    assert.match(status.config_service_sync_error, /Configuration service at .* is unreachable .*3 attempts/);
    const queue = ((await stack.api('GET', '/api/queue/get')).items as Json[]).map((i) => i.item_uid);
    assert.deepEqual(queue, queueBefore);
    assert.ok(queue.includes(uid));

    assert.equal((await stack.api('POST', '/api/environment/close')).success, true);
    await statusWhen(
      stack.qs,
      (s) => s.worker_environment_exists === false && s.manager_state === 'idle',
      'closed',
    );
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(
      stack.qs,
      (s) =>
        s.manager_state === 'idle' &&
        s.worker_environment_exists === false &&
        /Failed to load devices/.test(stack.console.join('')),
      'the open failing',
    );
    assert.match(
      stack.console.join(''),
      /Failed to start RE Worker environment: Failed to load devices from the configuration service: Configuration service at/,
    );
  });
});

describe('registry pieces', () => {
  it('finds the registered devices a plan names: nested lists, kwargs, dotted names, decorator defaults', () => {
    const registered = new Set(['pinhole', 'edge', 'sim_mtr1', 'det_a', 'det_b']);
    const description = {
      parameters: [
        { name: 'detectors', kind: { name: 'POSITIONAL_OR_KEYWORD' } },
        {
          name: 'motor',
          kind: { name: 'POSITIONAL_OR_KEYWORD' },
          default: "'sim_mtr1'",
          default_defined_in_decorator: true,
        },
        {
          name: 'extra',
          kind: { name: 'KEYWORD_ONLY' },
          default: '[\'det_a\', "det_b"]',
          default_defined_in_decorator: true,
        },
        { name: 'plain', kind: { name: 'KEYWORD_ONLY' }, default: "'edge'" },
      ],
    };
    const item = { args: [[['pinhole', 'not_registered'], 'pinhole.det']], kwargs: { md: { note: 'edge' } } };
    assert.deepEqual(devicesNamedByPlan(item, registered), ['pinhole', 'edge']);
    assert.deepEqual(devicesNamedByPlan(item, registered, description), [
      'pinhole',
      'edge',
      'sim_mtr1',
      'det_a',
      'det_b',
    ]);
    // Given positionally or by keyword, a parameter's decorator default does not apply.
    assert.deepEqual(
      devicesNamedByPlan({ args: [['pinhole'], 'x'], kwargs: { extra: [] } }, registered, description),
      ['pinhole'],
    );
  });

  it('retries a registry that answers 503 or is unreachable, and returns its other answers as they are', async (t) => {
    const answers = [503, 503, 200, 409, 503, 503, 503];
    let calls = 0;
    const server = createServer((req, res) => {
      const status = answers[calls++] ?? 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, path: req.url }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new ConfigServiceClient({ url, timeoutMs: 5000, maxAttempts: 3, backoffMs: [10] });
    assert.deepEqual(await client.request('GET', '/a'), { status: 200, body: { status: 200, path: '/a' } });
    assert.equal(calls, 3);
    assert.equal((await client.request('POST', '/b', {})).status, 409);
    assert.equal(calls, 4);
    await assert.rejects(
      client.request('GET', '/c'),
      (e) => e instanceof RegistryUnreachable && /3 attempts\): HTTP 503/.test(e.message),
    );
    assert.equal(calls, 7);
    server.close();
    await once(server, 'close');
    const down = new ConfigServiceClient({ url, timeoutMs: 5000, maxAttempts: 2, backoffMs: [] });
    await assert.rejects(down.request('GET', '/d'), /unreachable \(GET \/d, 2 attempts\): ECONNREFUSED/);
  });
});
