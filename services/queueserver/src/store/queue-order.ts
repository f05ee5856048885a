/**
 * Order keys for the queue's rows. Each stored item has a double `position`; the queue is the rows
 * sorted by it. When the queue changes, as many items as possible keep their key (the longest run
 * of items whose saved keys are still in increasing order), and only the others get new keys,
 * spread between their kept neighbours. So a pop, an append, an insert or a move rewrites one row.
 */

/**
 * Keys for the queue `uids` (in their new order), reusing their `saved` keys where the order allows.
 * Falls back to 0, 1, 2… for everything when two kept neighbours leave no room between them.
 */
export function orderKeys(uids: readonly string[], saved: (uid: string) => number | undefined): number[] {
  const previous = uids.map(saved);
  const kept = longestIncreasing(previous);
  const keys = new Array<number>(uids.length);
  for (const index of kept) keys[index] = previous[index]!;
  let start = 0;
  for (const end of [...kept, uids.length]) {
    // Indexes start..end-1 are new or moved: place them between keys[start-1] and keys[end].
    if (end > start && !fillGap(keys, start, end)) return uids.map((_, index) => index);
    start = end + 1;
  }
  return keys;
}

/** Gives keys[start..end) values strictly between their neighbours; false if doubles leave no room. */
function fillGap(keys: number[], start: number, end: number): boolean {
  const low = start > 0 ? keys[start - 1] : undefined;
  const high = end < keys.length ? keys[end] : undefined;
  const count = end - start;
  for (let i = 0; i < count; i++) {
    if (low === undefined && high === undefined) keys[start + i] = i;
    else if (high === undefined) keys[start + i] = low! + i + 1;
    else if (low === undefined) keys[start + i] = high - count + i;
    else keys[start + i] = low + ((high - low) * (i + 1)) / (count + 1);
  }
  let before = low ?? Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    if (!(keys[i] > before) || !Number.isFinite(keys[i])) return false;
    before = keys[i];
  }
  return high === undefined || before < high;
}

/**
 * The indexes of a longest strictly increasing subsequence of the defined values (patience
 * sorting, O(n log n)), in ascending order.
 */
export function longestIncreasing(values: readonly (number | undefined)[]): number[] {
  // tails[k]: index of the smallest last value of an increasing run of length k+1.
  const tails: number[] = [];
  const before = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) before[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const run: number[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i !== -1; i = before[i]) run.push(i);
  return run.reverse();
}
