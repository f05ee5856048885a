/**
 * POST /api/queue/upload/spreadsheet on a real server (spec §10.3): CSV and .xlsx files (built with
 * write-excel-file) become queue items in row order through one batch add, which the queue then
 * runs; refusals (no file, a file type, a bad row, a data type nobody converts, a plan the manager
 * refuses, a file over the limit) change nothing; a custom module converts first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import writeExcelFile from 'write-excel-file/node';
import { MAX_SPREADSHEET_BYTES } from '../src/http/spreadsheet-routes.ts';
import { caller, until } from './acceptance-flow.ts';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

/** Uploads `bytes` as the form's `spreadsheet` file named `fileName` (and `data_type`, if given). */
async function upload(
  qs: RunningQueueServer,
  fileName: string | null,
  bytes: Uint8Array = new Uint8Array(),
  fields: Record<string, string> = {},
  headers: Record<string, string> = { Authorization: `ApiKey ${API_KEY}` },
) {
  const form = new FormData();
  if (fileName !== null) form.append('spreadsheet', new Blob([bytes]), fileName);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${qs.url}/api/queue/upload/spreadsheet`, {
    method: 'POST',
    body: form,
    headers,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const queueNames = async (qs: RunningQueueServer) =>
  ((await caller(qs)('queue_get')).items as { name: string; kwargs?: Record<string, unknown> }[]).map(
    (item) => [item.name, item.kwargs ?? {}],
  );

describe('spreadsheet upload (built-in converter)', () => {
  let qs: RunningQueueServer;
  before(async () => {
    qs = await startTestQueueServer();
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
  });

  it('adds the rows of a CSV file to the queue in row order, as the uploading user', async () => {
    await caller(qs)('queue_clear');
    const csv = [
      'plan_name,args,num,delay',
      `'count',['det1'],3,`,
      ',,,',
      `'scan',"['det1'], 'motor', -1, 1",5,`,
      `count,"['det1', 'det2']",2,0.01`,
    ].join('\n');
    const { status, body } = await upload(qs, 'plans.csv', Buffer.from(csv));
    assert.equal(status, 200);
    assert.equal(body.success, true, body.msg);
    assert.deepEqual(
      body.results.map((r: { success: boolean }) => r.success),
      [true, true, true],
    );
    const queue = (await caller(qs)('queue_get')).items as Record<string, unknown>[];
    assert.deepEqual(
      queue.map(({ name, args, kwargs, item_type, user, user_group }) => ({
        name,
        args,
        kwargs,
        item_type,
        user,
        user_group,
      })),
      [
        {
          name: 'count',
          args: [['det1']],
          kwargs: { num: 3 },
          item_type: 'plan',
          user: 'UNAUTHENTICATED_SINGLE_USER',
          user_group: 'primary',
        },
        {
          name: 'scan',
          args: [['det1'], 'motor', -1, 1],
          kwargs: { num: 5 },
          item_type: 'plan',
          user: 'UNAUTHENTICATED_SINGLE_USER',
          user_group: 'primary',
        },
        {
          name: 'count',
          args: [['det1', 'det2']],
          kwargs: { num: 2, delay: 0.01 },
          item_type: 'plan',
          user: 'UNAUTHENTICATED_SINGLE_USER',
          user_group: 'primary',
        },
      ],
    );
    assert.deepEqual(
      body.items.map((i: { item_uid: string }) => i.item_uid),
      queue.map((i) => i.item_uid),
    );
  });

  it('adds the rows of an .xlsx workbook (its first sheet only), and the queue runs them', async () => {
    const call = caller(qs);
    await call('queue_clear');
    const text = (value: string) => ({ value });
    const number = (value: number) => ({ value });
    const plans = [
      [text('name'), text('args'), text('num'), text('delay')],
      [text("'count'"), text("['det1', 'det2']"), number(2), null],
      [null, null, null, null],
      [text("'count'"), text("['det2']"), number(1), number(0.05)],
      [text('scan'), text("['det1'], 'motor', -1, 1"), number(3), null],
    ];
    // A second sheet is not read.
    const notes = [[text('name')], [text("'nonexisting_plan'")]];
    const workbook = await writeExcelFile([
      { data: plans, sheet: 'Plans' },
      { data: notes, sheet: 'Notes' },
    ]).toBuffer();
    const { status, body } = await upload(qs, 'plans.xlsx', workbook);
    assert.equal(status, 200);
    assert.equal(body.success, true, body.msg);
    assert.deepEqual(await queueNames(qs), [
      ['count', { num: 2 }],
      ['count', { num: 1, delay: 0.05 }],
      ['scan', { num: 3 }],
    ]);

    await call('environment_open');
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    const ran = (await call('status')).items_in_history + 3;
    assert.equal((await call('queue_start')).success, true);
    const done = await until(qs, (s) => s.items_in_history === ran && s.manager_state === 'idle');
    assert.equal(done.items_in_queue, 0);
    const history = (await call('history_get')).items as { name: string; result: { exit_status: string } }[];
    assert.deepEqual(
      history.slice(-3).map((h) => [h.name, h.result.exit_status]),
      [
        ['count', 'completed'],
        ['count', 'completed'],
        ['scan', 'completed'],
      ],
    );
    await call('environment_close');
    await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
  });

  it('answers a spreadsheet it cannot convert with success false, naming the row, and adds nothing', async () => {
    await caller(qs)('queue_clear');
    const badRow = await upload(qs, 'plans.csv', Buffer.from("name,args\n'count',['det1']\n'count',det1\n"));
    assert.equal(badRow.status, 200);
    assert.deepEqual(badRow.body.items, []);
    assert.deepEqual(badRow.body.results, []);
    assert.equal(badRow.body.success, false);
    assert.match(badRow.body.msg, /row 2 .*column 'args': name 'det1' is not defined/);

    const wrongType = await upload(qs, 'plans.txt', Buffer.from('name\ncount\n'));
    assert.deepEqual(wrongType.body, {
      success: false,
      msg: "File 'plans.txt' (extension '.txt') is not supported: supported extensions '.xlsx', '.csv'",
      items: [],
      results: [],
    });

    const notAWorkbook = await upload(qs, 'plans.xlsx', Buffer.from('name\ncount\n'));
    assert.equal(notAWorkbook.body.success, false);
    assert.match(notAWorkbook.body.msg, /could not be read as an Excel workbook/);

    const dataType = await upload(qs, 'plans.csv', Buffer.from('name\ncount\n'), { data_type: 'xafs' });
    assert.equal(dataType.body.success, false);
    assert.match(
      dataType.body.msg,
      /^Unsupported data type: 'xafs': .*no custom module \(QSERVER_CUSTOM_MODULES\)/,
    );
    assert.equal((await caller(qs)('status')).items_in_queue, 0);
  });

  it("is all or none: a plan the manager refuses keeps every row out (the batch's reply)", async () => {
    await caller(qs)('queue_clear');
    const csv = "name,args,num\ncount,['det1'],5\nnonexisting_plan,['det1'],4\ncount,['det1'],6\n";
    const { status, body } = await upload(qs, 'plans.csv', Buffer.from(csv));
    assert.equal(status, 200);
    assert.equal(body.success, false);
    assert.equal(body.msg, 'Failed to add all items: validation of 1 out of 3 submitted items failed');
    assert.deepEqual(
      body.results.map((r: { success: boolean }) => r.success),
      [true, false, true],
    );
    assert.match(body.results[1].msg, /not in the list of allowed plans/);
    assert.equal((await caller(qs)('status')).items_in_queue, 0);
  });

  it('refuses a request without the file (422), over the size limit (413) or without credentials (401)', async () => {
    const noFile = await upload(qs, null, undefined, { data_type: 'plans' });
    assert.equal(noFile.status, 422);
    assert.deepEqual(noFile.body.detail, [
      { type: 'missing', loc: ['body', 'spreadsheet'], msg: 'Field required', input: null },
    ]);
    const json = await httpJson('POST', `${qs.url}/api/queue/upload/spreadsheet`, {
      spreadsheet: 'name\ncount',
    });
    assert.equal(json.status, 422);
    assert.deepEqual(json.body.detail[0].loc, ['body', 'spreadsheet']);

    const tooLarge = await upload(qs, 'plans.csv', new Uint8Array(MAX_SPREADSHEET_BYTES + 1).fill(0x41));
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.body.detail, /'plans.csv' is larger than 16777216 bytes/);

    const anonymous = await upload(qs, 'plans.csv', Buffer.from('name\ncount\n'), {}, {});
    assert.equal(anonymous.status, 401);
    assert.equal((await caller(qs)('status')).items_in_queue, 0);
  });
});

describe('spreadsheet upload (a custom module, QSERVER_CUSTOM_MODULES)', () => {
  let qs: RunningQueueServer;
  let moduleDir: string;
  before(async () => {
    moduleDir = mkdtempSync(join(tmpdir(), 'qs-custom-'));
    // A beamline's converter: `counts` sheets are one number of points per line; `plans` ones are
    // left to the built-in converter; anything else is refused by the module.
    writeFileSync(
      join(moduleDir, 'converter.mjs'),
      `export function spreadsheet_to_plan_list({ spreadsheet_file, file_name, data_type, user }) {
  if (data_type === 'plans') return null;
  if (data_type !== 'counts') throw new Error(\`Unsupported data type: '\${data_type}'\`);
  return spreadsheet_file.toString('utf8').trim().split('\\n').map((line) => ({
    name: 'count', args: [['det1']], kwargs: { num: Number(line) }, meta: { file_name, user },
  }));
}
`,
    );
    qs = await startTestQueueServer({ QSERVER_CUSTOM_MODULES: join(moduleDir, 'converter.mjs') });
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
    removeDir(moduleDir);
  });

  it("converts with the module's spreadsheet_to_plan_list, given the file, its name, the data type and the user", async () => {
    await caller(qs)('queue_clear');
    const { body } = await upload(qs, 'points.txt', Buffer.from('4\n2\n'), { data_type: 'counts' });
    assert.equal(body.success, true, body.msg);
    assert.deepEqual(await queueNames(qs), [
      ['count', { num: 4 }],
      ['count', { num: 2 }],
    ]);
    assert.deepEqual(body.items[0].meta, { file_name: 'points.txt', user: 'UNAUTHENTICATED_SINGLE_USER' });
    assert.equal(body.items[0].item_type, 'plan');
  });

  it('hands a declined spreadsheet to the built-in converter, and answers what the module throws', async () => {
    await caller(qs)('queue_clear');
    const declined = await upload(qs, 'plans.csv', Buffer.from('name,args\ncount,"[\'det1\']"\n'), {
      data_type: 'plans',
    });
    assert.equal(declined.body.success, true, declined.body.msg);
    assert.deepEqual(await queueNames(qs), [['count', {}]]);
    const refused = await upload(qs, 'plans.csv', Buffer.from('x'), { data_type: 'unsupported' });
    assert.deepEqual(refused.body, {
      success: false,
      msg: "Unsupported data type: 'unsupported'",
      items: [],
      results: [],
    });
  });

  it('answers an upload with why a listed module fails to import (and retries it on the next upload)', async () => {
    const broken = join(moduleDir, 'broken.mjs');
    writeFileSync(broken, "throw new Error('the beamline module is half-written');\n");
    const other = await startTestQueueServer({ QSERVER_CUSTOM_MODULES: broken });
    try {
      const { status, body } = await upload(other, 'plans.csv', Buffer.from('name\ncount\n'));
      assert.equal(status, 200);
      assert.equal(body.success, false);
      assert.match(
        body.msg,
        /^Failed to load the custom module '.*broken\.mjs' \(QSERVER_CUSTOM_MODULES\): the beamline module is half-written$/,
      );
      // Fixed on disk: a module without a converter leaves the built-in one to convert.
      writeFileSync(broken, 'export const nothing_for_spreadsheets = 1;\n');
      const fixed = await upload(other, 'plans.csv', Buffer.from("name,args\ncount,['det1']\n"));
      assert.equal(fixed.body.success, true, fixed.body.msg);
    } finally {
      await other.close();
      removeDir(other.dataDir);
    }
  });

  it('stops start-up when a listed module does not exist, naming the variable', async () => {
    await assert.rejects(
      startTestQueueServer({ QSERVER_CUSTOM_MODULES: join(moduleDir, 'missing.mjs') }),
      /QSERVER_CUSTOM_MODULES: the custom module '.*missing\.mjs' does not exist/,
    );
  });
});
