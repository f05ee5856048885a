import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '../../../packages/epics-ca/test/waits.ts';
import { documented } from './openapi-check.ts';
import { deviceBody, isType, type Stack, startStack, TestSocket, updateOf } from './stack.ts';

describe('pv-socket against the simulated IOCs and the seeded registry', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('subscribes (snapshot, meta, ack), streams a REST write, sets over the socket, unsubscribes', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      const ack = await socket.request(
        { action: 'subscribe', pv: 'mini:ph:mtr_tick_rate' },
        isType('subscribed'),
      );
      assert.deepEqual(ack.pv_names, ['mini:ph:mtr_tick_rate']);
      const [snapshot, meta] = socket.frames;
      assert.equal(snapshot.event_type, 'pv_update', 'the snapshot comes first');
      assert.equal(snapshot.pv, 'mini:ph:mtr_tick_rate');
      assert.equal(snapshot.pv_name, undefined);
      assert.ok(Math.abs(snapshot.timestamp - Date.now() / 1000) < 3600, 'an epoch timestamp');
      assert.deepEqual(
        [snapshot.value, snapshot.connected, snapshot.read_access, snapshot.write_access, snapshot.units],
        [10, true, true, true, 'Hz'],
      );
      assert.deepEqual([snapshot.alarm_status, snapshot.alarm_severity_name], ['NO_ALARM', 'NO_ALARM']);
      assert.equal(meta.sub_type, 'meta');
      for (const key of [
        'status',
        'severity',
        'precision',
        'lower_ctrl_limit',
        'upper_ctrl_limit',
        'units',
        'enum_strs',
      ])
        assert.ok(key in meta, `meta has ${key}`);
      assert.ok(socket.frames.indexOf(meta) < socket.frames.indexOf(ack), 'meta before the ack');

      const from = socket.frames.length;
      assert.equal(
        (await stack.post('/api/v1/pv/set', { pv_name: 'mini:ph:mtr_tick_rate', value: 12 })).status,
        200,
      );
      const streamed = await socket.next((f) => updateOf('mini:ph:mtr_tick_rate')(f) && f.value === 12, from);
      assert.equal(streamed.units, undefined, 'streaming updates carry no units');

      const done = await socket.request(
        { action: 'set', pv: 'mini:ph:mtr_tick_rate', value: 10 },
        (f) => f.type === 'set_complete' || f.type === 'error',
      );
      assert.deepEqual(
        [done.type, done.pv, done.value, done.success, done.use_put],
        ['set_complete', 'mini:ph:mtr_tick_rate', 10, true, false],
      );
      await socket.next((f) => updateOf('mini:ph:mtr_tick_rate')(f) && f.value === 10);

      const gone = await socket.request(
        { action: 'unsubscribe', pv: 'mini:ph:mtr_tick_rate' },
        isType('unsubscribed'),
      );
      assert.deepEqual(gone.pv_names, ['mini:ph:mtr_tick_rate']);
      const after = socket.frames.length;
      await stack.post('/api/v1/pv/set', { pv_name: 'mini:ph:mtr_tick_rate', value: 11 });
      await socket.request({ action: 'ping' }, isType('pong'));
      assert.equal(socket.frames.slice(after).filter(updateOf('mini:ph:mtr_tick_rate')).length, 0);
      await stack.post('/api/v1/pv/set', { pv_name: 'mini:ph:mtr_tick_rate', value: 10 });
    } finally {
      socket.close();
    }
  });

  it('answers bad frames with error envelopes and keeps the connection', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      const missing = await socket.request({ action: 'set' }, isType('error'));
      assert.equal(typeof missing.error, 'string');
      assert.equal(missing.message, undefined, 'the text lives in `error`');
      assert.ok(missing.timestamp);
      assert.match((await socket.request('{not json', isType('error'))).error, /Invalid JSON/);
      assert.match((await socket.request('[1,2]', isType('error'))).error, /JSON objects/);
      assert.match((await socket.request({ action: 'get' }, isType('error'))).error, /Unknown action: get/);
      assert.match((await socket.request({ action: 'subscribe' }, isType('error'))).error, /pv_names/);
      const unknown = await socket.request({ action: 'subscribe', pv: 'not:registered' }, isType('error'));
      assert.deepEqual(
        [unknown.pv, unknown.error],
        ['not:registered', "PV 'not:registered' not found in the registry"],
      );
      await socket.request({ type: 'ping' }, isType('pong')); // `type` works as `action` here
    } finally {
      socket.close();
    }
  });

  it('fans one CA monitor out to many clients with byte-identical frames', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => TestSocket.open(`${stack.ws}/api/v1/pv-socket`)),
    );
    try {
      await Promise.all(
        sockets.map((s) => s.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'))),
      );
      const marks = sockets.map((s) => s.texts.length);
      // mini:current updates on its own; wait for a few streaming updates everywhere.
      await Promise.all(sockets.map((s) => s.next(updateOf('mini:current'), s.frames.length)));
      const streamed = sockets.map((s, i) =>
        s.texts.slice(marks[i]).filter((t) => t.includes('"pv_update"') && !t.includes('"units"')),
      );
      const common = streamed[0].find((t) => streamed.every((list) => list.includes(t)));
      assert.ok(common, 'every client received the same serialised frame');
      assert.equal(stack.service.sockets.pv.stats().pvs, 1);
      assert.equal(stack.service.dc.hub.stats().monitors >= 1, true);
      const stats = (await (await fetch(`${stack.url}/api/v1/stats`)).json()) as any;
      assert.equal(stats.websocket.pv_socket.clients, 5);
      assert.equal(stats.websocket.connections, 5);
    } finally {
      for (const s of sockets) s.close();
    }
  });

  it('sends numeric arrays as base64 to clients that ask, and as lists to the others', async () => {
    const packed = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const plain = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await packed.request(
        { action: 'subscribe', pv: 'mini:dot:ArraySize_RBV', array_encoding: 'base64' },
        isType('subscribed'),
      );
      await plain.request({ action: 'subscribe', pv: 'mini:dot:ArraySize_RBV' }, isType('subscribed'));
      const a = packed.frames.find(updateOf('mini:dot:ArraySize_RBV'))!;
      assert.deepEqual([a.value, a.dtype, a.shape, a.encoding], [undefined, '<i4', [2], 'base64']);
      const bytes = Buffer.from(a.value_base64, 'base64');
      assert.deepEqual([bytes.readInt32LE(0), bytes.readInt32LE(4)], [480, 640]);
      assert.deepEqual(plain.frames.find(updateOf('mini:dot:ArraySize_RBV'))!.value, [480, 640]);
      const image = await packed.request(
        { action: 'subscribe', pv: 'mini:dot:det', array_encoding: 'base64' },
        isType('subscribed'),
      );
      assert.ok(image);
      const frame = packed.texts.find(
        (t) => t.includes('"pv":"mini:dot:det"') && t.includes('value_base64'),
      )!;
      assert.equal(Buffer.from(JSON.parse(frame).value_base64, 'base64').length, 480 * 640 * 8);
      assert.match(
        (
          await packed.request(
            { action: 'subscribe', pv: 'mini:current', array_encoding: 'hex' },
            isType('error'),
          )
        ).error,
        /array_encoding/,
      );
    } finally {
      packed.close();
      plain.close();
    }
  });

  // How often a throttled subscription may send is a matter of time: connection.test.ts checks it
  // on a mocked clock. Here: updates keep coming, each a real reading, and the newest is never lost.
  it('throttles a subscription on request: real readings keep coming and the last write arrives', async () => {
    const throttled = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const twin = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await twin.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
      await throttled.request({ action: 'subscribe', pv: 'mini:current', max_rate: 2 }, isType('subscribed'));
      // Three streaming updates arrive (throttling must not drop everything), each one a reading
      // the unthrottled twin received too.
      let from = throttled.frames.length;
      for (let i = 0; i < 3; i++) {
        const update = await throttled.next(updateOf('mini:current'), from);
        from = throttled.frames.indexOf(update) + 1;
        await twin.next(
          (f) => updateOf('mini:current')(f) && f.timestamp === update.timestamp && f.value === update.value,
        );
      }

      // A burst of writes: the throttled client sees some of them, in order, and always the last.
      await throttled.request({ action: 'subscribe', pv: 'mini:ph:vel', max_rate: 2 }, isType('subscribed'));
      const mark = throttled.frames.length;
      const writes = [1.5, 2.5, 3.5, 4.5];
      for (const value of writes) await stack.client.put('mini:ph:vel', value, { wait: true });
      await throttled.next((f) => updateOf('mini:ph:vel')(f) && f.value === 4.5, mark);
      const seen = throttled.frames
        .slice(mark)
        .filter(updateOf('mini:ph:vel'))
        .map((f) => f.value);
      assert.deepEqual(
        seen,
        writes.filter((v) => seen.includes(v)),
        `a subsequence of the writes: ${seen}`,
      );
      await stack.client.put('mini:ph:vel', 1, { wait: true });

      assert.match(
        (await throttled.request({ action: 'subscribe', pv: 'mini:current', max_rate: -1 }, isType('error')))
          .error,
        /max_rate/,
      );
    } finally {
      throttled.close();
      twin.close();
    }
  });

  it('refreshes, enforces the per-client cap atomically, and reports failed subscribes', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await socket.request(
        { action: 'subscribe', pv_names: ['mini:ph:mtr', 'mini:edge:mtr'] },
        isType('subscribed'),
      );
      const refreshed = await socket.request({ action: 'refresh' }, isType('refreshed'));
      assert.deepEqual(refreshed.pv_names.sort(), ['mini:edge:mtr', 'mini:ph:mtr']);
      const none = await socket.request({ action: 'refresh', pv: 'mini:current' }, isType('refreshed'));
      assert.deepEqual(none.pv_names, []);
      // A registered PV no IOC serves: the good one sticks, the ghost fails and leaves no monitor.
      await stack.config.send('POST', '/api/v1/devices', ghostDevice);
      const from = socket.frames.length;
      socket.send({ action: 'subscribe', pv_names: ['ghost:nothing', 'mini:slit:mtr'] });
      const ack = await socket.next(isType('subscribed'), from);
      assert.deepEqual(ack.pv_names, ['mini:slit:mtr']);
      const failed = socket.frames.slice(from).find((f) => f.reason === 'pv_subscribe_failed');
      assert.equal(failed?.pv, 'ghost:nothing');
      assert.match(failed.error, /PV ghost:nothing failed to subscribe/);
      assert.equal(stack.service.sockets.pv.stats().pvs, 3, 'the ghost was rolled back');
    } finally {
      socket.close();
    }
  });
});

