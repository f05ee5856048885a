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
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { orAbort } from '../../../packages/epics-ca/test/waits.ts';
import { type Json, type RegistryStack, startRegistryStack } from './registry-stack.ts';

/** The queue server's status once `predicate` holds; it is published on every change and each second. */
async function statusWhen(
  stack: RegistryStack,
  predicate: (s: Json) => boolean,
  what: string,
): Promise<Json> {
  const runtime = stack.qs.server.runtime;
  for (let events = 0; events < 600; events++) {
    const status = runtime.status();
    if (predicate(status)) return status;
    await orAbort(once(runtime, 'status'), `status: ${what}`);
  }
  throw new Error(`the status never showed ${what}: ${JSON.stringify(runtime.status())}`);
}

/** Asks `check` again (a bounded number of times, 25 ms apart) until it returns a value. */
async function poll<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 800; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

const ENV_OPEN = (s: Json) => s.worker_environment_exists === true && s.manager_state === 'idle';
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
    await statusWhen(stack, ENV_OPEN, 'the environment open');
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
      stack,
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
    await statusWhen(stack, (s) => s.manager_state === 'paused', 'the plan paused');
    assert.equal((await lockOf('pinhole')).locked_by_item, uid);
    assert.equal((await stack.api('POST', '/api/re/stop')).success, true);
    await statusWhen(stack, IDLE, 'the plan stopped');
    await poll(
      async () => ((await lockOf('pinhole')).lock_status === 'unlocked' ? true : undefined),
      'unlock',
    );
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
      stack,
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
      stack,
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

  it('a registry that is down keeps plans from starting (queue intact) and environments from opening', async () => {
    const added = await stack.api('POST', '/api/queue/item/add', {
      item: { item_type: 'plan', name: 'count', args: [['pinhole']] },
    });
    const uid = added.item.item_uid as string;
    const queueBefore = ((await stack.api('GET', '/api/queue/get')).items as Json[]).map((i) => i.item_uid);
    await stack.config.close();
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    const status = await statusWhen(
      stack,
      (s) => IDLE(s) && s.config_service_sync_error !== null,
      'a refusal',
    );
    assert.match(status.config_service_sync_error, /Configuration service at .* is unreachable .*3 attempts/);
    const queue = ((await stack.api('GET', '/api/queue/get')).items as Json[]).map((i) => i.item_uid);
    assert.deepEqual(queue, queueBefore);
    assert.ok(queue.includes(uid));

    assert.equal((await stack.api('POST', '/api/environment/close')).success, true);
    await statusWhen(
      stack,
      (s) => s.worker_environment_exists === false && s.manager_state === 'idle',
      'closed',
    );
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(
      stack,
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
