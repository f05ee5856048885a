/**
 * The sockets under careless and hostile clients, bounded in count: garbage and oversized frames,
 * subscribe/unsubscribe races, a storm of subscribes to unknown PVs (memory measured before and
 * after), writes of values a PV cannot hold, and an array too large for the CA limit. After each,
 * the service still serves every other client correctly.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { orAbort, until } from '../../../packages/epics-ca/test/waits.ts';
import { isType, type Stack, startStack, TestSocket, updateOf } from './stack.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and off-heap bytes in use after a full collection. */
function liveBytes(): number {
  gc();
  gc();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  return heapUsed + external + arrayBuffers;
}

describe('sockets under hostile and careless clients', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  /** PV lookups the configuration service has answered, from its request-duration histogram. */
  async function pvLookups(): Promise<number> {
    const text = await (await stack.config.get('/metrics')).text();
    let total = 0;
    for (const line of text.split('\n'))
      if (
        line.startsWith('http_request_duration_seconds_count') &&
        line.includes('route="/api/v1/pvs/*pv_name"')
      )
        total += Number(line.split(' ').pop());
    return total;
  }

  /** A fresh client subscribes and gets the current value: the service is well. */
  async function stillServes() {
    const probe = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await probe.request({ action: 'subscribe', pv: 'mini:ph:vel' }, isType('subscribed'));
      assert.ok(probe.frames.some(updateOf('mini:ph:vel')));
    } finally {
      probe.close();
    }
  }

  it('answers garbage with errors and closes only the client whose frame is over the size limit', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const bystander = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    await bystander.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
    for (const garbage of ['{', 'null', '[]', '"text"', '{"action":{}}', '\u0000'.repeat(100)]) {
      const reply = await socket.request(garbage, isType('error'));
      assert.ok(reply.error, JSON.stringify(garbage));
    }
    socket.ws.send(Buffer.alloc(16)); // binary
    await socket.next((f) => f.type === 'error' && /Binary frames/.test(f.error));
    socket.send(`{"action":"ping","pad":"${'x'.repeat(2 << 20)}"}`); // 2 MB, over maxPayload
    assert.equal(await socket.closed(), 1009);
    const from = bystander.frames.length;
    await bystander.next(updateOf('mini:current'), from); // the other client still streams
    bystander.close();
    await stillServes();
  });

  it('handles subscribe and unsubscribe sent back to back in order, every time', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      for (let i = 0; i < 20; i++) {
        const from = socket.frames.length;
        socket.send({ action: 'subscribe', pv: 'mini:current' });
        socket.send({ action: 'unsubscribe', pv: 'mini:current' });
        const gone = await socket.next(isType('unsubscribed'), from);
        const replies = socket.frames
          .slice(from)
          .filter((f) => f.type === 'subscribed' || f.type === 'unsubscribed');
        assert.deepEqual(
          replies.map((f) => f.type),
          ['subscribed', 'unsubscribed'],
          `try ${i}: replies in the order the frames were sent`,
        );
        // After the unsubscribe's reply, no update of that PV arrives (a ping's pong bounds the wait).
        const settled = socket.frames.indexOf(gone);
        await socket.request({ action: 'ping' }, isType('pong'));
        await socket.request({ action: 'ping' }, isType('pong'));
        assert.equal(socket.frames.slice(settled + 1).filter(updateOf('mini:current')).length, 0, `try ${i}`);
      }
    } finally {
      socket.close();
    }
  });

  it('checks the subscription cap before any registry lookup', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      const idle = await pvLookups();
      await socket.request({ action: 'subscribe', pv: 'mini:ph:vel' }, isType('subscribed'));
      const before = await pvLookups();
      assert.ok(before > idle, 'the counter sees a lookup');
      const names = Array.from({ length: 10_000 }, (_, i) => `NOT:REGISTERED:${i}`);
      const refused = await socket.request({ action: 'subscribe', pv_names: names }, isType('error'));
      assert.match(
        refused.error,
        /exceed max_subscriptions_per_client \(cap=1000, current=1, requested=10000\)/,
      );
      assert.equal(await pvLookups(), before, 'no registry request was made');
    } finally {
      socket.close();
    }
  });

  it('bounds a storm of subscribes to unknown PVs, and its memory returns when the client leaves', async () => {
    await stillServes(); // warm: first-use allocations are not the storm's
    const baseline = liveBytes();
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const storm = 10_000;
    for (let i = 0; i < storm; i++) socket.send({ action: 'subscribe', pv: `NOT:REGISTERED:${i}` });
    // Frames that arrive while the backlog is full are refused (and past the reply limit their
    // refusals are dropped too), so a ping gets its pong only once the backlog has drained. Ping
    // again whenever anything arrives after the last ping (a refusal, a lookup's answer, a
    // heartbeat), until a pong comes.
    let pong = false;
    for (let attempt = 0; attempt < 20_000 && !pong; attempt++) {
      const from = socket.frames.length;
      socket.send({ action: 'ping' });
      pong = (await socket.next(() => true, from)).type === 'pong';
      if (!pong) pong = socket.frames.slice(from).some(isType('pong'));
    }
    assert.ok(pong, 'the connection answers again once its backlog has drained');
    const notFound = socket.frames.filter(
      (f) => f.type === 'error' && /not found in the registry/.test(f.error),
    );
    assert.ok(notFound.length > 0, 'the first frames were looked up');
    assert.ok(
      notFound.length < storm / 2,
      `the backlog refused most of the storm (${notFound.length} looked up)`,
    );
    socket.close();
    await socket.closed();
    await stillServes();
    const grown = liveBytes() - baseline;
    assert.ok(grown < 16 * 2 ** 20, `memory held after the client left: ${(grown / 2 ** 20).toFixed(1)} MB`);
  });

  it('refuses a set over the socket of a value the PV cannot hold, and leaves the PV whole', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await stack.client.put('mini:dot:mtry', 0.5, { wait: true });
      for (const value of [{ a: 1 }, true, [1, 2], null]) {
        const reply = await socket.request(
          { action: 'set', pv: 'mini:dot:mtry', value },
          (f) => f.type === 'error' || f.type === 'set_complete',
        );
        assert.equal(reply.type, 'error', JSON.stringify(value));
        assert.match(reply.error, /^Cannot write .* to mini:dot:mtry: .*\(the PV holds one DOUBLE\)$/);
      }
      assert.deepEqual([...(await stack.client.get('mini:dot:mtry')).values], [0.5]);
      const timeout = await socket.request(
        { action: 'set', pv: 'mini:dot:mtry', value: 1, timeout: 3_000_000 },
        isType('error'),
      );
      assert.match(timeout.error, /timeout must be a number of seconds from 0 to 86400/);
    } finally {
      socket.close();
    }
  });

  it('lets a stop overtake a set that waits for a motor', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/device-socket`);
    try {
      await socket.request({ action: 'subscribe', device: 'sim_mtr1' }, isType('subscribed'));
      const start = (await stack.client.get('sim:mtr1.RBV')).value as number;
      const from = socket.frames.length;
      socket.send({ action: 'set', device: 'sim_mtr1', value: start + 50 });
      socket.send({ action: 'stop', device: 'sim_mtr1' });
      // Had the stop waited behind the set, the motor would have reached its target first.
      await socket.next(isType('stop_complete'), from);
      await socket.next((f) => f.type === 'set_complete' || (f.type === 'error' && !f.signal), from);
      const end = (await stack.client.get('sim:mtr1.RBV')).value as number;
      assert.ok(
        Math.abs(end - (start + 50)) > 1,
        `the motor stopped short (at ${end}, target ${start + 50})`,
      );
    } finally {
      socket.close();
    }
  });
});

describe('an array larger than the CA limit', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({}, 0, { EPICS_CA_MAX_ARRAY_BYTES: '16384' });
  });
  after(() => stack.close());

  it('fails only its own read or subscription, with the limit named; every other PV keeps working', async () => {
    const read = await fetch(`${stack.url}/api/v1/pv/mini:dot:det/value`);
    assert.equal(read.status, 413);
    assert.match(((await read.json()) as { detail: string }).detail, /EPICS_CA_MAX_ARRAY_BYTES \(16384\)/);

    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      await socket.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
      const failed = await socket.request(
        { action: 'subscribe', pv: 'mini:dot:det' },
        (f) => f.type === 'error' && f.pv === 'mini:dot:det',
      );
      assert.match(failed.error, /EPICS_CA_MAX_ARRAY_BYTES/);
      for (let i = 0; i < 5; i++) {
        const write = await stack.post('/api/v1/pv/set', {
          pv_name: 'mini:ph:vel',
          value: 1 + i,
          wait: true,
        });
        assert.equal(write.status, 200, await write.text());
        const value = await fetch(`${stack.url}/api/v1/pv/mini:ph:vel/value`);
        assert.equal(((await value.json()) as { value: number }).value, 1 + i);
      }
      const from = socket.frames.length;
      await socket.next(updateOf('mini:current'), from);
    } finally {
      socket.close();
    }
  });
});

describe('socket liveness and shutdown', () => {
  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    // A second between pings: a healthy peer's pong (in this very process) is never that late.
    const stack = await startStack({ DIRECT_CONTROL_WS_PING_INTERVAL: '1' });
    // A client whose library does not answer pings, as a hung peer behaves.
    const silent = new WebSocket(`${stack.ws}/api/v1/pv-socket`, { autoPong: false });
    const healthy = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      let silentPings = 0;
      let healthyPings = 0;
      silent.on('ping', () => silentPings++);
      healthy.ws.on('ping', () => healthyPings++);
      const [code] = await orAbort(once(silent, 'close'), 'the silent peer to be dropped');
      assert.equal(code, 1006, 'terminated, without a closing handshake');
      assert.ok(silentPings >= 1, 'it was pinged before it was dropped');
      // The healthy client is pinged round after round and stays.
      const mark = healthyPings;
      await until(() => healthyPings >= mark + 2, 'two more pings of the healthy client');
      assert.equal(healthy.closeCode, undefined);
      await healthy.request({ action: 'ping' }, isType('pong'));
      assert.equal(stack.service.sockets.gateway.size, 1);
    } finally {
      silent.terminate();
      healthy.close();
      await stack.close();
    }
  });

  it('closes every socket with 1001 when the service shuts down', async () => {
    const stack = await startStack();
    const sockets = await Promise.all(
      ['pv-socket', 'device-socket', 'camera-socket'].map((path) =>
        TestSocket.open(`${stack.ws}/api/v1/${path}`),
      ),
    );
    await sockets[0].request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
    const closeService = stack.service.close.bind(stack.service);
    let closed = false;
    stack.service.close = async () => {
      if (!closed) await closeService();
      closed = true;
    };
    try {
      await stack.service.close();
      for (const socket of sockets) {
        assert.equal(await socket.closed(), 1001);
        assert.equal(socket.closeReason, 'Service shutting down');
      }
    } finally {
      await stack.close();
    }
  });
});
