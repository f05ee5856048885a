/**
 * bluesky-queueserver-api edits our queue over 0MQ and HTTP (spec §16.9-16.11, 16.14, 16.15,
 * 16.30): batch add all or nothing and where a batch lands, move, move batch, update and history
 * clear. Needs the venv of scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { removeDir, startTestQueueServer } from '../harness.ts';
import { CLIENT_USER, type Observed, runScenario, transportArgs } from './scenario.ts';

const notInQueue = "Failed to add item to queue: Plan with UID 'no-such-uid' is not in the queue.";
const ambiguous = 'Failed to add item to queue: Ambiguous parameters: plan position and UID is specified';

function checkQueueEdits(out: Observed, user: string): void {
  assert.equal(out.bad_batch.msg, 'Failed to add all items: validation of 2 out of 5 submitted items failed');
  assert.equal(out.bad_batch.qsize, 0);
  assert.equal(out.bad_batch.items_are_the_submitted_ones, true);
  const results = out.bad_batch.results as [boolean, string][];
  assert.deepEqual(
    results.map(([ok]) => ok),
    [true, false, true, false, true],
  );
  assert.match(results[1][1], /Plan 'count_test' is not in the list of allowed plans/);
  assert.match(results[3][1], /'item_type' key is not found/);
  assert.equal(out.bad_batch.queue_after, '');
  assert.deepEqual(out.empty_batch, [true, 0, []]);

  const placed = (name: string) => out.placements[name];
  for (const [name, order] of Object.entries({
    front: '5671234',
    pos_0: '5671234',
    'pos_-100': '5671234',
    pos_1: '1567234',
    before_3: '1256734',
    after_4: '1234567',
    'pos_-1': '1234567',
    pos_100: '1234567',
  }))
    assert.deepEqual(placed(name), { order, success: true, item_msgs: [] }, name);
  assert.deepEqual(placed('unknown_uid'), {
    order: '1234',
    success: false,
    item_msgs: [notInQueue, notInQueue, notInQueue],
  });
  assert.deepEqual(placed('ambiguous'), {
    order: '1234',
    success: false,
    item_msgs: [ambiguous, ambiguous, ambiguous],
  });

  assert.equal(out.moves['0_after_2'], '120');
  assert.equal(out.moves['2_before_1'], '210');
  assert.equal(out.moves.onto_itself_keeps_queue_uid, true);
  assert.match(out.moves.pos_50[0], /Source plan \(position 50\) was not found/);
  assert.deepEqual(out.moves.pos_50.slice(1), [{}, null]);
  assert.match(out.moves.no_destination, /Destination position or UID is not specified/);
  assert.equal(out.moves.after_failures, '210');

  assert.equal(out.batch_moves.after_5, '1453026');
  assert.equal(out.batch_moves.after_5_reordered, '1450236');
  assert.equal(out.batch_moves.front_10, '1023456');
  const [inside, two, none] = out.batch_moves.refusals as string[];
  assert.match(inside, /is in the batch/);
  assert.match(two, /mutually exclusive/);
  assert.match(none, /Destination for the batch is not specified/);
  assert.equal(out.batch_moves.after_refusals, '1023456');

  assert.deepEqual(out.update, {
    kept_uid: true,
    kept_num: 4,
    user,
    replaced_has_new_uid: true,
    replaced_at_same_position: true,
    replaced_num: 5,
    unknown_uid: [
      "Failed to add an item: Failed to replace item: Item with UID 'incorrect_uid' is not in the queue",
      null,
    ],
    order: '123',
  });

  assert.deepEqual(out.history, {
    size_5: [4, true],
    size_1: ['d'],
    item_uid_of_index_1: ['c', 'd'],
    size_ab: "Error: The 'size' parameter must be an integer: size='ab'",
    both: "Error: Parameters 'size' and 'item_uid' are mutually exclusive.",
    cleared: 0,
  });
}

describe('bluesky-queueserver-api edits the queue', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) removeDir(dir);
  });

  for (const transport of ['zmq', 'http'] as const) {
    it(`over ${transport === 'zmq' ? '0MQ' : 'HTTP'}`, async () => {
      const qs = await startTestQueueServer();
      dirs.push(qs.dataDir);
      try {
        checkQueueEdits(
          await runScenario('queue_edit_scenario.py', transportArgs(qs, transport)),
          CLIENT_USER[transport],
        );
      } finally {
        await qs.close();
      }
    });
  }
});
