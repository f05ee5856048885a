/**
 * history_clear's trimming of the plan history (spec §3.4): everything, the newest `size` entries,
 * or everything up to and including the entry with `item_uid`.
 */
import { pythonRepr } from '../zmq/python-repr.ts';
import { given, isInt } from './queue-find.ts';
import { type HistoryItem, Refusal } from './types.ts';

/**
 * Trims the history (oldest first). `changed` says whether its content changed, i.e. whether
 * `plan_history_uid` must change. Refusal texts lack the reference's `Error: ` prefix.
 */
export function trimHistory(
  history: readonly HistoryItem[],
  { size, item_uid }: { size?: unknown; item_uid?: unknown },
): { history: HistoryItem[]; changed: boolean } {
  if (given(size) && given(item_uid))
    throw new Refusal("Parameters 'size' and 'item_uid' are mutually exclusive.");
  if (given(size)) {
    if (!isInt(size)) throw new Refusal(`The 'size' parameter must be an integer: size=${pythonRepr(size)}`);
    if (size >= history.length) return { history: [...history], changed: false };
    return { history: history.slice(history.length - Math.max(size, 0)), changed: true };
  }
  if (given(item_uid)) {
    if (typeof item_uid !== 'string')
      throw new Refusal(`The 'item_uid' parameter must be a string: item_uid=${pythonRepr(item_uid)}`);
    const index = history.findIndex((item) => item.item_uid === item_uid);
    if (index < 0) return { history: [...history], changed: false };
    return { history: history.slice(index + 1), changed: true };
  }
  // Clearing always counts as a change, even of an empty history (the reference renews the uid).
  return { history: [], changed: true };
}
