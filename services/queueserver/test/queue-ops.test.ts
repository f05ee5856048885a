/**
 * The queue's pure list operations against the spec's examples (§3.3, §3.4, §16 items 5, 6, 10,
 * 12–15, 25, 30): positions, relative inserts, batches, moves, removal, replace, history trimming
 * and queue mode, with the reference's refusal messages; plus properties over random queues.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  getItem,
  insertItems,
  mergeQueueMode,
  moveBatch,
  moveItem,
  removeBatch,
  removeItem,
  replaceItem,
  trimHistory,
} from '../src/manager/queue-ops.ts';
import { type HistoryItem, type QueueItem, Refusal } from '../src/manager/types.ts';

const item = (uid: string, extra: Partial<QueueItem> = {}): QueueItem => ({
  item_uid: uid,
  item_type: 'plan',
  name: 'count',
  args: [['det1', 'det2']],
  user: 'Queue Server API User',
  user_group: 'primary',
  ...extra,
});
/** A queue whose items have the uids of `order`'s characters ("0123" → uids 0, 1, 2, 3). */
const queueOf = (order: string) => [...order].map((uid) => item(uid));
const order = (queue: readonly QueueItem[]) => queue.map((q) => q.item_uid).join('');

/** Asserts that `run` throws a Refusal whose message is exactly `message`. */
function refuses(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Refusal, `not a Refusal: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('insertItems: positions (§16 item 5)', () => {
  const cases: [unknown, string][] = [
    [undefined, '12n'],
    [null, '12n'],
    ['back', '12n'],
    [2, '12n'],
    [3, '12n'],
    [100, '12n'],
    [-1, '12n'],
    ['front', 'n12'],
    [0, 'n12'],
    [-3, 'n12'],
    [-4, 'n12'],
    [-100, 'n12'],
    [1, '1n2'],
    [-2, '1n2'],
  ];
  for (const [pos, expected] of cases) {
    it(`pos ${JSON.stringify(pos)} puts the new item so the queue reads ${expected}`, () => {
      assert.equal(order(insertItems(queueOf('12'), [item('n')], { pos }, null)), expected);
    });
  }

  it('counts a negative pos from the back: [a,b,c] with pos -2 is [a,b,new,c]', () => {
    assert.equal(order(insertItems(queueOf('abc'), [item('n')], { pos: -2 }, null)), 'abnc');
  });

  it('refuses other strings and other types of pos', () => {
    refuses(
      () => insertItems(queueOf('12'), [item('n')], { pos: 'some' }, null),
      "Parameter 'pos' has incorrect value: pos='some' (type=<class 'str'>)",
    );
    refuses(
      () => insertItems(queueOf('12'), [item('n')], { pos: 1.5 }, null),
      "Parameter 'pos' has incorrect value: pos='1.5' (type=<class 'float'>)",
    );
    refuses(
      () => insertItems(queueOf('12'), [item('n')], { pos: [1] }, null),
      "Parameter 'pos' has incorrect value: pos='[1]' (type=<class 'list'>)",
    );
  });

  it('stores only the whitelisted keys of an item (a result block is dropped)', () => {
    const withResult = { ...item('n'), result: { exit_status: 'failed' }, extra: 1 } as unknown as QueueItem;
    const [stored] = insertItems([], [withResult], {}, null);
    assert.deepEqual(stored, item('n'));
  });

  it('refuses an item whose uid is queued or running', () => {
    refuses(
      () => insertItems(queueOf('12'), [item('2')], {}, null),
      'Item with UID 2 is already in the queue',
    );
    refuses(
      () => insertItems(queueOf('12'), [item('r')], {}, item('r')),
      'Item with UID r is already in the queue',
    );
  });
});

describe('insertItems: relative to another item (§16 item 6)', () => {
  it('after the first → index 1; before the second → index 1', () => {
    assert.equal(order(insertItems(queueOf('ab'), [item('n')], { after_uid: 'a' }, null)), 'anb');
    assert.equal(order(insertItems(queueOf('ab'), [item('n')], { before_uid: 'b' }, null)), 'anb');
  });

  it('refuses to go before the running item, and goes to the front after it', () => {
    const running = item('r');
    refuses(
      () => insertItems(queueOf('b'), [item('n')], { before_uid: 'r' }, running),
      'Can not insert a plan in the queue before a currently running plan.',
    );
    assert.equal(order(insertItems(queueOf('b'), [item('n')], { after_uid: 'r' }, running)), 'nb');
  });

  it('refuses an unknown reference and ambiguous parameters', () => {
    refuses(
      () => insertItems(queueOf('ab'), [item('n')], { after_uid: 'x' }, null),
      "Plan with UID 'x' is not in the queue.",
    );
    refuses(
      () => insertItems(queueOf('ab'), [item('n')], { pos: 1, before_uid: 'a' }, null),
      'Ambiguous parameters: plan position and UID is specified',
    );
    refuses(
      () => insertItems(queueOf('ab'), [item('n')], { before_uid: 'a', after_uid: 'b' }, null),
      'Ambiguous parameters: request to insert the plan before and after the reference plan',
    );
  });
});

describe('insertItems: batches (§16 item 10)', () => {
  const batch = [item('5'), item('6'), item('7')];
  const cases: [Record<string, unknown>, string][] = [
    [{ pos: 'front' }, '5671234'],
    [{ pos: 0 }, '5671234'],
    [{ pos: -100 }, '5671234'],
    [{ pos: 1 }, '1567234'],
    [{ before_uid: '3' }, '1256734'],
    [{ after_uid: '4' }, '1234567'],
    [{ pos: -1 }, '1234567'],
    [{ pos: 100 }, '1234567'],
  ];
  for (const [where, expected] of cases) {
    it(`${JSON.stringify(where)} → ${expected}`, () => {
      assert.equal(order(insertItems(queueOf('1234'), batch, where, null)), expected);
    });
  }

  it('refuses an unknown uid or ambiguous parameters, leaving the queue as it was', () => {
    const queue = queueOf('1234');
    refuses(
      () => insertItems(queue, batch, { before_uid: 'x' }, null),
      "Plan with UID 'x' is not in the queue.",
    );
    refuses(
      () => insertItems(queue, batch, { pos: 1, after_uid: '2' }, null),
      'Ambiguous parameters: plan position and UID is specified',
    );
    assert.equal(order(queue), '1234');
  });
});

describe('getItem and removeItem (§16 item 12)', () => {
  it('default position is the back; front and indices work', () => {
    assert.equal(getItem(queueOf('abc'), {}, null).item_uid, 'c');
    assert.equal(getItem(queueOf('abc'), { pos: 'front' }, null).item_uid, 'a');
    assert.equal(getItem(queueOf('abc'), { pos: -2 }, null).item_uid, 'b');
    assert.equal(getItem(queueOf('abc'), { uid: 'b' }, null).item_uid, 'b');
  });

  it('refuses ambiguous, out-of-range, mistyped and unknown requests', () => {
    refuses(
      () => getItem(queueOf('abc'), { pos: 5, uid: 'x' }, null),
      'Ambiguous parameters: plan position and UID is specified',
    );
    refuses(
      () => getItem(queueOf('abc'), { pos: 5 }, null),
      "Index '5' is out of range (parameter pos = '5')",
    );
    refuses(() => getItem([], {}, null), "Index '-1' is out of range (parameter pos = 'back')");
    refuses(
      () => getItem(queueOf('abc'), { pos: 'middle' }, null),
      "Parameter 'pos' has incorrect type: pos=middle (type=<class 'str'>)",
    );
    refuses(() => getItem(queueOf('abc'), { uid: 'x' }, null), "Item with UID 'x' is not in the queue.");
  });

  it('names the running uid in its refusal (the reference printed a literal {uid})', () => {
    refuses(
      () => getItem(queueOf('abc'), { uid: 'r' }, item('r')),
      "The item with UID 'r' is currently running.",
    );
  });

  it('removes by position (default back) and by uid', () => {
    const back = removeItem(queueOf('abc'), {}, null);
    assert.equal(back.item.item_uid, 'c');
    assert.equal(order(back.queue), 'ab');
    const byUid = removeItem(queueOf('abc'), { uid: 'b' }, null);
    assert.equal(byUid.item.item_uid, 'b');
    assert.equal(order(byUid.queue), 'ac');
    assert.equal(order(removeItem(queueOf('abc'), { pos: 'front' }, null).queue), 'bc');
    assert.equal(order(removeItem(queueOf('abc'), { pos: 1 }, null).queue), 'ac');
  });

  it('refuses an empty queue, the running item, unknown uids, bad positions', () => {
    refuses(() => removeItem([], {}, null), 'Queue is empty');
    refuses(() => removeItem([], { pos: 'front' }, null), 'Queue is empty');
    refuses(
      () => removeItem(queueOf('ab'), { uid: 'r' }, item('r')),
      'Can not remove an item which is currently running.',
    );
    refuses(() => removeItem(queueOf('ab'), { uid: 'x' }, null), "Plan with UID 'x' is not in the queue.");
    refuses(
      () => removeItem(queueOf('ab'), { pos: 5 }, null),
      "Index '5' is out of range (parameter pos = '5')",
    );
    refuses(
      () => removeItem(queueOf('ab'), { pos: 'some' }, null),
      "Parameter 'pos' has incorrect value: pos=some (type=<class 'str'>)",
    );
    refuses(
      () => removeItem(queueOf('ab'), { pos: 0, uid: 'a' }, null),
      'Ambiguous parameters: plan position and UID is specified',
    );
  });
});

describe('removeBatch (§16 item 13)', () => {
  it('removes what it finds in the listed order, skipping repeats and missing uids by default', () => {
    const { queue, items } = removeBatch(queueOf('0123456'), ['2', '4', '4', '3'], undefined);
    assert.equal(order(queue), '0156');
    assert.equal(order(items), '243');
  });

  it('with ignore_missing false refuses repeats and missing uids and removes nothing', () => {
    refuses(
      () => removeBatch(queueOf('0123456'), ['2', '4', '4', '3'], false),
      'The list of contains repeated UIDs (1 UIDs)',
    );
    refuses(
      () => removeBatch(queueOf('0123456'), ['2', '8', '3'], false),
      "The queue does not contain items with the following UIDs: ['8']",
    );
  });

  it('refuses a missing or non-list uids parameter; an empty list removes nothing', () => {
    refuses(() => removeBatch(queueOf('01'), undefined, true), 'Request does not contain the list of UIDs');
    refuses(
      () => removeBatch(queueOf('01'), 'abc', true),
      "Parameter 'uids' must be a list: type(uids) = <class 'str'>",
    );
    assert.equal(order(removeBatch(queueOf('01'), [], true).queue), '01');
  });
});

describe('moveItem (§16 item 14)', () => {
  it('uid0 after uid2 → 1,2,0; uid2 before uid0 → 2,0,1', () => {
    const after = moveItem(queueOf('012'), { uid: '0', after_uid: '2' });
    assert.equal(order(after.queue), '120');
    assert.equal(after.changed, true);
    assert.equal(after.item.item_uid, '0');
    assert.equal(order(moveItem(queueOf('012'), { uid: '2', before_uid: '0' }).queue), '201');
  });

  it('by position: towards the back lands after the destination, towards the front before it', () => {
    assert.equal(order(moveItem(queueOf('0123'), { pos: 0, pos_dest: 2 }).queue), '1203');
    assert.equal(order(moveItem(queueOf('0123'), { pos: 3, pos_dest: 1 }).queue), '0312');
    assert.equal(order(moveItem(queueOf('0123'), { pos: 1, pos_dest: 'back' }).queue), '0231');
    assert.equal(order(moveItem(queueOf('0123'), { uid: '2', pos_dest: 'front' }).queue), '2013');
    assert.equal(order(moveItem(queueOf('0123'), { pos: -1, pos_dest: -3 }).queue), '0312');
  });

  it('moving an item onto itself succeeds without a change', () => {
    const same = moveItem(queueOf('012'), { uid: '1', pos_dest: 1 });
    assert.equal(same.changed, false);
    assert.equal(order(same.queue), '012');
  });

  it('moves the item unmodified (its result block survives)', () => {
    const failed = item('f', { result: { exit_status: 'failed' } as never });
    const moved = moveItem([item('a'), failed], { uid: 'f', pos_dest: 'front' });
    assert.deepEqual(moved.queue[0], failed);
  });

  it('refuses missing, ambiguous and unknown sources and destinations', () => {
    const q = queueOf('012');
    refuses(() => moveItem(q, { pos_dest: 1 }), 'Source position or UID is not specified.');
    refuses(() => moveItem(q, { uid: '0' }), 'Destination position or UID is not specified.');
    refuses(
      () => moveItem(q, { pos: 0, uid: '0', pos_dest: 1 }),
      'Ambiguous parameters: Both position and uid is specified for the source plan.',
    );
    refuses(
      () => moveItem(q, { pos: 0, pos_dest: 1, after_uid: '2' }),
      'Ambiguous parameters: Both position and uid is specified for the destination plan.',
    );
    refuses(
      () => moveItem(q, { pos: 0, before_uid: '1', after_uid: '2' }),
      "Ambiguous parameters: source should be moved 'before' and 'after' the destination.",
    );
    refuses(
      () => moveItem(q, { pos: 50, pos_dest: 1 }),
      "Source plan (position 50) was not found: Index '50' is out of range (parameter pos = '50').",
    );
    refuses(
      () => moveItem(q, { uid: 'x', pos_dest: 1 }),
      "Source plan (UID 'x') was not found: Item with UID 'x' is not in the queue..",
    );
    refuses(
      () => moveItem(q, { pos: 0, pos_dest: 50 }),
      "Destination plan (position 50) was not found: Index '50' is out of range (parameter pos = '50').",
    );
    refuses(
      () => moveItem(q, { pos: 0, before_uid: 'x' }),
      "Destination plan (UID 'x') was not found: Item with UID 'x' is not in the queue..",
    );
  });
});

describe('moveBatch (§16 item 15)', () => {
  it('uids 302 after 5: reorder false → 1453026, reorder true → 1450236', () => {
    const listed = moveBatch(queueOf('0123456'), { uids: ['3', '0', '2'], after_uid: '5' });
    assert.equal(order(listed.queue), '1453026');
    assert.equal(order(listed.items), '302');
    assert.equal(listed.changed, true);
    const reordered = moveBatch(queueOf('0123456'), { uids: ['3', '0', '2'], after_uid: '5', reorder: true });
    assert.equal(order(reordered.queue), '1450236');
    assert.equal(order(reordered.items), '023');
  });

  it('pos_dest front with uids 1,0 → 1023456; before a uid works too', () => {
    assert.equal(
      order(moveBatch(queueOf('0123456'), { uids: ['1', '0'], pos_dest: 'front' }).queue),
      '1023456',
    );
    assert.equal(
      order(moveBatch(queueOf('0123456'), { uids: ['6', '5'], before_uid: '1' }).queue),
      '0651234',
    );
  });

  it('an empty batch changes nothing', () => {
    const empty = moveBatch(queueOf('012'), { uids: [], pos_dest: 'back' });
    assert.equal(empty.changed, false);
    assert.equal(order(empty.queue), '012');
  });

  it('refuses a reference inside the batch, zero or several destinations, repeats and missing uids', () => {
    const q = queueOf('0123456');
    refuses(
      () => moveBatch(q, { uids: ['3', '5'], after_uid: '5' }),
      "Parameter 'after_uid': item with UID '5' is in the batch",
    );
    refuses(
      () => moveBatch(q, { uids: ['3', '5'], before_uid: '3' }),
      "Parameter 'before_uid': item with UID '3' is in the batch",
    );
    refuses(
      () => moveBatch(q, { uids: ['3'], pos_dest: 'front', after_uid: '5' }),
      "The function was called with more than one mutually exclusive parameter ('pos_dest', 'before_uid', 'after_uid')",
    );
    refuses(
      () => moveBatch(q, { uids: ['3'] }),
      "Destination for the batch is not specified: use parameters 'pos_dest', 'before_uid' or 'after_uid'",
    );
    refuses(
      () => moveBatch(q, { uids: ['3', '3'], pos_dest: 'front' }),
      'The list of contains repeated UIDs (1 UIDs)',
    );
    refuses(
      () => moveBatch(q, { uids: ['3', 'x'], pos_dest: 'front' }),
      "The queue does not contain items with the following UIDs: ['x']",
    );
    refuses(() => moveBatch(q, { pos_dest: 'front' }), 'Request does not contain the list of UIDs');
  });
});

describe('replaceItem (queue_item_update)', () => {
  it('replaces at the same position; an identical item changes nothing', () => {
    const edited = item('b', { kwargs: { num: 5 } });
    const { queue, changed } = replaceItem(queueOf('abc'), edited, null);
    assert.equal(changed, true);
    assert.equal(order(queue), 'abc');
    assert.deepEqual(queue[1], edited);
    assert.equal(replaceItem(queueOf('abc'), item('b'), null).changed, false);
  });

  it('with a new uid (replace=true) the original uid still locates the item', () => {
    const { queue } = replaceItem(queueOf('abc'), item('n'), null, 'b');
    assert.equal(order(queue), 'anc');
  });

  it('refuses an unknown uid, the running item, and a new uid already queued', () => {
    refuses(
      () => replaceItem(queueOf('abc'), item('incorrect_uid'), null),
      "Failed to replace item: Item with UID 'incorrect_uid' is not in the queue",
    );
    refuses(
      () => replaceItem(queueOf('abc'), item('r'), item('r')),
      "Failed to replace item: Item with UID 'r' is currently running",
    );
    refuses(
      () => replaceItem(queueOf('abc'), item('c'), null, 'b'),
      'Item with UID c is already in the queue',
    );
  });
});

describe('trimHistory (§16 item 30)', () => {
  const history = [...'0123'].map((uid) => item(uid) as HistoryItem);
  const cases: [Record<string, unknown>, string, boolean][] = [
    [{}, '', true],
    [{ size: -1 }, '', true],
    [{ size: 0 }, '', true],
    [{ size: 1 }, '3', true],
    [{ size: 5 }, '0123', false],
    [{ size: 4 }, '0123', false],
    [{ item_uid: '0' }, '123', true],
    [{ item_uid: '2' }, '3', true],
    [{ item_uid: '3' }, '', true],
    [{ item_uid: 'random-uid' }, '0123', false],
  ];
  for (const [params, expected, changed] of cases) {
    it(`${JSON.stringify(params)} leaves ${JSON.stringify(expected)} (changed ${changed})`, () => {
      const out = trimHistory(history, params);
      assert.equal(order(out.history), expected);
      assert.equal(out.changed, changed);
    });
  }

  it('refuses a non-integer size, a non-string uid and both together', () => {
    refuses(() => trimHistory(history, { size: 'ab' }), "The 'size' parameter must be an integer: size='ab'");
    refuses(
      () => trimHistory(history, { item_uid: 1.5 }),
      "The 'item_uid' parameter must be a string: item_uid=1.5",
    );
    refuses(
      () => trimHistory(history, { size: 1, item_uid: '0' }),
      "Parameters 'size' and 'item_uid' are mutually exclusive.",
    );
  });
});

describe('mergeQueueMode (§16 item 25)', () => {
  const current = { loop: false, ignore_failures: true };
  it('{} keeps the mode, a partial dict sets only its keys, "default" resets', () => {
    assert.deepEqual(mergeQueueMode(current, {}), { loop: false, ignore_failures: true });
    assert.deepEqual(mergeQueueMode(current, { loop: true }), { loop: true, ignore_failures: true });
    assert.deepEqual(mergeQueueMode({ loop: true, ignore_failures: true }, 'default'), {
      loop: false,
      ignore_failures: false,
    });
  });

  it('refuses a request without mode, quoting the request', () => {
    refuses(() => mergeQueueMode(current, undefined), "Parameter 'mode' is not found in request {}");
    refuses(
      () => mergeQueueMode(current, undefined, { lock_key: 'abc' }),
      "Parameter 'mode' is not found in request {'lock_key': 'abc'}",
    );
  });

  it('refuses other strings, lists, unknown keys and non-boolean values', () => {
    refuses(
      () => mergeQueueMode(current, 'unknown_str'),
      "Queue mode is passed using object of unsupported type '<class 'str'>': (unknown_str). " +
        "Supported types: ('dict', 'str'), supported string value: 'default'",
    );
    refuses(
      () => mergeQueueMode(current, ['loop']),
      "Queue mode is passed using object of unsupported type '<class 'list'>': (['loop']). " +
        "Supported types: ('dict', 'str'), supported string value: 'default'",
    );
    refuses(
      () => mergeQueueMode(current, { unsupported_key: 10 }),
      "Unsupported plan queue mode parameter 'unsupported_key': supported parameters ['loop', 'ignore_failures']",
    );
    refuses(
      () => mergeQueueMode(current, { loop: 10 }),
      "Unsupported type '<class 'int'>' of the parameter 'loop': expected type '<class 'bool'>'",
    );
  });
});

describe('properties over random queues', () => {
  const uniqueUids = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 12 });
  const sorted = (q: readonly QueueItem[]) => q.map((i) => i.item_uid).sort();

  it('moveBatch keeps the multiset of items and puts the batch together in the listed order', () => {
    const queueAndBatch = uniqueUids
      .filter((u) => u.length >= 2)
      .chain((uids) => fc.tuple(fc.constant(uids), fc.shuffledSubarray(uids, { minLength: 1 }), fc.nat()));
    fc.assert(
      fc.property(queueAndBatch, ([uids, batch, at]) => {
        const queue = uids.map((u) => item(u));
        const rest = uids.filter((u) => !batch.includes(u));
        const where = rest.length > 0 ? { after_uid: rest[at % rest.length] } : { pos_dest: 'front' };
        const moved = moveBatch(queue, { uids: batch, ...where });
        assert.deepEqual(sorted(moved.queue), sorted(queue));
        const start = moved.queue.findIndex((q) => q.item_uid === batch[0]);
        assert.deepEqual(
          moved.queue.slice(start, start + batch.length).map((q) => q.item_uid),
          batch,
        );
        if ('after_uid' in where) assert.equal(moved.queue[start - 1].item_uid, where.after_uid);
      }),
    );
  });

  it('inserting an item anywhere and removing it by uid gives the queue back', () => {
    fc.assert(
      fc.property(uniqueUids, fc.integer({ min: -20, max: 20 }), (uids, pos) => {
        const queue = uids.map((u) => item(u));
        const inserted = insertItems(queue, [item('new-item')], { pos }, null);
        assert.equal(inserted.length, queue.length + 1);
        const { queue: back, item: removed } = removeItem(inserted, { uid: 'new-item' }, null);
        assert.equal(removed.item_uid, 'new-item');
        assert.deepEqual(back, queue);
      }),
    );
  });

  it('moving an item to a position puts it at that index', () => {
    fc.assert(
      fc.property(
        uniqueUids.filter((u) => u.length >= 1),
        fc.nat(),
        fc.nat(),
        (uids, from, to) => {
          const queue = uids.map((u) => item(u));
          const source = from % uids.length;
          const dest = to % uids.length;
          const moved = moveItem(queue, { pos: source, pos_dest: dest });
          assert.equal(moved.queue[dest].item_uid, uids[source]);
          assert.equal(moved.changed, source !== dest);
        },
      ),
    );
  });
});
