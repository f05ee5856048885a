/**
 * Item preparation (spec §2.4) with the reference's messages: §16 item 4 (uid and user set by the
 * server), item 7 (request and validation errors), item 9's per-item messages, item 33 (function
 * errors). Plans are validated against bluesky's `count` as the run engine describes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PLANS, describePlan } from '@ophyd-service/run-engine';
import { type ItemContext, prepareItem, storedItem, submittedItem } from '../src/manager/items.ts';
import type { PlanDescription } from '../src/manager/plan-validation.ts';
import { type Params, type QueueItem, Refusal } from '../src/manager/types.ts';

const count = describePlan(BUILTIN_PLANS.count) as unknown as PlanDescription;
const devices = { det1: { is_readable: true }, det2: { is_readable: true } };
const functions: Record<string, string[]> = {
  primary: ['function_sleep'],
  test_user: ['function_sleep', 'non_existing_element'],
};

function context(): ItemContext & { issued: string[] } {
  const issued: string[] = [];
  return {
    issued,
    newUid: () => {
      const uid = `uid-${issued.length + 1}`;
      issued.push(uid);
      return uid;
    },
    allowedPlans: (group) => (group in functions ? { count } : undefined),
    allowedDevices: (group) => (group in functions ? devices : undefined),
    functionAllowed: (name, group) => functions[group]?.includes(name) ?? false,
  };
}

const request = (item: unknown, extra: Params = {}): Params => ({
  item,
  user: 'Queue Server API User',
  user_group: 'primary',
  ...extra,
});
const countPlan = { item_type: 'plan', name: 'count', args: [['det1', 'det2']] };
const QUEUE_TYPES = ['plan', 'instruction'] as const;

function refuses(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Refusal, `not a Refusal: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('prepareItem: a valid plan (§16 item 4)', () => {
  it('gets a fresh uid (not the supplied one) and the request’s user and group', () => {
    const ctx = context();
    const supplied = { ...countPlan, item_uid: 'client-uid', user: 'someone', user_group: 'admin' };
    const item = prepareItem(request(supplied), ctx, QUEUE_TYPES);
    assert.deepEqual(item, {
      item_type: 'plan',
      name: 'count',
      args: [['det1', 'det2']],
      item_uid: 'uid-1',
      user: 'Queue Server API User',
      user_group: 'primary',
    });
    assert.deepEqual(ctx.issued, ['uid-1']);
    assert.equal(supplied.item_uid, 'client-uid', 'the submitted item is left as it came');
  });

  it('keeps the item’s own uid when asked (queue_item_update without replace)', () => {
    const item = prepareItem(request({ ...countPlan, item_uid: 'kept' }), context(), QUEUE_TYPES, {
      keepUid: true,
    });
    assert.equal(item.item_uid, 'kept');
    refuses(
      () => prepareItem(request(countPlan), context(), QUEUE_TYPES, { keepUid: true }),
      'Item description contains no UID and UID generation is skipped',
    );
  });

  it('accepts the queue_stop instruction and refuses any other', () => {
    const stop = prepareItem(
      request({ item_type: 'instruction', name: 'queue_stop' }),
      context(),
      QUEUE_TYPES,
    );
    assert.equal(stop.name, 'queue_stop');
    refuses(
      () => prepareItem(request({ item_type: 'instruction', name: 'stop' }), context(), QUEUE_TYPES),
      "Unrecognized instruction: {'item_type': 'instruction', 'name': 'stop'}",
    );
  });
});

describe('prepareItem: request and validation errors (§16 items 7 and 9)', () => {
  it('refuses an unknown plan and an unknown keyword argument', () => {
    refuses(
      () => prepareItem(request({ item_type: 'plan', name: 'count_test' }), context(), QUEUE_TYPES),
      "Plan validation failed: Plan 'count_test' is not in the list of allowed plans.\n" +
        "Plan: {'item_type': 'plan', 'name': 'count_test'}",
    );
    refuses(
      () => prepareItem(request({ ...countPlan, kwargs: { abc: 10 } }), context(), QUEUE_TYPES),
      "Plan validation failed: got an unexpected keyword argument 'abc'\n" +
        "Plan: {'args': [['det1', 'det2']],\n 'item_type': 'plan',\n 'kwargs': {'abc': 10},\n 'name': 'count'}",
    );
  });

  it('refuses a request without user or group, and an unknown group', () => {
    refuses(
      () => prepareItem({ item: countPlan, user_group: 'primary' }, context(), QUEUE_TYPES),
      'Incorrect request format: user name is not specified',
    );
    refuses(
      () => prepareItem({ item: countPlan, user: 'u' }, context(), QUEUE_TYPES),
      'Incorrect request format: user group is not specified',
    );
    refuses(
      () => prepareItem({ item: countPlan }, context(), QUEUE_TYPES),
      'Incorrect request format: user group is not specified',
    );
    refuses(
      () => prepareItem(request(countPlan, { user_group: 'no_such_group' }), context(), QUEUE_TYPES),
      "Unknown user group: 'no_such_group'",
    );
  });

  it('refuses a missing item (echo null), a non-dict item (echoed) and unknown item types', () => {
    const noItem = { user: 'u', user_group: 'primary' };
    refuses(
      () => prepareItem(noItem, context(), QUEUE_TYPES),
      'Incorrect request format: request contains no item info',
    );
    assert.equal(submittedItem(noItem), null);

    refuses(
      () => prepareItem(request([]), context(), QUEUE_TYPES),
      "Incorrect request format: incorrect type ('<class 'list'>') of item parameter: item parameter must have type 'dict'",
    );
    assert.deepEqual(submittedItem(request([])), []);

    const unsupported = { item_type: 'unsupported', name: 'count' };
    refuses(
      () => prepareItem(request(unsupported), context(), QUEUE_TYPES),
      "Incorrect request format: unsupported 'item_type' value: 'unsupported', supported item types ('plan', 'instruction')",
    );
    assert.equal(submittedItem(request(unsupported)), unsupported);
  });

  it("refuses an empty item with 'item_type' key is not found (batch item {})", () => {
    refuses(
      () => prepareItem(request({}), context(), QUEUE_TYPES),
      "Incorrect request format: 'item_type' key is not found",
    );
  });

  it('checks the item before the user: a bad item is reported even without a user', () => {
    refuses(
      () => prepareItem({ item: {} }, context(), QUEUE_TYPES),
      "Incorrect request format: 'item_type' key is not found",
    );
  });
});

describe('prepareItem: functions (§16 item 33)', () => {
  const FUNCTION = ['function'] as const;
  const fn = (extra: Record<string, unknown>) => ({
    item_type: 'function',
    name: 'function_sleep',
    ...extra,
  });

  it('accepts a permitted function with a fresh uid', () => {
    const ctx = context();
    const item = prepareItem(request(fn({ args: [2.0] }), { user_group: 'test_user' }), ctx, FUNCTION);
    assert.equal(item.item_uid, 'uid-1');
    assert.equal(item.user_group, 'test_user');
  });

  it('refuses names not permitted for the group, bad args and kwargs, and other item types', () => {
    refuses(
      () => prepareItem(request(fn({ name: 'not_allowed' })), context(), FUNCTION),
      "Function 'not_allowed' is not allowed for users from 'primary' group.",
    );
    refuses(
      () => prepareItem(request(fn({ args: 50 })), context(), FUNCTION),
      "Parameter 'args' is not a tuple or a list: <class 'int'>",
    );
    refuses(
      () => prepareItem(request(fn({ kwargs: 50 })), context(), FUNCTION),
      "Parameter 'kwargs' is not a dictionary: <class 'int'>",
    );
    refuses(
      () => prepareItem(request({ item_type: 'function' }), context(), FUNCTION),
      "Function name is not specified: {'item_type': 'function'}",
    );
    refuses(
      () => prepareItem(request(countPlan), context(), FUNCTION),
      "Incorrect request format: unsupported 'item_type' value: 'plan', supported item types ('function',)",
    );
  });

  it('lets through a permitted name the worker may not have (the task fails later)', () => {
    const item = prepareItem(
      request(fn({ name: 'non_existing_element' }), { user_group: 'test_user' }),
      context(),
      FUNCTION,
    );
    assert.equal(item.name, 'non_existing_element');
  });
});

describe('storedItem (§2.4 step 7)', () => {
  it('keeps only item_uid, item_type, name, args, kwargs, meta, user, user_group, properties', () => {
    const full = {
      item_uid: 'u',
      item_type: 'plan',
      name: 'count',
      args: [['det1']],
      kwargs: { num: 2 },
      meta: { sample: 'A' },
      user: 'x',
      user_group: 'primary',
      properties: { time_start: 1.5 },
      result: { exit_status: 'failed' },
      something_else: 1,
    } as unknown as QueueItem;
    assert.deepEqual(storedItem(full), {
      item_uid: 'u',
      item_type: 'plan',
      name: 'count',
      args: [['det1']],
      kwargs: { num: 2 },
      meta: { sample: 'A' },
      user: 'x',
      user_group: 'primary',
      properties: { time_start: 1.5 },
    });
  });
});
