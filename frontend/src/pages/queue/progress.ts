/** Step progress of the running plan, read from its live table as it prints on the console. */

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
