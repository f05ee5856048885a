/** Texts of the status area: the running plan's step progress, the lock. */
import type { LockInfo, Status } from './types.ts';

const TABLE_ROW = /^\|\s+(\d+) \|/gm;

/** The last live-table row number (`seq_num`) in a piece of console text, if it holds one. */
export function lastTableRow(text: string): number | undefined {
  let last: number | undefined;
  for (const match of text.matchAll(TABLE_ROW)) last = Number(match[1]);
  return last;
}

/** The plan's `num` (its number of points) as the item gives it, by name or by position. */
export function pointsOf(
  item: { name?: string; args?: unknown[]; kwargs?: Record<string, unknown> },
  plan: { parameters: { name: string; kind: { value: number } }[] } | undefined,
): number | undefined {
  const positional = (plan?.parameters ?? []).filter((p) => p.kind.value < 2).map((p) => p.name);
  const index = positional.indexOf('num');
  const num = item.kwargs?.num ?? (index >= 0 ? item.args?.[index] : undefined);
  return typeof num === 'number' ? num : undefined;
}

/**
 * What is locked (the status's flags, always current) and, when `/api/lock/info` answered for this
 * lock, by whom, since when and why.
 */
export function lockText(flags: Status['lock'], info: LockInfo | undefined): string {
  const what = [flags?.environment && 'environment', flags?.queue && 'queue'].filter(Boolean).join(' and ');
  if (!what) return 'not locked';
  if (!info?.user || (!info.environment && !info.queue)) return `${what} locked`;
  const note = info.note ? `: ${info.note}` : '';
  return `${what} locked by ${info.user} since ${info.time_str ?? '?'}${note}`;
}
