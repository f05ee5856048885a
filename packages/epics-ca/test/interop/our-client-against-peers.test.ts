import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { readCaEnv } from '../../src/env.ts';
import { CaClient, CaError, DBR, ECA, type Reading } from '../../src/index.ts';
import { until } from '../waits.ts';
import { caEnv, freePort, requirePeers, script, startPeer } from './peers.ts';

const clientAt = (port: number) => new CaClient({ env: readCaEnv(caEnv(port)), timeoutMs: 15_000 });

/** The peers may serve (and our writer may send) a 2.4 MB image; the client under test keeps the default. */
const PEER_MAX_ARRAY_BYTES = '10000000';
const IMAGE_ELEMENTS = 300_000;
/** 300 000 doubles as DBR_TIME_DOUBLE: 16 bytes of status, severity and stamp, then 8 per element. */
const IMAGE_BYTES = 2_400_016;

const isTooLarge = (what: string) => (err: unknown) =>
  err instanceof CaError &&
  err.eca === ECA.TOLARGE &&
  new RegExp(`^${what}: ${IMAGE_BYTES} bytes exceed EPICS_CA_MAX_ARRAY_BYTES \\(16384\\)`).test(err.message);

/**
 * Issue 18 against a peer server: with the default EPICS_CA_MAX_ARRAY_BYTES, a monitor on a
 * variable-length waveform fails alone once the waveform grows past the limit, while a scalar on the
 * same server (so the same circuit) keeps working and the circuit stays up.
 */
async function oversizedMonitorFailsAlone(port: number, image: string, scalar: string): Promise<void> {
  const small = new CaClient({
    env: readCaEnv(caEnv(port, { EPICS_CA_MAX_ARRAY_BYTES: '16384' })),
    timeoutMs: 15_000,
  });
  const writer = new CaClient({
    env: readCaEnv(caEnv(port, { EPICS_CA_MAX_ARRAY_BYTES: PEER_MAX_ARRAY_BYTES })),
    timeoutMs: 15_000,
  });
  try {
    const imageUpdates: Reading[] = [];
    const imageErrors: CaError[] = [];
    const scalarValues: number[] = [];
    const scalarConnection: boolean[] = [];
    small.monitor(image, (r) => imageUpdates.push(r), { onError: (err) => imageErrors.push(err) });
    small.monitor(scalar, (r) => scalarValues.push(r.value as number), {
      onConnection: (up) => scalarConnection.push(up),
    });
    await until(
      () => imageUpdates.length === 1 && scalarValues.length === 1,
      'first updates (the IOC coming up)',
    );
    assert.equal(imageUpdates[0].values.length, 10);

    await writer.put(image, new Float64Array(IMAGE_ELEMENTS).fill(3), { wait: true });
    await until(() => imageErrors.length === 1, 'the image subscription to fail');
    assert.ok(isTooLarge(`monitor ${image}`)(imageErrors[0]), imageErrors[0].message);
    const full = await writer.get(image); // the update was real: a client allowed 10 MB reads it
    assert.equal(full.values.length, IMAGE_ELEMENTS);
    assert.equal(full.values[IMAGE_ELEMENTS - 1], 3);
    await assert.rejects(small.get(image), isTooLarge(`get ${image}`));

    // The scalar goes on over the same circuit: monitor, put with completion, get.
    await small.put(scalar, 42, { wait: true });
    await until(() => scalarValues.at(-1) === 42, 'the scalar update');
    assert.equal((await small.get(scalar)).value, 42);

    // The failed subscription is not renewed: a short image that would fit does not arrive, though
    // the image reads again.
    await writer.put(image, [1, 2, 3], { wait: true });
    await small.put(scalar, 43, { wait: true });
    await until(() => scalarValues.at(-1) === 43, 'a scalar update after the short image');
    assert.deepEqual(Array.from((await small.get(image)).values as Float64Array), [1, 2, 3]);
    assert.equal(imageUpdates.length, 1);
    assert.equal(imageErrors.length, 1);

    // One circuit all along: no disconnect heard.
    assert.deepEqual(scalarConnection, [true]);
    assert.equal(small.stats().circuits, 1);
  } finally {
    await small.close();
    await writer.close();
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('our client against a caproto server', () => {
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await stop(c);
  });

  it('gets, puts with completion, reads metadata, arrays and enums, is refused on read-only, monitors', async () => {
    requirePeers();
    const port = await freePort();
    const ioc = startPeer(
      [script('caproto_ioc.py'), '--interfaces', '127.0.0.1', '--prefix', 'cp:'],
      caEnv(port),
    );
    children.push(ioc);
    const client = clientAt(port);
    try {
      assert.equal((await client.get('cp:double')).value, 1.5); // waits for the IOC to come up
      const ctrl = await client.get('cp:double', { type: 'ctrl' });
      assert.equal(ctrl.units, 'mm');
      assert.equal(ctrl.precision, 3);
      assert.equal((await client.get('cp:long')).value, 7);
      assert.equal((await client.get('cp:string')).value, 'caproto');
      assert.deepEqual((await client.get('cp:enum', { type: 'ctrl' })).enumStrings, ['Out', 'In']);
      const wave = await client.get('cp:wave');
      assert.equal((wave.values as Float64Array).length, 1000);
      assert.equal((wave.values as Float64Array)[999], 999);
      await client.put('cp:double', 6.5, { wait: true });
      assert.equal((await client.get('cp:double')).value, 6.5);
      await client.put('cp:enum', 'Out', { wait: true });
      assert.equal((await client.get('cp:enum')).value, 0);
      await assert.rejects(client.put('cp:ro', 1, { wait: true }), (err: any) => err.eca === ECA.NOWTACCESS);
      const seen: Reading[] = [];
      const unsubscribe = client.monitor('cp:long', (r) => seen.push(r));
      await until(() => seen.length === 1, 'first update');
      await client.put('cp:long', 11, { wait: true });
      await until(() => seen.at(-1)?.value === 11, 'monitor update');
      unsubscribe();
      // Circuit loss: the IOC dies, the monitor hears it.
      const connection: boolean[] = [];
      client.monitor('cp:double', () => {}, { onConnection: (up) => connection.push(up) });
      await until(() => connection.length === 1, 'connected');
      await stop(ioc);
      await until(() => connection.at(-1) === false, 'disconnect noticed');
    } finally {
      await client.close();
    }
  });
});

