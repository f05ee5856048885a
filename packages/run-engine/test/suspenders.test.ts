/**
 * Suspenders: a beam current below its floor holds the engine (motors stopped, nothing acquired),
 * and once the current has been back above the resume threshold for the settle time, the engine
 * rewinds to the last checkpoint and carries on by itself. All on the manual clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, RunStop } from '../src/documents.ts';
import { count, scan } from '../src/plans/plans.ts';
import { SimSignal } from '../src/sim/signal.ts';
import { SuspendCeiling, SuspendFloor } from '../src/suspenders.ts';
import { recordingEngine, until } from './helpers.ts';

const seqNums = (docs: ReturnType<typeof recordingEngine>['docs']) =>
  docs.filter(([n]) => n === 'event').map(([, d]) => (d as Event).seq_num);

describe('suspenders', () => {
  it('holds a count while the current is low, resumes after it has settled above the resume threshold, retaking the point', async () => {
    const { RE, clock, docs, devices } = recordingEngine();
    const current = new SimSignal('ring_current', { value: 400, clock });
    await RE.installSuspender(new SuspendFloor(current, 100, { resume_thresh: 200, sleep: 5 }));
    const done = RE.run(count([devices.det], 2, 10));
    await until(() => clock.pending > 0, 'the delay after the first shot');
    assert.deepEqual(seqNums(docs), [1]);

    current.put(50);
    await until(() => RE.suspended, 'the suspension');
    assert.equal(RE.state, 'running', 'bluesky keeps reporting running while suspended');
    clock.advance(100); // the cancelled delay does not go on while suspended
    current.put(150); // above the floor but below the resume threshold: still held
    clock.advance(100);
    current.put(250);
    clock.advance(4);
    current.put(60); // fell again while settling: the settle starts over
    clock.advance(10);
    assert.ok(RE.suspended);
    assert.equal(devices.det.calls.trigger, 1);

    current.put(300);
    clock.advance(5);
    await until(() => !RE.suspended && devices.det.calls.trigger === 2, 'the resumed plan re-triggering');
    while ((RE.state as string) !== 'idle') {
      await until(() => clock.pending > 0 || RE.state === 'idle', 'a delay or the end');
      if (clock.pending) clock.advance(10);
    }
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    // Rewinding to the checkpoint before the first shot retakes it with its sequence number, as bluesky does.
    assert.deepEqual(seqNums(docs), [1, 1, 2]);
    assert.deepEqual((docs.at(-1)![1] as RunStop).num_events, { primary: 2 });
  });

  it('stops a moving motor when it trips, and re-issues the move after', async () => {
    const { RE, clock, docs, devices } = recordingEngine({ motorDelay: 1 });
    const { det, motor } = devices;
    const current = new SimSignal('ring_current', { value: 400, clock });
    await RE.installSuspender(new SuspendFloor(current, 100));
    const done = RE.run(scan([det], motor, 0, 1, 2));
    await until(() => motor.isMoving, 'the first move');
    current.put(0);
    await until(() => RE.suspended, 'the suspension');
    assert.equal(motor.calls.stop, 1);
    assert.equal(motor.isMoving, false);
    current.put(400);
    await until(() => motor.isMoving && motor.calls.set === 2, 'the re-issued move');
    while ((RE.state as string) !== 'idle') {
      await until(() => motor.isMoving || RE.state === 'idle', 'a move or the end');
      if (motor.isMoving) clock.advance(1);
    }
    assert.equal((await done).exitStatus, 'success');
    assert.deepEqual(
      docs.filter(([n]) => n === 'event').map(([, d]) => (d as Event).data.motor),
      [0, 1],
    );
  });

  it('a plan started while the suspender is tripped waits before its first message; stop ends it', async () => {
    const { RE, clock, docs, devices } = recordingEngine();
    const pressure = new SimSignal('vacuum', { value: 1e-3, clock });
    await RE.installSuspender(new SuspendCeiling(pressure, 1e-6));
    const done = RE.run(count([devices.det]));
    await until(() => RE.suspended && RE.state === 'running', 'the held start');
    assert.equal(docs.length, 0);
    assert.equal(devices.det.calls.stage, 0);
    await RE.stop();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(RE.state, 'idle');
    assert.equal(docs.length, 0, 'no run was opened');
  });

  it('removing a tripped suspender lets the plan go on', async () => {
    const { RE, clock, devices } = recordingEngine();
    const current = new SimSignal('ring_current', { value: 0, clock });
    const floor = new SuspendFloor(current, 100);
    await RE.installSuspender(floor);
    const done = RE.run(count([devices.det], 2));
    await until(() => RE.suspended, 'the held start');
    RE.removeSuspender(floor);
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(devices.det.calls.trigger, 2);
  });
});
