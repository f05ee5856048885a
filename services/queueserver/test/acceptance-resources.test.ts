/**
 * Acceptance checks of lists, permissions, tasks and the INFO stream on a real server and worker
 * (spec §16.31, 16.33, 16.34, 16.36, 16.37): allowed lists per group before any environment, the
 * permission methods and the uids they change, functions and scripts as tasks, and QS_Info /
 * QS_Console as a subscriber sees them (the HTTP console rebuilding a script's printed text).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Subscriber } from 'zeromq';
import { caller, countPlan, idle, type Reply, USER, until } from './acceptance-flow.ts';
import { type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

const TEST_USER = { user: 'acceptance', user_group: 'test_user' };

describe('lists, permissions, tasks and the INFO stream', () => {
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

  it('serves allowed lists per group before any environment opens (§16.31)', async () => {
    const plans = await call('plans_allowed', { user_group: 'primary' });
    const devices = await call('devices_allowed', { user_group: 'primary' });
    assert.ok('count' in plans.plans_allowed);
    assert.ok('det1' in devices.devices_allowed);
    const restricted = await call('plans_allowed', { user_group: 'test_user' });
    const restrictedDevices = await call('devices_allowed', { user_group: 'test_user' });
    for (const plan of ['adaptive_scan', 'inner_product_scan', 'mv'])
      assert.equal(plan in restricted.plans_allowed, false, plan);
    assert.ok('count' in restricted.plans_allowed);
    for (const device of ['det3', 'det4', 'det5', 'motor1', 'motor2', 'motor3'])
      assert.equal(device in restrictedDevices.devices_allowed, false, device);
    assert.ok('det1' in restrictedDevices.devices_allowed);

    const missing = await call('plans_allowed');
    assert.deepEqual(missing, {
      success: false,
      msg: 'Error: Incorrect request format: user group is not specified',
      plans_allowed: {},
      plans_allowed_uid: null,
    });
    assert.match(
      (await call('devices_allowed', { user_group: 'nobody' })).msg,
      /Unknown user group: 'nobody'/,
    );
    const existing = await call('plans_existing', { user_group: 'primary' });
    assert.equal(existing.success, false);
    assert.match(existing.msg, /unsupported parameters: 'user_group'/);
    assert.equal(existing.plans_existing_uid, null);
  });

  it('gets, sets and reloads permissions, changing the allowed uids as the reference does (§16.36)', async () => {
    const got = await call('permissions_get');
    const permissions = got.user_group_permissions as Reply;
    assert.deepEqual(Object.keys(permissions.user_groups).sort(), ['primary', 'root', 'test_user']);
    const uids = async () => {
      const status = await call('status');
      return [status.plans_allowed_uid, status.devices_allowed_uid];
    };
    const before = await uids();
    assert.equal((await call('permissions_set', { user_group_permissions: permissions })).success, true);
    assert.deepEqual(await uids(), before);

    const narrowed = structuredClone(permissions);
    narrowed.user_groups.test_user.allowed_plans = [':^count$'];
    assert.equal((await call('permissions_set', { user_group_permissions: narrowed })).success, true);
    const afterSet = await uids();
    assert.notEqual(afterSet[0], before[0]);
    assert.deepEqual(Object.keys((await call('plans_allowed', { user_group: 'test_user' })).plans_allowed), [
      'count',
    ]);

    const rootless = structuredClone(permissions);
    delete rootless.user_groups.root;
    const refused = await call('permissions_set', { user_group_permissions: rootless });
    assert.equal(refused.success, false);
    assert.deepEqual(await uids(), afterSet);

    assert.equal((await call('permissions_reload')).success, true);
    const reloaded = await uids();
    assert.notEqual(reloaded[0], afterSet[0]);
    assert.notEqual(reloaded[1], afterSet[1]);
    // The file's rules are back.
    assert.ok('scan' in (await call('plans_allowed', { user_group: 'test_user' })).plans_allowed);
  });

  it('publishes status on QS_Info: floats for time, one uid while idle, a new one on change (§16.37)', async () => {
    const sub = new Subscriber({ receiveTimeout: 30_000, linger: 0 });
    sub.connect(qs.info);
    sub.subscribe('QS_Info');
    try {
      const received: { raw: string; message: Reply }[] = [];
      while (received.length < 3) {
        const [, payload] = await sub.receive();
        received.push({ raw: String(payload), message: JSON.parse(String(payload)) });
      }
      for (const { raw } of received) assert.match(raw, /"time":\d+\.\d+/);
      const times = received.map(({ message }) => message.time as number);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      );
      const idleUids = new Set(received.map(({ message }) => message.msg.status.status_uid));
      assert.equal(idleUids.size, 1);
      await call('environment_open');
      let opened: Reply | undefined;
      while (!opened) {
        const [, payload] = await sub.receive();
        const status = JSON.parse(String(payload)).msg.status;
        if (status.worker_environment_exists && status.manager_state === 'idle') opened = status;
      }
      assert.equal(idleUids.has(opened.status_uid), false);
    } finally {
      sub.close();
    }
  });

  it('runs functions as tasks, with the reference errors (§16.33)', async () => {
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    const fn = (name: string, extra: Record<string, unknown> = {}) => ({
      item: { item_type: 'function', name, ...extra },
      ...TEST_USER,
    });
    assert.match(
      (await call('function_execute', fn('not_allowed'))).msg,
      /Function 'not_allowed' is not allowed/,
    );
    assert.match(
      (await call('function_execute', fn('function_sleep', { args: 50 }))).msg,
      /Parameter 'args' is not a tuple or a list/,
    );
    assert.match(
      (await call('function_execute', fn('function_sleep', { kwargs: 50 }))).msg,
      /Parameter 'kwargs' is not a dictionary/,
    );
    assert.match(
      (await call('function_execute', { item: countPlan(), ...TEST_USER })).msg,
      /unsupported 'item_type' value: 'plan'/,
    );
    const missing = await call('function_execute', fn('non_existing_element'));
    assert.equal(missing.success, true);
    assert.equal(missing.task_uid, missing.item.item_uid);
    await idle(qs);
    const result = await call('task_result', { task_uid: missing.task_uid });
    assert.equal(result.status, 'completed');
    assert.equal(result.result.success, false);
    assert.match(result.result.msg, /Function 'non_existing_element' is not found in the worker namespace/);
    assert.match(result.result.traceback, /non_existing_element/);
    assert.equal((await call('status')).manager_state, 'idle');
    assert.match((await call('task_status', {})).msg, /Required 'task_uid' parameter is missing/);
    assert.match((await call('task_status', { task_uid: 10 })).msg, /must be a string or a list of strings/);
  });

  it('uploads scripts: refused in the foreground while a plan runs, allowed in the background (§16.34, 16.37)', async () => {
    assert.match((await call('script_upload', {})).msg, /'script' parameter is is missing/);
    await call('queue_item_add', { item: countPlan({ num: 10, delay: 0.1 }), ...USER });
    await call('queue_start');
    await until(qs, (s) => s.manager_state === 'executing_queue');
    const foreground = await call('script_upload', { script: 'export const x = 1;\n' });
    assert.equal(foreground.success, false);
    assert.match(foreground.msg, /RE Manager must be in idle state/);
    const { last_msg_uid: mark } = (
      await httpJson('GET', `${qs.url}/api/console_output_update`, { last_msg_uid: 'ALL' })
    ).body;
    const printing = [
      "console.log('first line');",
      "console.log('second line');",
      "console.log('third line');",
      'export const printed = () => 3;',
    ].join('\n');
    const background = await call('script_upload', { script: printing, run_in_background: true });
    assert.equal(background.success, true);
    const broken = await call('script_upload', { script: 'export const = ;', run_in_background: true });
    await idle(qs);
    await until(qs, (s) => s.worker_background_tasks === 0);
    const ok = await call('task_result', { task_uid: background.task_uid });
    assert.equal(ok.result.success, true);
    const failed = await call('task_result', { task_uid: broken.task_uid });
    assert.equal(failed.result.success, false);
    // The HTTP console rebuilds what the script printed, in order.
    const update = await httpJson('GET', `${qs.url}/api/console_output_update`, { last_msg_uid: mark });
    const text = (update.body.console_output_msgs as { msg: string }[]).map((m) => m.msg).join('');
    assert.match(text, /first line\nsecond line\nthird line\n/);
  });
});
