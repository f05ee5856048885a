import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CatalogError, createCatalog, readCatalogFile, resolvePath, walkLeaves } from '../src/index.ts';

const catalog = createCatalog();
const resolve = (cls: string, prefix: string, address: string, allowlist: string[] = []) =>
  resolvePath(catalog, cls, prefix, address ? address.split('.') : [], allowlist);

describe('class catalog resolver', () => {
  it('resolves the 19 EpicsMotor components under any alias path', () => {
    const expected: Record<string, string> = {
      user_readback: '.RBV',
      user_setpoint: '.VAL',
      user_offset: '.OFF',
      user_offset_dir: '.DIR',
      offset_freeze_switch: '.FOFF',
      set_use_switch: '.SET',
      velocity: '.VELO',
      acceleration: '.ACCL',
      motor_egu: '.EGU',
      motor_is_moving: '.MOVN',
      motor_done_move: '.DMOV',
      high_limit_switch: '.HLS',
      low_limit_switch: '.LLS',
      high_limit_travel: '.HLM',
      low_limit_travel: '.LLM',
      direction_of_travel: '.TDIR',
      motor_stop: '.STOP',
      home_forward: '.HOMF',
      home_reverse: '.HOMR',
    };
    assert.equal(Object.keys(catalog.byName('EpicsMotor')!.components!).length, 19);
    for (const path of ['ophyd.EpicsMotor', 'ophyd.epics_motor.EpicsMotor']) {
      for (const [component, suffix] of Object.entries(expected)) {
        assert.deepEqual(resolve(path, 'BL01:SAMPLE:X', component), {
          outcome: 'resolved',
          pv_name: `BL01:SAMPLE:X${suffix}`,
          message: null,
          leaf: true,
        });
      }
    }
    assert.equal(
      resolve('ophyd.EpicsMotor', 'BL01:SAMPLE:X', '').leaf,
      false,
      'the motor itself is no PV leaf',
    );
    const move = resolve('ophyd.EpicsMotor', 'P', 'move');
    assert.equal(move.outcome, 'no_such_attr');
    assert.match(move.message!, /no Component 'move' on top-level class/);
  });

  it('gives the prefix for a top-level signal or device', () => {
    assert.equal(resolve('ophyd.signal.EpicsSignal', 'mini:current', '').pv_name, 'mini:current');
    assert.equal(resolve('ophyd.EpicsSignalRO', 'mini:current', '').pv_name, 'mini:current');
    assert.equal(resolve('ophyd.EpicsMotor', 'sim:mtr1', '').pv_name, 'sim:mtr1');
  });

  it('descends into dynamic containers (MCA ROIs, scaler channels) without adding a suffix', () => {
    assert.equal(resolve('ophyd.mca.EpicsMCA', 'XF:MCA1', 'rois.roi2.lo_chan').pv_name, 'XF:MCA1.R2LO');
    assert.equal(resolve('ophyd.mca.EpicsMCA', 'XF:MCA1', 'rois.roi31.count').pv_name, 'XF:MCA1.R31');
    assert.equal(resolve('ophyd.mca.EpicsMCA', 'XF:MCA1', 'preset_real_time').pv_name, 'XF:MCA1.PRTM');
    const foo = resolve('ophyd.mca.EpicsMCA', 'XF:MCA1', 'rois.foo');
    assert.equal(foo.outcome, 'no_such_attr');
    assert.match(foo.message!, /foo/);
    assert.match(foo.message!, /rois/);
    assert.equal(resolve('ophyd.EpicsScaler', 'BL01:DET1', 'channels.chan3').pv_name, 'BL01:DET1.S3');
    assert.equal(resolve('ophyd.EpicsScaler', 'BL01:DET1', 'channels').outcome, 'no_such_attr');
    assert.equal(resolve('ophyd.EpicsScaler', 'BL01:DET1', 'preset_time').pv_name, 'BL01:DET1.TP');
  });

  it('chains sub-device prefixes, and an absolute component resets the chain', () => {
    assert.equal(
      resolve('ophyd.areadetector.detectors.SimDetector', 'BL01:CAM1:', 'cam.acquire_time').pv_name,
      'BL01:CAM1:cam1:AcquireTime',
    );
    assert.equal(
      resolve('ophyd.areadetector.detectors.SimDetector', 'BL01:CAM1:', 'stats.centroid.x').pv_name,
      'BL01:CAM1:Stats1:CentroidX_RBV',
    );
    const custom = createCatalog([
      {
        name: 'Stage',
        paths: ['site.Stage'],
        framework: 'ophyd-sync',
        verbs: ['read'],
        components: {
          x: { suffix: 'X', class: 'EpicsMotor' },
          shutter: { suffix: 'XF:SHUTTER{{1}}', absolute: true, formatted: true },
          gauge: { suffix: '{self.prefix}GAUGE', formatted: true },
        },
      },
    ]);
    assert.equal(resolvePath(custom, 'site.Stage', 'BL:', ['x', 'user_readback']).pv_name, 'BL:X.RBV');
    assert.equal(resolvePath(custom, 'site.Stage', 'BL:', ['shutter']).pv_name, 'XF:SHUTTER{1}');
    const gauge = resolvePath(custom, 'site.Stage', 'BL:', ['gauge']);
    assert.equal(gauge.outcome, 'needs_enrichment');
    assert.match(gauge.message!, /placeholders/);
    assert.deepEqual(walkLeaves(custom, custom.byName('Stage')!, 'BL:')['shutter'], 'XF:SHUTTER{1}');
    assert.equal(walkLeaves(custom, custom.byName('Stage')!, 'BL:')['gauge'], undefined);
  });

  it('walks ophyd-async devices to leaf signals only', () => {
    assert.equal(
      resolve('ophyd_async.epics.motor.Motor', 'BL01:ASYNC:MOT', 'user_setpoint').pv_name,
      'BL01:ASYNC:MOT.VAL',
    );
    assert.equal(
      resolve('ophyd_async.epics.motor.Motor', 'BL01:ASYNC:MOT', 'user_readback').pv_name,
      'BL01:ASYNC:MOT.RBV',
    );
    const top = resolve('ophyd_async.epics.motor.Motor', 'BL01:ASYNC:MOT', '');
    assert.equal(top.outcome, 'no_such_attr');
    assert.match(top.message!, /sub-attribute/);
  });

  it('fails import-style for unknown classes, class paths without a module, and the allowlist', () => {
    const unknown = resolve('site.Nonesuch', 'P', 'x');
    assert.equal(unknown.outcome, 'import_failed');
    assert.match(unknown.message!, /Nonesuch/);
    assert.match(resolve('EpicsMotor', 'P', 'x').message!, /has no module prefix/);
    const denied = resolve('os.system', 'P', '', ['ophyd.']);
    assert.equal(denied.outcome, 'import_failed');
    assert.match(denied.message!, /allowlist/);
    assert.equal(resolve('ophyd.EpicsMotor', 'P', 'velocity', ['ophyd.']).pv_name, 'P.VELO');
  });

  it('walks the simulated beamline compounds into dotted leaf maps', () => {
    assert.deepEqual(walkLeaves(catalog, catalog.byName('Spot')!, 'mini:dot'), {
      img: 'mini:dot:det',
      roi: 'mini:dot:img_sum',
      exp: 'mini:dot:exp',
      shutter_open: 'mini:dot:shutter_open',
      array_size: 'mini:dot:ArraySize_RBV',
    });
    const cam = walkLeaves(catalog, catalog.byName('SimDetector')!, 'BL01:CAM1:');
    assert.equal(cam['image.array_size.width'], 'BL01:CAM1:image1:ArraySize0_RBV');
    assert.equal(cam['cam.acquire'], 'BL01:CAM1:cam1:Acquire');
    assert.equal(Object.keys(walkLeaves(catalog, catalog.byName('EpicsMotor')!, 'sim:mtr1')).length, 19);
  });

  it('loads a site catalog file and names the file and entry when it is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'catalog-'));
    const good = join(dir, 'site.yaml');
    await writeFile(
      good,
      'classes:\n  - name: Slits\n    paths: [site.Slits]\n    framework: ophyd-sync\n    verbs: [read]\n    components:\n      top: {suffix: ":TOP", class: EpicsMotor}\n',
    );
    const extended = createCatalog(readCatalogFile(good));
    assert.equal(
      resolvePath(extended, 'site.Slits', 'XF:SL', ['top', 'user_setpoint']).pv_name,
      'XF:SL:TOP.VAL',
    );
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ classes: [{ name: 'X', paths: [], framework: 'pyepics', verbs: [] }] }),
    );
    assert.throws(
      () => readCatalogFile(bad),
      (err: unknown) =>
        err instanceof CatalogError &&
        err.message.includes('bad.json') &&
        err.message.includes('/classes/0/framework'),
    );
  });
});
