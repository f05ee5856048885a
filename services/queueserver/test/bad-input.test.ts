/**
 * Bad input to a running queue server (spec §1.5, §2, §16.2, §16.7): malformed 0MQ frames, wrong
 * parameter types on every queue method, unknown users and groups, a 10 MB item, and 1,000 items in
 * one batch. After each refusal the queue is as it was (items, order, plan_queue_uid), nothing was
 * written to the store, and the server still answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Request } from 'zeromq';
import { MAX_ITEM_JSON_BYTES } from '../src/manager/items.ts';
import { openQueueStore } from '../src/store/mikro-queue-store.ts';
import type { QueueStore, StateChanges } from '../src/store/queue-store.ts';
import { type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

type Reply = Record<string, any>;
const USER = { user: 'bad input test', user_group: 'primary' };
const plan = (tag: string) => ({
  item_type: 'plan',
  name: 'count',
  args: [['det1']],
  kwargs: { md: { tag } },
});

describe('bad input', () => {
  let qs: RunningQueueServer;
  let socket: Request;
  const saves: StateChanges[] = [];
  let queueBefore: Reply;

  /** Sends one raw frame and returns the decoded reply. */
  const raw = async (frame: string | Buffer): Promise<Reply> => {
    await socket.send(frame);
    const [reply] = await socket.receive();
    return JSON.parse(String(reply));
  };
  const call = (method: string, params: Record<string, unknown> = {}) =>
    raw(JSON.stringify({ method, params }));
  const queueWrites = () => saves.filter((changes) => 'queue' in changes).length;

  /** The queue is as it was before the test, and the server answers. */
  const assertUnchanged = async (what: string) => {
    const now = await call('queue_get');
    assert.deepEqual(now.items, queueBefore.items, what);
    assert.equal(now.plan_queue_uid, queueBefore.plan_queue_uid, what);
    assert.equal((await call('status')).manager_state, 'idle', what);
  };
  const assertRefused = (reply: Reply, pattern: RegExp, what: string) => {
    assert.equal(reply.success, false, `${what}: ${JSON.stringify(reply).slice(0, 300)}`);
    assert.match(String(reply.msg), pattern, what);
  };

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qs-bad-input-'));
    const real = await openQueueStore(`sqlite:///${dataDir}/queue.db`);
    // Counts the store's writes: a refusal must write nothing, a batch exactly once.
    const store: QueueStore = {
      load: () => real.load(),
      save: (changes) => {
        saves.push(changes);
        return real.save(changes);
      },
      close: () => real.close(),
    };
    qs = await startTestQueueServer({}, dataDir, { store });
    socket = new Request({ receiveTimeout: 60_000, sendTimeout: 60_000, linger: 0 });
    socket.connect(qs.control);
    await call('queue_item_add_batch', { items: ['a', 'b', 'c'].map(plan), ...USER });
  });
  beforeEach(async () => {
    queueBefore = await call('queue_get');
    saves.length = 0;
  });
  after(async () => {
    socket.close();
    await qs.close();
    removeDir(qs.dataDir);
  });

  it('answers malformed 0MQ frames with the reference messages (§1.5)', async () => {
    const frames: [string | Buffer, RegExp][] = [
      [Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3]), /^Failed to decode the request: JSON decode error: /],
      [Buffer.alloc(0), /^Failed to decode the request: JSON decode error: Expecting value/],
      ['{"method": "queue_get"', /^Failed to decode the request: JSON decode error: /],
      ['[1, 2, 3]', /^Incorrect request type: <class 'list'>. Dictionary is expected$/],
      ['42', /^Incorrect request type: <class 'int'>. Dictionary is expected$/],
      ['null', /^Incorrect request type: <class 'NoneType'>. Dictionary is expected$/],
      ['"queue_get"', /^Failed to decode the request: /],
      ['{"params": {}}', /^Invalid request format: method is not specified: \{'params': \{\}\}$/],
      ['{"method": "queue_get", "params": {}, "extra": 1}', /^Request contains unexpected keys \['extra'\]/],
      [
        '{"method": "queue_get", "params": [1, 2]}',
        /^Handler for the command 'queue_get' is not implemented$/,
      ],
      [
        '{"method": "queue_item_add", "params": "item"}',
        /^Handler for the command 'queue_item_add' is not implemented$/,
      ],
      ['{"method": "queue_item_add", "params": null}', /is not implemented$/],
      ['{"method": 5}', /^Unknown method 5$/],
      ['{"method": "no_such_method"}', /^Unknown method 'no_such_method'$/],
      [
        `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
        /^Failed to decode the request: JSON decode error: |Dictionary is expected/,
      ],
    ];
    for (const [frame, pattern] of frames) {
      assertRefused(await raw(frame), pattern, String(frame).slice(0, 60));
      await assertUnchanged(String(frame).slice(0, 60));
    }
    assert.equal(queueWrites(), 0);
  });

  it('refuses wrong parameter types on every queue method (§2)', async () => {
    const [a, b] = queueBefore.items.map((item: Reply) => item.item_uid as string);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['queue_item_add', { item: 'count', ...USER }, /item parameter must have type 'dict'/],
      ['queue_item_add', { item: [plan('x')], ...USER }, /item parameter must have type 'dict'/],
      ['queue_item_add', { item: { item_type: 5 }, ...USER }, /unsupported 'item_type' value: '5'/],
      ['queue_item_add', { item: { item_type: 'plan', name: 5 }, ...USER }, /Plan '5' is not in the list/],
      [
        'queue_item_add',
        { item: { ...plan('x'), args: 5 }, ...USER },
        /argument after \* must be an iterable/,
      ],
      [
        'queue_item_add',
        { item: { ...plan('x'), kwargs: [] }, ...USER },
        /argument after \*\* must be a mapping/,
      ],
      [
        'queue_item_add',
        { item: { ...plan('x'), kwargs: { num: 'three' } }, ...USER },
        /Plan validation failed/,
      ],
      ['queue_item_add', { item: plan('x'), pos: 'middle', ...USER }, /Parameter 'pos' has incorrect value/],
      ['queue_item_add', { item: plan('x'), pos: true, ...USER }, /Parameter 'pos' has incorrect value/],
      ['queue_item_add', { item: plan('x'), pos: 1.5, ...USER }, /Parameter 'pos' has incorrect value/],
      [
        'queue_item_add',
        { item: plan('x'), before_uid: 5, ...USER },
        /Plan with UID '5' is not in the queue/,
      ],
      ['queue_item_add', { item: plan('x'), after_uid: [a], ...USER }, /is not in the queue/],
      [
        'queue_item_add',
        { item: plan('x'), lock_key: 5, ...USER },
        /Lock key must be a non-empty string or None/,
      ],
      ['queue_item_add_batch', { items: 'abc', ...USER }, /'items' must be a list/],
      ['queue_item_add_batch', { items: { 0: plan('x') }, ...USER }, /'items' must be a list/],
      [
        'queue_item_add_batch',
        { items: [plan('x'), 5], ...USER },
        /validation of 1 out of 2 submitted items failed/,
      ],
      [
        'queue_item_add_batch',
        { items: [plan('x')], pos: {}, ...USER },
        /Parameter 'pos' has incorrect value/,
      ],
      ['queue_item_update', { item: [], ...USER }, /item parameter must have type 'dict'/],
      [
        'queue_item_update',
        { item: { ...plan('x'), item_uid: 5 }, ...USER },
        /Item with UID '5' is not in the queue/,
      ],
      ['queue_item_update', { item: plan('x'), ...USER }, /Item description contains no UID/],
      ['queue_item_remove', { pos: {} }, /Parameter 'pos' has incorrect value/],
      ['queue_item_remove', { pos: '1' }, /Parameter 'pos' has incorrect value/],
      ['queue_item_remove', { pos: false }, /Parameter 'pos' has incorrect value/],
      ['queue_item_remove', { uid: 5 }, /Plan with UID '5' is not in the queue/],
      ['queue_item_remove_batch', { uids: 'abc' }, /Parameter 'uids' must be a list/],
      [
        'queue_item_remove_batch',
        { uids: [a, 5], ignore_missing: false },
        /does not contain items with the following UIDs/,
      ],
      ['queue_item_move', { pos: [], pos_dest: 0 }, /Parameter 'pos' has incorrect type/],
      ['queue_item_move', { uid: {}, pos_dest: 0 }, /Source plan \(UID '\{\}'\) was not found/],
      ['queue_item_move', { uid: a, pos_dest: 'middle' }, /Failed to move the item/],
      ['queue_item_move', { uid: a, pos_dest: 1.5 }, /Failed to move the item/],
      ['queue_item_move', { uid: a, before_uid: 5 }, /Failed to move the item/],
      ['queue_item_move_batch', { uids: 5, pos_dest: 'front' }, /Parameter 'uids' must be a list/],
      ['queue_item_move_batch', { uids: [b, a], pos_dest: [] }, /Failed to move the batch of items/],
      [
        'queue_item_move_batch',
        { uids: [5], pos_dest: 'front' },
        /does not contain items with the following UIDs: \[5\]/,
      ],
      ['queue_item_get', { pos: {} }, /Parameter 'pos' has incorrect type/],
      ['queue_item_get', { uid: 5 }, /Item with UID '5' is not in the queue/],
      ['queue_item_execute', { item: 5, ...USER }, /item parameter must have type 'dict'/],
      ['queue_clear', { lock_key: 5 }, /Lock key must be a non-empty string or None/],
      ['queue_mode_set', { mode: 5 }, /unsupported type '<class 'int'>'/],
      [
        'queue_mode_set',
        { mode: { loop: 'yes' } },
        /Unsupported type '<class 'str'>' of the parameter 'loop'/,
      ],
      ['queue_start', { lock_key: [] }, /Lock key must be a non-empty string or None/],
      ['queue_autostart', { enable: 'true' }, /must be boolean/],
      ['history_clear', { size: 'ab' }, /The 'size' parameter must be an integer/],
      ['history_clear', { item_uid: 5 }, /The 'item_uid' parameter must be a string/],
      ['queue_get', { reload: true }, /unsupported parameters: 'reload'/],
    ];
    for (const [method, params, pattern] of cases) {
      const what = `${method} ${JSON.stringify(params).slice(0, 120)}`;
      assertRefused(await call(method, params), pattern, what);
      await assertUnchanged(what);
    }
    assert.equal(queueWrites(), 0);
  });

  it('refuses unknown groups and users that are not names', async () => {
    const item = plan('x');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'queue_item_add',
        { item, user: 'u', user_group: 'no_such_group' },
        /^Failed to add an item: Unknown user group: 'no_such_group'$/,
      ],
      ['queue_item_add', { item, user: 'u', user_group: null }, /Unknown user group: 'None'/],
      ['queue_item_add', { item, user: 'u' }, /user group is not specified/],
      ['queue_item_add', { item, user_group: 'primary' }, /user name is not specified/],
      ['queue_item_add', { item, user: 5, user_group: 'primary' }, /user name must be a string: user=5/],
      [
        'queue_item_add',
        { item, user: null, user_group: 'primary' },
        /user name must be a string: user=None/,
      ],
      ['queue_item_add', { item, user: { name: 'u' }, user_group: 'primary' }, /user name must be a string/],
      [
        'queue_item_add_batch',
        { items: [item], user: 'u', user_group: 'admins' },
        /validation of 1 out of 1 submitted items failed/,
      ],
      [
        'queue_item_update',
        { item: { ...item, item_uid: queueBefore.items[0].item_uid }, user: 'u', user_group: 'x' },
        /Unknown user group: 'x'/,
      ],
      ['queue_item_execute', { item, user: 'u', user_group: 'x' }, /Unknown user group: 'x'/],
      [
        'function_execute',
        { item: { item_type: 'function', name: 'function_sleep' }, user: 'u', user_group: 'x' },
        /Unknown user group: 'x'/,
      ],
      ['plans_allowed', { user_group: 'x' }, /Unknown user group: 'x'/],
      ['devices_allowed', { user_group: 7 }, /Unknown user group: '7'/],
    ];
    for (const [method, params, pattern] of cases) {
      const what = `${method} ${JSON.stringify(params).slice(0, 120)}`;
      assertRefused(await call(method, params), pattern, what);
      await assertUnchanged(what);
    }
    const batch = await call('queue_item_add_batch', { items: [item], user: 'u', user_group: 'admins' });
    assert.equal(batch.results[0].msg, "Failed to add a plan: Unknown user group: 'admins'");
    assert.equal(queueWrites(), 0);

    // Over HTTP the principal is the user: a body's user and group are overwritten, as the reference does.
    const added = await httpJson('POST', `${qs.url}/api/queue/item/add`, {
      item,
      user: 'someone else',
      user_group: 'admin',
    });
    assert.equal(added.status, 200);
    assert.equal(added.body.item.user, 'UNAUTHENTICATED_SINGLE_USER');
    assert.equal(added.body.item.user_group, 'primary');
    await call('queue_item_remove', { uid: added.body.item.item_uid });
    const extra = await httpJson('POST', `${qs.url}/api/queue/item/add`, { item, priority: 1 });
    assert.equal(extra.status, 400);
    assert.equal(extra.body.detail, "item_add() got an unexpected keyword argument 'priority'");
    const notJson = await httpJson('POST', `${qs.url}/api/queue/item/add`, '{"item": ');
    assert.equal(notJson.status, 422);
  });

  it(`refuses an item over ${MAX_ITEM_JSON_BYTES} bytes of JSON: a 10 MB one, alone or in a batch`, async () => {
    const huge = { ...plan('huge'), kwargs: { md: { blob: 'x'.repeat(10 * 1024 * 1024) } } };
    const alone = await call('queue_item_add', { item: huge, ...USER });
    assertRefused(
      alone,
      /^Failed to add an item: Incorrect request format: the item is too large: \d+ bytes as JSON/,
      'add',
    );
    assert.equal(alone.qsize, null);
    await assertUnchanged('10 MB add');
    const batch = await call('queue_item_add_batch', { items: [plan('small'), huge], ...USER });
    assertRefused(batch, /validation of 1 out of 2 submitted items failed/, 'batch');
    assert.match(batch.results[1].msg, /the item is too large/);
    await assertUnchanged('10 MB batch');
    const update = await call('queue_item_update', {
      item: { ...huge, item_uid: queueBefore.items[0].item_uid },
      ...USER,
    });
    assertRefused(update, /the item is too large/, 'update');
    await assertUnchanged('10 MB update');
    const viaHttp = await httpJson('POST', `${qs.url}/api/queue/item/add`, { item: huge });
    assert.equal(viaHttp.status, 200);
    assertRefused(viaHttp.body, /the item is too large/, 'HTTP add');
    await assertUnchanged('10 MB over HTTP');
    assert.equal(queueWrites(), 0);
    // Just under the limit is fine.
    const fits = { ...plan('fits'), kwargs: { md: { blob: 'x'.repeat(MAX_ITEM_JSON_BYTES - 200) } } };
    const accepted = await call('queue_item_add', { item: fits, ...USER });
    assert.equal(accepted.success, true);
    await call('queue_item_remove', { uid: accepted.item.item_uid });
  });

  it('adds 1,000 items in one batch, written to the store once', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => plan(`n${i}`));
    const reply = await call('queue_item_add_batch', { items, ...USER });
    assert.equal(reply.success, true);
    assert.equal(reply.qsize, 1003);
    assert.equal(queueWrites(), 1);
    const queue = (await call('queue_get')).items as Reply[];
    assert.deepEqual(
      queue.map((item) => item.kwargs.md.tag),
      ['a', 'b', 'c', ...items.map((item) => item.kwargs.md.tag)],
    );
    assert.equal(new Set(queue.map((item) => item.item_uid)).size, 1003);
    // What the store holds is the queue, in order.
    const stored = await (qs.server.store as QueueStore).load();
    assert.deepEqual(
      stored.queue.map((item) => item.item_uid),
      queue.map((item) => item.item_uid),
    );
    const cleared = await call('queue_clear');
    assert.equal(cleared.success, true);
    assert.equal((await call('status')).items_in_queue, 0);
  });
});
