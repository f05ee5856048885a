/**
 * Acceptance checks of the environment and the queue's execution on a real server and worker
 * (spec §16.16, 16.17, 16.20, 16.22, and 16.39's manager stop): open and close with their in-progress refusals, close refused
 * while the queue runs, start preconditions (including an environment without a RunEngine), and
 * queue_stop / queue_stop_cancel.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caller, countPlan, idle, type Reply, USER, until } from './acceptance-flow.ts';
import { type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

describe('environment and queue execution (§16.16, 16.17, 16.20, 16.22)', () => {
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

  it('opens and closes, refusing a second open or close while one is in progress (§16.16)', async () => {
    assert.equal((await call('queue_start')).msg, 'RE Worker environment does not exist.');
    // Back to back, the second request is handled before the worker can report anything.
    const [open, again] = await Promise.all([call('environment_open'), call('environment_open')]);
    assert.equal(open.success, true);
    assert.equal(again.success, false);
    assert.match(again.msg, /in the process of creating the RE Worker environment/);
    const ready = await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    assert.equal(ready.worker_environment_state, 'idle');
    assert.equal(ready.re_state, 'idle');
    assert.match((await call('environment_open')).msg, /already exists/);

    const [close, closeAgain] = await Promise.all([call('environment_close'), call('environment_close')]);
    assert.equal(close.success, true);
    assert.match(closeAgain.msg, /in the process of closing the RE Worker environment/);
    const closed = await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
    assert.equal(closed.re_state, null);
    assert.equal(closed.worker_environment_state, 'closed');
    assert.match((await call('environment_close')).msg, /does not exist/);
  });

  it('refuses close while the queue runs; starts an empty queue; is busy while executing (§16.17, 16.20)', async () => {
    await call('environment_open');
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    const empty = await call('queue_start');
    assert.equal(empty.success, true);
    assert.equal((await idle(qs)).items_in_queue, 0);

    await call('queue_item_add', { item: countPlan({ num: 10, delay: 0.1 }), ...USER });
    assert.equal((await call('queue_start')).success, true);
    await until(qs, (s) => s.manager_state === 'executing_queue');
    assert.match((await call('environment_close')).msg, /Queue execution is in progress/);
    assert.equal((await call('queue_start')).msg, 'RE Manager is busy.');
    // §16.39: over HTTP, stopping the manager safely is refused while it works.
    const stop = await httpJson('POST', `${qs.url}/api/manager/stop`, { option: 'safe_on' });
    assert.equal(stop.status, 200);
    assert.equal(stop.body.success, false);
    assert.match(stop.body.msg, /allowed only in 'idle' state/);
    const done = await idle(qs);
    assert.equal(done.items_in_queue, 0);
    assert.equal((await call('environment_close')).success, true);
    await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
  });

  it('stops after the running plan on queue_stop, or runs on after queue_stop_cancel (§16.22)', async () => {
    const notRunning = await call('queue_stop');
    assert.equal(notRunning.success, false);
    assert.equal((await call('status')).queue_stop_pending, false);
    await call('history_clear');
    await call('environment_open');
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    const three = () =>
      call('queue_item_add_batch', {
        items: [1, 2, 3].map(() => countPlan({ num: 5, delay: 0.1 })),
        ...USER,
      });

    await three();
    await call('queue_start');
    await until(qs, (s) => s.manager_state === 'executing_queue');
    assert.equal((await call('queue_stop')).success, true);
    assert.equal((await call('status')).queue_stop_pending, true);
    let end: Reply = await until(qs, (s) => s.manager_state === 'idle' && !s.queue_stop_pending);
    assert.deepEqual([end.items_in_queue, end.items_in_history], [2, 1]);

    await call('queue_clear');
    await call('history_clear');
    await three();
    await call('queue_start');
    await until(qs, (s) => s.manager_state === 'executing_queue');
    await call('queue_stop');
    assert.equal((await call('queue_stop_cancel')).success, true);
    assert.equal((await call('status')).queue_stop_pending, false);
    end = await until(qs, (s) => s.manager_state === 'idle' && s.items_in_queue === 0);
    assert.equal(end.items_in_history, 3);
    const history = (await call('history_get')).items as Reply[];
    assert.deepEqual(
      history.map((h) => h.result.exit_status),
      ['completed', 'completed', 'completed'],
    );
    await call('environment_close');
    await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
  });
});

describe('an environment without a RunEngine (§16.20)', () => {
  let qs: RunningQueueServer;
  let startupDir: string;
  before(async () => {
    startupDir = mkdtempSync(join(tmpdir(), 'qs-no-re-'));
    writeFileSync(join(startupDir, '00-functions.ts'), 'export const answer = () => 42;\n');
    qs = await startTestQueueServer({ QSERVER_STARTUP_DIR: startupDir });
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
    removeDir(startupDir);
  });

  it('opens, but refuses to start the queue', async () => {
    const call = caller(qs);
    await call('environment_open');
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    const start = await call('queue_start');
    assert.equal(start.success, false);
    assert.match(start.msg, /Run Engine is not found in the RE Worker environment/);
    await call('environment_close');
    await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
  });
});
