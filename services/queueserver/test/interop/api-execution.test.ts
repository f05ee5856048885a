/**
 * bluesky-queueserver-api runs things on our queue server over 0MQ and HTTP (spec §16.23, 16.28,
 * 16.32, 16.34, 16.35, 16.39): a failing plan uploaded as a TypeScript module, the console monitor's
 * live table, background functions and their results, immediate execution, re_runs during a plan,
 * and locks. Needs the venv of scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { removeDir, startTestQueueServer } from '../harness.ts';
import { CLIENT_USER, type Observed, runScenario, transportArgs } from './scenario.ts';

function checkExecution(out: Observed, user: string): void {
  assert.equal(out.upload_result, true);
  assert.equal(out.failing_plan_allowed, true);
  assert.deepEqual(out.failure, {
    queue: ['failing_plan', 'count'],
    front_has_new_uid: true,
    front_result_status: 'failed',
    history: [
      ['count', 'completed'],
      ['failing_plan', 'failed'],
    ],
    msg: 'Plan failed: The failing plan failed on purpose',
    traceback_names_the_error: true,
  });

  assert.deepEqual(out.console, {
    header: '|   seq_num |       time |       det1 |       det2 |',
    rows: 3,
    failure_printed: true,
  });

  assert.deepEqual(out.tasks, {
    uid_is_item_uid: [true, true, true],
    status_of_one: 'running',
    status_of_list: ['running'],
    background_tasks: 3,
    result: ['completed', true, { success: true, time: 2 }],
    unknown: ['not_found', {}],
  });

  assert.deepEqual(out.execute, {
    qsize: 1,
    manager_state: 'executing_queue',
    queue_uid_changed: true,
    running_uid: true,
    runs: [1, 1, 0],
    run_list_uid: true,
    after: [1, 'count'],
    busy: ['Failed to start execution of the item: RE Manager is busy.', null],
  });

  const { locks } = out;
  assert.deepEqual(locks.info, {
    environment: true,
    queue: false,
    user,
    note: 'maintenance',
    emergency_lock_key_is_set: false,
  });
  assert.deepEqual(locks.info_types, ['float', 'str']);
  for (const refused of [
    locks.close_without_key,
    locks.lock_info_wrong_key,
    locks.unlock_wrong_key,
    locks.clear_without_key,
  ])
    assert.match(refused, new RegExp(`^Error: Invalid lock key: \\nRE Manager is locked by ${user} at `));
  assert.match(locks.close_without_key, /Environment is locked: True\nQueue is locked: {7}False/);
  assert.match(locks.clear_without_key, /Environment is locked: False\nQueue is locked: {7}True/);
  assert.equal(locks.queue_add_without_key, true);
  assert.equal(locks.lock_info_with_key, true);
  assert.equal(locks.clear_with_key, true);
  assert.equal(locks.add_with_default_key, true);
  assert.deepEqual(locks.after_unlock, [false, false]);
}

describe('bluesky-queueserver-api runs plans, functions and locks', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) removeDir(dir);
  });

  for (const transport of ['zmq', 'http'] as const) {
    it(`over ${transport === 'zmq' ? '0MQ' : 'HTTP'}`, async () => {
      const qs = await startTestQueueServer();
      dirs.push(qs.dataDir);
      try {
        checkExecution(
          await runScenario('execution_scenario.py', transportArgs(qs, transport)),
          CLIENT_USER[transport],
        );
      } finally {
        await qs.close();
      }
    });
  }
});
