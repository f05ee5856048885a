/**
 * The manager's pure core fed by hand, the worker played by the test: boot status, the queue loop and
 * the outcome matrix of spec §6.5, the queue_stop instruction, loop mode, destroy while running,
 * immediate execution, the UID rules of §6.7 and the restart rule of §13.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Effect } from '../src/manager/effects.ts';
import { Manager, type Restored } from '../src/manager/manager.ts';
import { unlockedState } from '../src/manager/runtime.ts';
import { DEFAULT_QUEUE_MODE, type PlanReport, type QueueItem } from '../src/manager/types.ts';
import { DEFAULT_PERMISSIONS } from '../src/permissions/permissions.ts';
import { describeNamespace } from '../src/worker/namespace.ts';
import { simProfileNamespace } from '../src/worker/sim-profile.ts';

const LISTS = describeNamespace(simProfileNamespace());
const USER = { user: 'Queue Server API User', user_group: 'primary' };
const count = (num = 1) => ({ item_type: 'plan', name: 'count', args: [['det1']], kwargs: { num } });
const STOP = { item_type: 'instruction', name: 'queue_stop' };

function makeManager(restored: Partial<Restored> = {}) {
  let uid = 0;
  let clock = 1000;
  const manager = new Manager(
    {
      now: () => (clock += 0.25),
      newUid: () => `uid-${++uid}`,
      version: 'RE Manager v1.0.0',
      permissionsReload: 'ON_STARTUP',
      readPermissionsFile: () => structuredClone(DEFAULT_PERMISSIONS),
      readExistingLists: () => ({ plans: LISTS.plans_existing, devices: LISTS.devices_existing }),
    },
    {
      queue: [],
      history: [],
      running: null,
      queueMode: { ...DEFAULT_QUEUE_MODE },
      lock: null,
      permissions: null,
      ...restored,
    },
    unlockedState('lock-0'),
  );
  manager.drain();
  return manager;
}

/** Opens the environment as a worker would answer. */
function openEnvironment(manager: Manager): void {
  assert.equal(manager.command('environment_open', {}).reply.success, true);
  manager.event({
    kind: 'worker',
    message: {
      type: 'ready',
      plans_existing: LISTS.plans_existing,
      devices_existing: LISTS.devices_existing,
      re_present: true,
      functions: [],
    },
  });
}

const add = (manager: Manager, item: object, extra: object = {}) =>
  manager.command('queue_item_add', { item, ...USER, ...extra }).reply;

/** The uid of the plan the last effects asked the worker to start. */
function started(effects: Effect[]): string | undefined {
  const start = effects.find((e) => e.kind === 'start_plan');
  return start?.kind === 'start_plan' ? start.item.item_uid : undefined;
}

function finish(manager: Manager, state: PlanReport['plan_state'], err_msg = ''): Effect[] {
  const running = manager.data.running as QueueItem;
  return manager.event({
    kind: 'worker',
    message: {
      type: 'plan_report',
      item_uid: running.item_uid,
      report: {
        plan_state: state,
        uids: ['run-a'],
        scan_ids: [7],
        err_msg,
        traceback: err_msg ? 'trace' : '',
      },
    },
  });
}

const counts = (m: Manager) => [m.data.queue.length, m.data.history.length];

