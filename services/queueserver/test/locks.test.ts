/**
 * The lock model (spec §8, §2.2, acceptance check 35 at the level of the pure functions): lock,
 * unlock, lock_info and the key check of locked methods, with the reference's messages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkLockKey,
  describeLockInfo,
  ENVIRONMENT_LOCKED_METHODS,
  lock,
  lockInfo,
  QUEUE_LOCKED_METHODS,
  UNLOCKED,
  unlock,
} from '../src/manager/locks.ts';
import { type LockState, Refusal } from '../src/manager/types.ts';

// time_str is local time: pin the zone so the literals below hold on any machine.
process.env.TZ = 'UTC';
const NOW = 1700000000.75; // 11/14/2023 22:13:20 UTC

function uids() {
  let n = 0;
  return () => `uid-${++n}`;
}

/** The state after a successful lock (asserting it succeeded). */
function locked(params: Record<string, unknown>, emergencyKeySet = false): LockState {
  const { state, reply } = lock(UNLOCKED('uid-0'), params, NOW, uids(), emergencyKeySet);
  assert.equal(reply.success, true, reply.msg);
  return state;
}

const DESCRIPTION_QUEUE_LOCKED =
  'RE Manager is locked by Bob at 11/14/2023 22:13:20\n' +
  'Environment is locked: False\n' +
  'Queue is locked:       True\n' +
  'Emergency lock key:    set\n' +
  'Note: ---';

describe('lock', () => {
  test('locks with flags, user, note and time; lock_info shows them and a new uid', () => {
    const { state, reply } = lock(
      UNLOCKED('uid-0'),
      { lock_key: 'key', user: 'Bob', environment: true, note: 'Maintenance' },
      NOW,
      uids(),
      true,
    );
    assert.deepEqual(reply, {
      success: true,
      msg: '',
      lock_info: {
        environment: true,
        queue: false,
        user: 'Bob',
        time: NOW,
        time_str: '11/14/2023 22:13:20',
        note: 'Maintenance',
        emergency_lock_key_is_set: true,
      },
      lock_info_uid: 'uid-1',
    });
    assert.deepEqual(state, {
      environment: true,
      queue: false,
      lock_key: 'key',
      user: 'Bob',
      note: 'Maintenance',
      time: NOW,
      uid: 'uid-1',
    });
  });

  test('invalid requests fail with the reference messages and change nothing', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ lock_key: 'k', queue: true }, "Error: User name is not specified: 'user' is a required parameter"],
      [{ lock_key: 'k', user: '', queue: true }, "Error: User name must be a non-empty string: user = ''"],
      [{ lock_key: 'k', user: 10, queue: true }, 'Error: User name must be a non-empty string: user = 10'],
      [{ user: 'Bob', queue: true }, "Error: Lock key is not specified: 'lock_key' is a required parameter"],
      [
        { lock_key: '', user: 'Bob', queue: true },
        "Error: Lock key must be a non-empty string: lock_key = ''",
      ],
      [
        { lock_key: null, user: 'Bob', queue: true },
        'Error: Lock key must be a non-empty string: lock_key = None',
      ],
      // The reference prints the literal text `note = {note!r}` here (spec §17 item 7); we interpolate.
      [
        { lock_key: 'k', user: 'Bob', queue: true, note: 10 },
        'Error: Note must be a string or None: note = 10',
      ],
      [
        { lock_key: 'k', user: 'Bob' },
        'Error: Invalid option: environment and/or queue must be selected: environment=False queue=False',
      ],
      [
        { lock_key: 'k', user: 'Bob', environment: false, queue: false },
        'Error: Invalid option: environment and/or queue must be selected: environment=False queue=False',
      ],
    ];
    const before = UNLOCKED('uid-0');
    for (const [params, msg] of cases) {
      const { state, reply } = lock(before, params, NOW, uids(), false);
      assert.deepEqual(reply, { success: false, msg, lock_info: {}, lock_info_uid: null });
      assert.equal(state, before);
    }
  });

  test('locking again with the same key changes the lock; another key is refused with the lock described', () => {
    const first = locked({ lock_key: 'key', user: 'Bob', queue: true });
    const again = lock(
      first,
      { lock_key: 'key', user: 'Alice', environment: true },
      NOW + 5,
      () => 'uid-2',
      true,
    );
    assert.equal(again.reply.success, true);
    assert.deepEqual(
      [again.state.environment, again.state.queue, again.state.user, again.state.uid],
      [true, false, 'Alice', 'uid-2'],
    );
    const other = lock(first, { lock_key: 'other', user: 'Eve', queue: true }, NOW, () => 'uid-3', true);
    assert.deepEqual(other.reply, {
      success: false,
      msg: `Error: RE Manager was locked with a different key: \n${DESCRIPTION_QUEUE_LOCKED}`,
      lock_info: {},
      lock_info_uid: null,
    });
    assert.equal(other.state, first);
  });
});

