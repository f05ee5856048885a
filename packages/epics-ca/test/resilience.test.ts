import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaClient, CaRepeater, CaServer, DBR, pv } from '../src/index.ts';
import { encode, PROTOCOL_MINOR_VERSION } from '../src/messages.ts';
import { clientEnv, clientFor, freeUdpPort, serverEnv, startServer } from './loopback.ts';
import { until } from './waits.ts';

describe('reconnection', () => {
  it('tells monitors of SERVER_DISCONN when a PV is removed, and resumes when it returns', async () => {
    const server = await startServer({ pvs: [pv.double('r:a', 1)] });
    const client = clientFor(server);
    const events: (string | number)[] = [];
    client.monitor('r:a', (r) => events.push(r.value as number), {
      onConnection: (up) => events.push(up ? 'up' : 'down'),
    });
    await until(() => events.length === 2, 'first update');
    server.remove('r:a');
    await until(() => events.includes('down'), 'disconnect');
    server.add(pv.double('r:a', 2));
    await until(() => events.at(-1) === 2, 'reconnect');
    assert.deepEqual(events, ['up', 1, 'down', 'up', 2]);
    await client.close();
    await server.stop();
  });

  it('resubscribes after the server restarts on the same port', async () => {
    const first = await startServer({ pvs: [pv.long('r:b', 1)] });
    const port = first.udpPort;
    const client = clientFor(first);
    const values: (number | string)[] = [];
    const connection: boolean[] = [];
    client.monitor('r:b', (r) => values.push(r.value as number), {
      onConnection: (up) => connection.push(up),
    });
    await until(() => values.length === 1, 'first update');
    await first.stop();
    await until(() => connection.at(-1) === false, 'loss noticed');
    const second = new CaServer({
      port,
      interfaces: ['127.0.0.1'],
      beaconAddresses: [],
      env: serverEnv(),
      pvs: [pv.long('r:b', 7)],
    });
    await second.start();
    await until(() => values.at(-1) === 7, 'update from the restarted server');
    assert.deepEqual(connection, [true, false, true]);
    assert.equal(second.stats()[0].subscriptions, 1);
    await client.close();
    await second.stop();
  });

  it('hears a restarted server through the repeater and searches at once, not at the next back-off', async (t) => {
    const repeaterPort = await freeUdpPort();
    const repeater = new CaRepeater();
    await repeater.start(repeaterPort, '127.0.0.1');
    const beaconTo = [`127.0.0.1:${repeaterPort}`];
    const first = await startServer({ pvs: [pv.long('r:beacon', 1)], beaconAddresses: beaconTo });
    const port = first.udpPort;
    // Searches after a loss are ten minutes apart, past any test's timeout: only a beacon can
    // bring the channel back while the test runs.
    const client = clientFor(
      first,
      { repeater: true, searchMinIntervalMs: 600_000, searchMaxIntervalMs: 3_600_000 },
      { EPICS_CA_REPEATER_PORT: String(repeaterPort) },
    );
    let second: CaServer | undefined;
    t.after(async () => {
      await client.close();
      await second?.stop();
      repeater.stop();
    });
    const values: number[] = [];
    const connection: boolean[] = [];
    client.monitor('r:beacon', (r) => values.push(r.value as number), {
      onConnection: (up) => connection.push(up),
    });
    await until(() => values.length === 1 && repeater.clientCount === 1, 'first update and registration');
    await first.stop();
    await until(() => connection.at(-1) === false, 'loss noticed');
    const anomaliesBefore = client.stats().beaconAnomalies;
    second = new CaServer({
      port,
      interfaces: ['127.0.0.1'],
      beaconAddresses: beaconTo,
      env: serverEnv(),
      pvs: [pv.long('r:beacon', 2)],
    });
    await second.start();
    await until(() => values.at(-1) === 2, 'reconnection long before the next scheduled search');
    assert.ok(client.stats().beaconAnomalies > anomaliesBefore);
  });

  it('finds PVs through a TCP name server when UDP search is off', async () => {
    const server = await startServer({ pvs: [pv.string('r:ns', 'via tcp')] });
    const client = new CaClient({
      env: clientEnv(server.udpPort, {
        EPICS_CA_ADDR_LIST: '',
        EPICS_CA_NAME_SERVERS: `localhost:${server.tcpPort}`,
      }),
      timeoutMs: 60_000,
    });
    assert.equal((await client.get('r:ns')).value, 'via tcp');
    await client.close();
    await server.stop();
  });

  it('reaches an IOC behind a mapped port (a container) through that port as its name server', async () => {
    const server = await startServer({ pvs: [pv.string('r:mapped', 'through the map')] });
    // A port forward, as Docker's -p does: the IOC still announces its own port in search replies.
    const forward = createServer((inbound) => {
      const outbound = connect({ port: server.tcpPort, host: '127.0.0.1' });
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => forward.listen(0, '127.0.0.1', resolve));
    const mapped = (forward.address() as AddressInfo).port;
    const client = new CaClient({
      env: clientEnv(1, { EPICS_CA_ADDR_LIST: '', EPICS_CA_NAME_SERVERS: `127.0.0.1:${mapped}` }),
      repeater: false,
      timeoutMs: 60_000,
    });
    try {
      assert.equal((await client.get('r:mapped')).value, 'through the map');
      assert.equal((await client.info('r:mapped')).host, `127.0.0.1:${mapped}`);
    } finally {
      await client.close();
      forward.close();
      await server.stop();
    }
  });

  it('times out clearly on an unknown PV', async () => {
    const server = await startServer();
    const client = clientFor(server, { timeoutMs: 300 });
    await assert.rejects(
      client.get('r:nobody'),
      /r:nobody: not connected after 0.3 s \(no server answered the search\)/,
    );
    await client.close();
    await server.stop();
  });
});

/** A raw CA client on a socket that subscribes and then never reads. */
async function stalledSubscriber(port: number, name: string, subscriptions: number) {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }));
  socket.write(encode({ kind: 'createChan', cid: 1, minorVersion: PROTOCOL_MINOR_VERSION, name }));
  // The server assigns sid 1 to the first channel of a circuit.
  for (let id = 1; id <= subscriptions; id++) {
    socket.write(
      encode({
        kind: 'eventAdd',
        dataType: DBR.TIME_STRING + DBR.DOUBLE,
        count: 0,
        sid: 1,
        subscriptionId: id,
        mask: 1,
      }),
    );
  }
  socket.pause();
  return socket;
}

