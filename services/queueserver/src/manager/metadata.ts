/**
 * `re_metadata` shows only the permitted keys of the RunEngine's metadata (spec §11.3): `/` is all,
 * `/key` one top-level key, `/key/sub` one key inside a dictionary.
 */
export function filterMetadata(
  md: Record<string, unknown>,
  permitted: readonly string[],
): Record<string, unknown> {
  if (permitted.includes('/')) return structuredClone(md);
  const out: Record<string, unknown> = {};
  for (const path of permitted) {
    const keys = path.split('/').filter(Boolean);
    copyPath(md, out, keys);
  }
  return out;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, keys: string[]): void {
  const [key, ...rest] = keys;
  if (key === undefined || !Object.hasOwn(from, key)) return;
  const value = from[key];
  if (rest.length === 0) {
    to[key] = structuredClone(value);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  if (typeof to[key] !== 'object' || to[key] === null) to[key] = {};
  const child = to[key] as Record<string, unknown>;
  copyPath(value as Record<string, unknown>, child, rest);
}