describe('locked methods', () => {
  test('the method lists of spec §2.2', () => {
    assert.deepEqual([...ENVIRONMENT_LOCKED_METHODS].sort(), [
      'environment_close',
      'environment_destroy',
      'environment_open',
      'environment_update',
      'function_execute',
      'kernel_interrupt',
      'queue_autostart',
      'queue_item_execute',
      'queue_start',
      'queue_stop',
      'queue_stop_cancel',
      're_abort',
      're_halt',
      're_pause',
      're_resume',
      're_stop',
      'script_upload',
    ]);
    assert.deepEqual([...QUEUE_LOCKED_METHODS].sort(), [
      'history_clear',
      'permissions_reload',
      'permissions_set',
      'queue_clear',
      'queue_item_add',
      'queue_item_add_batch',
      'queue_item_move',
      'queue_item_move_batch',
      'queue_item_remove',
      'queue_item_remove_batch',
      'queue_item_update',
      'queue_mode_set',
    ]);
  });

  test('with the queue locked, queue methods need the key (not the emergency key); environment methods do not', () => {
    const state = locked({ lock_key: 'key', user: 'Bob', queue: true }, true);
    const invalid = `Invalid lock key: \n${DESCRIPTION_QUEUE_LOCKED}`;
    for (const key of [undefined, null, 'wrong', 'emergency', ''])
      assert.throws(
        () => checkLockKey(state, key, 'queue', true),
        (error: unknown) => error instanceof Refusal && error.message === invalid,
      );
    checkLockKey(state, 'key', 'queue', true);
    for (const key of [undefined, null, 'wrong', '']) checkLockKey(state, key, 'environment', true);
  });

  test('with the environment locked it is the other way round', () => {
    const state = locked({ lock_key: 'key', user: 'Bob', environment: true });
    assert.throws(() => checkLockKey(state, undefined, 'environment', false), Refusal);
    checkLockKey(state, 'key', 'environment', false);
    checkLockKey(state, undefined, 'queue', false);
  });

  test('a key that is neither a string nor null is refused, locked or not; "" passes when unlocked', () => {
    for (const state of [UNLOCKED('u'), locked({ lock_key: 'key', user: 'Bob', queue: true })])
      assert.throws(
        () => checkLockKey(state, 10, 'queue', false),
        (error: unknown) =>
          error instanceof Refusal &&
          error.message === 'Lock key must be a non-empty string or None: lock_key = 10',
      );
    checkLockKey(UNLOCKED('u'), '', 'queue', false);
    checkLockKey(UNLOCKED('u'), '', 'environment', false);
  });
});