describe('queue manager core', () => {
  it('boots idle with the status of spec §16.1', () => {
    const status = makeManager().status();
    assert.equal(status.msg, 'RE Manager v1.0.0');
    assert.equal(status.manager_state, 'idle');
    assert.equal(status.items_in_queue, 0);
    assert.equal(status.running_item_uid, null);
    assert.equal(status.worker_environment_exists, false);
    assert.equal(status.worker_environment_state, 'closed');
    assert.equal(status.re_state, null);
    assert.equal(status.pause_pending, false);
    assert.deepEqual(status.plan_queue_mode, { loop: false, ignore_failures: false });
    assert.deepEqual(status.lock, { environment: false, queue: false });
    assert.equal(typeof status.plan_queue_uid, 'string');
  });

  it('answers unknown methods and unsupported parameters with the reference texts', () => {
    const manager = makeManager();
    assert.deepEqual(manager.command('no_such_method', {}).reply, {
      success: false,
      msg: "Unknown method 'no_such_method'",
    });
    const reply = manager.command('queue_get', { unsupported_param: 10 }).reply;
    assert.equal(reply.success, false);
    assert.match(String(reply.msg), /API request contains unsupported parameters: 'unsupported_param'/);
  });

  it('runs the queue to the end and records completed plans (§16.19)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    add(manager, count());
    add(manager, count(2));
    const first = started(manager.command('queue_start', {}).effects);
    assert.ok(first);
    assert.equal(manager.data.state, 'executing_queue');
    assert.deepEqual(counts(manager), [1, 0]);
    assert.ok(started(finish(manager, 'completed')));
    finish(manager, 'completed');
    assert.equal(manager.data.state, 'idle');
    assert.deepEqual(counts(manager), [0, 2]);
    const result = manager.data.history[0].result;
    assert.equal(result.exit_status, 'completed');
    assert.deepEqual(result.run_uids, ['run-a']);
    assert.ok(result.time_start < result.time_stop);
    assert.equal(manager.data.history[0].properties, undefined);
  });

  it('puts a failed plan back at the front with a new uid and stops (§16.23)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    add(manager, count());
    add(manager, count(2));
    add(manager, count(3));
    manager.command('queue_start', {});
    finish(manager, 'completed');
    const failing = manager.data.running as QueueItem;
    finish(manager, 'failed', 'Plan failed: boom');
    assert.equal(manager.data.state, 'idle');
    assert.deepEqual(counts(manager), [2, 2]);
    const front = manager.data.queue[0];
    assert.notEqual(front.item_uid, failing.item_uid);
    assert.equal(front.result?.exit_status, 'failed');
    assert.equal(manager.data.history[1].result.msg, 'Plan failed: boom');
  });

  it('continues past failures with ignore_failures (§16.23)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    manager.command('queue_mode_set', { mode: { ignore_failures: true } });
    add(manager, count());
    add(manager, count(2));
    add(manager, count(3));
    manager.command('queue_start', {});
    finish(manager, 'completed');
    finish(manager, 'failed', 'Plan failed: boom');
    finish(manager, 'completed');
    assert.deepEqual(counts(manager), [0, 3]);
  });

  for (const [option, state, expected] of [
    ['re_resume', 'completed', [0, 2]],
    ['re_stop', 'stopped', [1, 1]],
    ['re_abort', 'aborted', [2, 1]],
    ['re_halt', 'halted', [2, 1]],
  ] as const) {
    it(`pause then ${option} leaves (queue, history) = (${expected}) (§16.26)`, () => {
      const manager = makeManager();
      openEnvironment(manager);
      add(manager, count(3));
      add(manager, count(3));
      manager.command('queue_start', {});
      manager.event({ kind: 'worker', message: { type: 're_state', state: 'running' } });
      assert.equal(manager.command('re_pause', { option: 'immediate' }).reply.success, true);
      assert.equal(manager.data.pausePending, true);
      finish(manager, 'paused');
      assert.equal(manager.data.state, 'paused');
      assert.equal(manager.data.pausePending, false);
      const { reply, effects } = manager.command(option, {});
      assert.equal(reply.success, true);
      assert.deepEqual(effects, [{ kind: 'send', message: { type: 'continue', option: option.slice(3) } }]);
      finish(manager, state);
      if (state === 'completed') finish(manager, 'completed');
      assert.equal(manager.data.state, 'idle');
      assert.deepEqual(counts(manager), expected);
      assert.equal(manager.data.history[0].result.exit_status, state);
    });
  }

  it('refuses re control in the wrong state with the reference texts (§16.27)', () => {
    const manager = makeManager();
    assert.equal(
      manager.command('re_pause', {}).reply.msg,
      'Environment does not exist. Can not pause Run Engine.',
    );
    openEnvironment(manager);
    assert.equal(
      manager.command('re_pause', {}).reply.msg,
      "Run engine can be paused only in 'running' state. Current state: 'idle'",
    );
    assert.match(
      String(manager.command('re_pause', { option: 'x' }).reply.msg),
      /Option 'x' is not supported/,
    );
    assert.equal(
      manager.command('re_resume', {}).reply.msg,
      "RE Manager is not paused: current state is 'idle'",
    );
  });

  it('stops at queue_stop instructions: [stop, p1, stop, p2] (§16.21)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    for (const item of [STOP, count(), STOP, count(2)]) add(manager, item);
    manager.command('queue_start', {});
    assert.deepEqual(counts(manager), [3, 0]);
    manager.command('queue_start', {});
    finish(manager, 'completed');
    assert.deepEqual(counts(manager), [1, 1]);
    manager.command('queue_start', {});
    finish(manager, 'completed');
    assert.deepEqual(counts(manager), [0, 2]);
  });

  it('keeps the items going round in loop mode (§16.24)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    manager.command('queue_mode_set', { mode: { loop: true } });
    for (const item of [count(), count(2), STOP]) add(manager, item);
    manager.command('queue_start', {});
    finish(manager, 'completed');
    finish(manager, 'completed');
    assert.deepEqual(counts(manager), [3, 2]);
    assert.equal(manager.data.state, 'idle');
  });

  it('records a plan running when the environment is destroyed, and queues it again (§16.18)', () => {
    const manager = makeManager();
    openEnvironment(manager);
    add(manager, count());
    manager.command('queue_start', {});
    const { effects } = manager.command('environment_destroy', {});
    assert.deepEqual(effects, [{ kind: 'kill_worker' }]);
    manager.event({ kind: 'worker_exited', code: null, signal: 'SIGKILL' });
    assert.equal(manager.data.state, 'idle');
    assert.equal(manager.data.worker.exists, false);
    assert.deepEqual(counts(manager), [1, 1]);
    assert.equal(manager.data.history[0].result.msg, 'RE Worker environment was destroyed');
    assert.equal(manager.status().re_state, null);
  });

  it('runs an item now without touching the queue (§16.28)', () => {
    const manager = makeManager();
    assert.equal(
      manager.command('queue_item_execute', { item: count(), ...USER }).reply.msg,
      'Failed to start execution of the item: RE Worker environment does not exist.',
    );
    openEnvironment(manager);
    add(manager, count());
    const queueUid = manager.data.uids.plan_queue_uid;
    const { reply } = manager.command('queue_item_execute', { item: count(5), ...USER });
    assert.equal(reply.success, true);
    assert.equal(reply.qsize, 1);
    assert.notEqual(manager.data.uids.plan_queue_uid, queueUid);
    assert.equal(
      manager.command('queue_item_execute', { item: count(), ...USER }).reply.msg,
      'Failed to start execution of the item: RE Manager is busy.',
    );
    finish(manager, 'failed', 'Plan failed: x');
    assert.equal(manager.data.state, 'idle');
    assert.deepEqual(counts(manager), [1, 1]);
  });

  it('changes plan_queue_uid only when the queue changes (§6.7)', () => {
    const manager = makeManager();
    const uid0 = manager.data.uids.plan_queue_uid;
    const history0 = manager.data.uids.plan_history_uid;
    const item = add(manager, count()).item as QueueItem;
    const uid1 = manager.data.uids.plan_queue_uid;
    assert.notEqual(uid1, uid0);
    assert.equal(manager.data.uids.plan_history_uid, history0);
    manager.command('queue_item_move', { uid: item.item_uid, pos_dest: 'front' });
    assert.equal(manager.data.uids.plan_queue_uid, uid1);
    add(manager, { item_type: 'plan', name: 'count_test' });
    assert.equal(manager.data.uids.plan_queue_uid, uid1);
    openEnvironment(manager);
    assert.equal(manager.data.uids.plan_queue_uid, uid1);
    manager.command('queue_clear', {});
    assert.notEqual(manager.data.uids.plan_queue_uid, uid1);
  });

  it('updates an item in place, keeping or replacing its uid (§16.11)', () => {
    const manager = makeManager();
    const first = add(manager, count()).item as QueueItem;
    add(manager, count(2));
    const kept = manager.command('queue_item_update', {
      item: { ...first, kwargs: { num: 9 } },
      ...USER,
    }).reply;
    assert.equal(kept.success, true);
    assert.equal((kept.item as QueueItem).item_uid, first.item_uid);
    assert.deepEqual(manager.data.queue[0].kwargs, { num: 9 });
    const replaced = manager.command('queue_item_update', {
      item: { ...first, kwargs: { num: 4 } },
      replace: true,
      ...USER,
    });
    const newUid = (replaced.reply.item as QueueItem).item_uid;
    assert.notEqual(newUid, first.item_uid);
    assert.equal(manager.data.queue[0].item_uid, newUid);
    assert.equal(manager.data.queue.length, 2);
    const unknown = manager.command('queue_item_update', {
      item: { ...first, item_uid: 'incorrect_uid' },
      ...USER,
    }).reply;
    assert.equal(
      unknown.msg,
      "Failed to add an item: Failed to replace item: Item with UID 'incorrect_uid' is not in the queue",
    );
    const uid = manager.data.uids.plan_queue_uid;
    manager.command('queue_item_update', { item: { ...manager.data.queue[0] }, ...USER });
    assert.equal(manager.data.uids.plan_queue_uid, uid, 'an identical item changes nothing');
  });

  it('starts the queue by itself with autostart, and a failure turns it off (§16.29)', () => {
    const manager = makeManager();
    assert.equal(manager.command('queue_autostart', { enable: true }).reply.success, true);
    assert.match(String(manager.command('queue_autostart', { enable: 50 }).reply.msg), /must be boolean/);
    add(manager, count());
    assert.equal(manager.data.state, 'idle');
    openEnvironment(manager);
    assert.equal(manager.data.state, 'executing_queue');
    finish(manager, 'failed', 'Plan failed: x');
    assert.equal(manager.data.autostart, false);
  });

  it('reports a plan left running by a previous manager as unknown (§13)', () => {
    const running: QueueItem = {
      ...count(),
      ...USER,
      item_type: 'plan',
      item_uid: 'old',
      properties: { time_start: 5.5 },
    };
    const manager = makeManager({
      running,
      queue: [{ ...count(), ...USER, item_type: 'plan', item_uid: 'q1' }],
    });
    assert.equal(manager.data.running, null);
    assert.deepEqual(counts(manager), [1, 1]);
    const entry = manager.data.history[0];
    assert.equal(entry.item_uid, 'old');
    assert.equal(entry.result.exit_status, 'unknown');
    assert.equal(entry.result.msg, 'Plan exit status was lost due to restart of the RE Manager process');
  });
});
