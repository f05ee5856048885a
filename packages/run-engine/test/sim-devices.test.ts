/**
 * The rest of ophyd.sim's hw() and the simulated profile's own devices, in plans: what they read,
 * how they move, the files and documents `img` writes, the flyers' events, the pseudo axes and the
 * profile plans that use them. Expected values are ophyd.sim's (checked against it by hand).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Datum, EventDescriptor, EventPage, Resource, Event as RunEvent } from '../src/documents.ts';
import type { Plan } from '../src/msg.ts';
import { bindPlan, PlanValidationError } from '../src/plans/plan-spec.ts';
import { count, fly, rel_scan } from '../src/plans/plans.ts';
import { mv } from '../src/plans/stubs.ts';
import { tweak } from '../src/plans/tweak.ts';
import { profilePlanSpecs } from '../src/sim/profile-catalog.ts';
import { profileDevices } from '../src/sim/profile-devices.ts';
import { profilePlans } from '../src/sim/profile-plans.ts';
import { SynSignalWithRegistry } from '../src/sim/registry.ts';
import { formatMsg, names, recordingEngine, until } from './helpers.ts';

type Recording = ReturnType<typeof recordingEngine>;

/** Runs a plan to its end, moving the manual clock on whenever the engine or a device sleeps on it. */
async function runOn(rec: Recording, plan: Plan, step = 1) {
  let finished = false;
  const done = rec.RE.run(plan).then((r) => {
    finished = true;
    return r;
  });
  await until(() => {
    if (rec.clock.pending) rec.clock.advance(step);
    return finished;
  }, 'the plan finishing');
  return done;
}

const docsNamed = <T>(rec: Recording, name: string) =>
  rec.docs.filter(([n]) => n === name).map(([, d]) => d as unknown as T);

describe('img: frames in .npy files, datum ids in events', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-engine-img-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('count([img], 2): a Resource, a Datum per frame before its event, files of 10x10 ones', async () => {
    const rec = recordingEngine();
    // ophyd.sim's img, writing to our directory.
    const ones = () => Array.from({ length: 10 }, () => new Array(10).fill(1));
    const img = new SynSignalWithRegistry('img', {
      func: ones,
      numpy: true,
      save_path: dir,
      clock: rec.clock,
    });
    const result = await runOn(rec, count([img], 2));
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(names(rec.docs), [
      'start',
      'descriptor',
      'resource',
      'datum',
      'event',
      'datum',
      'event',
      'stop',
    ]);
    const [resource] = docsNamed<Resource>(rec, 'resource');
    const datums = docsNamed<Datum>(rec, 'datum');
    const events = docsNamed<RunEvent>(rec, 'event');
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    assert.equal(resource.spec, 'NPY_SEQ');
    assert.equal(resource.root, dir);
    assert.equal(resource.run_start, 'uid-1');
    assert.deepEqual(resource.resource_kwargs, {});
    assert.deepEqual(
      datums.map((d) => [d.resource, d.datum_kwargs, d.datum_id]),
      [
        [resource.uid, { index: 0 }, `${resource.uid}/0`],
        [resource.uid, { index: 1 }, `${resource.uid}/1`],
      ],
    );
    assert.deepEqual(
      events.map((e) => [e.data, e.filled]),
      [
        [{ img: `${resource.uid}/0` }, { img: false }],
        [{ img: `${resource.uid}/1` }, { img: false }],
      ],
    );
    assert.deepEqual(descriptor.data_keys.img, {
      source: 'SIM:img',
      dtype: 'array',
      shape: [10, 10],
      precision: 3,
      external: 'FILESTORE',
      object_name: 'img',
    });
    for (const index of [0, 1]) {
      const file = join(dir, `${resource.resource_path}_${index}.npy`);
      const bytes = readFileSync(file);
      assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
      assert.equal(bytes.length, 128 + 100 * 8); // a 128-byte header, then 100 float64s
      for (let i = 0; i < 100; i++) assert.equal(bytes.readDoubleLE(128 + i * 8), 1);
    }
    assert.deepEqual(img.collect_asset_docs(), [], 'unstaged: nothing left to hand over');
  });

  it('a trigger before staging fails the plan instead of writing nowhere', async () => {
    const rec = recordingEngine();
    const result = await runOn(
      rec,
      (function* () {
        yield { command: 'trigger', obj: rec.devices.img, args: [], kwargs: { group: 'g' }, run: null };
        yield { command: 'wait', obj: null, args: [], kwargs: { group: 'g' }, run: null };
      })(),
    );
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /img must be staged before it is triggered/);
    assert.equal(rec.RE.state, 'idle');
  });
});

