import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '../../../packages/epics-ca/test/waits.ts';
import { documented } from './openapi-check.ts';
import { deviceBody, isType, type Stack, startStack, TestSocket } from './stack.ts';

/** Status and body of an answer, checked against the published OpenAPI document first. */
const json = async (res: Response, method = 'POST') => {
  await documented(method, res);
  return [res.status, (await res.json()) as any] as const;
};

describe('device commanding and the device socket, against the motor records and the seeded registry', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('moves a motor through /device/execute, waiting for the move to finish', async () => {
    const [status, body] = await json(
      await stack.post('/api/v1/device/execute', { device_name: 'sim_mtr2', method: 'set', args: [1.5] }),
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.result, { done: true, success: true });
    assert.equal(body.message, 'set completed via ophyd-sync');
    assert.equal((await stack.client.get('sim:mtr2.RBV')).value, 1.5, 'the readback reached the target');
    assert.equal((await stack.client.get('sim:mtr2.DMOV')).value, 1);
    const [, read] = await json(
      await stack.post('/api/v1/device/execute', { device_name: 'sim_mtr2', method: 'read' }),
    );
    assert.equal(read.result.sim_mtr2.value, 1.5, 'ophyd names the readback after the device');
    const [, initiated] = await json(
      await stack.post('/api/v1/device/execute', {
        device_name: 'sim_mtr2',
        method: 'set',
        args: [0],
        use_put: true,
      }),
    );
    assert.deepEqual(
      [initiated.result.initiated, initiated.message],
      [true, 'set initiated (not awaited) via ophyd-sync'],
    );
  });

  it('stops a move that overruns its timeout, and says so', async () => {
    const [status, body] = await json(
      await stack.post('/api/v1/device/execute', {
        device_name: 'sim_mtr1',
        method: 'set',
        args: [9],
        timeout: 0.3,
      }),
    );
    assert.equal(status, 500);
    assert.match(body.detail, /sim_mtr1\.set did not complete within 0\.3s\. A stop\(\) was issued/);
    // The stop ends the move: DMOV comes back to 1 with the motor short of 9, its setpoint pulled
    // back to where it stopped (the motor record's STOP).
    const dmov: number[] = [];
    const unwatch = stack.client.monitor('sim:mtr1.DMOV', (r) => dmov.push(Number(r.value)));
    try {
      await until(() => dmov.at(-1) === 1, 'the motor to be done moving');
    } finally {
      unwatch();
    }
    const rbv = Number((await stack.client.get('sim:mtr1.RBV')).value);
    assert.ok(rbv < 9, `the motor stopped early (at ${rbv}), not at 9`);
    assert.equal(Number((await stack.client.get('sim:mtr1')).value), rbv, 'VAL set to where it stopped');
    assert.equal(Number((await stack.client.get('sim:mtr1.RBV')).value), rbv, 'and it stays there');
  });

  it('refuses with the reference status codes', async () => {
    const execute = (body: unknown) => stack.post('/api/v1/device/execute', body);
    let [status, body] = await json(await execute({ device_name: 'sim_mtr1', method: 'destroy' }));
    assert.deepEqual([status, /not allowed/.test(body.detail)], [400, true]);
    [status, body] = await json(await execute({ device_name: 'nothere', method: 'read' }));
    assert.equal(status, 404);
    [status, body] = await json(await stack.post('/api/v1/device/beam_current/stop'));
    assert.deepEqual(
      [status, body.detail],
      [400, "EpicsSignal object 'beam_current' does not support method 'stop'"],
    );
    [status, body] = await json(await stack.post('/api/v1/device/sim_mtr1.bogus', { method: 'get' }));
    assert.equal(status, 404);
    assert.match(body.detail, /has no component 'bogus'/);
    [status, body] = await json(await stack.post('/api/v1/device/sim_mtr1.user_setpoint', { method: 'set' }));
    assert.deepEqual([status, body.detail], [400, "Method 'set' on sim_mtr1.user_setpoint requires a value"]);
    [status] = await json(await execute({ device_name: 'sim_mtr1', method: 'read', extra: 1 }));
    assert.equal(status, 422);

    await stack.config.send('POST', '/api/v1/devices/lock', {
      device_names: ['sim_mtr3'],
      item_id: 'q9',
      plan_name: 'scan',
    });
    [status, body] = await json(await execute({ device_name: 'sim_mtr3', method: 'read' }));
    assert.deepEqual([status, /locked by plan 'scan'/.test(body.detail)], [423, true]);
    [status] = await json(await stack.post('/api/v1/device/sim_mtr3.user_readback', { method: 'get' }));
    assert.equal(status, 200, 'nested reads skip the lock gate');
    [status] = await json(
      await stack.post('/api/v1/device/sim_mtr3.user_setpoint', { method: 'set', value: 1 }),
    );
    assert.equal(status, 423, 'nested writes do not');
    await stack.config.send('POST', '/api/v1/devices/unlock', { device_names: ['sim_mtr3'], item_id: 'q9' });
  });

  it('reaches nested components and reads devices', async () => {
    let [status, body] = await json(
      await stack.post('/api/v1/device/sim_mtr2.user_setpoint', { method: 'set', value: 0.5, timeout: 10 }),
    );
    assert.deepEqual(
      [status, body.result, body.device_path],
      [200, { done: true, success: true }, 'sim_mtr2.user_setpoint'],
    );
    [status, body] = await json(await stack.post('/api/v1/device/sim_mtr2.user_readback', { method: 'get' }));
    assert.deepEqual([status, body.result], [200, 0.5]);
    [status, body] = await json(await fetch(`${stack.url}/api/v1/device/spot/value`), 'GET');
    assert.equal(status, 200, JSON.stringify(body));
    assert.ok(Object.keys(body.value).length > 0);
    [status, body] = await json(
      await stack.post('/api/v1/device/execute', { device_name: 'sim_mtr2', method: 'get' }),
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.result.user_readback, 0.5, 'get on a device: every component by attribute');
    assert.equal(body.result.motor_done_move, 1);
    [status, body] = await json(await stack.post('/api/v1/device/sim_mtr2', { method: 'describe' }));
    assert.equal(body.result.sim_mtr2.source, 'PV:sim:mtr2.RBV');
    assert.equal(stack.service.dc.devices.size >= 2, true, 'devices are cached');
  });

  it('resolves addresses in order, one registry lookup per device', async () => {
    const [status, body] = await json(
      await stack.post('/api/v1/devices/resolve', {
        addresses: ['sim_mtr1.user_setpoint', 'sim_mtr1', 'nothere.x', 'sim_mtr1.bogus', 'beam_current'],
      }),
    );
    assert.equal(status, 200);
    assert.deepEqual(
      body.resolved.map((r: any) => [r.outcome, r.pv_name, r.ok]),
      [
        ['resolved', 'sim:mtr1.VAL', true],
        ['not_a_pv_leaf', null, false],
        ['device_not_found', null, false],
        ['no_such_attr', null, false],
        ['resolved', 'mini:current', true],
      ],
    );
    assert.equal((await stack.post('/api/v1/devices/resolve', { addresses: [] })).status, 422);
  });

  it('streams a device over the device socket and sets a component', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/device-socket`);
    try {
      const ack = await socket.request({ action: 'subscribe', device: 'spot' }, isType('subscribed'));
      assert.equal(ack.message, 'Subscribed to device spot');
      const updates = socket.frames.filter((f) => f.event_type === 'device_update');
      assert.ok(updates.length > 0);
      assert.equal(updates[0].device, 'spot');
      assert.equal(updates[0].device_name, undefined);
      assert.ok(typeof updates[0].signal === 'string' && 'connected' in updates[0]);
      const meta = socket.frames.find((f) => f.sub_type === 'meta');
      assert.equal(meta?.device, 'spot');
      const set = await socket.request(
        { action: 'set', device: 'spot', component: 'exp', value: 0.7 },
        (f) => f.type === 'set_complete' || f.type === 'error',
      );
      assert.equal(set.type, 'set_complete', JSON.stringify(set));
      assert.equal(set.component, 'exp');
      await socket.next((f) => f.event_type === 'device_update' && f.signal === 'exp' && f.value === 0.7);
      const refused = await socket.request({ action: 'set', device: 'sim_mtr1', value: 1 }, isType('error'));
      assert.match(refused.error, /not subscribed/);
      const missing = await socket.request({ action: 'subscribe', device: 'nothere' }, isType('error'));
      assert.equal(missing.reason, 'not_found');
      // A device the registry knows only by prefix streams its class's signals.
      await stack.config.send(
        'POST',
        '/api/v1/devices',
        deviceBody('by_prefix', 'sim:mtr3', { cls: 'EpicsMotor', pvs: { prefix: 'sim:mtr3' } }),
      );
      await socket.request({ action: 'subscribe', device: 'by_prefix' }, isType('subscribed'));
      const readback = socket.frames.find((f) => f.device === 'by_prefix' && f.signal === 'user_readback');
      assert.ok(readback && 'value' in readback, 'the motor readback streams');
      assert.equal(socket.frames.filter((f) => f.device === 'by_prefix' && f.type === 'error').length, 0);
      const bye = await socket.request({ action: 'unsubscribe', device: 'spot' }, isType('unsubscribed'));
      assert.equal(bye.device, 'spot');
      await socket.request({ action: 'unsubscribe', device: 'by_prefix' }, isType('unsubscribed'));
      assert.equal(stack.service.sockets.device.stats().devices, 0, 'torn down with its last client');
    } finally {
      socket.close();
    }
  });
});
