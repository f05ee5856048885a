/**
 * Collecting fly-scanning devices as bluesky 1.15 does: detectors streaming frames into files
 * (StreamResource/StreamDatum) into a stream declared with declare_stream(collect=True), several
 * of them up to the frame they all have, EventPageCollectable devices, old-style flyers sharing a
 * stream or handing over Resource/Datum, and the flyers a plan left uncollected.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/clock.ts';
import type {
  Document,
  DocumentName,
  EventDescriptor,
  EventPage,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from '../src/documents.ts';
import { msg, type SyncPlan } from '../src/msg.ts';
import {
  close_run,
  collect,
  collect_while_completing,
  complete,
  declare_stream,
  kickoff,
  kickoff_all,
  open_run,
  prepare,
  wait_group,
} from '../src/plans/stubs.ts';
import type { DataKey } from '../src/protocols.ts';
import { SimStreamDetector } from '../src/sim/stream-detector.ts';
import { DeviceStatus } from '../src/status.ts';
import { formatMsg, names, recordingEngine, until } from './helpers.ts';

type Docs = [DocumentName, Document][];
const all = <T>(docs: Docs, name: DocumentName) => docs.filter(([n]) => n === name).map(([, d]) => d as T);

/** The shape in an .npy file's header (the files are checked value by value in the interop test). */
function npyShape(path: string): number[] {
  const bytes = readFileSync(path);
  const header = bytes.toString('latin1', 10, 10 + bytes.readUInt16LE(8));
  const tuple = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  return tuple
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
}

const pathOf = (resource: StreamResource) => resource.uri.replace(/^file:\/\/localhost/, '');

const dataKey = (source: string, extra: Partial<DataKey> = {}): DataKey => ({
  source,
  dtype: 'number',
  shape: [],
  ...extra,
});

