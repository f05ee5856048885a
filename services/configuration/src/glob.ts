/**
 * Glob filters (`?pattern=`) with Python fnmatch semantics — `*`, `?`, `[set]`, `[!set]`,
 * case-sensitive, whole name — matched without a regular expression, so a hostile pattern cannot
 * make the matcher backtrack exponentially: a match costs at most O(name × pattern) steps, and a
 * pattern that needs more characters than the name has is refused before any step.
 *
 * Two patterns fnmatch accepts are refused here as invalid (422): an unterminated `[` (fnmatch reads
 * it as a literal `[`; write `[[]` for that) and a reversed range such as `[z-a]` (fnmatch drops it).
 */

/** The longest pattern accepted; longer ones are a 422 (no registry name is near this long). */
export const MAX_GLOB_LENGTH = 8192;

export class GlobError extends Error {}

type CharSet = { negated: boolean; chars: Set<string>; ranges: [string, string][] };
type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; char: string }
  | { kind: 'set'; set: CharSet };

export interface Glob {
  test(name: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_GLOB_LENGTH)
    throw new GlobError(`pattern is longer than ${MAX_GLOB_LENGTH} characters`);
  const tokens = tokenize(pattern);
  const needed = tokens.filter((t) => t.kind !== 'star').length;
  return { test: (name) => name.length >= needed && matches(tokens, name) };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' }); // `**` is `*`
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const { set, end } = bracket(pattern, i + 1);
      tokens.push({ kind: 'set', set });
      i = end;
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/**
 * The set that starts after the `[` at `start`, read as fnmatch reads it: an optional `!`; a `]`
 * right after `[` or `[!` is a member; a `-` between two members makes a range, except a leading or
 * trailing `-`, and the character after a range cannot start another (`[a-c-e]` is a–c, `-`, `e`).
 */
function bracket(pattern: string, start: number): { set: CharSet; end: number } {
  let close = start;
  if (pattern[close] === '!') close++;
  if (pattern[close] === ']') close++;
  close = pattern.indexOf(']', close);
  if (close === -1)
    throw new GlobError(`unterminated '[' at offset ${start - 1} (write '[[]' for a literal '[')`);
  const negated = pattern[start] === '!';
  const body = pattern.slice(negated ? start + 1 : start, close);
  const set: CharSet = { negated, chars: new Set(), ranges: [] };
  let i = 0;
  while (i < body.length) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const [from, to] = [body[i], body[i + 2]];
      if (from > to)
        throw new GlobError(`empty range '${from}-${to}' at offset ${start + (negated ? 1 : 0) + i}`);
      set.ranges.push([from, to]);
      i += 3;
    } else {
      set.chars.add(body[i]);
      i += 1;
    }
  }
  return { set, end: close };
}

function accepts(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'char':
      return token.char === c;
    case 'set': {
      const { negated, chars, ranges } = token.set;
      return negated !== (chars.has(c) || ranges.some(([from, to]) => from <= c && c <= to));
    }
    default:
      return false;
  }
}

/**
 * Two pointers with one saved star: on a mismatch, retry from the last star with it swallowing one
 * more character. Every other token consumes exactly one character, so the earliest star that can
 * still extend is the only choice point worth keeping — O(name × tokens) in the worst case.
 */
function matches(tokens: Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starToken = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starToken = t++;
      starName = n;
    } else if (token && accepts(token, name[n])) {
      t++;
      n++;
    } else if (starToken >= 0) {
      t = starToken + 1;
      n = ++starName;
    } else return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}
