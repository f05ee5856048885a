/**
 * The engine core on its own: events in, effects out, with no devices, timers or plans behind it.
 * This is what makes the RunEngine a pure state machine: each step here is checked by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Effect } from '../src/engine/events.ts';
import { EngineCore } from '../src/engine/state.ts';
import { RequestStop, TransitionError } from '../src/errors.ts';
import { msg } from '../src/msg.ts';
import { counterUids } from './helpers.ts';

/** Effects reduced to what a reader checks: their kind and the essential field. */
function brief(effects: Effect[]): string[] {
  return effects.map((e) => {
    switch (e.type) {
      case 'send':
        return `send ${JSON.stringify(e.value ?? null)}`;
      case 'emit':
        return `emit ${e.name}`;
      case 'io':
        return `io#${e.id} ${e.op.kind}`;
      case 'sleep':
        return `sleep#${e.id} ${e.seconds}`;
      case 'state':
        return `state ${e.state}`;
      case 'finished':
        return `finished ${e.result.exitStatus}`;
      case 'throw':
        return `throw ${(e.error as Error).name}`;
      case 'cleanup':
        return `cleanup ${e.op.kind}${e.op.kind === 'call' ? ` ${e.op.method}` : ''}`;
      default:
        return e.type;
    }
  });
}

describe('EngineCore, fed by hand', () => {
  it('pause during a sleep, then resume: the sleep is replayed and the plan gets its answer', () => {
    const core = new EngineCore({ md: {}, uid: counterUids() });
    const step = (event: Parameters<EngineCore['handle']>[0], now = 10) => brief(core.handle(event, now));

    assert.deepEqual(step({ type: 'begin', planName: 'p', planType: 'generator', md: {} }), [
      'state running',
      'send null',
    ]);
    assert.deepEqual(step({ type: 'message', msg: msg('open_run') }), ['emit start', 'runs', 'send "uid-1"']);
    assert.deepEqual(step({ type: 'message', msg: msg('checkpoint') }), ['send null']);
    assert.deepEqual(step({ type: 'message', msg: msg('sleep', null, [5]) }), ['sleep#1 5']);
    assert.deepEqual(step({ type: 'request', request: 'pause', defer: false }), [
      'state pausing',
      'cancel',
      'state paused',
    ]);
    // The cancelled sleep's completion, should it still arrive, changes nothing.
    assert.deepEqual(step({ type: 'sleep_done', id: 1 }), []);
    assert.deepEqual(step({ type: 'request', request: 'resume' }), ['state running', 'sleep#2 5']);
    assert.deepEqual(step({ type: 'sleep_done', id: 2 }), ['send null']);
    assert.deepEqual(step({ type: 'message', msg: msg('close_run') }), ['emit stop', 'runs', 'send "uid-1"']);
    assert.deepEqual(step({ type: 'plan_returned', value: 'uid-1' }), [
      'cancel',
      'runs', // the run list is cleared when the plan ends
      'state idle',
      'finished success',
    ]);
    assert.equal(core.state, 'idle');
    assert.equal(core.md.scan_id, 1);
  });

  it('stop while a set is in flight: the move is abandoned, RequestStop thrown in, the motor stopped at the end', () => {
    const core = new EngineCore({ md: { scan_id: 41 }, uid: counterUids() });
    const motor = { name: 'm', set: () => null, stop: () => {} };
    const step = (event: Parameters<EngineCore['handle']>[0]) => brief(core.handle(event, 0));
    step({ type: 'begin', planName: 'p', planType: 'generator', md: {} });
    assert.deepEqual(step({ type: 'message', msg: msg('open_run') }), ['emit start', 'runs', 'send "uid-1"']);
    assert.equal(core.md.scan_id, 42);
    assert.deepEqual(step({ type: 'message', msg: msg('set', motor, [3], { group: 'g' }) }), ['io#1 status']);
    assert.deepEqual(step({ type: 'request', request: 'stop' }), [
      'state stopping',
      'cancel',
      'throw RequestStop',
    ]);
    assert.deepEqual(step({ type: 'io_done', id: 1, value: {} }), [], 'a late answer is ignored');
    assert.deepEqual(step({ type: 'message', msg: msg('close_run', null, [], { exit_status: 'success' }) }), [
      'emit stop',
      'runs',
      'send "uid-1"',
    ]);
    assert.deepEqual(step({ type: 'plan_threw', error: new RequestStop('stop requested') }), [
      'cancel',
      'cleanup call stop',
      'runs',
      'state idle',
      'finished success',
    ]);
  });

  it("a request the state does not allow is the caller's error and changes nothing", () => {
    const core = new EngineCore({ md: {}, uid: counterUids() });
    assert.throws(() => core.handle({ type: 'request', request: 'resume' }, 0), TransitionError);
    assert.equal(core.state, 'idle');
  });
});