describe('composite detectors and plain signals', () => {
  it('det_with_conf: readings a, b; configuration c, d; both hinted fields', async () => {
    const rec = recordingEngine();
    await runOn(rec, count([rec.devices.det_with_conf]));
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    const [event] = docsNamed<RunEvent>(rec, 'event');
    assert.deepEqual(event.data, { det_a: 1, det_b: 2 });
    assert.deepEqual(descriptor.configuration.det.data, { det_c: 3, det_d: 4 });
    assert.deepEqual(descriptor.hints, { det: { fields: ['det_a', 'det_b'] } });
  });

  it('direct_img puts the 10x10 image in the event; det_with_count_time reads 0 and 0.0', async () => {
    const rec = recordingEngine();
    await runOn(rec, count([rec.devices.direct_img, rec.devices.det_with_count_time]));
    const [event] = docsNamed<RunEvent>(rec, 'event');
    assert.deepEqual(
      event.data.img,
      Array.from({ length: 10 }, () => new Array(10).fill(1)),
    );
    assert.equal(event.data.det_intensity, 0);
    assert.equal(event.data.det_count_time, 0);
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    assert.equal(descriptor.data_keys.det_count_time.dtype, 'number'); // a Python float
    assert.equal(descriptor.data_keys.det_intensity.dtype, 'integer');
  });

  it('invariant signals always read timestamp 0; signals are their own configuration', () => {
    const { devices: h } = recordingEngine();
    h.invariant1.trigger();
    assert.deepEqual(h.invariant1.read(), { invariant1: { value: 0, timestamp: 0 } });
    assert.equal(h.invariant1.repr(), '<INVARIANT REPR>');
    assert.deepEqual(h.bool_sig.read_configuration(), h.bool_sig.read());
    assert.equal(h.bool_sig.describe().bool_sig.dtype, 'integer'); // Python's bool is an int
    assert.deepEqual(h.signal.hints, { fields: [] });
    assert.deepEqual(h.bool_sig.hints, { fields: ['bool_sig'] });
  });

  it('rand: new noise at each trigger, and every period once its simulation is started', async () => {
    const { devices: h, clock } = recordingEngine();
    const values: unknown[] = [];
    h.rand.subscribe((r) => values.push(r.rand.value));
    h.rand.trigger();
    assert.equal(values.length, 1);
    h.rand.start_simulation();
    assert.equal(values.length, 2, 'a value at once');
    await until(() => {
      if (clock.pending) clock.advance(10);
      return values.length >= 5;
    }, 'refreshes as the clock runs');
    h.rand.stop_simulation();
    const seen = values.length;
    clock.advance(100);
    await until(() => clock.pending === 0, 'the refresh loop ending');
    assert.equal(values.length, seen, 'no refresh once stopped');
    for (const v of values) assert.ok(typeof v === 'number' && v >= 0 && v < 1);
  });
});

