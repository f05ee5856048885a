/**
 * The seed loaders (spec §4.2–4.4): happi JSON, BITS devices.yml, the `auto` detection, and
 * all-or-nothing loading (a bad entry refuses the whole file, naming the file, the entry and the
 * problem), at unit level and through a real service start that must write nothing.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createCatalog } from '@ophyd-service/devices';
import { loadBits } from '../src/loaders/bits.ts';
import { loadHappi } from '../src/loaders/happi.ts';
import { LoadError, type LoadedDevice, loadDevices } from '../src/loaders/index.ts';
import { openStore } from '../src/store/mikro-store.ts';
import { startConfiguration } from './harness.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const HAPPI_FIXTURE = join(FIXTURES, 'happi', 'happi_db.json');
const BITS_FIXTURE = join(FIXTURES, 'bits');
const catalog = createCatalog();

const root = mkdtempSync(join(tmpdir(), 'ophyd-config-loaders-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
/** A fresh directory under the temp root. */
function freshDir(): string {
  const dir = join(root, `d${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
/** Writes `files` (path → content; objects become JSON) into a fresh directory and returns it. */
function profile(files: Record<string, unknown>): string {
  const dir = freshDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const byName = (devices: LoadedDevice[]) => new Map(devices.map((d) => [d.metadata.name, d]));
const fixtureHappi = () => JSON.parse(readFileSync(HAPPI_FIXTURE, 'utf8')) as Record<string, any>;

/** Asserts `work` throws a LoadError and returns its message. */
function loadError(work: () => unknown): string {
  let thrown: unknown;
  try {
    work();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof LoadError, `expected a LoadError, got ${thrown}`);
  return thrown.message;
}

describe('happi loader', () => {
  const devices = loadHappi(HAPPI_FIXTURE, catalog);
  const d = byName(devices);

  it('loads every active entry, keyed by the JSON key, and skips inactive ones', () => {
    assert.deepEqual(
      devices.map((x) => x.metadata.name),
      ['mono_energy', 'slit_gap', 'pinhole', 'spot', 'cam', 'ring_current', 'gadget', 'async_motor'],
    );
    // active false, null and 0 are all skipped, even when the entry would be invalid.
    for (const name of ['retired_motor', 'retired_broken', 'never_active']) assert.equal(d.has(name), false);
    assert.equal(d.get('mono_energy')!.spec.name, 'mono_energy', 'the _id and name fields are ignored');
  });

  it('fills {{prefix}} and {{name}} everywhere in args and kwargs, recursively', () => {
    assert.deepEqual(d.get('mono_energy')!.spec, {
      name: 'mono_energy',
      device_class: 'ophyd.EpicsMotor',
      args: ['BLX:MONO:E'],
      kwargs: { name: 'mono_energy' },
      active: true,
      framework: 'ophyd-sync',
    });
    assert.deepEqual(d.get('spot')!.spec.kwargs, {
      name: 'spot',
      nested: { list: ['mini:dot:a', 'spot-b', 3] },
    });
  });

  it('copies the descriptive fields and infers label, flags, class and module', () => {
    const m = d.get('mono_energy')!.metadata;
    assert.deepEqual(
      [m.ophyd_class, m.module, m.device_label, m.labels, m.beamline, m.location_group, m.functional_group],
      ['EpicsMotor', 'ophyd', 'motor', ['motors'], 'BLX', 'hutch A', 'motors'],
    );
    assert.equal(m.documentation, 'Monochromator energy axis');
    assert.equal(m.is_movable, true);
    assert.equal(m.is_stoppable, true);
    assert.equal(d.get('pinhole')!.metadata.device_label, 'detector', 'from the functional group');
    assert.equal(d.get('ring_current')!.metadata.device_label, 'signal', 'from the class name');
    assert.equal(d.get('ring_current')!.metadata.is_movable, false);
    assert.equal(d.get('cam')!.metadata.writes_external_assets, true);
    assert.equal(d.get('async_motor')!.spec.framework, 'ophyd-async');
    assert.equal(d.get('slit_gap')!.spec.framework, null);
  });

  it('gives an EpicsMotor with args the four motor PVs and its prefix (§4.3)', () => {
    assert.deepEqual(d.get('mono_energy')!.metadata.pvs, {
      user_setpoint: 'BLX:MONO:E',
      user_readback: 'BLX:MONO:E.RBV',
      velocity: 'BLX:MONO:E.VELO',
      acceleration: 'BLX:MONO:E.ACCL',
      prefix: 'BLX:MONO:E',
    });
    assert.deepEqual(d.get('ring_current')!.metadata.pvs, { readback: 'SR:CURRENT', prefix: 'SR:CURRENT' });
  });

  it('walks the class catalog for compound classes (Det, Spot, SimDetector, EpicsMotor without args)', () => {
    assert.deepEqual(d.get('pinhole')!.metadata.pvs, { det: 'mini:ph:det', exp: 'mini:ph:exp' });
    assert.deepEqual(d.get('spot')!.metadata.pvs, {
      img: 'mini:dot:det',
      roi: 'mini:dot:img_sum',
      exp: 'mini:dot:exp',
      shutter_open: 'mini:dot:shutter_open',
      array_size: 'mini:dot:ArraySize_RBV',
    });
    const cam = d.get('cam')!.metadata.pvs;
    assert.equal(cam['cam.acquire'], 'BLX:CAM:cam1:Acquire');
    assert.equal(cam['image.array_size.width'], 'BLX:CAM:image1:ArraySize0_RBV');
    assert.equal(cam['stats.centroid.x'], 'BLX:CAM:Stats1:CentroidX_RBV');
    assert.equal('prefix' in cam, false, 'the walk replaces the bare prefix');
    // No args: the walk uses the entry's prefix and yields every EpicsMotor field with its real suffix.
    const gap = d.get('slit_gap')!.metadata.pvs;
    assert.equal(gap.user_setpoint, 'BLX:SLIT:GAP.VAL');
    assert.equal(gap.user_readback, 'BLX:SLIT:GAP.RBV');
    assert.equal(gap.motor_done_move, 'BLX:SLIT:GAP.DMOV');
    assert.equal(Object.keys(gap).length, 19);
    assert.equal(d.get('async_motor')!.metadata.pvs.user_setpoint, 'BLX:AMOT.VAL');
  });

  it('falls back to {prefix} for a class the catalog does not know', () => {
    assert.deepEqual(d.get('gadget')!.metadata.pvs, { prefix: 'BLX:GADGET:' });
    const file = join(freshDir(), 'happi_db.json');
    writeFileSync(
      file,
      JSON.stringify({ thing: { device_class: 'site.Thing', prefix: 'TH', active: true } }),
    );
    assert.deepEqual(loadHappi(file, catalog)[0].metadata.pvs, { prefix: 'TH' });
  });

  describe('all or nothing', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      [
        'missing device_class',
        { active: true, prefix: 'BLX:X', args: ['{{prefix}}'] },
        /bad_entry: missing required 'device_class' field/,
      ],
      [
        'empty device_class',
        { active: true, device_class: '', args: [] },
        /bad_entry: missing required 'device_class' field/,
      ],
      [
        '{{prefix}} without prefix',
        { active: true, device_class: 'ophyd.EpicsMotor', args: ['{{prefix}}'] },
        /bad_entry: uses \{\{prefix\}\} but the entry has no 'prefix'/,
      ],
      [
        '{{prefix}} without prefix, deep in kwargs',
        { active: true, device_class: 'ophyd.EpicsMotor', args: [], kwargs: { a: { b: ['{{prefix}}:X'] } } },
        /bad_entry: uses \{\{prefix\}\} but the entry has no 'prefix'/,
      ],
      [
        'invalid framework',
        {
          active: true,
          device_class: 'ophyd.EpicsMotor',
          prefix: 'P',
          args: ['{{prefix}}'],
          framework: 'pyepics',
        },
        /bad_entry: invalid framework "pyepics" \(expected ophyd-sync or ophyd-async\)/,
      ],
      ['args not a list', { active: true, device_class: 'ophyd.EpicsMotor', args: 'P' }, /bad_entry: 'args'/],
      ['entry not an object', 5 as unknown as Record<string, unknown>, /bad_entry: entry is not an object/],
    ];
    for (const [what, entry, problem] of bad) {
      it(`refuses the whole file for one entry with ${what}, naming file, entry and problem`, () => {
        const file = join(freshDir(), 'happi_db.json');
        writeFileSync(file, JSON.stringify({ ...fixtureHappi(), bad_entry: entry }));
        const message = loadError(() => loadHappi(file, catalog));
        assert.ok(message.includes(file), `names the file: ${message}`);
        assert.match(message, /Failed to load 1 of 12 happi entries/);
        assert.match(message, /refusing to seed registry from partial data/);
        assert.match(message, problem);
        // loadDevices (the service's entry point) refuses it the same way: nothing is returned.
        assert.equal(
          loadError(() => loadDevices('happi', file, catalog)),
          message,
        );
        assert.equal(
          loadError(() => loadDevices('auto', join(file, '..'), catalog)),
          message,
        );
      });
    }

    it('lists every failing entry in one message', () => {
      const file = join(freshDir(), 'happi_db.json');
      writeFileSync(
        file,
        JSON.stringify({
          good: { active: true, device_class: 'ophyd.EpicsMotor', prefix: 'G', args: ['{{prefix}}'] },
          no_class: { active: true, prefix: 'N' },
          no_prefix: { active: true, device_class: 'localdevs.Det', args: ['{{prefix}}'] },
          bad_framework: { active: true, device_class: 'localdevs.Det', framework: 'bluesky' },
        }),
      );
      const message = loadError(() => loadHappi(file, catalog));
      assert.match(message, /Failed to load 3 of 4 happi entries/);
      assert.match(message, /no_class: missing required 'device_class' field/);
      assert.match(message, /no_prefix: uses \{\{prefix\}\}/);
      assert.match(message, /bad_framework: invalid framework "bluesky"/);
      assert.doesNotMatch(message, /good/);
    });

    it('caps the list at 20 errors and says how many more there are', () => {
      const entries: Record<string, unknown> = {};
      for (let i = 0; i < 25; i++) entries[`broken_${String(i).padStart(2, '0')}`] = { active: true };
      entries.fine = { active: true, device_class: 'localdevs.Det', prefix: 'F' };
      const file = join(freshDir(), 'happi_db.json');
      writeFileSync(file, JSON.stringify(entries));
      const message = loadError(() => loadHappi(file, catalog));
      assert.match(message, /Failed to load 25 of 26 happi entries/);
      const listed = message.match(/broken_\d\d/g) ?? [];
      assert.deepEqual(
        listed,
        Array.from({ length: 20 }, (_, i) => `broken_${String(i).padStart(2, '0')}`),
      );
      assert.ok(message.endsWith('; ...and 5 more'), message);
    });

    it('does not cap at exactly 20 errors', () => {
      const entries: Record<string, unknown> = {};
      for (let i = 0; i < 20; i++) entries[`broken_${i}`] = { active: true };
      const file = join(freshDir(), 'happi_db.json');
      writeFileSync(file, JSON.stringify(entries));
      const message = loadError(() => loadHappi(file, catalog));
      assert.equal((message.match(/broken_\d+/g) ?? []).length, 20);
      assert.doesNotMatch(message, /more/);
    });

    it('refuses a file that is not JSON or not an object, naming it', () => {
      const dir = freshDir();
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{"a": ');
      assert.ok(loadError(() => loadHappi(broken, catalog)).startsWith(`happi database ${broken}:`));
      const list = join(dir, 'list.json');
      writeFileSync(list, '[]');
      assert.match(
        loadError(() => loadHappi(list, catalog)),
        new RegExp(`happi database ${list}: expected a JSON object keyed by device name`),
      );
    });
  });
});

describe('BITS loader', () => {
  const devices = loadBits(BITS_FIXTURE);
  const d = byName(devices);

  it('loads every entry of every key, in file order, with the iconfig beamline', () => {
    assert.deepEqual(
      devices.map((x) => x.metadata.name),
      ['slit_top', 'slit_bottom', 'fake_det', 'noise', 'ring_current', 'shutter', 'undulator'],
    );
    for (const device of devices) assert.equal(device.metadata.beamline, 'BLX-TEST');
    for (const device of devices) assert.equal(device.spec.active, true);
  });

  it('uses the class path as class and device_class', () => {
    const top = d.get('slit_top')!;
    assert.deepEqual(
      [top.metadata.ophyd_class, top.metadata.module, top.metadata.device_label],
      ['EpicsMotor', 'ophyd.EpicsMotor', 'motor'],
    );
    assert.deepEqual(top.spec, {
      name: 'slit_top',
      device_class: 'ophyd.EpicsMotor',
      args: ['BLX:SLIT:TOP'],
      kwargs: { name: 'slit_top', labels: ['motors', 'slits'] },
      active: true,
      framework: null,
    });
    assert.equal(d.get('shutter')!.spec.device_class, 'apstools.devices.SimulatedApsPssShutterWithStatus');
    assert.deepEqual(d.get('shutter')!.spec.args, []);
  });

  it('joins a module key and its creator (the creator defaulting to the name)', () => {
    const det = d.get('fake_det')!;
    assert.deepEqual([det.metadata.ophyd_class, det.spec.device_class], ['det', 'ophyd.sim.det']);
    assert.equal(det.metadata.device_label, 'detector', 'from the labels');
    assert.deepEqual(det.spec.kwargs, { name: 'fake_det', labels: ['detectors'] });
    const noise = d.get('noise')!;
    assert.deepEqual([noise.metadata.ophyd_class, noise.spec.device_class], ['noise', 'ophyd.sim.noise']);
    assert.deepEqual(noise.spec.kwargs, { name: 'noise' }, 'no labels key without labels');
    assert.equal(d.get('undulator')!.spec.device_class, 'apstools.devices.make_undulator');
  });

  it('gives motor-labelled devices user_setpoint and user_readback, and read_pv a readback', () => {
    assert.deepEqual(d.get('slit_top')!.metadata.pvs, {
      prefix: 'BLX:SLIT:TOP',
      user_setpoint: 'BLX:SLIT:TOP',
      user_readback: 'BLX:SLIT:TOP.RBV',
    });
    // Labelled `slits` only: the class name makes it a motor.
    assert.equal(d.get('slit_bottom')!.metadata.pvs.user_readback, 'BLX:SLIT:BOT.RBV');
    // A `positioners` label makes a motor of a creator function too.
    assert.deepEqual(d.get('undulator')!.metadata.pvs, {
      prefix: 'ID:',
      user_setpoint: 'ID:',
      user_readback: 'ID:.RBV',
    });
    assert.deepEqual(d.get('ring_current')!.metadata.pvs, {
      prefix: 'SR:CURRENT',
      readback: 'SR:CURRENT:RBV',
    });
    assert.equal(d.get('ring_current')!.metadata.device_label, 'signal');
    assert.deepEqual(d.get('fake_det')!.metadata.pvs, {});
  });

  it('keeps device_class = key.creator when a class path also names a creator', () => {
    const dir = profile({
      'devices.yml': 'ophyd.EpicsMotor:\n  - name: m\n    creator: build\n    prefix: "M:1"\n',
    });
    const [m] = loadBits(dir);
    assert.deepEqual([m.metadata.ophyd_class, m.spec.device_class], ['EpicsMotor', 'ophyd.EpicsMotor.build']);
  });

  it('finds devices.yaml and iconfig.yaml at the profile root, and leaves beamline null without iconfig', () => {
    const dir = profile({ 'devices.yaml': 'ophyd.EpicsMotor:\n  - name: m\n    prefix: "M:1"\n' });
    assert.equal(loadBits(dir)[0].metadata.beamline, null);
    writeFileSync(join(dir, 'iconfig.yaml'), 'RUN_ENGINE:\n  md:\n    beamline_id: ROOT\n');
    assert.equal(loadBits(dir)[0].metadata.beamline, 'ROOT');
  });

  it('refuses the whole file for an entry without name or a key without a list', () => {
    const dir = profile({
      'configs/devices.yml': [
        'ophyd.EpicsMotor:',
        '  - name: good_motor',
        '    prefix: "G:1"',
        '  - prefix: "NONAME:1"',
        'ophyd.sim: det',
        'ophyd.EpicsSignal:',
        '  - name: ""',
        '',
      ].join('\n'),
    });
    const file = join(dir, 'configs', 'devices.yml');
    const message = loadError(() => loadBits(dir));
    assert.ok(message.includes(file), message);
    assert.match(message, /Failed to load 3 of 4 BITS entries/);
    assert.match(message, /ophyd\.EpicsMotor: device entry missing required 'name' field/);
    assert.match(message, /ophyd\.sim: not a list of device entries/);
    assert.match(message, /ophyd\.EpicsSignal: device entry missing required 'name' field/);
    assert.doesNotMatch(message, /good_motor/);
    assert.equal(
      loadError(() => loadDevices('bits', dir, catalog)),
      message,
    );
  });

  it('refuses a malformed devices.yml or iconfig.yml with a LoadError naming the file', () => {
    const dir = profile({ 'devices.yml': 'ophyd.EpicsMotor: [\n' });
    assert.ok(loadError(() => loadBits(dir)).includes(join(dir, 'devices.yml')));
    const list = profile({ 'devices.yml': '- a\n- b\n' });
    assert.match(
      loadError(() => loadBits(list)),
      /expected a mapping of class paths to entry lists/,
    );
    const iconfig = profile({
      'devices.yml': 'ophyd.EpicsMotor:\n  - name: m\n',
      'iconfig.yml': 'RUN_ENGINE: [\n',
    });
    assert.ok(loadError(() => loadBits(iconfig)).includes(join(iconfig, 'iconfig.yml')));
  });
});

describe('load strategies', () => {
  const happiEntry = {
    m1: { active: true, device_class: 'ophyd.EpicsMotor', prefix: 'H:1', args: ['{{prefix}}'] },
  };
  const bitsYaml = 'ophyd.EpicsMotor:\n  - name: b1\n    prefix: "B:1"\n';
  const names = (devices: LoadedDevice[]) => devices.map((x) => x.metadata.name);

  it('auto prefers a happi database over a BITS devices.yml', () => {
    const both = profile({
      'happi_db.json': happiEntry,
      'configs/devices.yml': bitsYaml,
      'devices.yml': bitsYaml,
    });
    assert.deepEqual(names(loadDevices('auto', both, catalog)), ['m1']);
    assert.deepEqual(
      names(loadDevices('bits', both, catalog)),
      ['b1'],
      'an explicit bits strategy reads BITS',
    );
    assert.deepEqual(names(loadDevices('happi', both, catalog)), ['m1']);
  });

  it('auto looks for happi_db.json, then happi.json, then db.json', () => {
    const dir = profile({
      'db.json': { from_db: happiEntry.m1 },
      'happi.json': { from_happi: happiEntry.m1 },
    });
    assert.deepEqual(names(loadDevices('auto', dir, catalog)), ['from_happi']);
    writeFileSync(join(dir, 'happi_db.json'), JSON.stringify({ from_happi_db: happiEntry.m1 }));
    assert.deepEqual(names(loadDevices('auto', dir, catalog)), ['from_happi_db']);
    assert.deepEqual(
      names(loadDevices('auto', profile({ 'db.json': { from_db: happiEntry.m1 } }), catalog)),
      ['from_db'],
    );
  });

  it('auto falls back to BITS (configs/ first), and takes a happi file path as the profile', () => {
    assert.deepEqual(names(loadDevices('auto', profile({ 'configs/devices.yml': bitsYaml }), catalog)), [
      'b1',
    ]);
    assert.deepEqual(names(loadDevices('auto', profile({ 'devices.yaml': bitsYaml }), catalog)), ['b1']);
    assert.equal(loadDevices('auto', HAPPI_FIXTURE, catalog).length, 8);
    assert.equal(loadDevices('happi', HAPPI_FIXTURE, catalog).length, 8);
  });

  it('auto with neither a happi database nor a devices.yml is a clear error', () => {
    const dir = profile({ 'README.md': 'nothing here', 'configs/iconfig.yml': 'RUN_ENGINE: {}\n' });
    const message = loadError(() => loadDevices('auto', dir, catalog));
    assert.ok(message.startsWith(`nothing to load in ${dir}:`), message);
    assert.match(message, /happi_db\.json, happi\.json, db\.json/);
    assert.match(message, /devices\.yml/);
    assert.match(message, /CONFIG_LOAD_STRATEGY=empty/);
  });

  it('happi and bits name what is missing; a missing profile suggests mock or empty', () => {
    const empty = freshDir();
    assert.match(
      loadError(() => loadDevices('happi', empty, catalog)),
      /no happi_db\.json, happi\.json, db\.json in/,
    );
    assert.match(
      loadError(() => loadDevices('bits', empty, catalog)),
      /no devices\.yml or devices\.yaml under/,
    );
    for (const strategy of ['auto', 'happi', 'bits'] as const) {
      const gone = join(empty, 'gone');
      const missing = loadError(() => loadDevices(strategy, gone, catalog));
      assert.match(missing, new RegExp(`CONFIG_PROFILE_PATH '${gone}' does not exist`));
      assert.match(missing, /CONFIG_LOAD_STRATEGY=mock or empty/);
      assert.match(
        loadError(() => loadDevices(strategy, undefined, catalog)),
        /CONFIG_PROFILE_PATH is not set/,
      );
    }
  });

  it('empty and mock need no profile', () => {
    assert.deepEqual(loadDevices('empty', undefined, catalog), []);
    assert.deepEqual(names(loadDevices('mock', undefined, catalog)), ['sample_x', 'det1', 'cam1']);
  });
});

describe('a bad seed file at service start', () => {
  /** Starts the service on a fresh SQLite file; returns the file's URL and the start's outcome. */
  async function start(env: Record<string, string>) {
    const url = `sqlite:///${join(freshDir(), 'registry.db')}`;
    const outcome = await startConfiguration(env, url).then(
      async (h) => {
        await h.close();
        return { started: true as const };
      },
      (error: unknown) => ({ started: false as const, error }),
    );
    return { url, outcome };
  }

  /** The database holds no device, no audit row and no seeded marker. */
  async function assertNothingWritten(url: string) {
    const store = await openStore(url);
    try {
      assert.equal(await store.seededEpoch(), null, 'no seeded marker');
      assert.deepEqual(await store.loadDevices(), []);
      assert.deepEqual(await store.history({ limit: 1000 }), []);
      assert.equal(await store.maxAuditId(), 0);
    } finally {
      await store.close();
    }
  }

  it('refuses a happi database with one bad entry and writes nothing', async () => {
    const file = join(freshDir(), 'happi_db.json');
    writeFileSync(file, JSON.stringify({ ...fixtureHappi(), broken: { active: true, prefix: 'X' } }));
    const { url, outcome } = await start({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: file });
    assert.equal(outcome.started, false, 'the service must not start');
    assert.ok(outcome.error instanceof LoadError);
    assert.ok(outcome.error.message.includes(file));
    assert.match(outcome.error.message, /broken: missing required 'device_class' field/);
    await assertNothingWritten(url);
  });

  it('refuses a BITS profile with one bad entry and writes nothing', async () => {
    const dir = profile({ 'configs/devices.yml': 'ophyd.EpicsMotor:\n  - name: ok\n  - prefix: "X:1"\n' });
    const { url, outcome } = await start({ CONFIG_LOAD_STRATEGY: 'auto', CONFIG_PROFILE_PATH: dir });
    assert.equal(outcome.started, false);
    assert.match((outcome as { error: Error }).error.message, /missing required 'name' field/);
    await assertNothingWritten(url);
  });

  it('refuses an auto profile with nothing to load and writes nothing', async () => {
    const dir = freshDir();
    const { url, outcome } = await start({ CONFIG_LOAD_STRATEGY: 'auto', CONFIG_PROFILE_PATH: dir });
    assert.equal(outcome.started, false);
    assert.match((outcome as { error: Error }).error.message, /nothing to load/);
    await assertNothingWritten(url);
  });

  it('seeds from the same file once the bad entry is fixed', async () => {
    const file = join(freshDir(), 'happi_db.json');
    copyFileSync(HAPPI_FIXTURE, file);
    const url = `sqlite:///${join(freshDir(), 'registry.db')}`;
    const h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: file }, url);
    try {
      assert.equal(((await h.json('/api/v1/devices')) as string[]).length, 8);
    } finally {
      await h.close();
    }
  });

  it('a reset from a profile that went bad answers 500 and changes nothing', async () => {
    const file = join(freshDir(), 'happi_db.json');
    copyFileSync(HAPPI_FIXTURE, file);
    const h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: file });
    try {
      const devices = await h.json('/api/v1/devices');
      const history = await h.json('/api/v1/devices/history');
      const changes = await h.json('/api/v1/devices/changes?since_version=0');
      writeFileSync(file, JSON.stringify({ ...fixtureHappi(), broken: { active: true, framework: 'x' } }));
      const res = await h.send('POST', '/api/v1/registry/reset');
      assert.equal(res.status, 500);
      const { detail } = (await res.json()) as { detail: string };
      assert.ok(detail.startsWith('Registry reset failed: Failed to load 1 of 12 happi entries'), detail);
      assert.ok(detail.includes(file));
      assert.match(detail, /broken: missing required 'device_class' field/);
      assert.deepEqual(await h.json('/api/v1/devices'), devices);
      assert.deepEqual(await h.json('/api/v1/devices/history'), history);
      assert.deepEqual(await h.json('/api/v1/devices/changes?since_version=0'), changes);
    } finally {
      await h.close();
    }
  });
});
