/**
 * The black-box exercisers of the reference's pods (spec integration-iocs-pods §3.2), step by step,
 * as functions over a running pod's URLs: each asserts what the reference's script checks.
 */
import assert from 'node:assert/strict';
import { TestSocket } from '../../../services/direct-control/test/stack.ts';

export async function call(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed };
}

const ok = async (method: string, url: string, body?: unknown) => {
  const r = await call(method, url, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** A. configuration_service.sh */
export async function exerciseConfiguration(base: string): Promise<void> {
  const health = await ok('GET', `${base}/health`);
  assert.ok('devices_loaded' in health);
  await ok('GET', `${base}/ready`);
  const devices = await ok('GET', `${base}/api/v1/devices`);
  assert.ok(Array.isArray(devices) && devices.length > 0);
  assert.equal((await ok('GET', `${base}/api/v1/devices/beam_current`)).ophyd_class, 'EpicsSignal');
  assert.equal((await ok('GET', `${base}/api/v1/devices/spot`)).ophyd_class, 'Spot');
  for (const path of [
    'devices/beam_current/pvs',
    'devices/beam_current/instantiation',
    'devices/spot/components',
    'devices/beam_current/status',
    'devices/spot.roi/component',
    'devices-info',
    'devices/classes',
    'devices/types',
    'devices/instantiation',
    'pvs/detailed',
    'pvs/mini:current',
    'pvs/labels',
    'pvs/status?pv_name=mini:current',
    'pvs/lookup?pv_name=mini:current',
    'pvs/standalone',
    'devices/changes',
    'devices/history',
    'registry/export',
  ]) {
    await ok('GET', `${base}/api/v1/${path}`);
  }
  assert.ok((await ok('GET', `${base}/api/v1/pvs`)).count > 0);
  // standalone PV lifecycle
  await ok('POST', `${base}/api/v1/pvs`, { pv_name: 'exer:test:pv', description: 'exerciser' });
  await ok('PUT', `${base}/api/v1/pvs/standalone/exer:test:pv`, { description: 'changed' });
  await ok('DELETE', `${base}/api/v1/pvs/standalone/exer:test:pv`);
  // device lifecycle
  const device = {
    metadata: {
      name: 'exer_test_motor',
      device_label: 'motor',
      ophyd_class: 'EpicsMotor',
      pvs: { user_setpoint: 'exer:test:motor.VAL', user_readback: 'exer:test:motor.RBV' },
    },
    instantiation_spec: {
      name: 'exer_test_motor',
      device_class: 'ophyd.EpicsMotor',
      args: ['exer:test:motor'],
    },
  };
  await ok('POST', `${base}/api/v1/devices`, device);
  await ok('GET', `${base}/api/v1/devices/exer_test_motor`);
  await ok('PATCH', `${base}/api/v1/devices/exer_test_motor/disable`);
  await ok('PATCH', `${base}/api/v1/devices/exer_test_motor/enable`);
  await ok('PUT', `${base}/api/v1/devices/exer_test_motor`, {
    name: 'exer_test_motor',
    device_class: 'ophyd.EpicsMotor',
    args: ['exer:test:motor'],
    kwargs: { name: 'exer_test_motor' },
    documentation: 'updated by the exerciser',
  });
  await ok('DELETE', `${base}/api/v1/devices/exer_test_motor`);
  assert.equal((await call('GET', `${base}/api/v1/devices/exer_test_motor`)).status, 404);
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.01;

/** B. direct_control.sh (C. for the standalone pod: `standalone` switches the checks that differ). */
export async function exerciseDirectControl(
  base: string,
  options: { standalone?: boolean } = {},
): Promise<void> {
  const health = await ok('GET', `${base}/health`);
  const stats = await ok('GET', `${base}/api/v1/stats`);
  await ok('GET', `${base}/api/v1/pvs/connected`);
  if (options.standalone) {
    assert.equal(health.registry_backend, 'file');
    assert.equal(stats.coordination_enabled, false);
    assert.equal(
      (await call('GET', `${base}/api/v1/pv/mini:dot:exp/value`)).status,
      200,
      'a standalone entry',
    );
    assert.equal(
      (await call('GET', `${base}/api/v1/pv/mini:ph:mtr/value`)).status,
      404,
      'served but not in the file',
    );
  } else {
    assert.ok('value' in (await ok('GET', `${base}/api/v1/pv/mini:current/value`)));
    const image = await ok('GET', `${base}/api/v1/pv/mini:dot:det/value`);
    assert.deepEqual(image.shape, [307200]);
    await ok('GET', `${base}/api/v1/pv/mini:dot:img_sum/value`);
    await ok('GET', `${base}/api/v1/pvs/mini:current/value`);
  }
  await ok('GET', `${base}/api/v1/pv/mini:current/value`);
  // write round trip
  const before = (await ok('GET', `${base}/api/v1/pv/mini:dot:mtrx/value`)).value;
  await ok('POST', `${base}/api/v1/pv/set`, { pv_name: 'mini:dot:mtrx', value: 2.5, wait: true });
  assert.ok(near((await ok('GET', `${base}/api/v1/pv/mini:dot:mtrx/value`)).value, 2.5));
  await ok('POST', `${base}/api/v1/pv/set`, { pv_name: 'mini:dot:mtrx', value: before, wait: true });
  // device-level operations
  const execute = (body: Record<string, unknown>) =>
    call('POST', `${base}/api/v1/device/execute`, { args: [], kwargs: {}, ...body });
  assert.ok(
    'value' in (await execute({ device_name: 'beam_current', method: 'read' })).body.result.beam_current,
  );
  const spotx = 'motor_spotx'; // the reference's name, in the happi seed and the standalone file alike
  const start = (await execute({ device_name: spotx, method: 'get' })).body.result;
  assert.equal((await execute({ device_name: spotx, method: 'set', args: [1.25] })).status, 200);
  assert.ok(near((await execute({ device_name: spotx, method: 'get' })).body.result, 1.25));
  await execute({ device_name: spotx, method: 'set', args: [start] });
  assert.ok('pinhole_det' in (await execute({ device_name: 'pinhole', method: 'read' })).body.result);
  assert.ok('result' in (await ok('POST', `${base}/api/v1/device/pinhole.exp`, { method: 'get' })));
  await ok('GET', `${base}/api/v1/device/pinhole.det/value`);
  // typed refusals
  assert.equal((await call('POST', `${base}/api/v1/device/beam_current/stop`)).status, 400);
  assert.equal((await execute({ device_name: 'beam_current', method: 'destroy' })).status, 400);
  assert.equal(
    (await call('POST', `${base}/api/v1/device/pinhole.no_such_signal`, { method: 'read' })).status,
    404,
  );
  assert.equal((await call('GET', `${base}/api/v1/pv/does:not:exist/value`)).status, 404);
  assert.equal(
    (await call('POST', `${base}/api/v1/pv/set`, { pv_name: 'does:not:exist', value: 1 })).status,
    404,
  );
  if (options.standalone) {
    assert.equal(
      (await execute({ device_name: 'slit_det', method: 'read' })).status,
      422,
      'no class information',
    );
  }
}

/** D. direct_control_ws.py: both sockets, ping, subscribe, an update, unsubscribe. */
export async function exerciseSockets(
  base: string,
  pv = 'mini:current',
  device = 'beam_current',
): Promise<void> {
  const ws = base.replace('http', 'ws');
  const pvSocket = await TestSocket.open(`${ws}/api/v1/pv-socket`);
  try {
    await pvSocket.request({ action: 'ping' }, (f) => f.type === 'pong');
    const ack = await pvSocket.request(
      { action: 'subscribe', pv_names: [pv] },
      (f) => f.type === 'subscribed',
    );
    assert.ok(ack.pv_names.includes(pv));
    const update = await pvSocket.next((f) => f.event_type === 'pv_update' && f.pv === pv, 8000);
    for (const key of ['value', 'timestamp', 'connected']) assert.ok(key in update, key);
    await pvSocket.request({ action: 'unsubscribe', pv_names: [pv] }, (f) => f.type === 'unsubscribed');
  } finally {
    pvSocket.close();
  }
  const deviceSocket = await TestSocket.open(`${ws}/api/v1/device-socket`);
  try {
    await deviceSocket.request({ action: 'ping' }, (f) => f.type === 'pong');
    const ack = await deviceSocket.request({ action: 'subscribe', device }, (f) => f.type === 'subscribed');
    assert.equal(ack.device, device);
    const update = deviceSocket.frames.find((f) => f.event_type === 'device_update' && f.device === device);
    assert.ok(update, 'current values on subscribe');
    for (const key of ['signal', 'value', 'timestamp', 'connected']) assert.ok(key in update, key);
    await deviceSocket.request({ action: 'unsubscribe', device }, (f) => f.type === 'unsubscribed');
  } finally {
    deviceSocket.close();
  }
}
