/**
 * Plans over real EPICS devices: packages/devices' EpicsMotor and EpicsSignal, through the
 * adapter, against the simulated IOCs over Channel Access on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildDevice, createCatalog, type Device, type EpicsSignal } from '@ophyd-service/devices';
import { CaClient } from '@ophyd-service/epics-ca';
import { type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../epics-ca/test/loopback.ts';
import { describeDevice } from '../src/device-descriptions.ts';
import type { Event, EventDescriptor } from '../src/documents.ts';
import { RunEngine } from '../src/engine/run-engine.ts';
import { fromEpics } from '../src/epics.ts';
import { rel_scan, scan } from '../src/plans/plans.ts';
import { counterUids } from './helpers.ts';

/** Polls an async condition, a bounded number of times with a short pause between (a real motor moves in real time). */
async function until(condition: () => Promise<boolean>, what: string, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} did not happen after ${tries} polls`);
}

const catalog = createCatalog();

describe('plans over EPICS devices', () => {
  let iocs: RunningIocs;
  let client: CaClient;
  before(async () => {
    iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
      seed: 7,
      server: { port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv() },
    });
    client = new CaClient({ env: clientEnv(iocs.server.udpPort), timeoutMs: 60_000, repeater: false });
  });
  after(async () => {
    await client.close();
    await iocs.stop();
  });

  const devices = () => ({
    motor: fromEpics(
      buildDevice(catalog, client, {
        name: 'm1',
        deviceClass: 'ophyd.EpicsMotor',
        prefix: 'sim:mtr1',
      }) as Device,
    ),
    current: fromEpics(
      buildDevice(catalog, client, {
        name: 'ring_current',
        deviceClass: 'ophyd.EpicsSignalRO',
        prefix: 'mini:current',
      }) as EpicsSignal,
    ),
  });

  function recorded() {
    const RE = new RunEngine({ uid: counterUids() });
    const docs: [string, unknown][] = [];
    RE.subscribe((name, doc) => {
      docs.push([name, doc]);
    });
    return { RE, docs };
  }

  it('a scan of an EpicsMotor ends at each target with its readback in every event; CTRL metadata fills the data keys', async () => {
    const { motor, current } = devices();
    const { RE, docs } = recorded();
    const result = await RE.run(scan([current], motor, 0.1, 0.3, 3));
    assert.equal(result.exitStatus, 'success', String(result.error));
    const events = docs.filter(([n]) => n === 'event').map(([, d]) => d as Event);
    assert.deepEqual(
      events.map((e) => Math.round((e.data.m1 as number) * 1000) / 1000),
      [0.1, 0.2, 0.3],
    );
    assert.ok(events.every((e) => typeof e.data.ring_current === 'number'));
    const descriptor = docs.find(([n]) => n === 'descriptor')![1] as EventDescriptor;
    assert.equal(descriptor.data_keys.m1.source, 'PV:sim:mtr1.RBV');
    assert.equal(descriptor.data_keys.m1.precision, 3);
    assert.equal(typeof descriptor.data_keys.m1.units, 'string');
    const limits = descriptor.data_keys.m1_user_setpoint.limits?.control;
    assert.ok(
      limits && typeof limits.low === 'number' && typeof limits.high === 'number',
      JSON.stringify(descriptor.data_keys.m1_user_setpoint),
    );
    assert.deepEqual(descriptor.hints.m1, { fields: ['m1'] });
    assert.ok('m1_velocity' in descriptor.configuration.m1.data);
  });

  it('reads from CA monitors once the first point has subscribed them; stopMonitors goes back to gets', async () => {
    const { motor, current } = devices();
    const signal = (name: string) => (motor.device as Device).parts.get(name) as EpicsSignal;
    const { RE, docs } = recorded();
    const result = await RE.run(scan([current], motor, 0.2, 0.4, 3));
    assert.equal(result.exitStatus, 'success', String(result.error));
    const events = docs.filter(([n]) => n === 'event').map(([, d]) => (d as Event).data);
    // Each event is read straight after its move: the monitored readback is where the move ended.
    assert.deepEqual(
      events.map((data) => [data.m1, data.m1_user_setpoint].map((x) => Math.round(Number(x) * 1000) / 1000)),
      [
        [0.2, 0.2],
        [0.3, 0.3],
        [0.4, 0.4],
      ],
    );
    assert.deepEqual(
      [
        signal('user_readback').monitored,
        signal('user_setpoint').monitored,
        (current.device as EpicsSignal).monitored,
      ],
      [true, true, true],
    );
    assert.equal(signal('motor_done_move').monitored, false, 'only what is read is subscribed');
    motor.stopMonitors();
    assert.equal(signal('user_readback').monitored, false);
    const unmonitored = fromEpics(motor.device, { monitors: false });
    await unmonitored.read();
    assert.equal(signal('user_readback').monitored, false);
  });

  it('rel_scan locates a motor it has not read yet, scans around it and returns it there', async () => {
    const { motor, current } = devices();
    const start = Number((await motor.locate()).readback);
    const fresh = devices().motor; // no position known yet: the plan must locate it
    assert.equal(fresh.position, undefined);
    const { RE, docs } = recorded();
    const result = await RE.run(rel_scan([current], fresh, -0.1, 0.1, 3));
    assert.equal(result.exitStatus, 'success', String(result.error));
    const positions = docs
      .filter(([n]) => n === 'event')
      .map(([, d]) => Math.round(((d as Event).data.m1 as number) * 1000) / 1000);
    const r = (x: number) => Math.round(x * 1000) / 1000;
    assert.deepEqual(positions, [r(start - 0.1), r(start), r(start + 0.1)]);
    assert.equal(r(Number((await motor.locate()).readback)), r(start));
  });

  it('pausing mid-move stops the motor record; resume re-issues the move and the scan ends at its targets', async () => {
    const { motor, current } = devices();
    const { RE, docs } = recorded();
    const start = Number((await motor.locate()).readback);
    const far = Math.round((start + 1.5) * 1000) / 1000; // a move of 1.5 at the IOC's 1 per second
    const done = RE.run(scan([current], motor, far, far + 0.1, 2));
    await until(async () => {
      const here = Number((await motor.locate()).readback);
      return Math.abs(here - start) > 0.05;
    }, 'the motor moving');
    await RE.requestPause();
    assert.equal(RE.state, 'paused');
    const stoppedAt = Number((await motor.locate()).readback);
    assert.ok(Math.abs(stoppedAt - far) > 0.05, `stopped at ${stoppedAt}, short of ${far}`);
    await RE.resume();
    const result = await done;
    assert.equal(result.exitStatus, 'success', String(result.error));
    const positions = docs
      .filter(([n]) => n === 'event')
      .map(([, d]) => Math.round(((d as Event).data.m1 as number) * 1000) / 1000);
    assert.deepEqual(positions, [far, Math.round((far + 0.1) * 1000) / 1000]);
  });

  it('describes an EpicsMotor for devices_existing: movable, with its record fields as components', () => {
    const { motor, current } = devices();
    const description = describeDevice(motor);
    assert.equal(description.classname, 'EpicsMotor');
    assert.deepEqual(
      [description.is_readable, description.is_movable, description.is_flyable],
      [true, true, false],
    );
    assert.deepEqual(description.components?.user_readback, {
      is_readable: true,
      is_movable: false,
      is_flyable: false,
      classname: 'EpicsSignalRO',
      module: 'ophyd.signal',
    });
    assert.ok(description.components?.user_setpoint?.is_movable);
    assert.deepEqual(describeDevice(current), {
      is_readable: true,
      is_movable: false,
      is_flyable: false,
      classname: 'EpicsSignalRO',
      module: 'ophyd.signal',
    });
  });
});
