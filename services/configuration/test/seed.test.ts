/**
 * The committed seed (integration/seed/happi_db.json), loaded the way `npm start` loads it: the
 * reference's 26 happi entries under their own names, with its classes, PVs and labels (spec
 * integration-iocs-pods §2.1, written out here rather than read from the seed, so that scripts and
 * UIs written for the reference find the same devices), our extra devices under names of their own,
 * and every PV the registry indexes served by the simulated IOCs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CaClient } from '@ophyd-service/epics-ca';
import { ManualClock, type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../../packages/epics-ca/test/loopback.ts';
import { type Harness, startConfiguration } from './harness.ts';

const SEED = join(import.meta.dirname, '..', '..', '..', 'integration', 'seed', 'happi_db.json');

/** The reference's single-PV entries: all `ophyd.signal.EpicsSignal` on the PV named here. */
const REFERENCE_SIGNALS: Record<string, string> = {
  motor_spotx: 'mini:dot:mtrx',
  motor_spoty: 'mini:dot:mtry',
  motor_ph: 'mini:ph:mtr',
  motor_edge: 'mini:edge:mtr',
  motor_slit: 'mini:slit:mtr',
  beam_current: 'mini:current',
  spot_det: 'mini:dot:det',
  spot_img_sum: 'mini:dot:img_sum',
  spot_exp: 'mini:dot:exp',
  spot_shutter_open: 'mini:dot:shutter_open',
  pinhole_det: 'mini:ph:det',
  pinhole_exp: 'mini:ph:exp',
  motor_ph_vel: 'mini:ph:vel',
  motor_ph_tick_rate: 'mini:ph:mtr_tick_rate',
  edge_det: 'mini:edge:det',
  edge_exp: 'mini:edge:exp',
  motor_edge_vel: 'mini:edge:vel',
  motor_edge_tick_rate: 'mini:edge:mtr_tick_rate',
  slit_det: 'mini:slit:det',
  slit_exp: 'mini:slit:exp',
  motor_slit_vel: 'mini:slit:vel',
  motor_slit_tick_rate: 'mini:slit:mtr_tick_rate',
};

/** The reference's compound entries: class, prefix, the walked component PVs and the inferred label. */
const REFERENCE_COMPOUNDS: Record<
  string,
  { deviceClass: string; prefix: string; label: string; pvs: Record<string, string> }
> = {
  spot: {
    deviceClass: 'localdevs.Spot',
    prefix: 'mini:dot',
    label: 'device', // no functional_group, and "Spot" names no kind
    pvs: {
      img: 'mini:dot:det',
      roi: 'mini:dot:img_sum',
      exp: 'mini:dot:exp',
      shutter_open: 'mini:dot:shutter_open',
      array_size: 'mini:dot:ArraySize_RBV',
    },
  },
  pinhole: {
    deviceClass: 'localdevs.Det',
    prefix: 'mini:ph',
    label: 'detector',
    pvs: { det: 'mini:ph:det', exp: 'mini:ph:exp' },
  },
  edge: {
    deviceClass: 'localdevs.Det',
    prefix: 'mini:edge',
    label: 'detector',
    pvs: { det: 'mini:edge:det', exp: 'mini:edge:exp' },
  },
  slit: {
    deviceClass: 'localdevs.Det',
    prefix: 'mini:slit',
    label: 'detector',
    pvs: { det: 'mini:slit:det', exp: 'mini:slit:exp' },
  },
};

/** Ours, beyond the reference: the two image-size PVs it leaves out, the camera, the motor records. */
const EXTRAS: Record<string, { ophydClass: string; label: string; pvs: Record<string, string> }> = {
  spot_size_x: { ophydClass: 'EpicsSignalRO', label: 'signal', pvs: { readback: 'mini:dot:ArraySizeX_RBV' } },
  spot_size_y: { ophydClass: 'EpicsSignalRO', label: 'signal', pvs: { readback: 'mini:dot:ArraySizeY_RBV' } },
  cam: {
    ophydClass: 'ADSimDetector',
    label: 'detector',
    pvs: { image: '13SIM1:image1:ArrayData', acquire: '13SIM1:cam1:Acquire' },
  },
  sim_mtr1: { ophydClass: 'EpicsMotor', label: 'motor', pvs: { user_setpoint: 'sim:mtr1' } },
  sim_mtr2: { ophydClass: 'EpicsMotor', label: 'motor', pvs: { user_setpoint: 'sim:mtr2' } },
  sim_mtr3: { ophydClass: 'EpicsMotor', label: 'motor', pvs: { user_setpoint: 'sim:mtr3' } },
};

/** The mini_beamline IOC's 25 PVs (spec §1.1): the seed must reach every one. */
const MINI_BEAMLINE_PVS = [
  'mini:current',
  ...['ph', 'edge', 'slit'].flatMap((g) =>
    ['det', 'mtr', 'exp', 'vel', 'mtr_tick_rate'].map((pv) => `mini:${g}:${pv}`),
  ),
  ...['det', 'img_sum', 'mtrx', 'mtry', 'exp', 'shutter_open', 'ArraySizeY_RBV', 'ArraySizeX_RBV'].map(
    (pv) => `mini:dot:${pv}`,
  ),
  'mini:dot:ArraySize_RBV',
];