/** A flyer whose describe_collect and collect/collect_pages are given by the test. */
function flyer(name: string, described: Record<string, unknown>, extra: Record<string, unknown>) {
  return {
    name,
    kickoff: () => DeviceStatus.done(),
    complete: () => DeviceStatus.done(),
    describe_collect: () => described,
    ...extra,
  };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stream-assets-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a detector streaming frames into files', () => {
  it('declare_stream(collect=True), kickoff, complete, collect: StreamResources then StreamDatums, no events', async () => {
    const { RE, docs, clock } = recordingEngine();
    const det = new SimStreamDetector('det', {
      clock,
      save_path: dir,
      shape: [2, 3],
      frames: 5,
      exposure: 0,
    });
    const onlyDatums: DocumentName[] = [];
    RE.subscribe((name) => {
      onlyDatums.push(name);
    }, 'stream_datum');
    let payload: unknown = 'unset';
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* declare_stream([det], { name: 'primary', collect: true });
      yield* kickoff(det, { wait: true });
      yield* complete(det, { wait: true });
      payload = yield* collect(det, { name: 'primary' });
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(names(docs), [
      'start',
      'descriptor',
      'stream_resource',
      'stream_resource',
      'stream_datum',
      'stream_datum',
      'stop',
    ]);
    assert.equal(payload, null, 'a stream-asset collect hands the plan nothing, as bluesky returns None');
    assert.deepEqual(onlyDatums, ['stream_datum', 'stream_datum'], 'a subscription by name gets only those');
    const [start] = all<RunStart>(docs, 'start');
    const [descriptor] = all<EventDescriptor>(docs, 'descriptor');
    assert.equal(descriptor.name, 'primary');
    assert.deepEqual(descriptor.object_keys, { det: ['det', 'det_sum'] });
    assert.deepEqual(descriptor.data_keys.det, {
      source: 'sim://det/image',
      dtype: 'array',
      dtype_numpy: '<f8',
      shape: [2, 3],
      external: 'STREAM:',
      object_name: 'det',
    });
    assert.equal(descriptor.data_keys.det_sum.external, 'STREAM:');
    assert.deepEqual(descriptor.hints, { det: { fields: ['det_sum'] } });
    assert.deepEqual(descriptor.configuration.det.data, { det_exposure: 0, det_frames: 5 });

    const resources = all<StreamResource>(docs, 'stream_resource');
    assert.deepEqual(
      resources.map((r) => [r.data_key, r.run_start, r.mimetype]),
      [
        ['det', start.uid, 'application/x-npy'],
        ['det_sum', start.uid, 'application/x-npy'],
      ],
    );
    assert.deepEqual(npyShape(pathOf(resources[0])), [5, 2, 3]);
    assert.deepEqual(npyShape(pathOf(resources[1])), [5]);

    const datums = all<StreamDatum>(docs, 'stream_datum');
    assert.deepEqual(
      datums.map((d) => [d.stream_resource, d.descriptor, d.indices, d.seq_nums]),
      resources.map((r) => [r.uid, descriptor.uid, { start: 0, stop: 5 }, { start: 1, stop: 6 }]),
    );
    assert.deepEqual(
      datums.map((d) => d.uid),
      resources.map((r) => `${r.uid}/0`),
    );
    assert.deepEqual(all<RunStop>(docs, 'stop')[0].num_events, { primary: 5 });
  });

  it('collects while acquiring: each collect hands over the new frames, numbered on from the last', async () => {
    const { RE, docs } = recordingEngine();
    const detClock = new ManualClock();
    const det = new SimStreamDetector('det', { clock: detClock, save_path: dir, frames: 4, exposure: 1 });
    const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* declare_stream([det], { name: 'primary', collect: true });
      yield* kickoff(det, { wait: true });
      yield msg('wait_for', null, [[() => gates[0].promise]]);
      yield* collect(det);
      yield* collect(det); // nothing new: no documents
      yield msg('wait_for', null, [[() => gates[1].promise]]);
      yield* complete(det, { wait: true });
      yield* collect(det);
      yield* close_run();
    }
    const done = RE.run(plan());
    for (const frames of [1, 2]) {
      await until(() => detClock.pending === 1, 'the detector exposing');
      detClock.advance(1);
      await until(() => det.get_index() === frames, `frame ${frames}`);
    }
    gates[0].resolve();
    await until(() => all(docs, 'stream_datum').length === 2, 'the first collect');
    for (const frames of [3, 4]) {
      await until(() => detClock.pending === 1, 'the detector exposing');
      detClock.advance(1);
      await until(() => det.get_index() === frames, `frame ${frames}`);
    }
    gates[1].resolve();
    const result = await done;
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(names(docs), [
      'start',
      'descriptor',
      'stream_resource',
      'stream_resource',
      'stream_datum',
      'stream_datum',
      'stream_datum',
      'stream_datum',
      'stop',
    ]);
    const datums = all<StreamDatum>(docs, 'stream_datum');
    assert.deepEqual(
      datums.map((d) => [d.indices, d.seq_nums]),
      [
        [
          { start: 0, stop: 2 },
          { start: 1, stop: 3 },
        ],
        [
          { start: 0, stop: 2 },
          { start: 1, stop: 3 },
        ],
        [
          { start: 2, stop: 4 },
          { start: 3, stop: 5 },
        ],
        [
          { start: 2, stop: 4 },
          { start: 3, stop: 5 },
        ],
      ],
    );
    assert.deepEqual(
      datums.map((d) => d.uid.split('/')[1]),
      ['0', '0', '1', '1'],
    );
    assert.deepEqual(all<RunStop>(docs, 'stop')[0].num_events, { primary: 4 });
  });

  it('several detectors in one stream are collected up to the frame they all have (collect_while_completing)', async () => {
    const { RE, docs, clock } = recordingEngine();
    const detClock = new ManualClock();
    const fast = new SimStreamDetector('fast', { clock: detClock, save_path: dir, frames: 4, exposure: 1 });
    const slow = new SimStreamDetector('slow', { clock: detClock, save_path: dir, frames: 4, exposure: 2 });
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* declare_stream([fast, slow], { name: 'primary', collect: true });
      yield* kickoff_all([fast, slow]);
      yield* collect_while_completing([fast, slow], [fast, slow], {
        flush_period: 2.5,
        stream_name: 'primary',
      });
      yield* close_run();
    }
    const done = RE.run(plan());
    const datums = () => all<StreamDatum>(docs, 'stream_datum');
    /** Moves the detectors' clock one second and waits for the frames that brings. */
    const second = async () => {
      const expected = [fast, slow].map((d) =>
        Math.min(d.frames, Math.floor((detClock.now() + 1 - 1_700_000_000) / d.exposure)),
      );
      detClock.advance(1);
      await until(
        () => fast.get_index() === expected[0] && slow.get_index() === expected[1],
        `frames ${expected} at t=${detClock.now()}`,
      );
    };
    /** Lets the flush period run out: the plan collects, then waits again. */
    const flush = async (datumsAfter: number) => {
      await until(() => clock.pending === 1, 'the wait with its flush period');
      clock.advance(2.5);
      await until(
        () => datums().length === datumsAfter && clock.pending === 1,
        `${datumsAfter} stream datums`,
      );
    };
    await until(
      () => clock.pending === 1 && detClock.pending === 2,
      'both detectors kicked off, the plan waiting',
    );
    await second();
    await second(); // fast 2, slow 1
    await flush(4);
    await second();
    await second(); // fast 4 (done), slow 2
    await flush(8);
    await second();
    await second();
    await second();
    await second(); // slow 4: complete, the last collect
    const result = await done;
    assert.equal(result.exitStatus, 'success', String(result.error));

    const [descriptor] = all<EventDescriptor>(docs, 'descriptor');
    assert.deepEqual(descriptor.object_keys, { fast: ['fast', 'fast_sum'], slow: ['slow', 'slow_sum'] });
    const resources = all<StreamResource>(docs, 'stream_resource');
    assert.deepEqual(
      resources.map((r) => r.data_key),
      ['fast', 'fast_sum', 'slow', 'slow_sum'],
    );
    const byKey = new Map(resources.map((r) => [r.uid, r.data_key]));
    assert.deepEqual(
      datums().map((d) => [byKey.get(d.stream_resource), d.indices.start, d.indices.stop, d.seq_nums.start]),
      [
        ['fast', 0, 1, 1],
        ['fast_sum', 0, 1, 1],
        ['slow', 0, 1, 1],
        ['slow_sum', 0, 1, 1],
        ['fast', 1, 2, 2],
        ['fast_sum', 1, 2, 2],
        ['slow', 1, 2, 2],
        ['slow_sum', 1, 2, 2],
        ['fast', 2, 4, 3],
        ['fast_sum', 2, 4, 3],
        ['slow', 2, 4, 3],
        ['slow_sum', 2, 4, 3],
      ],
    );
    // Device by device, as bluesky gathers them: the resources come with the first frames.
    assert.deepEqual(names(docs).slice(0, 10), [
      'start',
      'descriptor',
      'stream_resource',
      'stream_resource',
      'stream_datum',
      'stream_datum',
      'stream_resource',
      'stream_resource',
      'stream_datum',
      'stream_datum',
    ]);
    assert.deepEqual(all<RunStop>(docs, 'stop')[0].num_events, { primary: 4 });
  });

  it('a flyer the plan kicked off and never collected is collected before the run closes', async () => {
    const { RE, docs, clock } = recordingEngine();
    const det = new SimStreamDetector('det', { clock, save_path: dir, frames: 3, exposure: 0 });
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* declare_stream([det], { name: 'primary', collect: true });
      yield* kickoff(det, { wait: true });
      throw new Error('the plan broke mid-scan');
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'fail');
    assert.deepEqual(names(docs), [
      'start',
      'descriptor',
      'stream_resource',
      'stream_resource',
      'stream_datum',
      'stream_datum',
      'stop',
    ]);
    const [stop] = all<RunStop>(docs, 'stop');
    assert.equal(stop.reason, 'the plan broke mid-scan');
    assert.deepEqual(stop.num_events, { primary: 3 });
  });

  it('the forgotten flyer of a run the plan closed is not collected (bluesky forgets a closed run)', async () => {
    const { RE, docs, devices } = recordingEngine();
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* kickoff(devices.trivial_flyer, { wait: true });
      yield* close_run();
      yield* open_run();
      yield* kickoff(devices.trivial_flyer, { wait: true });
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success');
    // The second run is left open: the engine collects its flyer, then closes it.
    assert.deepEqual(names(docs), ['start', 'stop', 'start', 'descriptor', 'event_page', 'stop']);
    assert.equal((docs[4][1] as EventPage).seq_num.length, 100);
  });

  it('a forgotten flyer whose collect hangs: a pause is ignored, a stop gives up the collect and closes the run', async () => {
    const { RE, docs } = recordingEngine();
    let collecting = false;
    const stuck = flyer(
      'stuck',
      { fly: { x: dataKey('x') } },
      {
        collect: () => {
          collecting = true;
          return new Promise(() => {});
        },
      },
    );
    let finished = false;
    const done = RE.run(
      (function* (): SyncPlan<void> {
        yield* open_run();
        yield* kickoff(stuck, { wait: true });
      })(),
    ).then((r) => {
      finished = true;
      return r;
    });
    await until(() => collecting, 'the engine collecting the forgotten flyer');
    await RE.requestPause();
    assert.equal(finished, false);
    assert.notEqual(RE.state, 'paused');
    await RE.stop();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(RE.state, 'idle');
    // Nothing of the abandoned collect is emitted (its documents come when it answers); the run is closed.
    assert.deepEqual(names(docs), ['start', 'stop']);
  });

  it('kickoff needs an open run', async () => {
    const { RE, devices } = recordingEngine();
    const result = await RE.run(kickoff(devices.trivial_flyer));
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /'kickoff' message was sent but no run is open/);
  });
});

