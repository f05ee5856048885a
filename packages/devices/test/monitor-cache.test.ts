/**
 * Signals that read from a CA monitor (`useMonitors()`, ophyd's auto_monitor): no get per read once
 * the monitor has delivered, the last update is what a read gives, a put's updates arrive before
 * its completion, arrays keep being got, and a lost server drops the cached value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaServer, type ProcessVariable, pv } from '@ophyd-service/epics-ca';
import { clientFor, serverEnv, startServer } from '../../epics-ca/test/loopback.ts';
import { until, untilAsync } from '../../epics-ca/test/waits.ts';
import { EpicsSignal } from '../src/index.ts';

/** Changes what the server holds without posting it to subscribers: only a get can see it. */
function changeSilently(p: ProcessVariable, value: number): void {
  p.state = { ...p.state, values: Float64Array.of(value) };
}

describe('signals reading from a CA monitor', () => {
  it('answers reads from the monitor once it has delivered, and follows every update', async () => {
    const current = pv.double('mc:current', 1);
    const server = await startServer({ pvs: [current] });
    const client = clientFor(server);
    try {
      const signal = new EpicsSignal(client, 'mc:current', { name: 'current' });
      signal.useMonitors();
      assert.equal(signal.monitored, false);
      assert.deepEqual(Object.keys(await signal.read()), ['current']);
      await until(() => signal.monitored, 'the monitor delivering');

      changeSilently(current, 9);
      assert.equal(await client.get('mc:current').then((r) => r.value), 9);
      assert.equal(await signal.get(), 1, 'a read that went to the server would give 9');

      current.post(4);
      await untilAsync(async () => (await signal.get()) === 4, 'the posted value read');
      const reading = (await signal.read()).current;
      assert.equal(reading.timestamp, (await client.get('mc:current')).timestamp);

      signal.useMonitors(false);
      assert.equal(signal.monitored, false);
      await until(() => server.stats()[0]?.subscriptions === 0, 'the subscription ended');
      changeSilently(current, 6);
      assert.equal(await signal.get(), 6);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('a read after a write completes shows what the write posted (updates go before the completion)', async () => {
    const readback = pv.double('mc:rbv', 0);
    const setpoint = pv.double('mc:val', 0, {
      onPut: (values, self) => {
        self.post(values);
        // Arrives later, as a motor reaching its target: the completion follows the last update.
        return new Promise<void>((resolve) =>
          setImmediate(() => {
            readback.post(Number(values[0]));
            resolve();
          }),
        );
      },
    });
    const server = await startServer({ pvs: [readback, setpoint] });
    const client = clientFor(server);
    try {
      const rbv = new EpicsSignal(client, 'mc:rbv', { name: 'rbv' });
      const val = new EpicsSignal(client, 'mc:val', { name: 'val' });
      rbv.useMonitors();
      val.useMonitors();
      await Promise.all([rbv.get(), val.get()]);
      await until(() => rbv.monitored && val.monitored, 'both monitors delivering');
      for (const target of [3, -1.5, 7]) {
        await val.set(target).finished;
        assert.deepEqual([await rbv.get(), await val.get()], [target, target]);
      }
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('keeps reading arrays with gets (a monitor would ship every frame)', async () => {
    const wave = pv.double('mc:wave', [1, 2, 3], { count: 10 });
    const server = await startServer({ pvs: [wave] });
    const client = clientFor(server);
    try {
      const signal = new EpicsSignal(client, 'mc:wave', { name: 'wave' });
      signal.useMonitors();
      assert.deepEqual(await signal.get(), [1, 2, 3]);
      assert.equal(signal.monitored, false);
      wave.state = { ...wave.state, values: Float64Array.of(4, 5) };
      assert.deepEqual(await signal.get(), [4, 5]);
      assert.equal(server.stats()[0].subscriptions, 0);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('drops the cached value when the server goes, and monitors again once it is back', async () => {
    const first = await startServer({ pvs: [pv.double('mc:beam', 1)] });
    const port = first.udpPort;
    const client = clientFor(first);
    let second: CaServer | undefined;
    try {
      const signal = new EpicsSignal(client, 'mc:beam', { name: 'beam' });
      signal.useMonitors();
      await signal.get();
      await until(() => signal.monitored, 'the monitor delivering');
      await first.stop();
      await until(() => !signal.monitored, 'the cached value dropped');
      second = new CaServer({
        port,
        interfaces: ['127.0.0.1'],
        beaconAddresses: [],
        env: serverEnv(),
        pvs: [pv.double('mc:beam', 7)],
      });
      await second.start();
      assert.equal(await signal.get(), 7);
      await until(() => signal.monitored, 'monitored again');
      assert.equal(await signal.get(), 7);
    } finally {
      await client.close();
      await second?.stop();
    }
  });
});