describe('a client that stops reading', () => {
  it('holds at most the queue bound per subscription and never slows other clients', async () => {
    const big = pv.double('s:wave', new Float64Array(2000), { count: 2000 });
    const server = await startServer({ pvs: [big], queueLimit: 4, highWaterMark: 64 * 1024 });
    const stalled = await stalledSubscriber(server.tcpPort, 's:wave', 10);
    const client = clientFor(server, {}, { EPICS_CA_MAX_ARRAY_BYTES: '100000' });
    let received = 0;
    client.monitor('s:wave', () => received++);
    await until(() => received === 1 && server.stats().length === 2, 'both subscribed');
    const values = new Float64Array(2000);
    // 16 kB per update x 10 subscriptions: far more than socket buffers hold.
    for (let i = 0; i < 400; i++) {
      values[0] = i;
      big.post(values);
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => received >= 50, 'the reading client to keep receiving');
    const stalledStats = server.stats().find((s) => s.subscriptions === 10)!;
    assert.ok(stalledStats.queuedUpdates <= 10 * 4, `queued ${stalledStats.queuedUpdates}`);
    assert.ok(stalledStats.dropped > 1000, `dropped ${stalledStats.dropped}`);
    const last = await client.get('s:wave');
    assert.equal((last.values as Float64Array)[0], 399);
    stalled.destroy();
    await client.close();
    await server.stop();
  });
});

describe('bad input', () => {
  it('survives random and mutated frames on a circuit; other clients keep working', async (t) => {
    const server = await startServer({ pvs: [pv.double('f:ok', 5), pv.double('f:target', 1)] });
    const client = clientFor(server);
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    assert.equal((await client.get('f:ok')).value, 5);
    const valid = Buffer.concat([
      encode({ kind: 'version', priority: 0, minorVersion: 13 }),
      encode({ kind: 'createChan', cid: 1, minorVersion: 13, name: 'f:target' }),
      encode({ kind: 'readNotify', dataType: 6, count: 1, sid: 1, ioid: 1 }),
      encode({ kind: 'writeNotify', dataType: 6, count: 1, sid: 1, ioid: 2, data: Buffer.alloc(8) }),
    ]);
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }).map((a) => Buffer.from(a)),
      fc
        .tuple(
          fc.nat({ max: valid.length - 1 }),
          fc.integer({ min: 0, max: 255 }),
          fc.nat({ max: valid.length }),
        )
        .map(([at, byte, cut]) => {
          const copy = Buffer.from(valid);
          copy[at] = byte;
          return copy.subarray(0, Math.max(cut, 1));
        }),
    );
    const samples = fc.sample(garbage, { numRuns: 150, seed: 4242 });
    for (const bytes of samples) {
      const socket = connect({ port: server.tcpPort, host: '127.0.0.1' });
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.resume(); // discard replies, so the server's FIN is seen
      socket.write(bytes);
      socket.end();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    assert.equal((await client.get('f:ok')).value, 5);
    assert.equal(server.stats().length, 1, 'only the good client is left');
  });

  it('closes a circuit whose client stays silent past the inactivity timeout', async (t) => {
    const server = await startServer({ inactivityTimeoutMs: 200 });
    t.after(() => server.stop());
    const socket = connect({ port: server.tcpPort, host: '127.0.0.1' });
    socket.resume();
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }));
    await new Promise((resolve) => socket.once('close', resolve));
    await until(() => server.stats().length === 0, 'the server to forget the circuit');
  });

  it('refuses a frame that declares more than EPICS_CA_MAX_ARRAY_BYTES', async (t) => {
    // The circuit must close because of the frame, not because it then fell silent: the warning
    // names the cause. The idle timeout (which logs at info) is short enough for a server that
    // wrongly waits for the 2 GiB to fail here with that diff rather than hang the test.
    const warnings: string[] = [];
    const server = await startServer({
      pvs: [pv.double('f:ok', 5)],
      inactivityTimeoutMs: 10_000,
      logger: { debug() {}, info() {}, warn: (message) => warnings.push(message) },
    });
    t.after(() => server.stop());
    const socket = connect({ port: server.tcpPort, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    const header = Buffer.alloc(24);
    header.writeUInt16BE(4, 0);
    header.writeUInt16BE(0xffff, 2);
    header.writeUInt32BE(2 ** 31, 16); // a 2 GiB payload announced
    socket.resume();
    socket.write(header);
    await new Promise((resolve) => socket.once('close', resolve));
    // The server's own limit with the default EPICS_CA_MAX_ARRAY_BYTES: 16384 + 1024 bytes of metadata.
    assert.deepEqual(
      warnings.map((w) => w.replace(/from [\d.]+:\d+/, 'from <peer>')),
      [
        'closing circuit from <peer>: frame of command 4 declares 2147483648 payload bytes, over the limit of 17408',
      ],
    );
    await until(() => server.stats().length === 0, 'the server to forget the circuit');
  });
});