describe('what bluesky refuses when collecting', () => {
  it('several devices without a stream declared for them', async () => {
    const { RE, clock } = recordingEngine();
    const a = new SimStreamDetector('a', { clock, save_path: dir, exposure: 0 });
    const b = new SimStreamDetector('b', { clock, save_path: dir, exposure: 0 });
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* collect([a, b]);
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /predeclare a stream for all the objects/);
  });

  it('a device that writes no stream assets collected together with others', async () => {
    const { RE, clock, devices } = recordingEngine();
    const a = new SimStreamDetector('a', { clock, save_path: dir, exposure: 0 });
    const result = await RE.run(
      (function* (): SyncPlan<void> {
        yield* open_run();
        yield* collect([a, devices.trivial_flyer]);
      })(),
    );
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /trivial_flyer cannot be collected together with other devices/);
  });

  it('a stream name in collect that was not declared for these devices', async () => {
    const { RE, clock } = recordingEngine();
    const a = new SimStreamDetector('a', { clock, save_path: dir, exposure: 0 });
    const result = await RE.run(
      (function* (): SyncPlan<void> {
        yield* open_run();
        yield* declare_stream([a], { name: 'primary', collect: true });
        yield* collect(a, { name: 'other' });
      })(),
    );
    assert.equal(result.exitStatus, 'fail');
    assert.match(String(result.error), /Stream 'other' was not declared/);
  });

  it('a StreamDatum for only one of the streamed keys, or one whose descriptor is filled in', async () => {
    const resource = (key: string): StreamResource => ({
      uid: `res-${key}`,
      data_key: key,
      mimetype: 'application/x-npy',
      uri: 'file://localhost/nowhere',
      parameters: {},
    });
    const datum = (key: string, descriptor = ''): StreamDatum => ({
      uid: `res-${key}/0`,
      stream_resource: `res-${key}`,
      descriptor,
      indices: { start: 0, stop: 1 },
      seq_nums: { start: 0, stop: 0 },
    });
    const device = (assets: unknown[]) => ({
      name: 'd',
      describe_collect: () => ({
        x: dataKey('x', { external: 'STREAM:' }),
        y: dataKey('y', { external: 'STREAM:' }),
      }),
      get_index: () => 1,
      collect_asset_docs: () => assets,
    });
    // Each with the documents emitted before the refusal (bluesky emits them as it goes).
    const cases: [unknown[], RegExp, string[]][] = [
      [
        [
          ['stream_resource', resource('x')],
          ['stream_resource', resource('y')],
          ['stream_datum', datum('x')],
        ],
        /data_keys \{'x'\}, expected `stream_datum` for each of the data_keys \{'x', 'y'\}/,
        ['stream_resource', 'stream_resource', 'stream_datum'],
      ],
      [
        [
          ['stream_resource', resource('x')],
          ['stream_datum', datum('x', 'someone-elses')],
        ],
        /`descriptor` uid already filled in/,
        ['stream_resource'],
      ],
      [
        [['stream_resource', resource('z')]],
        /data_key z that is not in the descriptor 'STREAM:' data_keys/,
        [],
      ],
    ];
    for (const [assets, error, before] of cases) {
      const { RE, docs } = recordingEngine();
      const d = device(assets);
      const result = await RE.run(
        (function* (): SyncPlan<void> {
          yield* open_run();
          yield* declare_stream([d], { name: 'primary', collect: true });
          yield* collect(d);
          yield* close_run();
        })(),
      );
      assert.equal(result.exitStatus, 'fail');
      assert.match(String(result.error), error);
      assert.deepEqual(names(docs), ['start', 'descriptor', ...before, 'stop']);
    }
  });
});

