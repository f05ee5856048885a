/**
 * Finding items in the queue by position or uid, and checking uid lists, with the reference's
 * refusals; shared by the queue's list operations.
 */

import { pythonClassRepr, pythonRepr } from '../zmq/python-repr.ts';
import { pyStr, pyTruthy } from './python-text.ts';
import { type QueueItem, Refusal } from './types.ts';

export type Queue = readonly QueueItem[];

/** A parameter counts as given unless absent or null (Python's `is not None`). */
export const given = (value: unknown): boolean => value !== undefined && value !== null;

/** An integer position (booleans are not positions here, unlike in Python). */
export const isInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value);

/** The index of the item with `uid`, or -1. */
export const indexOfUid = (queue: Queue, uid: unknown): number =>
  queue.findIndex((item) => item.item_uid === uid);

/** Whether `uid` is the running item's. */
export const isRunning = (uid: unknown, running: QueueItem | null): boolean =>
  !!running && running.item_uid === uid;

/** The queue index of `pos` (`front`, `back` or an int, negative from the back), or a refusal. */
export function indexOfPosition(queue: Queue, pos: unknown): number {
  const index = pos === 'back' ? -1 : pos === 'front' ? 0 : pos;
  if (!isInt(index))
    throw new Refusal(`Parameter 'pos' has incorrect type: pos=${pyStr(pos)} (type=${pythonClassRepr(pos)})`);
  const at = index < 0 ? queue.length + index : index;
  if (at < 0 || at >= queue.length)
    throw new Refusal(`Index '${index}' is out of range (parameter pos = '${pyStr(pos)}')`);
  return at;
}

/** The index of the item named by `pos` (default back) or `uid`, as queue_item_get finds it. */
export function findItem(
  queue: Queue,
  where: { pos?: unknown; uid?: unknown },
  running: QueueItem | null,
): number {
  if (given(where.pos) && given(where.uid))
    throw new Refusal('Ambiguous parameters: plan position and UID is specified');
  if (!given(where.uid)) return indexOfPosition(queue, given(where.pos) ? where.pos : 'back');
  // The reference leaves '{uid}' uninterpolated here (spec §17 bug 7); the uid is shown instead.
  if (isRunning(where.uid, running))
    throw new Refusal(`The item with UID '${pyStr(where.uid)}' is currently running.`);
  const index = indexOfUid(queue, where.uid);
  if (index < 0) throw new Refusal(`Item with UID '${pyStr(where.uid)}' is not in the queue.`);
  return index;
}

/** The `uids` parameter of the batch methods as a list (absent → refusal, falsy → empty). */
export function uidList(uids: unknown): unknown[] {
  if (!given(uids)) throw new Refusal('Request does not contain the list of UIDs');
  const list = pyTruthy(uids) ? uids : [];
  if (!Array.isArray(list))
    throw new Refusal(`Parameter 'uids' must be a list: type(uids) = ${pythonClassRepr(list)}`);
  return list;
}

/** A key under which equal JSON values (uids may be any JSON) count as the same. */
const uidKey = (uid: unknown): unknown =>
  uid !== null && typeof uid === 'object' ? JSON.stringify(uid) : uid;

/** Refuses a uid list with repeats or with uids the queue does not hold. */
export function checkUidList(queue: Queue, uids: readonly unknown[]): void {
  const distinct = new Set(uids.map(uidKey)).size;
  if (distinct !== uids.length)
    throw new Refusal(`The list of contains repeated UIDs (${uids.length - distinct} UIDs)`);
  const missing = uids.filter((uid) => indexOfUid(queue, uid) < 0);
  if (missing.length > 0)
    throw new Refusal(`The queue does not contain items with the following UIDs: ${pythonRepr(missing)}`);
}
