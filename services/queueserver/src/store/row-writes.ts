/**
 * The row writes of a queue store save, inside its transaction: only the queue rows that changed,
 * and for the history a leading delete plus the appended entries. Each returns the saved picture
 * after the write, which the store adopts once the transaction commits.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { HistoryItem } from '../manager/types.ts';
import { HistoryRow, QueueRow } from './entities.ts';
import { historyId, planHistory } from './history-diff.ts';
import { orderKeys } from './queue-order.ts';

/** A stored queue row as the store remembers it. */
export interface SavedQueueRow {
  position: number;
  json: string;
}

/** The lists as the database holds them. */
export interface SavedLists {
  queue: ReadonlyMap<string, SavedQueueRow>;
  history: { entries: readonly HistoryItem[]; ids: readonly string[]; seqs: readonly number[] };
  /** The sequence number the next appended history entry gets. */
  nextSeq: number;
}

/** The queue to save: each item's uid and JSON text, in queue order. */
export type QueueSnapshot = { uid: string; json: string }[];
/** The history to save (entries are immutable once saved). */
export type HistorySnapshot = readonly HistoryItem[];

/** Rows per INSERT statement and keys per `in (…)` list: far below both databases' parameter limits. */
const CHUNK = 200;

/** Writes the queue rows that differ from `saved`; returns the new picture of the queue. */
export async function writeQueue(
  em: EntityManager,
  saved: SavedLists['queue'],
  queue: QueueSnapshot,
): Promise<Map<string, SavedQueueRow>> {
  const keys = orderKeys(
    queue.map((item) => item.uid),
    (uid) => saved.get(uid)?.position,
  );
  const next = new Map<string, SavedQueueRow>();
  const stale: string[] = [];
  const fresh: { itemUid: string; position: number; item: string }[] = [];
  for (const [index, { uid, json }] of queue.entries()) {
    const row = { position: keys[index], json };
    next.set(uid, row);
    const before = saved.get(uid);
    if (before && before.position === row.position && before.json === json) continue;
    // A changed row is deleted and inserted again: two statements per chunk, whatever changed.
    if (before) stale.push(uid);
    fresh.push({ itemUid: uid, position: row.position, item: json });
  }
  for (const uid of saved.keys()) if (!next.has(uid)) stale.push(uid);
  for (const chunk of chunks(stale)) await em.nativeDelete(QueueRow, { itemUid: { $in: chunk } });
  for (const chunk of chunks(fresh)) await em.insertMany(QueueRow, chunk);
  return next;
}

/** Deletes the history rows `history` no longer starts with and appends its new entries. */
export async function writeHistory(
  em: EntityManager,
  saved: SavedLists['history'],
  history: HistorySnapshot,
  nextSeq: number,
): Promise<{ history: SavedLists['history']; nextSeq: number }> {
  const plan = planHistory(saved, history);
  if (plan.drop === saved.entries.length && plan.drop > 0) await em.nativeDelete(HistoryRow, {});
  else if (plan.drop > 0) await em.nativeDelete(HistoryRow, { seq: { $lt: saved.seqs[plan.drop] } });
  const added = history.slice(plan.keep);
  const seqs = saved.seqs.slice(plan.drop);
  const ids = saved.ids.slice(plan.drop);
  const rows = added.map((entry, i) => ({ seq: nextSeq + i, item: JSON.stringify(entry) }));
  for (const chunk of chunks(rows)) await em.insertMany(HistoryRow, chunk);
  for (const [i, entry] of added.entries()) {
    seqs.push(nextSeq + i);
    ids.push(historyId(entry));
  }
  return { history: { entries: history, ids, seqs }, nextSeq: nextSeq + added.length };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