describe('flyers handing over events', () => {
  it('an EventPageCollectable flyer: its pages get uids, seq_nums on from the last and the time of the collect', async () => {
    const { RE, docs, clock } = recordingEngine();
    const pages = [
      { data: { x: [1, 2], y: [10, 20] }, timestamps: { x: [5, 6], y: [5, 6] } },
      { data: { x: [3, 4, 5], y: [30, 40, 50] }, timestamps: { x: [7, 8, 9], y: [7, 8, 9] } },
    ];
    const f = flyer(
      'pager',
      { scan: { x: dataKey('x'), y: dataKey('y') } },
      {
        collect_pages: () => pages,
        collect: () => {
          throw new Error('collect_pages is preferred over collect');
        },
      },
    );
    let payload: unknown;
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* kickoff(f, { wait: true });
      yield* complete(f, { wait: true });
      payload = yield* collect(f);
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event_page', 'event_page', 'stop']);
    const [descriptor] = all<EventDescriptor>(docs, 'descriptor');
    assert.equal(descriptor.name, 'scan');
    const emitted = all<EventPage>(docs, 'event_page');
    assert.deepEqual(
      emitted.map((p) => [p.descriptor, p.seq_num, p.data, p.timestamps, p.time, p.filled]),
      [
        [descriptor.uid, [1, 2], pages[0].data, pages[0].timestamps, [clock.now(), clock.now()], {}],
        [descriptor.uid, [3, 4, 5], pages[1].data, pages[1].timestamps, Array(3).fill(clock.now()), {}],
      ],
    );
    assert.equal(new Set(emitted.flatMap((p) => p.uid)).size, 5);
    assert.deepEqual(payload, pages);
    assert.deepEqual(all<RunStop>(docs, 'stop')[0].num_events, { scan: 5 });
  });

  it('an EventPageCollectable device into a declared stream', async () => {
    const { RE, docs } = recordingEngine();
    const f = flyer(
      'pager',
      { x: dataKey('x') },
      { collect_pages: () => [{ data: { x: [1] }, timestamps: { x: [1] } }] },
    );
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* declare_stream([f], { name: 'fly', collect: true });
      yield* collect(f);
      yield* collect(f);
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    const [descriptor] = all<EventDescriptor>(docs, 'descriptor');
    assert.equal(descriptor.name, 'fly');
    assert.deepEqual(
      all<EventPage>(docs, 'event_page').map((p) => [p.descriptor, p.seq_num]),
      [
        [descriptor.uid, [1]],
        [descriptor.uid, [2]],
      ],
    );
  });

  it('two old-style flyers sharing a stream: each gets its descriptor, seq_nums run on through the stream', async () => {
    const { RE, docs } = recordingEngine();
    const events = (key: string, n: number) => () =>
      Array.from({ length: n }, (_, i) => ({ data: { [key]: i }, timestamps: { [key]: i } }));
    const f1 = flyer('f1', { shared: { a: dataKey('a') } }, { collect: events('a', 2) });
    const f2 = flyer('f2', { shared: { a: dataKey('a') } }, { collect: events('a', 3) });
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* kickoff_all([f1, f2]);
      yield* collect(f1);
      yield* collect(f2);
      yield* collect(f1); // f2's descriptor is the stream's latest now: f1 gets a new one, as in bluesky
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(names(docs), [
      'start',
      'descriptor',
      'event_page',
      'descriptor',
      'event_page',
      'descriptor',
      'event_page',
      'stop',
    ]);
    const descriptors = all<EventDescriptor>(docs, 'descriptor');
    assert.deepEqual(
      descriptors.map((d) => [d.name, Object.keys(d.object_keys)]),
      [
        ['shared', ['f1']],
        ['shared', ['f2']],
        ['shared', ['f1']],
      ],
    );
    assert.deepEqual(
      all<EventPage>(docs, 'event_page').map((p) => [p.descriptor, p.seq_num]),
      [
        [descriptors[0].uid, [1, 2]],
        [descriptors[1].uid, [3, 4, 5]],
        [descriptors[2].uid, [6, 7]],
      ],
    );
    assert.deepEqual(all<RunStop>(docs, 'stop')[0].num_events, { shared: 7 });
  });

  it('flyers with other data keys cannot share a stream (event-model refuses the second descriptor)', async () => {
    const { RE, docs } = recordingEngine();
    const f1 = flyer('f1', { shared: { a: dataKey('a') } }, { collect: () => [] });
    const f2 = flyer('f2', { shared: { b: dataKey('b') } }, { collect: () => [] });
    const result = await RE.run(
      (function* (): SyncPlan<void> {
        yield* open_run();
        yield* collect(f1);
        yield* collect(f2);
        yield* close_run();
      })(),
    );
    assert.equal(result.exitStatus, 'fail');
    assert.match(
      String(result.error),
      /descriptor with the name shared has already been composed with data_keys \{'a'\}/,
    );
    assert.deepEqual(names(docs), ['start', 'descriptor', 'stop']);
  });

  it("a flyer's Resource and Datum documents come before its events, the Resource with the run's uid", async () => {
    const { RE, docs } = recordingEngine();
    const f = flyer(
      'imager',
      { frames: { img: dataKey('img', { external: 'FILESTORE:', dtype: 'array' }) } },
      {
        collect_asset_docs: () => [
          ['resource', { uid: 'r1', spec: 'NPY_SEQ', root: '/', resource_path: 'x', resource_kwargs: {} }],
          ['datum', { datum_id: 'r1/0', resource: 'r1', datum_kwargs: { index: 0 } }],
          ['datum', { datum_id: 'r1/1', resource: 'r1', datum_kwargs: { index: 1 } }],
        ],
        collect: () => [
          { data: { img: 'r1/0' }, timestamps: { img: 1 }, filled: { img: false } },
          { data: { img: 'r1/1' }, timestamps: { img: 2 }, filled: { img: false } },
        ],
      },
    );
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* collect(f);
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(names(docs), [
      'start',
      'descriptor',
      'resource',
      'datum',
      'datum',
      'event_page',
      'stop',
    ]);
    assert.equal((docs[2][1] as { run_start: string }).run_start, (docs[0][1] as RunStart).uid);
    const [page] = all<EventPage>(docs, 'event_page');
    assert.deepEqual(page.data, { img: ['r1/0', 'r1/1'] });
    assert.deepEqual(page.filled, { img: [false, false] });
  });
});