describe('motors without hints or position', () => {
  it('motor_no_hints1 reads only its setpoint and has no hints; motor_empty_hints1 hints nothing', () => {
    const { devices: h } = recordingEngine();
    assert.deepEqual(Object.keys(h.motor_no_hints1.read()), ['motor1_setpoint']);
    assert.equal(h.motor_no_hints1.hints, undefined);
    assert.deepEqual(h.motor_empty_hints1.hints, {});
  });

  it('rel_scan of motor_no_pos reads it to learn where it is, and returns it there', async () => {
    const rec = recordingEngine();
    const { motor_no_pos } = rec.devices;
    motor_no_pos.set(2);
    await runOn(rec, rel_scan([rec.devices.det], motor_no_pos, -1, 1, 3));
    const lines = rec.messages.map(formatMsg);
    assert.deepEqual(lines.slice(4, 7), ['read motor []', 'read motor []', 'set motor [1] group=G']);
    assert.deepEqual(
      docsNamed<RunEvent>(rec, 'event').map((e) => e.data.motor),
      [1, 2, 3],
    );
    assert.equal(motor_no_pos.read().motor.value, 2);
  });
});

describe('pseudo positioners: the pseudo axes move, the real axes follow', () => {
  it('moving pseudo3x3.pseudo1 to 2 puts real1 at -2 and leaves the others', async () => {
    const rec = recordingEngine();
    const p = rec.devices.pseudo3x3;
    await runOn(rec, mv(p.axis('pseudo1'), 2));
    assert.deepEqual(
      p.reals.map((r) => r.position),
      [-2, 0, 0],
    );
    const reading = p.read();
    assert.equal(reading.pseudo3x3_pseudo1.value, 2);
    assert.equal(reading.pseudo3x3_pseudo1_setpoint.value, 2);
    assert.equal(reading.pseudo3x3_real1.value, -2);
    assert.equal(reading.pseudo3x3_pseudo2.value, 0);
  });

  it('pseudo1x3 drives its three real axes together; a move past the limits fails and moves nothing', async () => {
    const rec = recordingEngine();
    const p = rec.devices.pseudo1x3;
    await runOn(rec, mv(p, 3));
    assert.deepEqual(
      p.reals.map((r) => r.position),
      [-3, -3, -3],
    );
    const result = await runOn(rec, mv(p, 11));
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /not within limits \(-10, 10\)/);
    assert.deepEqual(
      p.reals.map((r) => r.position),
      [-3, -3, -3],
    );
    assert.equal(rec.RE.state, 'idle');
  });
});

describe('flyers', () => {
  it('fly([flyer1]): 20 events of motor and det in stream flyer1, motor stepped from 1 to 5', async () => {
    const rec = recordingEngine();
    await runOn(rec, fly([rec.devices.flyer1]));
    const [page] = docsNamed<EventPage>(rec, 'event_page');
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    assert.equal(descriptor.name, 'flyer1');
    assert.deepEqual(Object.keys(descriptor.data_keys), ['motor', 'motor_setpoint', 'det']);
    const motor = page.data.motor as number[];
    assert.equal(motor.length, 20);
    assert.equal(motor[0], 1);
    assert.equal(motor[1], 1.2105263157894737); // 1 + 4/19, numpy's linspace
    assert.equal(motor[19], 5);
    assert.equal((page.data.det as number[])[0], 0.6065306597126334); // exp(-1/2)
    assert.equal(rec.devices.motor.position, 5);
  });

  it('complete before kickoff is an error, as in ophyd', () => {
    const { devices: h } = recordingEngine();
    assert.throws(() => h.flyer2.complete(), /No collection in progress/);
  });
});

