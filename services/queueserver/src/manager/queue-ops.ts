/**
 * The queue's list operations (spec §3.3): pure functions over a queue that return new arrays and
 * refuse with the reference's messages (without the method prefixes, which the method layer adds).
 * A running item's uid stays reserved: nothing is inserted with it, and it is reported as running.
 */

import { pythonClassRepr } from '../zmq/python-repr.ts';
import { storedItem } from './items.ts';
import { pyStr, pyTruthy } from './python-text.ts';
import {
  checkUidList,
  findItem,
  given,
  indexOfPosition,
  indexOfUid,
  isInt,
  isRunning,
  type Queue,
  uidList,
} from './queue-find.ts';
import { type QueueItem, Refusal } from './types.ts';

/** Where the first of the inserted items goes, as an index into the queue before insertion. */
function insertionIndex(
  queue: Queue,
  where: { pos?: unknown; before_uid?: unknown; after_uid?: unknown },
  running: QueueItem | null,
): number {
  const { before_uid, after_uid } = where;
  if (given(where.pos) && (given(before_uid) || given(after_uid)))
    throw new Refusal('Ambiguous parameters: plan position and UID is specified');
  if (given(before_uid) && given(after_uid))
    throw new Refusal('Ambiguous parameters: request to insert the plan before and after the reference plan');
  if (given(before_uid) || given(after_uid)) {
    const before = given(before_uid);
    const uid = before ? before_uid : after_uid;
    if (isRunning(uid, running)) {
      if (before) throw new Refusal('Can not insert a plan in the queue before a currently running plan.');
      return 0; // right after the running plan: the front of the queue
    }
    const index = indexOfUid(queue, uid);
    if (index < 0) throw new Refusal(`Plan with UID '${pyStr(uid)}' is not in the queue.`);
    return before ? index : index + 1;
  }
  const pos = given(where.pos) ? where.pos : 'back';
  const size = queue.length;
  if (pos === 'front' || (isInt(pos) && (pos === 0 || pos < -size))) return 0;
  if (pos === 'back' || (isInt(pos) && (pos === -1 || pos >= size))) return size;
  // Inside the queue: the new item ends at index pos, counted from the back when negative.
  if (isInt(pos)) return pos > 0 ? pos : size + pos + 1;
  throw new Refusal(
    `Parameter 'pos' has incorrect value: pos='${pyStr(pos)}' (type=${pythonClassRepr(pos)})`,
  );
}

/**
 * Inserts items (add and add_batch): the first where `pos`/`before_uid`/`after_uid` say (spec §3.3),
 * the rest right after it in order; each keeps only the stored keys.
 */
export function insertItems(
  queue: Queue,
  items: readonly QueueItem[],
  where: { pos?: unknown; before_uid?: unknown; after_uid?: unknown },
  running: QueueItem | null,
): QueueItem[] {
  const index = insertionIndex(queue, where, running);
  const taken = new Set<unknown>(queue.map((item) => item.item_uid));
  if (running) taken.add(running.item_uid);
  for (const item of items) {
    if (!given(item.item_uid)) throw new Refusal('Item does not have UID.');
    if (taken.has(item.item_uid))
      throw new Refusal(`Item with UID ${pyStr(item.item_uid)} is already in the queue`);
    taken.add(item.item_uid);
  }
  return [...queue.slice(0, index), ...items.map(storedItem), ...queue.slice(index)];
}

/** queue_item_get: the item at `pos` (default back) or with `uid`. */
export function getItem(
  queue: Queue,
  where: { pos?: unknown; uid?: unknown },
  running: QueueItem | null,
): QueueItem {
  return queue[findItem(queue, where, running)];
}

/** queue_item_remove: takes out the item at `pos` (default back) or with `uid`. */
export function removeItem(
  queue: Queue,
  where: { pos?: unknown; uid?: unknown },
  running: QueueItem | null,
): { queue: QueueItem[]; item: QueueItem } {
  const { uid } = where;
  if (given(where.pos) && given(uid))
    throw new Refusal('Ambiguous parameters: plan position and UID is specified');
  const pos = given(where.pos) ? where.pos : 'back';
  let index: number;
  if (given(uid)) {
    if (isRunning(uid, running)) throw new Refusal('Can not remove an item which is currently running.');
    index = indexOfUid(queue, uid);
    if (index < 0) throw new Refusal(`Plan with UID '${pyStr(uid)}' is not in the queue.`);
  } else if (pos === 'back' || pos === 'front') {
    if (queue.length === 0) throw new Refusal('Queue is empty');
    index = pos === 'back' ? queue.length - 1 : 0;
  } else if (isInt(pos)) index = indexOfPosition(queue, pos);
  else
    throw new Refusal(
      `Parameter 'pos' has incorrect value: pos=${pyStr(pos)} (type=${pythonClassRepr(pos)})`,
    );
  return { queue: queue.filter((_, i) => i !== index), item: queue[index] };
}

/**
 * queue_item_remove_batch: removes the listed items in the order listed; unless `ignoreMissing`
 * (default true), repeated or missing uids refuse the whole request.
 */
export function removeBatch(
  queue: Queue,
  uids: unknown,
  ignoreMissing: unknown,
): { queue: QueueItem[]; items: QueueItem[] } {
  const list = uidList(uids);
  if (!(ignoreMissing === undefined || pyTruthy(ignoreMissing))) checkUidList(queue, list);
  let rest = [...queue];
  const items: QueueItem[] = [];
  for (const uid of list) {
    const index = indexOfUid(rest, uid);
    if (index < 0) continue;
    items.push(rest[index]);
    rest = rest.filter((_, i) => i !== index);
  }
  return { queue: rest, items };
}

/** Equality of JSON values as Python's `==` sees dicts and lists (key order aside). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && sameJson(recordA[key], recordB[key]));
}

/**
 * queue_item_update: puts `item` in place of the queued item with `originalUid` (the item's own
 * uid unless a new one was given to it), at the same position; an identical item changes nothing.
 */
export function replaceItem(
  queue: Queue,
  item: QueueItem,
  running: QueueItem | null,
  originalUid: unknown = item.item_uid,
): { queue: QueueItem[]; changed: boolean } {
  const index = indexOfUid(queue, originalUid);
  if (isRunning(originalUid, running))
    throw new Refusal(`Failed to replace item: Item with UID '${pyStr(originalUid)}' is currently running`);
  if (index < 0)
    throw new Refusal(`Failed to replace item: Item with UID '${pyStr(originalUid)}' is not in the queue`);
  if (sameJson(item, queue[index])) return { queue: [...queue], changed: false };
  const clash =
    item.item_uid !== originalUid &&
    (indexOfUid(queue, item.item_uid) >= 0 || isRunning(item.item_uid, running));
  if (clash) throw new Refusal(`Item with UID ${pyStr(item.item_uid)} is already in the queue`);
  return { queue: queue.map((old, i) => (i === index ? storedItem(item) : old)), changed: true };
}

export { trimHistory } from './history-trim.ts';
export { mergeQueueMode } from './queue-mode.ts';
export { moveBatch, moveItem } from './queue-move.ts';