describe('our client against a caproto server, with a waveform over the client EPICS_CA_MAX_ARRAY_BYTES', () => {
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await stop(c);
  });

  it('fails only the waveform monitor; the scalar on the same circuit keeps working', async () => {
    requirePeers();
    const port = await freePort();
    children.push(
      startPeer(
        [script('caproto_ioc.py'), '--interfaces', '127.0.0.1', '--prefix', 'cp:'],
        caEnv(port, { EPICS_CA_MAX_ARRAY_BYTES: PEER_MAX_ARRAY_BYTES }),
      ),
    );
    await oversizedMonitorFailsAlone(port, 'cp:image', 'cp:long');
  });
});

describe('our client against an EPICS-base server (pythonSoftIOC, RSRV)', () => {
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await stop(c);
  });

  it('reads every record type, writes with completion, monitors, and sees the IOC go and come back', async () => {
    requirePeers();
    const port = await freePort();
    const env = caEnv(port);
    children.push(startPeer([script('softioc_ioc.py')], env));
    const client = clientAt(port);
    try {
      const ao = await client.get('sio:AO', { type: 'ctrl' });
      assert.equal(ao.value, 1.25);
      assert.equal(ao.units, 'V');
      assert.equal(ao.precision, 2);
      assert.equal((await client.info('sio:AO')).nativeType, DBR.DOUBLE);
      assert.equal((await client.get('sio:LO')).value, 5);
      assert.equal((await client.get('sio:SO')).value, 'epics-base');
      const mb = await client.get('sio:MB', { type: 'ctrl' });
      assert.equal(mb.value, 1);
      assert.deepEqual(mb.enumStrings, ['Zero', 'One', 'Two']);
      assert.equal((await client.get('sio:MB', { type: DBR.STRING })).value, 'One');
      const wf = await client.get('sio:WF');
      assert.equal((wf.values as Float64Array).length, 1000);
      assert.equal((wf.values as Float64Array)[500], 500);
      await client.put('sio:AO', 3.5, { wait: true });
      assert.equal((await client.get('sio:AO')).value, 3.5);
      await client.put('sio:MB', 'Two', { wait: true });
      assert.equal((await client.get('sio:MB')).value, 2);
      await client.put('sio:WF', [1, 2, 3], { wait: true });
      assert.deepEqual(
        Array.from((await client.get('sio:WF')).values as Float64Array).slice(0, 3),
        [1, 2, 3],
      );

      const values: number[] = [];
      const connection: boolean[] = [];
      client.monitor('sio:LO', (r) => values.push(r.value as number), {
        onConnection: (up) => connection.push(up),
      });
      await until(() => values.length === 1, 'first update');
      await client.put('sio:LO', 6, { wait: true });
      await until(() => values.at(-1) === 6, 'update');
      // Circuit loss and restart: the monitor resumes with no action from us.
      await stop(children[0]);
      await until(() => connection.at(-1) === false, 'loss noticed');
      children.push(startPeer([script('softioc_ioc.py')], env));
      await until(
        () => connection.at(-1) === true && values.at(-1) === 5,
        'resubscribed to the restarted IOC',
      );
    } finally {
      await client.close();
    }
  });
});

describe('our client against an EPICS-base server, with a waveform over the client EPICS_CA_MAX_ARRAY_BYTES', () => {
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await stop(c);
  });

  it('fails only the waveform monitor; the scalar on the same circuit keeps working', async () => {
    requirePeers();
    const port = await freePort();
    // RSRV serves (and accepts) arrays only up to its own EPICS_CA_MAX_ARRAY_BYTES.
    children.push(
      startPeer([script('softioc_ioc.py')], caEnv(port, { EPICS_CA_MAX_ARRAY_BYTES: PEER_MAX_ARRAY_BYTES })),
    );
    await oversizedMonitorFailsAlone(port, 'sio:IMAGE', 'sio:LO');
  });
});
