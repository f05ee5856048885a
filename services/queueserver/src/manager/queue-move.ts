/**
 * Moving items within the queue (queue_item_move, queue_item_move_batch, spec §3.3). Items move
 * unmodified (a `result` block survives); a move onto itself changes nothing.
 */

import { pyStr, pyTruthy } from './python-text.ts';
import { checkUidList, findItem, given, indexOfUid, type Queue, uidList } from './queue-find.ts';
import { type QueueItem, Refusal } from './types.ts';

export interface MoveWhere {
  pos?: unknown;
  uid?: unknown;
  pos_dest?: unknown;
  before_uid?: unknown;
  after_uid?: unknown;
}

function checkMoveParameters({ pos, uid, pos_dest, before_uid, after_uid }: MoveWhere): void {
  if (!given(pos) && !given(uid)) throw new Refusal('Source position or UID is not specified.');
  if (!given(pos_dest) && !given(before_uid) && !given(after_uid))
    throw new Refusal('Destination position or UID is not specified.');
  if (given(pos) && given(uid))
    throw new Refusal('Ambiguous parameters: Both position and uid is specified for the source plan.');
  if (given(pos_dest) && (given(before_uid) || given(after_uid)))
    throw new Refusal('Ambiguous parameters: Both position and uid is specified for the destination plan.');
  if (given(before_uid) && given(after_uid))
    throw new Refusal("Ambiguous parameters: source should be moved 'before' and 'after' the destination.");
}

/** Runs `find`, rewording its refusal as "<what> (<how>) was not found: <reason>.". */
function located<T>(what: string, find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw new Refusal(`${what} was not found: ${error.message}.`);
  }
}

/** Whether the source goes before the destination item when the destination is a position. */
function beforeDestinationPosition(queue: Queue, posDest: unknown, sourceIndex: number): boolean {
  if (posDest === 'front') return true;
  if (posDest === 'back') return false;
  const dest = posDest as number;
  // Moving towards the front lands before the destination item, towards the back after it.
  return sourceIndex > (dest >= 0 ? dest : queue.length + dest);
}

/**
 * queue_item_move: moves the item at `pos` or with `uid` to `pos_dest`, or before/after another
 * item. `changed` is false when source and destination are the same item.
 */
export function moveItem(
  queue: Queue,
  where: MoveWhere,
  running: QueueItem | null = null,
): { queue: QueueItem[]; item: QueueItem; changed: boolean } {
  checkMoveParameters(where);
  const sourceText = given(where.uid) ? `UID '${pyStr(where.uid)}'` : `position ${pyStr(where.pos)}`;
  const sourceIndex = located(`Source plan (${sourceText})`, () =>
    findItem(queue, given(where.uid) ? { uid: where.uid } : { pos: where.pos }, running),
  );
  const byUid = given(where.before_uid) || given(where.after_uid);
  const destUid = given(where.before_uid) ? where.before_uid : where.after_uid;
  const destText = byUid ? `UID '${pyStr(destUid)}'` : `position ${pyStr(where.pos_dest)}`;
  const { destIndex, before } = located(`Destination plan (${destText})`, () =>
    byUid
      ? { destIndex: findItem(queue, { uid: destUid }, running), before: given(where.before_uid) }
      : {
          destIndex: findItem(queue, { pos: where.pos_dest }, running),
          before: beforeDestinationPosition(queue, where.pos_dest, sourceIndex),
        },
  );
  const item = queue[sourceIndex];
  if (sourceIndex === destIndex) return { queue: [...queue], item, changed: false };
  const rest = queue.filter((_, i) => i !== sourceIndex);
  const at = indexOfUid(rest, queue[destIndex].item_uid) + (before ? 0 : 1);
  return { queue: [...rest.slice(0, at), item, ...rest.slice(at)], item, changed: true };
}

/**
 * queue_item_move_batch: moves the listed items together to one destination (`pos_dest`,
 * `before_uid` or `after_uid`), in the order listed or, with `reorder`, in their queue order.
 */
export function moveBatch(
  queue: Queue,
  where: { uids?: unknown; pos_dest?: unknown; before_uid?: unknown; after_uid?: unknown; reorder?: unknown },
): { queue: QueueItem[]; items: QueueItem[]; changed: boolean } {
  const uids = uidList(where.uids);
  const destinations = [where.pos_dest, where.before_uid, where.after_uid].filter(given).length;
  if (destinations < 1)
    throw new Refusal(
      "Destination for the batch is not specified: use parameters 'pos_dest', 'before_uid' or 'after_uid'",
    );
  if (destinations > 1)
    throw new Refusal(
      "The function was called with more than one mutually exclusive parameter ('pos_dest', 'before_uid', 'after_uid')",
    );
  checkUidList(queue, uids);
  for (const key of ['before_uid', 'after_uid'] as const)
    if (given(where[key]) && uids.includes(where[key]))
      throw new Refusal(`Parameter '${key}': item with UID '${pyStr(where[key])}' is in the batch`);
  const ordered = pyTruthy(where.reorder)
    ? [...uids].sort((a, b) => indexOfUid(queue, a) - indexOfUid(queue, b))
    : uids;
  let current: QueueItem[] = [...queue];
  let changed = false;
  const items: QueueItem[] = [];
  let previous: unknown;
  for (const uid of ordered) {
    const destination =
      items.length === 0
        ? { pos_dest: where.pos_dest, before_uid: where.before_uid, after_uid: where.after_uid }
        : { after_uid: previous };
    const moved = moveItem(current, { uid, ...destination });
    current = moved.queue;
    changed ||= moved.changed;
    items.push(moved.item);
    previous = uid;
  }
  return { queue: current, items, changed };
}
