/**
 * Acceptance checks of request validation on a real server and worker (spec §16.3, 16.8): every
 * method of §2.1's list refuses a parameter it does not know, manager_kill included (it refuses
 * rather than freezing), and a restricted group's custom device enums are checked at submission
 * while a plan without device annotations is accepted and fails only when it runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caller, idle, type Reply, until } from './acceptance-flow.ts';
import { type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';

/** §2.1: the methods that must refuse `{"unsupported_param": 10}` (the reference's own test list, and the later ones). */
const VALIDATING = [
  'plans_allowed', 'devices_allowed', 'permissions_reload', 'permissions_get', 'permissions_set',
  'queue_get', 'queue_mode_set', 'queue_item_add', 'queue_item_add_batch', 'queue_item_update',
  'queue_item_get', 'queue_item_remove', 'queue_item_remove_batch', 'queue_item_move',
  'queue_item_move_batch', 'queue_item_execute', 'queue_clear', 'history_get', 'history_clear',
  'environment_open', 'environment_close', 'environment_destroy', 'environment_update', 'queue_start',
  'queue_stop', 'queue_stop_cancel', 'queue_autostart', 'kernel_interrupt', 're_pause', 're_resume',
  're_stop', 're_abort', 're_halt', 're_runs', 'manager_stop', 'manager_kill', 'lock', 'lock_info',
  'unlock', 'config_get', 'plans_existing', 'devices_existing', 'task_status', 'task_result',
  'script_upload', 'function_execute', 're_metadata', 'config_service_diff', 'config_service_sync',
]; // biome-ignore format: one list, as the spec gives it

const TEST_USER = { user: 'acceptance', user_group: 'test_user' };

describe('request validation (§16.3, 16.8)', () => {
  let qs: RunningQueueServer;
  let call: ReturnType<typeof caller>;
  before(async () => {
    qs = await startTestQueueServer();
    call = caller(qs);
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
  });

  it('refuses an unsupported parameter in every method of §2.1, and manager_kill does not freeze (§16.3)', async () => {
    const before = await call('status');
    for (const method of VALIDATING) {
      const reply = await call(method, { unsupported_param: 10 });
      assert.equal(reply.success, false, method);
      assert.match(String(reply.msg), /unsupported parameters: 'unsupported_param'/, method);
      assert.match(String(reply.msg), /Supported parameters: \[/, method);
    }
    // Nothing was done: the manager answers, idle, with the same queue and no environment.
    const after = await call('status');
    assert.equal(after.manager_state, 'idle');
    assert.equal(after.worker_environment_exists, false);
    assert.equal(after.plan_queue_uid, before.plan_queue_uid);
  });

  it("checks a restricted group's custom device enum at submission; an unannotated plan fails at run time (§16.8)", async () => {
    // test_user may not use det3: count_bundle_test's DetList names it, so the list shrinks for the group.
    const refused = await call('queue_item_add', {
      item: { item_type: 'plan', name: 'count_bundle_test', args: [['det3']] },
      ...TEST_USER,
    });
    assert.equal(refused.success, false);
    assert.match(refused.msg, /Plan validation failed/);
    assert.match(refused.msg, /det3/);
    assert.equal((await call('queue_get')).items.length, 0);
    // A forbidden motor through grid_scan's unannotated `args` passes submission …
    const accepted = await call('queue_item_add', {
      item: { item_type: 'plan', name: 'grid_scan', args: [['det1'], 'motor1', -1, 1, 3] },
      ...TEST_USER,
    });
    assert.equal(accepted.success, true, accepted.msg);
    // … and fails when it runs: 'motor1' stays a name for this group, which the scan cannot move.
    await call('environment_open');
    await until(qs, (s: Reply) => s.worker_environment_exists && s.manager_state === 'idle');
    assert.equal((await call('queue_start')).success, true);
    await until(qs, (s: Reply) => s.manager_state === 'executing_queue');
    const done = await idle(qs);
    const history = await call('history_get');
    const last = history.items.at(-1);
    assert.equal(last.name, 'grid_scan');
    assert.equal(last.result.exit_status, 'failed');
    assert.match(last.result.msg, /motor1 cannot set/);
    assert.equal(done.items_in_queue, 1, 'the failed item is back in the queue');
    assert.equal((await call('queue_get')).items[0].name, 'grid_scan');
    await call('environment_close');
    await until(qs, (s: Reply) => !s.worker_environment_exists && s.manager_state === 'idle');
  });
});