describe('the default seed (integration/seed/happi_db.json), as npm start loads it', () => {
  let h: Harness;
  before(async () => {
    h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: SEED });
  });
  after(() => h?.close());

  it('serves each of the reference single-PV entries as an EpicsSignal on its PV, with no labels', async () => {
    assert.equal(Object.keys(REFERENCE_SIGNALS).length, 22);
    for (const [name, pv] of Object.entries(REFERENCE_SIGNALS)) {
      const res = await h.get(`/api/v1/devices/${name}`);
      assert.equal(res.status, 200, name);
      const device = (await res.json()) as any;
      assert.deepEqual(
        [device.ophyd_class, device.module, device.device_label, device.labels],
        ['EpicsSignal', 'ophyd.signal', 'signal', []],
        name,
      );
      assert.deepEqual(device.pvs, { readback: pv, prefix: pv }, name);
      assert.deepEqual(
        [device.is_readable, device.is_movable, device.is_subscribable, device.is_triggerable],
        [true, true, true, false],
        name,
      );
      assert.deepEqual(
        await h.json(`/api/v1/devices/${name}/instantiation`),
        {
          name,
          device_class: 'ophyd.signal.EpicsSignal',
          args: [pv],
          kwargs: { name },
          active: true,
          framework: null,
        },
        name,
      );
    }
  });

  it('serves the reference compounds with the PVs their classes walk to', async () => {
    for (const [name, want] of Object.entries(REFERENCE_COMPOUNDS)) {
      const device = await h.json(`/api/v1/devices/${name}`);
      assert.deepEqual(
        [device.ophyd_class, device.module, device.device_label, device.labels],
        [want.deviceClass.split('.')[1], 'localdevs', want.label, []],
        name,
      );
      assert.deepEqual(device.pvs, want.pvs, name);
      const spec = await h.json(`/api/v1/devices/${name}/instantiation`);
      assert.deepEqual(
        [spec.device_class, spec.args, spec.kwargs],
        [want.deviceClass, [want.prefix], { name }],
        name,
      );
    }
    // The configuration exerciser's dotted component path.
    const roi = await h.json('/api/v1/devices/spot.roi/component');
    assert.deepEqual([roi.parent_device, roi.pv], ['spot', 'mini:dot:img_sum']);
  });

  it('gives a PV shared by a compound and a leaf entry to the leaf, as the reference does', async () => {
    const owner = async (pv: string) =>
      ((await h.json(`/api/v1/pvs/lookup?pv_name=${encodeURIComponent(pv)}`)) as any).device_name;
    // Leaf entries come after the compounds in the file, and the last registrant wins.
    assert.equal(await owner('mini:dot:det'), 'spot_det');
    assert.equal(await owner('mini:ph:exp'), 'pinhole_exp');
    assert.equal(await owner('mini:slit:det'), 'slit_det');
    // Reachable only through the Spot walk.
    assert.equal(await owner('mini:dot:ArraySize_RBV'), 'spot');
    assert.equal(await owner('mini:dot:mtrx'), 'motor_spotx');
  });

  it('keeps our extra devices under names that are not the reference’s, and nothing else', async () => {
    const reference = [...Object.keys(REFERENCE_SIGNALS), ...Object.keys(REFERENCE_COMPOUNDS)];
    assert.equal(reference.length, 26);
    for (const extra of Object.keys(EXTRAS)) assert.ok(!reference.includes(extra), extra);
    const names = (await h.json('/api/v1/devices')) as string[];
    assert.deepEqual([...names].sort(), [...reference, ...Object.keys(EXTRAS)].sort());
    assert.equal((await h.json('/health')).devices_loaded, 32);
    for (const [name, want] of Object.entries(EXTRAS)) {
      const device = await h.json(`/api/v1/devices/${name}`);
      assert.deepEqual([device.ophyd_class, device.device_label], [want.ophydClass, want.label], name);
      for (const [component, pv] of Object.entries(want.pvs)) assert.equal(device.pvs[component], pv, name);
    }
  });

  it('indexes every one of the mini_beamline IOC’s 25 PVs', async () => {
    assert.equal(MINI_BEAMLINE_PVS.length, 25);
    const { pvs } = (await h.json('/api/v1/pvs')) as { pvs: string[] };
    for (const pv of MINI_BEAMLINE_PVS) assert.ok(pvs.includes(pv), pv);
  });

  describe('against the simulated IOCs', () => {
    let iocs: RunningIocs;
    let client: CaClient;
    before(async () => {
      // A manual clock: the IOCs serve their PVs but run no physics loops, which this check does not need.
      iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }, { name: 'camera' }], {
        clock: new ManualClock(),
        server: { port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv() },
      });
      client = new CaClient({ env: clientEnv(iocs.server.udpPort), repeater: false, timeoutMs: 60_000 });
    });
    after(async () => {
      await client?.close();
      await iocs?.stop();
    });

    it('connects to every PV the seeded registry indexes', async () => {
      const { pvs } = (await h.json('/api/v1/pvs')) as { pvs: string[] };
      const missing: string[] = [];
      for (const pv of pvs) {
        try {
          await client.info(pv);
        } catch {
          missing.push(pv);
        }
      }
      assert.deepEqual(missing, []);
    });
  });
});
