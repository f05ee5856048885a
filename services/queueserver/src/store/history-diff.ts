/**
 * What a history save has to write. The history only grows at its end (a plan finished) and
 * shrinks from its front (history_clear keeps the newest entries, or drops everything up to a uid),
 * so the new list is usually "the saved list minus its first `drop` entries, plus new ones": delete
 * a leading range of rows, insert the rest. Anything else is a rewrite (drop everything).
 */
import type { HistoryItem } from '../manager/types.ts';

/** The saved history as the store remembers it: the entries (by reference) and what identifies them. */
export interface SavedHistory {
  entries: readonly HistoryItem[];
  ids: readonly string[];
}

/** How to get from the saved history to `next`: delete the first `drop` rows, insert next[keep..]. */
export interface HistoryPlan {
  drop: number;
  /** How many of `next`'s first entries are the saved rows that remain. */
  keep: number;
}

/**
 * What identifies a history entry: its uid and result times. Entries never change once saved, and
 * this is far cheaper than serialising all of them on every save.
 */
export function historyId(entry: HistoryItem): string {
  const result = entry.result;
  return `${entry.item_uid}\u0000${result?.time_start}\u0000${result?.time_stop}\u0000${result?.exit_status}`;
}

/** The smallest number of leading saved rows to delete so that the rest are a prefix of `next`. */
export function planHistory(saved: SavedHistory, next: readonly HistoryItem[]): HistoryPlan {
  const count = saved.entries.length;
  const same = (savedIndex: number, nextIndex: number) =>
    saved.entries[savedIndex] === next[nextIndex] || saved.ids[savedIndex] === historyId(next[nextIndex]);
  const matchesFrom = (drop: number) => {
    if (count - drop > next.length) return false;
    for (let i = drop; i < count; i++) if (!same(i, i - drop)) return false;
    return true;
  };
  if (matchesFrom(0)) return { drop: 0, keep: count };
  if (next.length > 0) {
    const firstId = historyId(next[0]);
    for (let drop = 1; drop < count; drop++) {
      const startsHere = saved.entries[drop] === next[0] || saved.ids[drop] === firstId;
      if (startsHere && matchesFrom(drop)) return { drop, keep: count - drop };
    }
  }
  return { drop: count, keep: 0 };
}