describe("the profile's devices and plans", () => {
  it('sim_bundle_A is a tree of sub-devices, reachable by dotted names', async () => {
    const rec = recordingEngine();
    const devices = { ...rec.devices, ...profileDevices(rec.devices, { clock: rec.clock }) };
    const bundle = devices.sim_bundle_A;
    assert.equal(bundle.dets.det_A.name, 'sim_bundle_A_dets_det_A');
    assert.equal(bundle.mtrs.x.name, 'sim_bundle_A_mtrs_x');
    assert.deepEqual(Object.keys(bundle.read()), [
      'sim_bundle_A_mtrs_x',
      'sim_bundle_A_mtrs_x_setpoint',
      'sim_bundle_A_mtrs_y',
      'sim_bundle_A_mtrs_y_setpoint',
      'sim_bundle_A_mtrs_z',
      'sim_bundle_A_mtrs_z_setpoint',
      'sim_bundle_A_dets_det_A',
      'sim_bundle_A_dets_det_B',
    ]);
    // count_bundle_test with a sub-device: bound by name, staged through its top-level device.
    const specs = profilePlanSpecs(rec.devices, { print: () => {} });
    const plan = bindPlan(
      specs.count_bundle_test,
      [['sim_bundle_A.dets.det_A', 'det1']],
      { num: 2 },
      devices,
    );
    const result = await runOn(rec, plan);
    assert.equal(result.exitStatus, 'success');
    const lines = rec.messages.map(formatMsg);
    assert.deepEqual(lines.slice(0, 2), ['stage sim_bundle_A [] group=G', 'stage det1 [] group=G']);
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    assert.deepEqual(descriptor.object_keys, {
      sim_bundle_A_dets_det_A: ['sim_bundle_A_dets_det_A'],
      det1: ['det1'],
    });
    assert.equal(docsNamed<RunEvent>(rec, 'event').length, 2);
  });

  it("move_then_count: the decorator's default detectors apply, positions are bounded, motors listed", async () => {
    const rec = recordingEngine();
    const specs = profilePlanSpecs(rec.devices, { print: () => {} });
    const plan = bindPlan(specs.move_then_count, [['motor1', 'motor2']], { positions: [1, -2] }, rec.devices);
    await runOn(rec, plan);
    const [descriptor] = docsNamed<EventDescriptor>(rec, 'descriptor');
    assert.deepEqual(Object.keys(descriptor.object_keys), ['det1', 'det2']);
    assert.equal(rec.devices.motor2.position, -2);
    assert.throws(
      () => bindPlan(specs.move_then_count, [['motor1'], ['det1'], [11]], {}, rec.devices),
      (err) => err instanceof PlanValidationError && /11 is outside the range \[-10, 10\]/.test(err.message),
    );
    assert.throws(
      () => bindPlan(specs.move_then_count, [['motor3'], ['det1'], [1]], {}, rec.devices),
      (err) =>
        err instanceof PlanValidationError && /'motor3' is not one of the allowed devices/.test(err.message),
    );
  });

  it('plan_test_progress_bars: ten half-second sleeps, the bars printed as they fill', async () => {
    const rec = recordingEngine();
    const printed: string[] = [];
    const plans = profilePlans(rec.devices, { print: (text) => printed.push(text) });
    await runOn(rec, plans.plan_test_progress_bars(2), 0.5);
    assert.deepEqual(rec.messages.map(formatMsg), new Array(10).fill('sleep None [0.5]'));
    const lines = printed.join('').split('\n');
    assert.equal(lines[0], 'TESTING 2 PROGRESS BARS ...');
    assert.equal(lines.filter((l) => l.startsWith('TEST1 ')).length, 11);
    assert.equal(lines.filter((l) => l.startsWith('TEST2 ')).length, 11);
    assert.match(lines.filter((l) => l.startsWith('TEST2 ')).at(-1)!, /^TEST2 100% \|█{20}\|/);
    assert.equal(lines.at(-2), 'TEST COMPLETED ...');
  });

  it('tweak with the default input keeps stepping by its step until stopped', async () => {
    const rec = recordingEngine();
    const h = rec.devices;
    rec.RE.subscribe((name) => {
      if (name === 'event' && docsNamed(rec, 'event').length >= 3) rec.RE.stop();
    }, 'event');
    const result = await runOn(rec, tweak(h.det, 'det', h.motor, 0.5));
    assert.equal(result.exitStatus, 'success');
    const positions = docsNamed<RunEvent>(rec, 'event').map((e) => e.data.motor);
    assert.deepEqual(positions.slice(0, 3), [0, 0.5, 1]);
  });
});
