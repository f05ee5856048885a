/**
 * The spreadsheet upload against the reference's own spreadsheets: bluesky-queueserver writes its
 * sample plan list as .xlsx and .csv (pandas, openpyxl), its built-in converter reads each file, and
 * the items our server makes of the same upload must be the same (spec §10.3). Needs the venv of
 * scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningQueueServer, removeDir, startTestQueueServer } from '../harness.ts';
import { runScenario, transportArgs } from './scenario.ts';

describe("spreadsheet upload of the reference's fixtures", () => {
  let qs: RunningQueueServer;
  before(async () => {
    qs = await startTestQueueServer();
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
  });

  it("converts every file as the reference's converter does, and queues the sample in row order", async () => {
    const out = await runScenario('spreadsheet_scenario.py', transportArgs(qs, 'http'));
    for (const ext of ['.xlsx', '.csv']) {
      assert.deepEqual(
        out[`mixed${ext}`],
        { status: 200, success: false, same_as_reference: true, n_items: 14, queue_after: 0 },
        ext,
      );
      assert.deepEqual(
        out[`sample${ext}`],
        {
          status: 200,
          success: true,
          msg: '',
          queue_same_as_reference: true,
          queue_names: ['count', 'count', 'count', 'scan', 'scan', 'count', 'count'],
        },
        ext,
      );
    }
    assert.equal(out.bad.status, 200);
    assert.match(out.bad.reference_msg, /Plan name 'co unt' \(row 9: .*\) is not a valid plan name/);
    assert.equal(out.bad.reply.success, false);
    assert.match(out.bad.reply.msg, /^Plan name 'co unt' \(row 9: .*\) is not a valid plan name$/);
    assert.deepEqual([out.bad.reply.items, out.bad.reply.results], [[], []]);
  });
});
