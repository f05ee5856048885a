/**
 * The lock model (spec §8, §2.2): who locked the environment and/or the queue, with which key, and
 * the checks locked methods make. Pure functions over LockState; replies carry the reference's
 * messages verbatim (clients match them).
 */
import { pythonRepr } from '../zmq/python-repr.ts';
import { type LockState, type Params, Refusal } from './types.ts';

/** Methods refused while the environment is locked, unless called with the lock key. */
export const ENVIRONMENT_LOCKED_METHODS = [
  'environment_open',
  'environment_close',
  'environment_destroy',
  'environment_update',
  'queue_start',
  'queue_stop',
  'queue_stop_cancel',
  'queue_autostart',
  'queue_item_execute',
  're_pause',
  're_resume',
  're_stop',
  're_abort',
  're_halt',
  'script_upload',
  'function_execute',
  'kernel_interrupt',
] as const;

/** Methods refused while the queue is locked, unless called with the lock key. */
export const QUEUE_LOCKED_METHODS = [
  'queue_mode_set',
  'queue_item_add',
  'queue_item_add_batch',
  'queue_item_update',
  'queue_item_remove',
  'queue_item_remove_batch',
  'queue_item_move',
  'queue_item_move_batch',
  'queue_clear',
  'history_clear',
  'permissions_reload',
  'permissions_set',
] as const;

/** The `lock_info` dict of `lock`, `unlock` and `lock_info` replies. */
export interface LockInfo {
  environment: boolean;
  queue: boolean;
  user: string | null;
  time: number | null;
  time_str: string;
  note: string | null;
  emergency_lock_key_is_set: boolean;
}

export interface LockReply {
  success: boolean;
  msg: string;
  /** `{}` when `lock` fails or `unlock` is refused before looking at the lock. */
  lock_info: LockInfo | Record<string, never>;
  lock_info_uid: string | null;
}

export interface LockResult {
  state: LockState;
  reply: LockReply;
}

/** The state of an unlocked manager (at first start, and after `unlock`). */
export function UNLOCKED(uid: string): LockState {
  return { environment: false, queue: false, lock_key: null, user: null, note: null, time: null, uid };
}

const isLocked = (state: LockState): boolean => state.environment || state.queue;
const pad = (n: number): string => String(n).padStart(2, '0');