const ghostDevice = deviceBody('ghost', 'ghost:nothing');

describe('pv-socket limits', () => {
  it('caps connections (1013) and subscriptions per client', async () => {
    const stack = await startStack({
      DIRECT_CONTROL_WS_MAX_CONNECTIONS: '2',
      DIRECT_CONTROL_MAX_SUBSCRIPTIONS_PER_CLIENT: '2',
    });
    const a = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const b = await TestSocket.open(`${stack.ws}/api/v1/device-socket`);
    try {
      const c = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
      assert.equal(await c.closed(), 1013);
      assert.match(c.closeReason!, /capacity/);
      const capped = await a.request(
        { action: 'subscribe', pv_names: ['mini:ph:mtr', 'mini:edge:mtr', 'mini:slit:mtr'] },
        isType('error'),
      );
      assert.deepEqual([capped.cap, capped.current, capped.requested], [2, 0, 3]);
      assert.equal(stack.service.sockets.pv.stats().subscriptions, 0, 'nothing subscribed');
      b.close();
      await b.closed();
      const d = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
      await d.request({ action: 'ping' }, isType('pong'));
      d.close();
    } finally {
      a.close();
      await stack.close();
    }
  });

  it('refuses every write path in read-only mode, over REST and both sockets, and the IOC sees none', async () => {
    const stack = await startStack({ DIRECT_CONTROL_GLOBAL_READ_ONLY: 'true' });
    const pvSocket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const deviceSocket = await TestSocket.open(`${stack.ws}/api/v1/device-socket`);
    // Every write a path could make lands on one of these: count what the IOC posts meanwhile.
    const watched = ['mini:ph:mtr_tick_rate', 'mini:dot:mtrx', 'sim:mtr1', 'sim:mtr1.STOP', 'sim:mtr1.SPMG'];
    const posted = new Map<string, unknown[]>(watched.map((pv) => [pv, []]));
    const unwatch = watched.map((pv) => stack.client.monitor(pv, (r) => posted.get(pv)!.push(r.value)));
    try {
      await until(() => [...posted.values()].every((v) => v.length === 1), 'the first value of each');
      const before = new Map([...posted].map(([pv, values]) => [pv, values[0]]));
      const rest: [string, unknown][] = [
        ['/api/v1/pv/set', { pv_name: 'mini:ph:mtr_tick_rate', value: 99 }],
        ['/api/v1/pv/set', { pv_name: 'mini:dot:mtrx', value: 5, wait: true }],
        ['/api/v1/pv/set/batch', { caputs: [{ pv_name: 'mini:dot:mtrx', value: 5 }] }],
        ['/api/v1/device/execute', { device_name: 'sim_mtr1', method: 'set', args: [1] }],
        ['/api/v1/device/execute', { device_name: 'sim_mtr1', method: 'stop' }],
        ['/api/v1/device/sim_mtr1/stop', undefined],
        ['/api/v1/device/sim_mtr1.user_setpoint', { method: 'set', value: 1 }],
        ['/api/v1/device/sim_mtr1.user_setpoint', { method: 'put', value: 1 }],
        ['/api/v1/device/spot.exp', { method: 'set', value: 0.5 }],
      ];
      for (const [path, body] of rest) {
        const res = await stack.post(path, body);
        assert.equal(res.status, 403, `POST ${path} ${JSON.stringify(body)}`);
        await documented('POST', res);
        assert.match(((await res.json()) as { detail: string }).detail, /read-only mode/, path);
      }
      const refusedOver = async (socket: TestSocket, frame: Record<string, unknown>) => {
        const reply = await socket.request(frame, (f) => f.type === 'error' || /_complete$/.test(f.type));
        assert.equal(reply.type, 'error', JSON.stringify(frame));
        assert.match(reply.error, /read-only mode/, JSON.stringify(frame));
      };
      await refusedOver(pvSocket, { action: 'set', pv: 'mini:ph:mtr_tick_rate', value: 99 });
      await refusedOver(pvSocket, { action: 'stop', device: 'sim_mtr1' });
      // The device socket streams in read-only mode; its writes are refused.
      await deviceSocket.request({ action: 'subscribe', device: 'sim_mtr1' }, isType('subscribed'));
      await refusedOver(deviceSocket, { action: 'set', device: 'sim_mtr1', value: 1 });
      await refusedOver(deviceSocket, {
        action: 'set',
        device: 'sim_mtr1',
        component: 'user_setpoint',
        value: 1,
      });
      await refusedOver(deviceSocket, { action: 'stop', device: 'sim_mtr1' });

      // Reads still work.
      const read = await stack.post('/api/v1/device/sim_mtr1.user_readback', { method: 'get' });
      assert.equal(read.status, 200);
      await documented('POST', read);
      const value = await fetch(`${stack.url}/api/v1/pv/mini:ph:mtr_tick_rate/value`);
      assert.equal(value.status, 200);
      await documented('GET', value);

      // Nothing reached the IOC: the values are as they were, and no PV posted anything new.
      for (const [pv, first] of before) assert.deepEqual((await stack.client.get(pv)).value, first, pv);
      for (const [pv, values] of posted) assert.equal(values.length, 1, `${pv} posted ${values.slice(1)}`);
    } finally {
      for (const stop of unwatch) stop();
      pvSocket.close();
      deviceSocket.close();
      await stack.close();
    }
  });
});

describe('pv-socket delivery', () => {
  it('never repeats the snapshot value as a streaming update', async () => {
    const stack = await startStack();
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await socket.request({ action: 'subscribe', pv: 'mini:ph:vel' }, isType('subscribed'));
      await stack.post('/api/v1/pv/set', { pv_name: 'mini:ph:vel', value: 2.5 });
      await socket.next((f) => updateOf('mini:ph:vel')(f) && f.value === 2.5);
      const stamps = socket.frames.filter(updateOf('mini:ph:vel')).map((f) => f.timestamp);
      assert.equal(new Set(stamps).size, stamps.length, `each reading once: ${stamps}`);
    } finally {
      socket.close();
      await stack.close();
    }
  });
});