describe("bluesky's prepare message", () => {
  it('prepare(det, value, wait=True): the device is prepared before the scan, as its frame count shows', async () => {
    const { RE, docs, messages, clock } = recordingEngine();
    const det = new SimStreamDetector('det', { clock, save_path: dir, frames: 10, exposure: 0.1 });
    function* plan(): SyncPlan<void> {
      yield* open_run();
      yield* prepare(det, { frames: 3, exposure: 0 }, { wait: true });
      yield* declare_stream([det], { name: 'primary', collect: true });
      yield* kickoff(det, { wait: true });
      yield* complete(det, { wait: true });
      yield* collect(det, { name: 'primary' });
      yield* close_run();
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success', String(result.error));
    const wait = 'wait None [] error_on_timeout=true group=null timeout=null watch=[]';
    assert.deepEqual(messages.map(formatMsg), [
      'open_run None []',
      'prepare det [{"frames":3,"exposure":0}] group=null',
      wait,
      'declare_stream None [det] collect=true name="primary"',
      'kickoff det [] group=null',
      wait,
      'complete det [] group=null',
      wait,
      'collect det [] name="primary" return_payload=true stream=false',
      'close_run None [] exit_status=null reason=null',
    ]);
    // Three frames written at kickoff (exposure 0), not the ten the detector was built with.
    const datums = all<StreamDatum>(docs, 'stream_datum');
    assert.deepEqual(
      datums.map((d) => d.indices),
      [
        { start: 0, stop: 3 },
        { start: 0, stop: 3 },
      ],
    );
  });

  it("a grouped prepare's status is waited for by wait(group), and the plan goes on only when it is done", async () => {
    const { RE, messages } = recordingEngine();
    let finish: () => void = () => {
      throw new Error('prepare was not called');
    };
    const prepared: unknown[] = [];
    const device = {
      name: 'stage',
      prepare(value: unknown) {
        prepared.push(value);
        return new DeviceStatus(new Promise<void>((resolve) => (finish = resolve)));
      },
    };
    const after: string[] = [];
    function* plan(): SyncPlan<void> {
      const status = yield* prepare(device, 2.5, { group: 'setup' });
      after.push(`returned a status: ${status instanceof DeviceStatus}`);
      yield* wait_group('setup');
      after.push('waited');
    }
    const run = RE.run(plan());
    await until(() => messages.some((m) => m.command === 'wait'), 'the wait on the group');
    assert.deepEqual(prepared, [2.5]);
    assert.deepEqual(after, ['returned a status: true'], 'the plan waits while the status runs');
    finish();
    assert.equal((await run).exitStatus, 'success');
    assert.deepEqual(after, ['returned a status: true', 'waited']);
  });

  it('a failed prepare fails the plan at the wait; a device without prepare() is refused', async () => {
    const { RE, clock } = recordingEngine();
    const det = new SimStreamDetector('det', { clock, save_path: dir, frames: 4, exposure: 1 });
    const busy = await RE.run(
      (function* (): SyncPlan<void> {
        yield* open_run();
        yield* kickoff(det, { wait: true });
        yield* prepare(det, { frames: 2 }, { wait: true });
        yield* close_run();
      })(),
    );
    assert.equal(busy.exitStatus, 'fail');
    assert.match(String(busy.error), /det is acquiring: prepare it once it is done/);
    assert.equal(det.frames, 4, 'the refused prepare changed nothing');
    const none = await RE.run(prepare({ name: 'plain' }, 1, { wait: true }));
    assert.equal(none.exitStatus, 'fail');
    assert.match(String(none.error), /plain cannot prepare: it has no prepare\(\) method/);
  });
});
