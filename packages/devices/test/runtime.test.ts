import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CaClient } from '@ophyd-service/epics-ca';
import { type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../epics-ca/test/loopback.ts';
import { until } from '../../epics-ca/test/waits.ts';
import {
  buildDevice,
  createCatalog,
  type Device,
  EpicsSignal,
  Status,
  StatusTimeout,
  UnsupportedVerb,
} from '../src/index.ts';

const catalog = createCatalog();

describe('device runtime against the simulated IOCs', () => {
  let iocs: RunningIocs;
  let client: CaClient;
  before(async () => {
    iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
      seed: 7,
      server: {
        port: 0,
        interfaces: ['127.0.0.1'],
        beaconAddresses: [],
        env: serverEnv({ EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
      },
    });
    client = new CaClient({
      env: clientEnv(iocs.server.udpPort, { EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
      repeater: false,
    });
  });
  after(async () => {
    await client.close();
    await iocs.stop();
  });

  it('reads and describes an EpicsMotor as ophyd does, and moves it with completion at the end', async () => {
    const m1 = buildDevice(catalog, client, {
      name: 'm1',
      deviceClass: 'ophyd.EpicsMotor',
      prefix: 'sim:mtr1',
    }) as Device;
    const status = m1.set(0.4);
    assert.equal(status.done, false);
    await status.finished;
    assert.deepEqual([status.done, status.success], [true, true]);
    const reading = await m1.read();
    assert.deepEqual(Object.keys(reading).sort(), ['m1', 'm1_user_setpoint']);
    assert.equal(reading.m1.value, 0.4);
    const config = await m1.read_configuration();
    assert.ok('m1_velocity' in config && 'm1_acceleration' in config);
    const description = await m1.describe();
    assert.equal(description.m1.source, 'PV:sim:mtr1.RBV');
    assert.equal(description.m1.dtype, 'number');
    assert.equal(description.m1.precision, 3);
  });

  it('stops a motor mid-move; a wait that times out says so while the device keeps going', async () => {
    const m1 = buildDevice(catalog, client, {
      name: 'm1',
      deviceClass: 'ophyd.EpicsMotor',
      prefix: 'sim:mtr1',
    }) as Device;
    const readbacks: number[] = [];
    const unwatch = client.monitor('sim:mtr1.RBV', (r) => readbacks.push(Number(r.value)));
    const status = m1.set(5);
    // A wait with a timeout gives up on a 4.6 mm move at 1 mm/s; the move goes on.
    await assert.rejects(status.wait(300), StatusTimeout);
    assert.equal(status.done, false);
    try {
      await until(() => (readbacks.at(-1) ?? 0) > 0.5, 'the motor to be on its way');
    } finally {
      unwatch();
    }
    await m1.stop();
    await status.finished; // the move ends (stopped), completing the put
    const position = (await m1.read()).m1.value as number;
    assert.ok(position > 0.5 && position < 5, `stopped at ${position}`);
  });

  it('reads compound detectors by kind and triggers them', async () => {
    const pinhole = buildDevice(catalog, client, {
      name: 'pinhole',
      deviceClass: 'localdevs.Det',
      prefix: 'mini:ph',
    }) as Device;
    assert.deepEqual(Object.keys(await pinhole.read()), ['pinhole_det']);
    assert.deepEqual(Object.keys(await pinhole.read_configuration()), ['pinhole_exp']);
    const trigger = pinhole.trigger();
    await trigger.finished;
    assert.equal(trigger.success, true);
    assert.throws(() => pinhole.set(1), UnsupportedVerb);
    const spot = buildDevice(catalog, client, {
      name: 'spot',
      deviceClass: 'localdevs.Spot',
      prefix: 'mini:dot',
    }) as Device;
    const spotDescription = await spot.describe();
    assert.deepEqual(spotDescription.spot_img.shape, [307200]);
    assert.equal(spotDescription.spot_img.dtype, 'array');
  });

  it('treats a signal entry as the signal itself: set waits for the IOC to finish the move', async () => {
    const motor = buildDevice(catalog, client, {
      name: 'ph_motor',
      deviceClass: 'ophyd.signal.EpicsSignal',
      prefix: 'mini:ph:mtr',
    });
    assert.ok(motor instanceof EpicsSignal);
    await client.put('mini:ph:vel', 2, { wait: true });
    const positions: number[] = [];
    const unwatch = client.monitor('mini:ph:mtr', (r) => positions.push(Number(r.value)));
    await until(() => positions.length === 1, 'the first position');
    const status = motor.set(0.6, { tolerance: 0.001 });
    await status.finished;
    // Done only once the IOC reached 0.6: the intermediate step positions arrived before.
    const seenWhenDone = [...positions];
    unwatch();
    assert.equal(seenWhenDone[0], 0);
    assert.ok(
      seenWhenDone.some((p) => p > 0 && p < 0.6),
      `a 0.6 move at 2/s goes in 0.1 s steps: ${seenWhenDone}`,
    );
    assert.deepEqual(await motor.read().then((r) => r.ph_motor.value), 0.6);
    const current = buildDevice(catalog, client, {
      name: 'ring',
      deviceClass: 'ophyd.EpicsSignalRO',
      prefix: 'mini:current',
    }) as EpicsSignal;
    assert.throws(() => current.set(1), /read-only/);
    assert.ok(Status.done().done);
  });
});
