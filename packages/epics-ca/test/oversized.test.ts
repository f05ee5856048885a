/**
 * A reply over the client's EPICS_CA_MAX_ARRAY_BYTES fails the one read or subscription it answers;
 * the circuit and every other channel on it carry on (issue 18: one 2.4 MB image used to take the
 * circuit down, and the reconnect-resubscribe loop kept it down).
 */
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { CaClient, CaError, ECA, pv, type Reading } from '../src/index.ts';
import { clientEnv, clientFor, serverEnv, startServer } from './loopback.ts';
import { until } from './waits.ts';

/** 300 000 doubles, as DBR_TIME_DOUBLE: 16 bytes of status, severity and stamp, then 8 per element. */
const IMAGE_ELEMENTS = 300_000;
const IMAGE_BYTES = 2_400_016;
const tooLarge = (what: string) =>
  new RegExp(`^${what}: ${IMAGE_BYTES} bytes exceed EPICS_CA_MAX_ARRAY_BYTES \\(16384\\)`);

/** A server allowed to send big arrays, serving a variable-length image PV (10 elements now) and a scalar. */
async function imageServer() {
  const image = pv.double('big:image', new Float64Array(10), { count: IMAGE_ELEMENTS });
  const scalar = pv.double('big:scalar', 1);
  const server = await startServer({
    pvs: [image, scalar],
    env: serverEnv({ EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
  });
  return { server, image, scalar };
}

describe('an update over the client EPICS_CA_MAX_ARRAY_BYTES', () => {
  it('ends only that subscription, with an error naming the PV, the bytes and the limit; the circuit carries on', async (t) => {
    const { server, image, scalar } = await imageServer();
    const client = clientFor(server); // the default limit: 16384 bytes
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    const imageUpdates: Reading[] = [];
    const imageErrors: CaError[] = [];
    const scalarValues: number[] = [];
    const scalarConnection: boolean[] = [];
    client.monitor('big:image', (r) => imageUpdates.push(r), { onError: (err) => imageErrors.push(err) });
    client.monitor('big:scalar', (r) => scalarValues.push(r.value as number), {
      onConnection: (up) => scalarConnection.push(up),
    });
    await until(() => imageUpdates.length === 1 && scalarValues.length === 1, 'first updates of both');
    assert.equal(imageUpdates[0].values.length, 10);
    assert.equal(server.stats().length, 1);
    const { peer, subscriptions } = server.stats()[0];
    assert.equal(subscriptions, 2);

    // Several full-size images in a row: the first ends the subscription, the rest are dropped unread.
    for (let i = 0; i < 5; i++) image.post(new Float64Array(IMAGE_ELEMENTS).fill(i));
    await until(() => imageErrors.length === 1, 'the image subscription to fail');
    const [err] = imageErrors;
    assert.ok(err instanceof CaError);
    assert.equal(err.eca, ECA.TOLARGE);
    assert.match(err.message, tooLarge('monitor big:image'));

    // The scalar's monitor, gets and puts go on over the same circuit.
    scalar.post(2);
    await until(() => scalarValues.at(-1) === 2, 'a scalar update after the oversized images');
    await client.put('big:scalar', 3, { wait: true });
    await until(() => scalarValues.at(-1) === 3, 'the put seen by the monitor');
    assert.equal((await client.get('big:scalar')).value, 3);

    // The failed subscription was cancelled at the server and is not renewed: a small image that
    // would fit no longer arrives.
    await until(() => server.stats()[0]?.subscriptions === 1, 'the image subscription to be cancelled');
    image.post([1, 2, 3]);
    scalar.post(4);
    await until(() => scalarValues.at(-1) === 4, 'a scalar update after the small image');
    assert.equal(imageUpdates.length, 1);
    assert.equal(imageErrors.length, 1);

    // Never reconnected: one circuit, the same peer at the server, no disconnect heard.
    assert.deepEqual(scalarConnection, [true]);
    assert.equal(client.stats().circuits, 1);
    assert.deepEqual(
      server.stats().map((s) => s.peer),
      [peer],
    );
  });

  it('fails a get of the large array with the same error, up front for a fixed count and on the reply for a dynamic one', async (t) => {
    const { server, image } = await imageServer();
    const client = clientFor(server);
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    assert.equal((await client.get('big:image')).values.length, 10); // fits while short
    const { peer } = server.stats()[0];
    image.post(new Float64Array(IMAGE_ELEMENTS).fill(7));

    const isTooLarge = (what: string) => (err: unknown) =>
      err instanceof CaError && err.eca === ECA.TOLARGE && tooLarge(what).test(err.message);
    // A fixed count that cannot fit is never asked for.
    await assert.rejects(client.get('big:image', { count: IMAGE_ELEMENTS }), isTooLarge('get big:image'));
    // Count 0 (the current length): the server sends 2.4 MB, the client drops it and fails the get,
    // well before the 3 s request timeout would (that would be a CaTimeoutError, ECA.TIMEOUT).
    await assert.rejects(client.get('big:image'), isTooLarge('get big:image'));
    await assert.rejects(client.get('big:image', { count: 0 }), isTooLarge('get big:image'));

    // The circuit is the one it was, and the image reads again once it is short.
    assert.equal((await client.get('big:scalar')).value, 1);
    image.post([4, 5, 6]);
    assert.deepEqual(Array.from((await client.get('big:image')).values as Float64Array), [4, 5, 6]);
    assert.equal(client.stats().circuits, 1);
    assert.deepEqual(
      server.stats().map((s) => s.peer),
      [peer],
    );
  });

  it('refuses a monitor with a fixed count that cannot fit at subscribe time, with the same error', async (t) => {
    const { server } = await imageServer();
    const client = clientFor(server);
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    const errors: CaError[] = [];
    client.monitor('big:image', () => assert.fail('no update expected'), {
      count: IMAGE_ELEMENTS,
      onError: (err) => errors.push(err),
    });
    await until(() => errors.length === 1, 'the refusal');
    assert.equal(errors[0].eca, ECA.TOLARGE);
    assert.match(errors[0].message, tooLarge('monitor big:image'));
    assert.equal(server.stats()[0].subscriptions, 0, 'nothing was asked of the server');
  });

  it('reports the failure as a process warning when the monitor has no onError', async (t) => {
    const { server, image } = await imageServer();
    const client = clientFor(server);
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    image.post(new Float64Array(IMAGE_ELEMENTS));
    const warning = new Promise<Error>((resolve) => process.once('warning', resolve));
    client.monitor('big:image', () => assert.fail('no update expected'));
    const err = await warning;
    assert.ok(err instanceof CaError);
    assert.match(err.message, tooLarge('monitor big:image'));
  });
});

/**
 * A TCP relay between a client and a real server (the client reaches the server through it as its
 * name server) that can slip bytes into the server-to-client stream.
 */
async function relayTo(port: number) {
  const toClient: Socket[] = [];
  const relay = createServer((inbound) => {
    const outbound = connect({ port, host: '127.0.0.1' });
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    toClient.push(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    inject: (bytes: Buffer) => toClient.at(-1)!.write(bytes),
    close: () => relay.close(),
  };
}

describe('a frame no CA server could send', () => {
  it('still closes the circuit as a protocol error', async (t) => {
    // A put that completes only when told to keeps the server silent, so the stream rests between frames.
    let complete: (() => void) | undefined;
    const slow = pv.double('big:slow', 0, {
      onPut: () => new Promise<void>((resolve) => (complete = resolve)),
    });
    const server = await startServer({ pvs: [slow] });
    const relay = await relayTo(server.tcpPort);
    const client = new CaClient({
      env: clientEnv(1, { EPICS_CA_ADDR_LIST: '', EPICS_CA_NAME_SERVERS: `127.0.0.1:${relay.port}` }),
      repeater: false,
      timeoutMs: 60_000,
    });
    t.after(async () => {
      complete?.();
      await client.close();
      relay.close();
      await server.stop();
    });
    assert.equal((await client.get('big:slow')).value, 0);
    const put = client.put('big:slow', 1, { wait: true, timeoutMs: 60_000 });
    await until(() => complete !== undefined, 'the put to reach the server');
    const header = Buffer.alloc(24);
    header.writeUInt16BE(1, 0); // EVENT_ADD
    header.writeUInt16BE(0xffff, 2); // extended header: the size follows
    header.writeUInt32BE(0xfffffff8, 16); // 4 GiB announced
    relay.inject(header);
    await assert.rejects(
      put,
      (err: unknown) =>
        err instanceof CaError &&
        err.eca === ECA.DISCONN &&
        /protocol error from 127\.0\.0\.1:\d+: frame of command 1 declares 4294967288 payload bytes/.test(
          err.message,
        ),
    );
  });
});