describe('unlock', () => {
  const state = locked({ lock_key: 'key', user: 'Bob', queue: true });

  test('needs a non-empty key', () => {
    assert.deepEqual(unlock(state, {}, uids(), 'emergency').reply, {
      success: false,
      msg: "Error: Request contains no lock key: 'lock_key' parameter is required",
      lock_info: {},
      lock_info_uid: null,
    });
    assert.equal(
      unlock(state, { lock_key: 5 }, uids()).reply.msg,
      'Error: Lock key must be a non-empty string: lock_key = 5',
    );
  });

  test('a wrong key is refused with the lock still reported', () => {
    const { state: after, reply } = unlock(state, { lock_key: 'wrong' }, uids(), 'emergency');
    assert.equal(after, state);
    assert.deepEqual(reply, {
      success: false,
      msg: `Error: Invalid lock key: \n${DESCRIPTION_QUEUE_LOCKED}`,
      lock_info: describeLockInfo(state, true),
      lock_info_uid: 'uid-1',
    });
  });

  test('the lock key or the emergency key unlock, with a new uid', () => {
    for (const key of ['key', 'emergency']) {
      const { state: after, reply } = unlock(state, { lock_key: key }, () => 'uid-9', 'emergency');
      assert.deepEqual(after, UNLOCKED('uid-9'));
      assert.deepEqual(reply, {
        success: true,
        msg: '',
        lock_info: {
          environment: false,
          queue: false,
          user: null,
          time: null,
          time_str: '',
          note: null,
          emergency_lock_key_is_set: true,
        },
        lock_info_uid: 'uid-9',
      });
    }
    // Without an emergency key configured, the same text is just a wrong key.
    assert.equal(unlock(state, { lock_key: 'emergency' }, uids()).reply.success, false);
  });

  test('unlocking an unlocked manager succeeds and changes nothing', () => {
    const free = UNLOCKED('uid-5');
    const { state: after, reply } = unlock(free, { lock_key: 'anything' }, () => 'uid-6');
    assert.equal(after, free);
    assert.equal(reply.success, true);
    assert.equal(reply.lock_info_uid, 'uid-5');
  });
});

describe('lock_info', () => {
  const state = locked({ lock_key: 'key', user: 'Bob', queue: true, note: 'Beam time' });

  test('reports the lock, and checks a key only when one is given', () => {
    const expected = {
      success: true,
      msg: '',
      lock_info: {
        environment: false,
        queue: true,
        user: 'Bob',
        time: NOW,
        time_str: '11/14/2023 22:13:20',
        note: 'Beam time',
        emergency_lock_key_is_set: true,
      },
      lock_info_uid: 'uid-1',
    };
    assert.deepEqual(lockInfo(state, {}, true).reply, expected);
    assert.deepEqual(lockInfo(state, { lock_key: null }, true).reply, expected);
    assert.deepEqual(lockInfo(state, { lock_key: 'key' }, true).reply, expected);
    const description = DESCRIPTION_QUEUE_LOCKED.replace('Note: ---', 'Note: Beam time');
    assert.deepEqual(lockInfo(state, { lock_key: 'emergency' }, true).reply, {
      ...expected,
      success: false,
      msg: `Error: Invalid lock key: \n${description}`,
    });
    assert.deepEqual(lockInfo(state, { lock_key: 7 }, true).reply, {
      ...expected,
      success: false,
      msg: 'Error: Lock key must be a non-empty string or None: lock_key = 7',
    });
    assert.equal(lockInfo(UNLOCKED('u'), { lock_key: 'any' }).reply.success, true);
  });

  test('a stored lock read back after a restart reports identical lock_info and uid', () => {
    const restored = JSON.parse(JSON.stringify(state)) as LockState;
    assert.deepEqual(lockInfo(restored, {}, true).reply, lockInfo(state, {}, true).reply);
  });

  test('time_str is local time', () => {
    process.env.TZ = 'America/New_York';
    try {
      assert.equal(describeLockInfo(state, false).time_str, '11/14/2023 17:13:20');
    } finally {
      process.env.TZ = 'UTC';
    }
  });
});