/** Python's `datetime.fromtimestamp(t).strftime("%m/%d/%Y %H:%M:%S")` (local time); "" when never locked. */
function timeString(time: number | null): string {
  if (!time) return '';
  // fromtimestamp rounds to microseconds before the seconds are printed.
  const date = new Date(Math.round(time * 1e6) / 1e3);
  const day = `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The `lock_info` dict clients see (the key itself is never shown). */
export function describeLockInfo(state: LockState, emergencyKeySet: boolean): LockInfo {
  return {
    environment: state.environment,
    queue: state.queue,
    user: state.user,
    time: state.time,
    time_str: timeString(state.time),
    note: state.note,
    emergency_lock_key_is_set: emergencyKeySet,
  };
}

/** The human-readable lock description messages embed (the reference's `LockInfo.to_str`). */
function describeLock(state: LockState, emergencyKeySet: boolean): string {
  return [
    `RE Manager is locked by ${state.user ?? 'None'} at ${timeString(state.time)}`,
    `Environment is locked: ${pythonRepr(state.environment)}`,
    `Queue is locked:       ${pythonRepr(state.queue)}`,
    `Emergency lock key:    ${emergencyKeySet ? 'set' : 'not set'}`,
    `Note: ${state.note || '---'}`,
  ].join('\n');
}

const invalidKey = (state: LockState, emergencyKeySet: boolean): string =>
  `Invalid lock key: \n${describeLock(state, emergencyKeySet)}`;

/** Why `lockKey` may not pass a lock that covers (`locked`) the method; null when it may. */
function keyProblem(
  state: LockState,
  lockKey: unknown,
  locked: boolean,
  emergencyKeySet: boolean,
): string | null {
  if (lockKey !== null && lockKey !== undefined && typeof lockKey !== 'string')
    return `Lock key must be a non-empty string or None: lock_key = ${pythonRepr(lockKey)}`;
  return locked && lockKey !== state.lock_key ? invalidKey(state, emergencyKeySet) : null;
}

/**
 * The check every locked method makes first: throws a Refusal unless its part is unlocked or
 * `lockKey` is the lock key (never the emergency key); a key that is not a string or null is refused.
 */
export function checkLockKey(
  state: LockState,
  lockKey: unknown,
  category: 'environment' | 'queue',
  emergencyKeySet: boolean,
): void {
  const problem = keyProblem(state, lockKey, state[category], emergencyKeySet);
  if (problem) throw new Refusal(problem);
}

const failed = (state: LockState, msg: string): LockResult => ({
  state,
  reply: { success: false, msg: `Error: ${msg}`, lock_info: {}, lock_info_uid: null },
});

/** Python truthiness of a decoded wire value (the reference reads the lock flags unchecked). */
const truthy = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.length > 0
    : typeof value === 'object' && value !== null
      ? Object.keys(value).length > 0
      : Boolean(value);

/**
 * `lock`: validates user, key, note and flags, then (re)locks when unlocked or locked with the same
 * key, with a new uid. `now` is epoch seconds.
 */
export function lock(
  state: LockState,
  params: Params,
  now: number,
  newUid: () => string,
  emergencyKeySet: boolean,
): LockResult {
  if (!Object.hasOwn(params, 'user'))
    return failed(state, "User name is not specified: 'user' is a required parameter");
  const { user, lock_key: key } = params;
  if (typeof user !== 'string' || user === '')
    return failed(state, `User name must be a non-empty string: user = ${pythonRepr(user)}`);
  if (!Object.hasOwn(params, 'lock_key'))
    return failed(state, "Lock key is not specified: 'lock_key' is a required parameter");
  if (typeof key !== 'string' || key === '')
    return failed(state, `Lock key must be a non-empty string: lock_key = ${pythonRepr(key)}`);
  const note = params.note ?? null;
  if (note !== null && typeof note !== 'string')
    return failed(state, `Note must be a string or None: note = ${pythonRepr(note)}`);
  if (isLocked(state) && key !== state.lock_key)
    return failed(
      state,
      `RE Manager was locked with a different key: \n${describeLock(state, emergencyKeySet)}`,
    );
  const environment = params.environment ?? false;
  const queue = params.queue ?? false;
  if (!truthy(environment) && !truthy(queue))
    return failed(
      state,
      'Invalid option: environment and/or queue must be selected: ' +
        `environment=${pythonRepr(environment)} queue=${pythonRepr(queue)}`,
    );
  const locked: LockState = {
    environment: truthy(environment),
    queue: truthy(queue),
    lock_key: key,
    user,
    note,
    time: now,
    uid: newUid(),
  };
  return {
    state: locked,
    reply: {
      success: true,
      msg: '',
      lock_info: describeLockInfo(locked, emergencyKeySet),
      lock_info_uid: locked.uid,
    },
  };
}

/** `unlock`: with the lock key or the emergency key; unlocking an unlocked manager changes nothing. */
export function unlock(
  state: LockState,
  params: Params,
  newUid: () => string,
  emergencyKey?: string | null,
): LockResult {
  const emergencyKeySet = Boolean(emergencyKey);
  if (!Object.hasOwn(params, 'lock_key'))
    return failed(state, "Request contains no lock key: 'lock_key' parameter is required");
  const key = params.lock_key;
  if (typeof key !== 'string' || key === '')
    return failed(state, `Lock key must be a non-empty string: lock_key = ${pythonRepr(key)}`);
  const answer = (next: LockState, msg = ''): LockResult => ({
    state: next,
    reply: {
      success: msg === '',
      msg,
      lock_info: describeLockInfo(next, emergencyKeySet),
      lock_info_uid: next.uid,
    },
  });
  if (!isLocked(state)) return answer(state);
  if (key === state.lock_key || (emergencyKeySet && key === emergencyKey)) return answer(UNLOCKED(newUid()));
  return answer(state, `Error: ${invalidKey(state, emergencyKeySet)}`);
}

/** `lock_info`: always reports the lock; a string `lock_key` must match it while locked. */
export function lockInfo(state: LockState, params: Params, emergencyKeySet = false): LockResult {
  const reply: LockReply = {
    success: true,
    msg: '',
    lock_info: describeLockInfo(state, emergencyKeySet),
    lock_info_uid: state.uid,
  };
  const key = params.lock_key ?? null;
  const problem = key === null ? null : keyProblem(state, key, isLocked(state), emergencyKeySet);
  return { state, reply: problem ? { ...reply, success: false, msg: `Error: ${problem}` } : reply };
}
