/**
 * The worker as the manager drives it: real child processes spoken to over IPC, plans run on the
 * simulated profile and on the example startup directory, pauses, tasks, scripts, failures, kills.
 * Every wait is on a message or on printed text, never on time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Message, runLists, Worker } from './worker-harness.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('../profile/example/', import.meta.url));

describe('a worker on the simulated profile', () => {
  let w: Worker;
  let ready: Message<'ready'>;

  before(async () => {
    const started = performance.now();
    w = new Worker({});
    ready = await w.next('ready', 0);
    console.log(`simulated profile worker ready after ${Math.round(performance.now() - started)} ms`);
  });
  after(() => w.process.kill());

  test('describes the profile when ready', () => {
    for (const plan of ['count', 'scan', 'rel_scan', 'list_scan', 'grid_scan', 'mv', 'marked_up_count'])
      assert.ok(plan in ready.plans_existing, plan);
    for (const device of ['det1', 'det2', 'motor', 'motor1'])
      assert.ok(device in ready.devices_existing, device);
    assert.equal((ready.devices_existing.det1 as { classname: string }).classname, 'SynGauss');
    assert.equal(ready.re_present, true);
    assert.deepEqual(ready.functions, [
      'clear_buffer',
      'function_sleep',
      'pop_buffer_element',
      'push_buffer_element',
    ]);
  });

  test('count(["det1", "det2"], num=3): the run opens and closes, the plan completes, the table is printed', async () => {
    const printedFrom = w.output.length;
    const mark = w.start('count', [['det1', 'det2']], { num: 3 });
    const report = await w.report(mark);
    assert.equal(report.plan_state, 'completed');
    assert.equal(report.uids.length, 1);
    assert.equal(report.scan_ids.length, 1);
    assert.deepEqual(report.err_msg, '');
    const lists = runLists(w, mark);
    assert.deepEqual(lists[0], [
      { uid: report.uids[0], scan_id: report.scan_ids[0], is_open: true, exit_status: null },
    ]);
    assert.ok(
      lists.some((l) => l[0]?.uid === report.uids[0] && !l[0].is_open && l[0].exit_status === 'success'),
      JSON.stringify(lists),
    );
    assert.deepEqual(lists.at(-1), [], 'the run list is cleared when the plan ends');
    const table = await w.printed(
      /\|\s+seq_num \|\s+time \|\s+det1 \|\s+det2 \|[\s\S]*\|\s+3 \|/,
      printedFrom,
    );
    assert.match(table, /\|\s+1 \|/);
    const states = w.messages.slice(mark).flatMap((m) => (m.type === 're_state' ? [m.state] : []));
    assert.ok(states.includes('running'), JSON.stringify(states));
    assert.equal(states.at(-1), 'idle');
  });

  test('a dotted name in the allowed devices becomes the sub-device', async () => {
    const printedFrom = w.output.length;
    const report = await w.report(w.start('count', [['sim_bundle_A.dets.det_A']], { num: 2 }));
    assert.equal(report.plan_state, 'completed', report.err_msg);
    await w.printed(/\|\s+sim_bundle_A_dets_det_A \|[\s\S]*\|\s+2 \|/, printedFrom);
    const refused = await w.next('plan_refused', w.start('count', [['sim_bundle_A.dets.det_B']]));
    assert.match(refused.msg, /is not a known device/, 'a sub-device not in the allowed list stays a string');
  });

  test('metadata reaches the start document; scan ids continue from one plan to the next', async () => {
    const loaded = await w.script(`
      import { RE } from 'queueserver:namespace';
      let last = null;
      RE.subscribe((name, doc) => { if (name === 'start') last = doc; });
      export function last_start() { return last; }
    `);
    assert.equal(loaded.success, true, loaded.msg);
    const first = await w.report(w.start('count', [['det1']], {}, { sample: 'A', item_uid: 'x' }));
    const start = (await w.call('last_start')).return_value as Record<string, unknown>;
    assert.equal(start.sample, 'A');
    assert.equal(start.uid, first.uids[0]);
    const second = await w.report(w.start('count', [['det1']]));
    assert.equal(second.scan_ids[0], first.scan_ids[0] + 1);
    const md = await w.next('re_metadata', w.send({ type: 're_metadata' }));
    assert.equal((md.md as { scan_id: number }).scan_id, second.scan_ids[0]);
  });

  for (const [pause, option, expected, runExit] of [
    ['deferred', 'resume', 'completed', 'success'],
    ['immediate', 'stop', 'stopped', 'success'],
    ['deferred', 'abort', 'aborted', 'abort'],
    ['immediate', 'halt', 'halted', 'abort'],
  ] as const) {
    test(`a ${pause} pause of count(num=3, delay=…), then ${option}: ${expected}`, async () => {
      const mark = w.start('count', [['det1']], { num: 3, delay: 0.5 });
      await w.next('run_list', mark, (m) => m.runs.length === 1);
      w.send({ type: 'pause', option: pause });
      const paused = await w.report(mark);
      assert.equal(paused.plan_state, 'paused');
      assert.equal(paused.uids.length, 1);
      await w.next('re_state', mark, (m) => m.state === 'paused');
      const resumed = w.send({ type: 'continue', option });
      const ended = await w.next('plan_report', resumed).then((m) => m.report);
      assert.equal(ended.plan_state, expected);
      assert.deepEqual(ended.uids, paused.uids);
      assert.equal(ended.err_msg, '');
      const closed = runLists(w, resumed).find((l) => l.length && !l[0].is_open);
      assert.equal(closed?.[0].exit_status, runExit);
      await w.next('re_state', resumed, (m) => m.state === 'idle');
    });
  }

  test('pausing or continuing in the wrong state is refused with the reason', async () => {
    const paused = await w.next('refused', w.send({ type: 'pause', option: 'deferred' }));
    assert.equal(paused.msg, "Run engine can be paused only in 'running' state. Current state: 'idle'");
    const continued = await w.next('refused', w.send({ type: 'continue', option: 'resume' }));
    assert.equal(continued.msg, "Run Engine must be in 'paused' state to continue. The state is 'idle'");
  });

  test('a string where the plan needs a motor fails the plan at run time', async () => {
    const report = await w.report(w.start('scan', [['det1'], 'not_a_device', -1, 1, 3]));
    assert.equal(report.plan_state, 'failed');
    assert.match(report.err_msg, /^Plan failed: ./);
    assert.ok(report.traceback.length > 0);
  });

  test('an unknown plan or arguments that do not bind are refused before anything runs', async () => {
    const mark = w.start('no_such_plan', [['det1']]);
    const refused = await w.next('plan_refused', mark);
    assert.equal(refused.msg, "Plan 'no_such_plan' is not in the list of existing plans.");
    const badArgs = await w.next('plan_refused', w.start('count', [['det1']], { abc: 1 }));
    assert.match(badArgs.msg, /unexpected keyword argument 'abc'/);
    assert.equal(
      w.messages.slice(mark).some((m) => m.type === 'run_list' || m.type === 'plan_report'),
      false,
    );
  });

  test('function_sleep runs in the background while a plan runs', async () => {
    const mark = w.start('count', [['det1']], { num: null, delay: 0.05 }); // counts until stopped
    await w.next('run_list', mark, (m) => m.runs.length === 1);
    const done = await w.call('function_sleep', [], { time: 0.2 }, true);
    const stillRunning = !w.messages.slice(mark).some((m) => m.type === 'plan_report');
    // The plan is stopped before anything is asserted, so a failure here leaves the next tests a free worker.
    w.send({ type: 'pause', option: 'immediate' });
    assert.equal((await w.report(mark)).plan_state, 'paused');
    const stopped = w.send({ type: 'continue', option: 'stop' });
    assert.equal((await w.report(stopped)).plan_state, 'stopped');
    assert.equal(stillRunning, true, 'the plan ran on while the function slept');
    assert.equal(done.success, true, done.msg);
    assert.deepEqual(done.return_value, { success: true, time: 0.2 });
    // The times are milliseconds over 1000: compared as the whole milliseconds they were, exactly.
    const sleptMs = Math.round(done.time_stop * 1000) - Math.round(done.time_start * 1000);
    assert.ok(sleptMs >= 200, `slept ${sleptMs} ms`);
  });

  test('functions: kwargs by name, failures and missing functions as task results', async () => {
    assert.equal((await w.call('push_buffer_element', [], { element: { a: 1 } })).success, true);
    assert.deepEqual((await w.call('pop_buffer_element')).return_value, { a: 1 });
    const empty = await w.call('pop_buffer_element');
    assert.equal(empty.success, false);
    assert.equal(empty.msg, "Error occurred while executing 'Execute function': pop from empty list");
    const missing = await w.call('no_such_function');
    assert.equal(missing.success, false);
    assert.match(missing.msg, /Function 'no_such_function' is not found in the worker namespace/);
    assert.match(missing.traceback, /Function 'no_such_function' is not found in the worker namespace/);
    await w.script('export function give_function() { return () => 1; }');
    const unserializable = await w.call('give_function');
    assert.equal(unserializable.success, false);
    assert.match(
      unserializable.msg,
      /^Error occurred while executing 'Execute function': Task result can not be serialized as JSON: /,
    );
  });

  test('a script adds plans to the namespace: one runs, one fails as it was written to', async () => {
    const mark = w.mark();
    const done = await w.script(`
      import { count, definePlan } from '@ophyd-service/run-engine';
      import { det2 } from 'queueserver:namespace';
      export const count_det2 = definePlan('count_det2(num: int = 2)', function* (num = 2) {
        return yield* count([det2], num);
      });
      export function* failing_plan(detectors: unknown[]) {
        yield* count(detectors);
        throw new Error('Plan was made to fail intentionally!!!');
      }
    `);
    assert.equal(done.success, true, done.msg);
    const lists = await w.next('lists', mark);
    assert.ok('count_det2' in lists.plans_existing && 'failing_plan' in lists.plans_existing);
    assert.ok(w.messages.indexOf(lists) < w.messages.indexOf(done), 'lists come before the task result');

    const printedFrom = w.output.length;
    const counted = await w.report(w.start('count_det2', [], { num: 3 }));
    assert.equal(counted.plan_state, 'completed');
    await w.printed(/\|\s+det2 \|[\s\S]*\|\s+3 \|/, printedFrom);

    const failed = await w.report(w.start('failing_plan', [['det1']]));
    assert.equal(failed.plan_state, 'failed');
    assert.equal(failed.err_msg, 'Plan failed: Plan was made to fail intentionally!!!');
    assert.match(failed.traceback, /Plan was made to fail intentionally!!!/);
    assert.equal(failed.uids.length, 1, 'the run it opened is reported');
  });

  test('a script that does not load fails its task with the reference wording', async () => {
    const broken = await w.script('export const x = ;');
    assert.equal(broken.success, false);
    assert.match(broken.msg, /^Error occurred while executing 'Load script': Failed to execute stript: ./);
  });

  test("a script's RE replaces the namespace's only with update_re", async () => {
    const script = `import { RunEngine } from '@ophyd-service/run-engine';
      export const RE = new RunEngine({ md: { marker: 'new engine' } });`;
    await w.script(script, false);
    const kept = await w.next('re_metadata', w.send({ type: 're_metadata' }));
    assert.equal((kept.md as Record<string, unknown>).marker, undefined);
    await w.script(script, true);
    const replaced = await w.next('re_metadata', w.send({ type: 're_metadata' }));
    assert.equal((replaced.md as Record<string, unknown>).marker, 'new engine');
    const report = await w.report(w.start('count', [['det1']]));
    assert.equal(report.plan_state, 'completed');
  });

  test('close is refused while a plan runs, then closes the worker', async () => {
    const mark = w.start('count', [['det1']], { num: null, delay: 0.05 });
    await w.next('run_list', mark, (m) => m.runs.length === 1);
    const refused = await w.next('refused', w.send({ type: 'close' }));
    assert.equal(refused.command, 'close');
    w.send({ type: 'pause', option: 'immediate' });
    await w.report(mark);
    await w.report(w.send({ type: 'continue', option: 'abort' }));
    await w.next('closed', w.send({ type: 'close' }));
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  });
});

describe('a worker on a startup directory', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('the example directory loads and runs dwell_scan', async () => {
    const w = new Worker({ startupDir: EXAMPLE_DIR });
    try {
      const ready = await w.next('ready', 0);
      assert.ok('dwell_scan' in ready.plans_existing && 'count' in ready.plans_existing);
      assert.ok('det_pinhole' in ready.devices_existing && 'ph_motor' in ready.devices_existing);
      const printedFrom = w.output.length;
      const mark = w.send({
        type: 'start_plan',
        plan: {
          item_uid: 'dwell',
          name: 'dwell_scan',
          args: [['det_pinhole'], 'ph_motor', -1, 1, 3],
          kwargs: { dwell: 0.01 },
          md: {},
          allowed_devices: ['det_pinhole', 'ph_motor'],
          allowed_plans: [],
        },
      });
      const report = await w.report(mark);
      assert.equal(report.plan_state, 'completed', report.err_msg);
      assert.equal(report.uids.length, 1);
      const table = await w.printed(/\|\s+ph_motor \|[\s\S]*\|\s+3 \|[^\n]*/, printedFrom);
      assert.match(table, /\|\s+3 \|[^|]+\|[^|]+\|\s+1\.000 \|/, 'the last point is at stop');
    } finally {
      await w.process.kill();
    }
  });

  test('a directory with a failing file does not start, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-broken-'));
    dirs.push(dir);
    writeFileSync(join(dir, '00-fine.ts'), 'export const gain: number = 2;\n');
    writeFileSync(join(dir, '10-broken.ts'), "throw new Error('broken on purpose');\n");
    const w = new Worker({ startupDir: dir });
    const failed = await w.next('startup_failed', 0);
    assert.match(failed.msg, /10-broken\.ts/);
    assert.match(failed.msg, /broken on purpose/);
    assert.equal((await w.exited).code, 1);
  });
});

