/**
 * Property: whatever a plan does (readings in several streams, moves, sleeps, dropped events,
 * failures, several runs) and however it is interrupted (pause and resume, stop, abort, halt), the
 * documents form well-formed runs: start first, stop last, descriptors before their events, and
 * seq_num contiguous per descriptor and counted right in the stop's num_events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Document, DocumentName, Event, EventDescriptor, RunStart, RunStop } from '../src/documents.ts';
import { msg, type SyncPlan } from '../src/msg.ts';
import { run_wrapper, stage_wrapper } from '../src/plans/preprocessors.ts';
import { checkpoint, mv, sleep, trigger_and_read } from '../src/plans/stubs.ts';
import type { Hw } from '../src/sim/hw.ts';
import { SimSignal } from '../src/sim/signal.ts';
import { SuspendFloor } from '../src/suspenders.ts';
import { recordingEngine, until } from './helpers.ts';

type Op =
  | { kind: 'shot'; stream: 'primary' | 'baseline' }
  | { kind: 'move'; to: number }
  | { kind: 'sleep' }
  | { kind: 'checkpoint' }
  | { kind: 'dropped' }
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
  { weight: 1, arbitrary: fc.constant({ kind: 'fail' as const }) },
);

const interruption = fc.option(
  fc.record({
    at: fc.integer({ min: 1, max: 60 }),
    action: fc.constantFrom('pause', 'deferred-pause', 'suspend', 'stop', 'abort', 'halt'),
  }),
  { nil: undefined },
);

function* body(ops: Op[], h: Hw): SyncPlan<void> {
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
    } else throw new Error('planned failure');
  }
}

function checkWellFormed(docs: [DocumentName, Document][]): void {
  const runs = new Map<
    string,
    { stopped: boolean; descriptors: Map<string, { name: string; seq: number[] }> }
  >();
  const descriptorRun = new Map<string, string>();
  for (const [name, doc] of docs) {
    if (name === 'start') {
      const start = doc as RunStart;
      assert.ok(!runs.has(start.uid), 'one start per run');
      runs.set(start.uid, { stopped: false, descriptors: new Map() });
      continue;
    }
    const runUid =
      name === 'event'
        ? descriptorRun.get((doc as Event).descriptor)
        : (doc as EventDescriptor | RunStop).run_start;
    assert.ok(runUid, `${name} refers to a known descriptor`);
    const run = runs.get(runUid);
    assert.ok(run, `${name} comes after its run's start`);
    assert.ok(!run.stopped, `${name} comes before its run's stop`);
    if (name === 'descriptor') {
      const d = doc as EventDescriptor;
      run.descriptors.set(d.uid, { name: d.name, seq: [] });
      descriptorRun.set(d.uid, runUid);
    } else if (name === 'event') {
      const e = doc as Event;
      const seq = run.descriptors.get(e.descriptor)!.seq;
      // Contiguous: the next number, or (after a rewind) one already taken being retaken.
      assert.ok(e.seq_num >= 1 && e.seq_num <= Math.max(0, ...seq) + 1, `seq_num ${e.seq_num} after ${seq}`);
      seq.push(e.seq_num);
    } else {
      const stop = doc as RunStop;
      run.stopped = true;
      const counted: Record<string, number> = {};
      for (const d of run.descriptors.values()) counted[d.name] = new Set(d.seq).size;
      assert.deepEqual(stop.num_events, counted, 'num_events counts each stream');
    }
  }
  assert.ok(docs.length === 0 || docs[0][0] === 'start', 'a start comes first');
  for (const run of runs.values()) assert.ok(run.stopped, 'every run is stopped');
  if (docs.length) assert.equal(docs.at(-1)?.[0], 'stop', 'a stop comes last');
}

describe('document streams are well-formed', () => {
  it('for random plans and interruptions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 12 }),
        fc.array(op, { maxLength: 6 }),
        interruption,
        async (first, second, interrupt) => {
          const { RE, clock, docs, devices } = recordingEngine();
          const current = new SimSignal('ring_current', { value: 400, clock });
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
            yield* run_wrapper(body(first, devices));
            if (second.length) yield* run_wrapper(body(second, devices));
          }
          let finished = false;
          const done = RE.run(stage_wrapper(plan(), [devices.det, devices.det1, devices.motor])).then((r) => {
            finished = true;
            return r;
          });
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
