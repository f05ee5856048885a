import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaServer, pv } from '@ophyd-service/epics-ca';
import { clientFor, serverEnv, startServer } from '../../../packages/epics-ca/test/loopback.ts';
import { until } from '../../../packages/epics-ca/test/waits.ts';
import { type MonitorEvent, MonitorHub } from '../src/monitor/hub.ts';
import { SendQueue } from '../src/monitor/send-queue.ts';

describe('monitor hub', () => {
  it('shares one CA subscription per PV between listeners, and drops idle monitors', async (t) => {
    const server = await startServer({ pvs: [pv.double('h:a', 1, { units: 'mm', precision: 2 })] });
    const client = clientFor(server);
    const hub = new MonitorHub(client, { idleMs: 1000, sweepMs: 0 });
    t.after(async () => {
      hub.close();
      await client.close();
      await server.stop();
    });
    const first: MonitorEvent[] = [];
    const second: MonitorEvent[] = [];
    const stopFirst = hub.subscribe('h:a', (e) => first.push(e));
    const stopSecond = hub.subscribe('h:a', (e) => second.push(e));
    await until(
      () => first.some((e) => e.kind === 'value') && second.some((e) => e.kind === 'meta'),
      'first values',
    );
    assert.equal(server.stats()[0].subscriptions, 1, 'one CA subscription for two listeners');
    const meta = second.find((e) => e.kind === 'meta');
    assert.deepEqual(meta?.kind === 'meta' && [meta.meta.units, meta.meta.precision, meta.meta.writable], [
      'mm',
      2,
      true,
    ]);
    server.get('h:a')!.post(2);
    await until(() => second.some((e) => e.kind === 'value' && e.reading.value === 2), 'update');
    stopFirst();
    server.get('h:a')!.post(3);
    await until(
      () => second.some((e) => e.kind === 'value' && e.reading.value === 3),
      'update after one left',
    );
    assert.ok(!first.some((e) => e.kind === 'value' && e.reading.value === 3));
    // A late subscriber gets the cached value at once.
    const late: MonitorEvent[] = [];
    const stopLate = hub.subscribe('h:a', (e) => late.push(e));
    assert.deepEqual(
      late.map((e) => e.kind),
      ['meta', 'value'],
    );
    // The last listener's removal starts the idle time; sweeps are given their "now" explicitly.
    const stoppedFrom = Date.now();
    stopSecond();
    stopLate();
    const stoppedBy = Date.now();
    assert.equal(hub.sweep(stoppedFrom + 999), 0, 'not idle long enough');
    assert.equal(hub.sweep(stoppedBy + 1000), 1);
    assert.deepEqual(hub.stats(), { monitors: 0, listeners: 0 });
    await until(() => server.stats()[0].subscriptions === 0, 'CA subscription cancelled');
  });

  it('tells listeners of IOC loss and return, with a fresh value and no client action', async (t) => {
    const first = await startServer({ pvs: [pv.long('h:b', 1)] });
    const port = first.udpPort;
    const client = clientFor(first);
    const hub = new MonitorHub(client, { sweepMs: 0 });
    let second: CaServer | undefined;
    t.after(async () => {
      hub.close();
      await client.close();
      await second?.stop();
    });
    const events: MonitorEvent[] = [];
    hub.subscribe('h:b', (e) => events.push(e));
    await until(() => events.some((e) => e.kind === 'value'), 'first value');
    await first.stop();
    await until(() => events.some((e) => e.kind === 'connection' && !e.connected), 'connected:false');
    assert.equal(hub.isConnected('h:b'), false);
    second = new CaServer({
      port,
      interfaces: ['127.0.0.1'],
      beaconAddresses: [],
      env: serverEnv(),
      pvs: [pv.long('h:b', 9)],
    });
    await second.start();
    await until(
      () => events.some((e) => e.kind === 'value' && e.reading.value === 9),
      'value from the new IOC',
    );
    const connections = events
      .filter((e) => e.kind === 'connection')
      .map((e) => e.kind === 'connection' && e.connected);
    assert.deepEqual(connections, [true, false, true]);
    assert.equal(second.stats()[0].subscriptions, 1, 'resubscribed once');
  });

  it('serves the latest value for one-shot reads and times out clearly on unknown PVs', async (t) => {
    const server = await startServer({ pvs: [pv.string('h:c', 'hello')] });
    const client = clientFor(server);
    const hub = new MonitorHub(client, { sweepMs: 0 });
    t.after(async () => {
      hub.close();
      await client.close();
      await server.stop();
    });
    assert.equal((await hub.latest('h:c')).reading.value, 'hello');
    assert.equal(hub.stats().monitors, 1, 'kept warm for the next read');
    await assert.rejects(hub.latest('h:nobody', 300), /h:nobody: no value within 0.3 s/);
  });
});

describe('send queue', () => {
  it('keeps one pending update per PV for a stalled client, bounds replies, and sends the newest in order on drain', () => {
    const sent: string[] = [];
    let buffered = 10_000; // stalled: above the high-water mark
    const queue = new SendQueue(
      {
        get buffered() {
          return buffered;
        },
        send: (f) => sent.push(String(f)),
      },
      { highWater: 1000, replyLimit: 3 },
    );
    for (let i = 0; i < 10_000; i++) queue.update(`pv${i % 5}`, `v${i}`);
    for (let i = 0; i < 10; i++) queue.reply(`r${i}`);
    assert.equal(queue.pending, 5 + 3, 'memory bounded by PVs and the reply limit');
    assert.equal(queue.coalesced, 10_000 - 5);
    assert.equal(queue.droppedReplies, 7);
    queue.flush();
    assert.deepEqual(sent, [], 'nothing leaves while the transport is backed up');
    buffered = 0;
    queue.flush();
    // Updates keep the place of their first queueing, with the newest value; replies follow in order.
    assert.deepEqual(sent, ['v9995', 'v9996', 'v9997', 'v9998', 'v9999', 'r0', 'r1', 'r2']);
    assert.equal(queue.pending, 0);
    queue.update('pv0', 'again');
    assert.equal(queue.pending, 1, 'a sent key queues afresh');
  });

  it('sends an update still waiting when its key is forgotten, and queues the key afresh afterwards', () => {
    const sent: string[] = [];
    const queue = new SendQueue({ buffered: 0, send: (f) => sent.push(String(f)) });
    // Batch after batch through the same keys, as a client subscribed to two PVs sees them.
    for (let batch = 0; batch < 3; batch++) {
      queue.update('a', `a${batch}`);
      queue.update('b', `b${batch}`);
      queue.flush();
    }
    assert.deepEqual(sent, ['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    queue.update('a', 'a3');
    queue.forget('a'); // unsubscribed while a3 waits
    queue.update('a', 'a4'); // subscribed again before the flush: a4 replaces a3 in its place
    queue.reply('ack');
    queue.forget('b');
    queue.flush();
    assert.deepEqual(sent.slice(6), ['a4', 'ack']);
    assert.equal(queue.coalesced, 1);
    queue.update('a', 'a5');
    queue.update('b', 'b5');
    assert.equal(queue.pending, 2, 'forgotten keys queue afresh');
    queue.flush();
    assert.deepEqual(sent.slice(8), ['a5', 'b5']);
  });
});