describe('a worker that misbehaves', () => {
  test('a plan that never yields again is ended by kill()', async () => {
    const w = new Worker({});
    await w.next('ready', 0);
    const loaded = await w.script(`
      import { sleep } from '@ophyd-service/run-engine';
      export function* forever() {
        yield* sleep(0.01);
        for (;;) {}
      }
    `);
    assert.equal(loaded.success, true, loaded.msg);
    const mark = w.start('forever');
    await w.next('re_state', mark, (m) => m.state === 'running');
    await w.process.kill();
    assert.deepEqual(await w.exited, { code: null, signal: 'SIGKILL' });
    await w.process.kill(); // a second kill is harmless
  });

  test('a function that exhausts its heap ends only the worker', async () => {
    const w = new Worker({}, { maxOldSpaceMb: 48 });
    await w.next('ready', 0);
    await w.script(`
      export function hoard() {
        const kept = [];
        for (;;) kept.push(new Array(100000).fill(kept.length));
      }
    `);
    w.send({
      type: 'run_task',
      task_uid: 'hoard',
      background: false,
      task: { kind: 'function', name: 'hoard', args: [], kwargs: {} },
    });
    const exit = await w.exited;
    assert.ok(exit.signal !== null || (exit.code !== null && exit.code !== 0), JSON.stringify(exit));
    assert.equal(
      w.messages.some((m) => m.type === 'task_done' && m.task_uid === 'hoard'),
      false,
    );
  });
});
