import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type CaClient,
  CaError,
  DBE,
  DBR,
  ECA,
  PutError,
  pv,
  type Reading,
  type Values,
} from '../src/index.ts';
import type { CaServer } from '../src/server/server.ts';
import { clientFor, startServer } from './loopback.ts';
import { until } from './waits.ts';

describe('client and server over loopback', () => {
  let server: CaServer;
  let client: CaClient;
  let releaseMove: () => void = () => {};
  before(async () => {
    server = await startServer({
      pvs: [
        pv.double('t:double', 1.5, {
          units: 'mm',
          precision: 3,
          limits: { displayLow: -10, displayHigh: 10, controlLow: -5, controlHigh: 5 },
        }),
        pv.float('t:float', 2.25),
        pv.long('t:long', -7),
        pv.short('t:short', 12),
        pv.char('t:char', 65),
        pv.string('t:string', 'hello'),
        pv.enum('t:enum', ['Out', 'In', 'Moving'], 1),
        pv.double('t:wave', [1, 2, 3], { count: 10 }),
        pv.double('t:in-place', [1, 2], { count: 4 }),
        pv.double('t:ro', 3, { writable: false }),
        pv.double('t:slow', 0, {
          onPut: (values, self) => {
            self.post(values);
            return new Promise<void>((resolve) => {
              releaseMove = resolve;
            });
          },
        }),
        pv.double('t:limited', 0, {
          onPut: (values, self) => {
            if (Math.abs(values[0] as number) > 5) throw new PutError('outside the soft limits');
            self.post(values);
          },
        }),
      ],
    });
    client = clientFor(server);
  });
  after(async () => {
    await client.close();
    await server.stop();
  });

  it('reads every native type with TIME metadata', async () => {
    const expected: [string, number, unknown][] = [
      ['t:double', DBR.DOUBLE, 1.5],
      ['t:float', DBR.FLOAT, 2.25],
      ['t:long', DBR.LONG, -7],
      ['t:short', DBR.SHORT, 12],
      ['t:char', DBR.CHAR, 65],
      ['t:string', DBR.STRING, 'hello'],
      ['t:enum', DBR.ENUM, 1],
    ];
    for (const [name, native, value] of expected) {
      const reading = await client.get(name);
      assert.equal(reading.value, value, name);
      assert.equal(reading.dataType, 14 + native, name);
      assert.ok(Math.abs(reading.timestamp! - Date.now() / 1000) < 60, name);
    }
  });

  it('reads control metadata: units, precision, limits, enum strings', async () => {
    const ctrl = await client.get('t:double', { type: 'ctrl' });
    assert.equal(ctrl.units, 'mm');
    assert.equal(ctrl.precision, 3);
    assert.equal(ctrl.limits?.controlHigh, 5);
    assert.equal(ctrl.limits?.displayLow, -10);
    const enumCtrl = await client.get('t:enum', { type: 'ctrl' });
    assert.deepEqual(enumCtrl.enumStrings, ['Out', 'In', 'Moving']);
  });

  it('converts on read: numbers to strings with precision, enums to their state names', async () => {
    assert.equal((await client.get('t:double', { type: DBR.STRING })).value, '1.500');
    assert.equal((await client.get('t:enum', { type: DBR.STRING })).value, 'In');
    assert.equal((await client.get('t:string', { type: DBR.CLASS_NAME })).value, 'stringin');
    // Any count: the reply holds as many elements as its header says (found by bench/fuzz-ca.ts).
    assert.deepEqual((await client.get('t:wave', { type: DBR.CLASS_NAME, count: 3 })).values, [
      'waveform',
      '',
      '',
    ]);
  });

  it('writes and reads back every type, including enum state names and strings', async () => {
    await client.put('t:double', 4.5, { wait: true });
    assert.equal((await client.get('t:double')).value, 4.5);
    await client.put('t:long', '42', { wait: true });
    assert.equal((await client.get('t:long')).value, 42);
    await client.put('t:enum', 'Moving', { wait: true });
    assert.equal((await client.get('t:enum')).value, 2);
    await client.put('t:string', 'world', { wait: true });
    assert.equal((await client.get('t:string')).value, 'world');
    // A value the type cannot hold is refused before it is sent (a C cast would wrap it).
    await assert.rejects(client.put('t:short', 70000, { wait: true }), /outside -32768\.\.32767/);
    assert.equal((await client.get('t:short')).value, 12);
    await client.put('t:short', -32768, { wait: true });
    assert.equal((await client.get('t:short')).value, -32768);
  });

  it('serves variable-length arrays: count 0 reads the current length', async () => {
    assert.deepEqual(Array.from((await client.get('t:wave')).values as Float64Array), [1, 2, 3]);
    await client.put('t:wave', [9, 8, 7, 6, 5], { wait: true });
    assert.deepEqual(Array.from((await client.get('t:wave')).values as Float64Array), [9, 8, 7, 6, 5]);
    assert.deepEqual(
      Array.from((await client.get('t:wave', { count: 7 })).values as Float64Array),
      [9, 8, 7, 6, 5, 0, 0],
    );
    await assert.rejects(client.put('t:wave', new Array(11).fill(1)), /holds up to 10 DOUBLE elements/);
  });

  it('refuses writes to a read-only PV with ECA_NOWTACCESS', async () => {
    const info = await client.info('t:ro');
    assert.equal(info.writable, false);
    await assert.rejects(
      client.put('t:ro', 1, { wait: true }),
      (err: unknown) => err instanceof CaError && err.eca === ECA.NOWTACCESS,
    );
    assert.equal((await client.get('t:ro')).value, 3);
  });

  it('reports a refused put-with-completion with the handler status', async () => {
    await assert.rejects(
      client.put('t:limited', 9, { wait: true }),
      (err: unknown) => err instanceof CaError && err.eca === ECA.PUTFAIL,
    );
    await client.put('t:limited', 2, { wait: true });
    assert.equal((await client.get('t:limited')).value, 2);
  });

  it('completes a put-with-completion only when the PV handler finishes', async () => {
    let done = false;
    const put = client.put('t:slow', 3, { wait: true }).then(() => {
      done = true;
    });
    await until(() => server.get('t:slow')!.value === 3, 'the put to arrive');
    // A read after the put on the same circuit: a completion sent early would arrive before its reply.
    await client.get('t:slow');
    assert.equal(done, false);
    releaseMove();
    await put;
    assert.equal(done, true);
  });

  it('monitors: first the current value, then every posted change, until unsubscribed', async () => {
    const seen: Reading[] = [];
    const target = server.get('t:float')!;
    const stop = client.monitor('t:float', (r) => seen.push(r));
    await until(() => seen.length === 1, 'the initial update');
    for (let i = 1; i <= 5; i++) target.post(i);
    await until(() => seen.length === 6, 'five updates');
    assert.deepEqual(
      seen.map((r) => r.value),
      [2.25, 1, 2, 3, 4, 5],
    );
    stop();
    await until(() => target.subscriberCount >= 1, 'channel still open');
    const before = seen.length;
    target.post(99);
    await client.get('t:float'); // a round trip: any update would have arrived before the reply
    assert.equal(seen.length, before);
  });

  it('writes an in-place subscription into one reading, and into one values array while the length holds', async () => {
    const target = server.get('t:in-place')!;
    const seen: { reading: Reading; values: Values; asDelivered: number[] }[] = [];
    const stop = client.monitor(
      't:in-place',
      (r) => seen.push({ reading: r, values: r.values, asDelivered: Array.from(r.values as Float64Array) }),
      { inPlace: true },
    );
    await until(() => seen.length === 1, 'the initial update');
    target.post([3, 4]);
    await until(() => seen.length === 2, 'the second update');
    target.post([5, 6, 7]);
    await until(() => seen.length === 3, 'the third update');
    stop();
    // Each callback saw its own update...
    assert.deepEqual(
      seen.map((s) => s.asDelivered),
      [
        [1, 2],
        [3, 4],
        [5, 6, 7],
      ],
    );
    // ...written into one reading, and into one array until the element count changed.
    assert.ok(seen.every((s) => s.reading === seen[0].reading));
    assert.equal(seen[1].values, seen[0].values);
    assert.deepEqual(Array.from(seen[0].values as Float64Array), [3, 4]);
    assert.notEqual(seen[2].values, seen[1].values);
    assert.deepEqual(Array.from(seen[2].reading.values as Float64Array), [5, 6, 7]);
  });

  it('delivers alarm-only and property events according to the DBE mask', async () => {
    const target = server.get('t:long')!;
    const values: number[] = [];
    const properties: Reading[] = [];
    const stopAlarm = client.monitor('t:long', (r) => values.push(r.severity!), { mask: DBE.ALARM });
    const stopProp = client.monitor('t:long', (r) => properties.push(r), {
      mask: DBE.PROPERTY,
      type: 'ctrl',
    });
    await until(() => values.length === 1 && properties.length === 1, 'initial updates');
    target.post(1);
    target.alarm(3, 2);
    target.setMeta({ units: 'cts' });
    await until(() => values.length === 2 && properties.length === 2, 'alarm and property events');
    assert.deepEqual(values, [0, 2]);
    assert.equal(properties[1].units, 'cts');
    stopAlarm();
    stopProp();
  });
});
