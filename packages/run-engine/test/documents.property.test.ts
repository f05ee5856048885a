/**
 * Property: whatever a plan does (readings in several streams, moves, sleeps, dropped events,
 * fly scans of a detector streaming into files, flyers left uncollected, failures, several runs)
 * and however it is interrupted (pause and resume, stop, abort, halt), the documents form
 * well-formed runs: start first, stop last, descriptors before their events, StreamResources with
 * their run before their StreamDatums, and seq_num contiguous per descriptor (events and the
 * seq_nums of StreamDatums alike) and counted right in the stop's num_events.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  Document,
  DocumentName,
  Event,
  EventDescriptor,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from '../src/documents.ts';
import { msg, type SyncPlan } from '../src/msg.ts';
import { run_wrapper, stage_wrapper } from '../src/plans/preprocessors.ts';
import {
  checkpoint,
  collect,
  complete,
  declare_stream,
  kickoff,
  mv,
  sleep,
  trigger_and_read,
} from '../src/plans/stubs.ts';
import type { Hw } from '../src/sim/hw.ts';
import { SimSignal } from '../src/sim/signal.ts';
import { SimStreamDetector } from '../src/sim/stream-detector.ts';
import { SuspendFloor } from '../src/suspenders.ts';
import { recordingEngine, until } from './helpers.ts';

type Op =
  | { kind: 'shot'; stream: 'primary' | 'baseline' }
  | { kind: 'move'; to: number }
  | { kind: 'sleep' }
  | { kind: 'checkpoint' }
  | { kind: 'dropped' }
  | { kind: 'fly' }
  | { kind: 'kickoff' }
  | { kind: 'fail' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('shot' as const),
      stream: fc.constantFrom('primary' as const, 'baseline' as const),
    }),
  },
  fc.record({ kind: fc.constant('move' as const), to: fc.integer({ min: -5, max: 5 }) }),
  fc.constant({ kind: 'sleep' as const }),
  fc.constant({ kind: 'checkpoint' as const }),
  fc.constant({ kind: 'dropped' as const }),
  { weight: 2, arbitrary: fc.constant({ kind: 'fly' as const }) },
  fc.constant({ kind: 'kickoff' as const }),
  { weight: 1, arbitrary: fc.constant({ kind: 'fail' as const }) },
);

const interruption = fc.option(
  fc.record({
    at: fc.integer({ min: 1, max: 60 }),
    action: fc.constantFrom('pause', 'deferred-pause', 'suspend', 'stop', 'abort', 'halt'),
  }),
  { nil: undefined },
);

function* body(ops: Op[], h: Hw, fly: SimStreamDetector): SyncPlan<void> {
  yield* declare_stream([fly], { name: 'fly', collect: true });
  for (const o of ops) {
    if (o.kind === 'shot') {
      yield* checkpoint();
      yield* trigger_and_read(o.stream === 'primary' ? [h.det, h.motor] : [h.det1], o.stream);
    } else if (o.kind === 'move') yield* mv(h.motor, o.to);
    else if (o.kind === 'sleep') yield* sleep(2);
    else if (o.kind === 'checkpoint') yield* checkpoint();
    else if (o.kind === 'dropped') {
      yield msg('create', null, [], { name: 'primary' });
      yield msg('read', h.det);
      yield msg('drop');
    } else if (o.kind === 'fly') {
      yield* kickoff(fly, { wait: true });
      yield* complete(fly, { wait: true });
      yield* collect(fly);
    } else if (o.kind === 'kickoff')
      yield* kickoff(fly, { wait: true }); // collected by a later fly, or by the engine
    else throw new Error('planned failure');
  }
}

function checkWellFormed(docs: [DocumentName, Document][]): void {
  const runs = new Map<
    string,
    // seq_nums are counted per stream name: a stream declared again gets a new descriptor, numbered on.
    { stopped: boolean; descriptors: Map<string, string>; seq: Map<string, number[]> }
  >();
  const descriptorRun = new Map<string, string>();
  const resources = new Set<string>();
  for (const [name, doc] of docs) {
    if (name === 'start') {
      const start = doc as RunStart;
      assert.ok(!runs.has(start.uid), 'one start per run');
      runs.set(start.uid, { stopped: false, descriptors: new Map(), seq: new Map() });
      continue;
    }
    const runUid =
      name === 'event' || name === 'stream_datum'
        ? descriptorRun.get((doc as Event | StreamDatum).descriptor)
        : (doc as EventDescriptor | RunStop | StreamResource).run_start;
    assert.ok(runUid, `${name} refers to a known descriptor`);
    const run = runs.get(runUid);
    assert.ok(run, `${name} comes after its run's start`);
    assert.ok(!run.stopped, `${name} comes before its run's stop`);
    if (name === 'descriptor') {
      const d = doc as EventDescriptor;
      run.descriptors.set(d.uid, d.name);
      if (!run.seq.has(d.name)) run.seq.set(d.name, []);
      descriptorRun.set(d.uid, runUid);
    } else if (name === 'event') {
      const e = doc as Event;
      const seq = run.seq.get(run.descriptors.get(e.descriptor)!)!;
      // Contiguous: the next number, or (after a rewind) one already taken being retaken.
      assert.ok(e.seq_num >= 1 && e.seq_num <= Math.max(0, ...seq) + 1, `seq_num ${e.seq_num} after ${seq}`);
      seq.push(e.seq_num);
    } else if (name === 'stream_resource') {
      resources.add((doc as StreamResource).uid);
    } else if (name === 'stream_datum') {
      const d = doc as StreamDatum;
      assert.ok(resources.has(d.stream_resource), 'a StreamDatum comes after its StreamResource');
      const seq = run.seq.get(run.descriptors.get(d.descriptor)!)!;
      // Each StreamDatum of one collect stands for the same events: retaken, or next in line.
      assert.ok(
        d.seq_nums.start >= 1 && d.seq_nums.start <= Math.max(0, ...seq) + 1,
        `seq_nums ${d.seq_nums.start}`,
      );
      assert.equal(d.seq_nums.stop - d.seq_nums.start, d.indices.stop - d.indices.start);
      for (let n = d.seq_nums.start; n < d.seq_nums.stop; n++) seq.push(n);
    } else if (name === 'stop') {
      const stop = doc as RunStop;
      run.stopped = true;
      const counted: Record<string, number> = {};
      for (const [stream, seq] of run.seq) counted[stream] = new Set(seq).size;
      assert.deepEqual(stop.num_events, counted, 'num_events counts each stream');
    }
  }
  assert.ok(docs.length === 0 || docs[0][0] === 'start', 'a start comes first');
  for (const run of runs.values()) assert.ok(run.stopped, 'every run is stopped');
  if (docs.length) assert.equal(docs.at(-1)?.[0], 'stop', 'a stop comes last');
}

describe('document streams are well-formed', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'documents-property-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('for random plans and interruptions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 12 }),
        fc.array(op, { maxLength: 6 }),
        interruption,
        async (first, second, interrupt) => {
          const { RE, clock, docs, devices } = recordingEngine();
          const current = new SimSignal('ring_current', { value: 400, clock });
          const fly = new SimStreamDetector('fly', { clock, save_path: dir, frames: 2, exposure: 0 });
          await RE.installSuspender(new SuspendFloor(current, 100, { sleep: 1 }));
          let seen = 0;
          RE.msgHook = (m) => {
            if (++seen !== interrupt?.at) return;
            const requests = {
              pause: () => RE.requestPause(),
              'deferred-pause': () => RE.requestPause(true),
              suspend: async () => current.put(0),
              stop: () => RE.stop(),
              abort: () => RE.abort('property'),
              halt: () => RE.halt(),
            };
            // A request the state refuses (e.g. during clean-up) is just refused.
            requests[interrupt.action]().catch(() => {});
            void m;
          };
          function* plan(): SyncPlan<void> {
            yield* run_wrapper(body(first, devices, fly));
            if (second.length) yield* run_wrapper(body(second, devices, fly));
          }
          let finished = false;
          const done = RE.run(stage_wrapper(plan(), [devices.det, devices.det1, devices.motor, fly])).then(
            (r) => {
              finished = true;
              return r;
            },
          );
          await until(() => {
            if (RE.state === 'paused') void RE.resume();
            if (RE.suspended && current.value === 0) current.put(400);
            if (clock.pending) clock.advance(10);
            return finished;
          }, 'the plan ending');
          const result = await done;
          checkWellFormed(docs);
          assert.equal(RE.state, 'idle');
          assert.equal(devices.det.staged, false, 'unstaged on every path');
          assert.equal(devices.motor.isMoving, false);
          if (![...first, ...second].some((o) => o.kind === 'fail') && !interrupt)
            assert.equal(result.exitStatus, 'success');
        },
      ),
      { numRuns: 150 },
    );
  });
});
