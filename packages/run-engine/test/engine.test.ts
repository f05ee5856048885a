/**
 * The RunEngine state machine on simulated devices and a manual clock: pause (deferred and
 * immediate) and resume with rewind, stop/abort/halt, failures in plans and devices, and the
 * clean-up that must happen on every one of those paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, EventPage, RunStop } from '../src/documents.ts';
import { RunEngine } from '../src/engine/run-engine.ts';
import { FailedStatus, InvalidCommand, TransitionError } from '../src/errors.ts';
import { msg, type SyncPlan } from '../src/msg.ts';
import { count, fly, scan } from '../src/plans/plans.ts';
import { run_wrapper, SupplementalData, stage_wrapper } from '../src/plans/preprocessors.ts';
import { clear_checkpoint, collect, mv, rd, sleep, trigger_and_read } from '../src/plans/stubs.ts';
import type { Reading } from '../src/protocols.ts';
import { profilePlans } from '../src/sim/profile-plans.ts';
import { DeviceStatus } from '../src/status.ts';
import { counterUids, formatMsg, names, recordingEngine, until } from './helpers.ts';

const events = (docs: ReturnType<typeof recordingEngine>['docs']) =>
  docs.filter(([n]) => n === 'event').map(([, d]) => d as Event);
const stopDoc = (docs: ReturnType<typeof recordingEngine>['docs']) =>
  docs.filter(([n]) => n === 'stop').map(([, d]) => d as RunStop);

describe('pause and resume', () => {
  it('an immediate pause during a move stops the motor; resume rewinds to the checkpoint and re-issues the move', async () => {
    const { RE, clock, docs, devices } = recordingEngine({ motorDelay: 1 });
    const { det, motor } = devices;
    const done = RE.run(scan([det], motor, 0, 2, 3));
    await until(() => motor.isMoving, 'the first move');
    await RE.requestPause();
    assert.equal(RE.state, 'paused');
    assert.equal(motor.calls.stop, 1, 'pausing stops what the plan moved');
    assert.equal(motor.isMoving, false);
    assert.equal(motor.calls.set, 1);

    await RE.resume();
    assert.equal(motor.calls.set, 2, 'the move since the last checkpoint is issued again');
    while ((RE.state as string) !== 'idle') {
      await until(() => motor.isMoving || RE.state === 'idle', 'the next move or the end');
      clock.advance(1);
    }
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(
      events(docs).map((e) => [e.seq_num, e.data.motor]),
      [
        [1, 0],
        [2, 1],
        [3, 2],
      ],
    );
    assert.equal(motor.position, 2);
  });

  it('a deferred pause waits for the next checkpoint, after the event in progress', async () => {
    const { RE, docs, devices, messages } = recordingEngine();
    let asked = false;
    RE.msgHook = (m) => {
      messages.push(m);
      if (!asked && m.command === 'trigger') {
        asked = true;
        void RE.requestPause(true);
      }
    };
    const done = RE.run(count([devices.det], 3));
    await until(() => RE.state === 'paused', 'the deferred pause');
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event']);
    assert.equal(messages.at(-1)?.command, 'checkpoint', 'paused on a checkpoint');
    await RE.resume();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(
      events(docs).map((e) => e.seq_num),
      [1, 2, 3],
    );
  });

  it('a pause requested mid-event holds the next message; resume replays the half-made event so no point is lost or doubled', async () => {
    const { RE, docs, devices, messages } = recordingEngine();
    let reads = 0;
    RE.msgHook = (m) => {
      messages.push(m);
      if (m.command === 'read' && ++reads === 3) void RE.requestPause(); // det1's read in the second shot
    };
    const done = RE.run(count([devices.det1, devices.det2], 2));
    await until(() => RE.state === 'paused', 'the pause');
    assert.equal(events(docs).length, 1);
    assert.equal(devices.det1.calls.trigger, 2);
    await RE.resume();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(devices.det1.calls.trigger, 3, 'the interrupted shot was triggered again');
    assert.deepEqual(
      events(docs).map((e) => e.seq_num),
      [1, 2],
    );
  });

  it('a pause where no checkpoint allows resuming aborts the run instead', async () => {
    const { RE, docs, clock, devices } = recordingEngine();
    function* plan(): SyncPlan<void> {
      yield* clear_checkpoint();
      yield* trigger_and_read([devices.det]);
      yield* sleep(5);
    }
    const done = RE.run(stage_wrapper(run_wrapper(plan()), [devices.det]));
    await until(() => clock.pending > 0, 'the sleep');
    await RE.requestPause();
    const result = await done;
    assert.equal(result.exitStatus, 'abort');
    assert.equal(RE.state, 'idle');
    assert.equal(
      stopDoc(docs)[0].exit_status,
      'fail',
      'run_wrapper closes the run on the FailedPause it is thrown',
    );
    assert.equal(devices.det.staged, false);
  });

  it('refuses requests the state does not allow', async () => {
    const RE = new RunEngine();
    await assert.rejects(RE.resume(), TransitionError);
    await assert.rejects(RE.requestPause(), TransitionError);
    await assert.rejects(RE.stop(), TransitionError);
    assert.equal(RE.state, 'idle');
  });
});

describe('stop, abort and halt', () => {
  it('stop while paused lets the plan clean up and closes its run as a success', async () => {
    const { RE, clock, docs, devices, messages } = recordingEngine();
    const done = RE.run(count([devices.det], 3, 10));
    await until(() => clock.pending > 0, 'the delay after the first shot');
    await RE.requestPause();
    assert.equal(RE.state, 'paused');
    await RE.stop();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(result.interrupted, true);
    assert.equal(RE.state, 'idle');
    assert.deepEqual(
      stopDoc(docs).map((s) => [s.exit_status, s.num_events]),
      [['success', { primary: 1 }]],
    );
    assert.deepEqual(messages.slice(-2).map(formatMsg), [
      'close_run None [] exit_status="success" reason=null',
      'unstage det [] group=G',
    ]);
    assert.equal(devices.det.staged, false);
  });

  it('abort while running closes the run with exit_status abort and still unstages', async () => {
    const { RE, clock, docs, devices } = recordingEngine();
    const done = RE.run(count([devices.det], 3, 10));
    await until(() => clock.pending > 0, 'the delay after the first shot');
    await RE.abort('beam lost');
    const result = await done;
    assert.equal(result.exitStatus, 'abort');
    assert.equal(result.reason, 'beam lost');
    assert.equal(stopDoc(docs)[0].exit_status, 'abort');
    assert.equal(devices.det.calls.unstage, 1);
    assert.equal(RE.state, 'idle');
  });

  it('halt gives the plan no clean-up, but the engine stops the motor, unstages and closes the run (abort)', async () => {
    const { RE, docs, devices, messages } = recordingEngine({ motorDelay: 1 });
    const { det, motor } = devices;
    const done = RE.run(scan([det], motor, 0, 1, 2));
    await until(() => motor.isMoving, 'the first move');
    await RE.halt();
    const result = await done;
    assert.equal(result.exitStatus, 'abort');
    assert.ok(
      !messages.some((m) => m.command === 'unstage' || m.command === 'close_run'),
      'the plan yielded no clean-up',
    );
    assert.equal(motor.calls.stop, 1);
    assert.equal(motor.isMoving, false);
    assert.equal(det.calls.unstage, 1);
    assert.equal(motor.calls.unstage, 1);
    assert.deepEqual(
      stopDoc(docs).map((s) => s.exit_status),
      ['abort'],
    );
    assert.equal(RE.state, 'idle');
  });
});

describe('failures', () => {
  it('a plan that throws ends its run with exit_status fail and the reason', async () => {
    const { RE, docs, devices } = recordingEngine();
    function* plan(): SyncPlan<void> {
      yield* trigger_and_read([devices.det]);
      throw new Error('sample holder jammed');
    }
    const result = await RE.run(stage_wrapper(run_wrapper(plan()), [devices.det]));
    assert.equal(result.exitStatus, 'fail');
    assert.equal(result.reason, 'sample holder jammed');
    assert.equal((result.error as Error).message, 'sample holder jammed');
    assert.deepEqual(
      stopDoc(docs).map((s) => [s.exit_status, s.reason, s.num_events]),
      [['fail', 'sample holder jammed', { primary: 1 }]],
    );
    assert.equal(devices.det.staged, false);
    assert.equal(RE.state, 'idle');
  });

  it('a detector whose read throws fails the run, drops the half-made event, and unstages', async () => {
    const { RE, docs, devices } = recordingEngine();
    const broken = {
      name: 'broken',
      read(): Record<string, Reading> {
        throw new Error('detector on fire');
      },
      describe: () => ({ broken: { source: 'SIM:broken', dtype: 'number' as const, shape: [] } }),
    };
    const result = await RE.run(count([devices.det, broken], 2));
    assert.equal(result.exitStatus, 'fail');
    assert.deepEqual(names(docs), ['start', 'stop']);
    assert.equal(stopDoc(docs)[0].reason, 'detector on fire');
    assert.equal(devices.det.calls.unstage, 1);
    assert.equal(RE.state, 'idle');
  });

  it('a move whose status fails raises FailedStatus at its wait', async () => {
    const { RE, docs, devices } = recordingEngine();
    const stuck = {
      name: 'stuck',
      position: 0,
      set: () => DeviceStatus.failed(new Error('limit switch')),
      read: () => ({}),
      describe: () => ({}),
    };
    const result = await RE.run(scan([devices.det], stuck, 0, 1, 2));
    assert.equal(result.exitStatus, 'fail');
    assert.ok(result.error instanceof FailedStatus);
    assert.match(stopDoc(docs)[0].reason, /limit switch/);
  });

  it('a plan that yields garbage or an unknown command fails cleanly and the engine is idle again', async () => {
    const { RE } = recordingEngine();
    function* garbage(): SyncPlan<void> {
      yield 42 as never;
    }
    const bad = await RE.run(garbage());
    assert.equal(bad.exitStatus, 'fail');
    assert.match(bad.reason, /yielded 42, not a message/);
    function* unknown(): SyncPlan<void> {
      yield msg('teleport' as never);
    }
    const unknownResult = await RE.run(unknown());
    assert.ok(unknownResult.error instanceof InvalidCommand);
    assert.equal(RE.state, 'idle');
    assert.equal((await RE.run(count([]))).exitStatus, 'success', 'the engine runs the next plan');
  });
});

describe('metadata, runs and subscriptions', () => {
  it('scan_id persists across plans; metadata merges RE.md < plan < call', async () => {
    const { RE, docs, devices } = recordingEngine({ md: { beamline: 'TST', owner: 'md' } });
    await RE.run(count([devices.det], 1, 0, { md: { owner: 'plan', sample: 'Si' } }));
    await RE.run(count([devices.det]), { md: { sample: 'Ge' } });
    const starts = docs.filter(([n]) => n === 'start').map(([, d]) => d as Record<string, unknown>);
    assert.deepEqual(
      starts.map((s) => [s.scan_id, s.beamline, s.owner, s.sample]),
      [
        [1, 'TST', 'plan', 'Si'],
        [2, 'TST', 'md', 'Ge'],
      ],
    );
    assert.equal(RE.md.scan_id, 2);
  });

  it('runs with different run keys interleave, each with its own documents', async () => {
    const { RE, docs, devices } = recordingEngine();
    function* plan(): SyncPlan<void> {
      for (const run of ['a', 'b']) yield msg('open_run', null, [], { purpose: run }, run);
      for (const run of ['a', 'b', 'a']) {
        yield msg('create', null, [], { name: 'primary' }, run);
        yield msg('read', devices.det, [], {}, run);
        yield msg('save', null, [], {}, run);
      }
      for (const run of ['b', 'a']) yield msg('close_run', null, [], {}, run);
    }
    const lists: string[] = [];
    RE.onRuns((runs) =>
      lists.push(runs.map((r) => `${r.scan_id}:${r.is_open ? 'open' : r.exit_status}`).join(' ')),
    );
    const result = await RE.run(plan());
    assert.equal(result.runStartUids.length, 2);
    assert.deepEqual(result.scanIds, [1, 2]);
    // The run list as the queue server publishes it (re_runs): each change, then cleared at the end.
    assert.deepEqual(lists, ['1:open', '1:open 2:open', '1:open 2:success', '1:success 2:success', '']);
    assert.deepEqual(RE.runs, []);
    const stops = stopDoc(docs);
    assert.deepEqual(
      stops.map((s) => [s.run_start, s.num_events]),
      [
        [result.runStartUids[1], { primary: 1 }],
        [result.runStartUids[0], { primary: 2 }],
      ],
    );
  });

  it("the simulated profile's sim_multirun_plan_nested: a run nested in another, each with its own events", async () => {
    const { RE, clock, docs, devices } = recordingEngine();
    let finished = false;
    const done = RE.run(profilePlans(devices).sim_multirun_plan_nested(3, 1)).then((r) => {
      finished = true;
      return r;
    });
    await until(() => {
      if (clock.pending) clock.advance(1);
      return finished;
    }, 'the plan finishing');
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    const [outer, inner] = result.runStartUids;
    assert.deepEqual(
      stopDoc(docs).map((s) => [s.run_start, s.num_events]),
      [
        [inner, { primary: 4 }],
        [outer, { primary: 3 }],
      ],
    );
  });

  it('a subscriber that never keeps up does not stall acquisition; its overflow is counted', async () => {
    const clockless = new RunEngine({ uid: counterUids(), subscriberQueue: 3 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowSeen: string[] = [];
    const slow = clockless.subscribe(async (name) => {
      slowSeen.push(name);
      await gate;
    });
    const fastSeen: string[] = [];
    clockless.subscribe((name) => {
      fastSeen.push(name);
    });
    let idle = false;
    clockless.onState((s) => {
      if (s === 'idle') idle = true;
    });
    const { devices } = recordingEngine();
    const done = clockless.run(count([devices.det], 20));
    await until(() => idle, 'the plan finishing while the slow subscriber is blocked');
    await until(() => fastSeen.length === 23, 'the fast subscriber receiving every document');
    assert.deepEqual(slowSeen, ['start']);
    assert.equal(clockless.dropped(slow), 23 - 1 - 3, 'one in its callback, three queued, the rest dropped');
    release();
    await done;
    assert.equal(slowSeen.length, 4);
  });

  it('runs async generator plans', async () => {
    const { RE, docs, devices } = recordingEngine();
    async function* plan() {
      yield msg('open_run');
      await Promise.resolve();
      yield msg('create', null, [], { name: 'primary' });
      yield msg('read', devices.det);
      yield msg('save');
      yield msg('close_run');
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event', 'stop']);
  });

  it('monitor emits a descriptor at once and an event per update, until unmonitor', async () => {
    const { RE, docs } = recordingEngine();
    const listeners = new Set<(r: Record<string, Reading>) => void>();
    const current = {
      name: 'ring_current',
      read: () => ({ ring_current: { value: 400, timestamp: 1 } }),
      describe: () => ({
        ring_current: { source: 'PV:current', dtype: 'number' as const, shape: [], units: 'mA' },
      }),
      subscribe(cb: (r: Record<string, Reading>) => void) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    };
    const post = (value: number) => {
      for (const cb of listeners) cb({ ring_current: { value, timestamp: value } });
    };
    let subscribed = false;
    function* plan(): SyncPlan<void> {
      yield msg('open_run');
      yield msg('monitor', current);
      subscribed = true;
      yield msg('null');
      post(399);
      post(398);
      yield msg('null');
      yield msg('unmonitor', current);
      post(1);
      yield msg('close_run');
    }
    await RE.run(plan());
    assert.ok(subscribed);
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event', 'event', 'stop']);
    const descriptor = docs[1][1] as { name: string; data_keys: Record<string, { units?: string }> };
    assert.equal(descriptor.name, 'ring_current_monitor');
    assert.equal(descriptor.data_keys.ring_current.units, 'mA');
    assert.deepEqual(
      events(docs).map((e) => [e.seq_num, e.data.ring_current]),
      [
        [1, 399],
        [2, 398],
      ],
    );
    assert.equal(listeners.size, 0);
  });
});

describe('other commands', () => {
  it('declare_stream emits the descriptor before any event; locate, wait_for and kickoff/complete answer the plan', async () => {
    const { RE, docs, devices } = recordingEngine();
    const answers: unknown[] = [];
    let kicked = 0;
    const flyer = {
      name: 'flyer',
      kickoff: () => {
        kicked++;
        return DeviceStatus.done();
      },
      complete: () => DeviceStatus.done(),
    };
    function* plan(): SyncPlan<void> {
      yield msg('open_run');
      answers.push(
        ((yield msg('declare_stream', null, [devices.det], { name: 'primary' })) as { name: string }).name,
      );
      yield msg('set', devices.motor, [2.5], { group: 'a' });
      yield msg('wait', null, [], { group: 'a' });
      answers.push(yield msg('locate', devices.motor));
      answers.push(yield msg('wait_for', null, [[async () => 'ready', () => Promise.resolve(7)]]));
      yield msg('kickoff', flyer, [], { group: 'fly' });
      yield msg('complete', flyer, [], { group: 'fly' });
      yield msg('wait', null, [], { group: 'fly' });
      yield* trigger_and_read([devices.det]);
      yield msg('close_run');
    }
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event', 'stop']);
    assert.deepEqual(answers, ['primary', { setpoint: 2.5, readback: 2.5 }, ['ready', 7]]);
    assert.equal(kicked, 1);
  });

  it('fly collects a flyer into one event page of its stream; collect hands the plan its events', async () => {
    const { RE, docs, devices } = recordingEngine();
    const result = await RE.run(fly([devices.trivial_flyer]));
    assert.equal(result.exitStatus, 'success');
    assert.deepEqual(names(docs), ['start', 'descriptor', 'event_page', 'stop']);
    const page = docs[2][1] as EventPage;
    assert.deepEqual(
      page.seq_num,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.equal(page.descriptor, (docs[1][1] as { uid: string }).uid);
    assert.deepEqual(stopDoc(docs)[0].num_events, { stream_name: 100 });
    let payload: unknown;
    function* plan(): SyncPlan<void> {
      yield msg('open_run');
      payload = yield* collect(devices.trivial_flyer);
      yield msg('close_run');
    }
    await RE.run(plan());
    assert.equal((payload as unknown[]).length, 100);
  });

  it('wait_for with a timeout fails the plan when the awaitable does not finish', async () => {
    const { RE, clock } = recordingEngine();
    function* plan(): SyncPlan<void> {
      yield msg('wait_for', null, [[() => new Promise(() => {})]], { timeout: 3 });
    }
    const done = RE.run(plan());
    await until(() => clock.pending > 0, 'the timeout timer');
    clock.advance(3);
    const result = await done;
    assert.equal(result.exitStatus, 'fail');
    assert.equal((result.error as Error).name, 'WaitForTimeoutError');
  });
});

describe('a plan that never waits', () => {
  it('still lets stop in: the engine gives the event loop turns between messages', async () => {
    const { RE } = recordingEngine();
    let yielded = 0;
    function* forever(): SyncPlan<void> {
      for (;;) {
        yielded++;
        yield msg('null');
      }
    }
    const done = RE.run(forever());
    await until(() => yielded > 1000, 'the plan running');
    await RE.stop();
    const result = await done;
    assert.equal(result.exitStatus, 'success');
    assert.equal(RE.state, 'idle');
  });

  it('a long synchronous count reaches a subscriber with a small queue without drops', async () => {
    const { devices } = recordingEngine();
    const RE = new RunEngine({ uid: counterUids(), subscriberQueue: 20_000 });
    let seen = 0;
    const token = RE.subscribe(() => {
      seen++;
    });
    await RE.run(count([devices.det], 30_000));
    assert.equal(RE.dropped(token), 0);
    assert.equal(seen, 30_003);
  });
});

describe('supplemental data', () => {
  it("RE.preprocessors adds baseline readings at each run's start and end, and monitors during it; rd reads one value", async () => {
    const { RE, docs, devices } = recordingEngine();
    RE.preprocessors.push(new SupplementalData({ baseline: [devices.motor1], monitors: [devices.sig] }));
    const values: unknown[] = [];
    function* plan(): SyncPlan<void> {
      yield* run_wrapper(
        (function* () {
          devices.sig.put(5); // a monitored change while the run is open
          yield* trigger_and_read([devices.det]);
          values.push(yield* rd(devices.det), yield* rd(devices.motor1));
        })(),
      );
    }
    devices.motor1.set(0.5);
    const result = await RE.run(plan());
    assert.equal(result.exitStatus, 'success');
    const descriptors = docs.filter(([n]) => n === 'descriptor').map(([, d]) => (d as { name: string }).name);
    assert.deepEqual(descriptors, ['baseline', 'sig_monitor', 'primary']);
    const stop = stopDoc(docs)[0];
    assert.deepEqual(stop.num_events, { baseline: 2, sig_monitor: 1, primary: 1 });
    assert.deepEqual(values, [1, 0.5]);
  });
});

describe('devices that never finish', () => {
  it('a wait with a timeout fails the plan when a move never completes; the run closes fail and the motor is stopped', async () => {
    const { RE, clock, docs } = recordingEngine();
    let stops = 0;
    const stuck = {
      name: 'stuck',
      position: 0,
      set: () => new DeviceStatus(new Promise(() => {})),
      stop: () => {
        stops++;
      },
    };
    const done = RE.run(run_wrapper(mv(stuck, 1, { timeout: 2 })));
    await until(() => clock.pending > 0, 'the wait timing out');
    clock.advance(2);
    const result = await done;
    assert.equal(result.exitStatus, 'fail');
    assert.equal((result.error as Error).name, 'WaitForTimeoutError');
    assert.equal(stopDoc(docs).at(-1)?.exit_status, 'fail');
    assert.equal(stops, 1);
    assert.equal(RE.state, 'idle');
  });

  it('a failing status ends the wait at once, without waiting for the rest of its group', async () => {
    const { RE } = recordingEngine();
    const slow = { name: 'slow', set: () => new DeviceStatus(new Promise(() => {})) };
    const broken = { name: 'broken', set: () => DeviceStatus.failed(new Error('amplifier fault')) };
    const result = await RE.run(mv(slow, 1, broken, 2));
    assert.equal(result.exitStatus, 'fail');
    assert.match(result.reason, /amplifier fault/);
  });
});
