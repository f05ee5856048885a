/** The `?pattern=` glob matcher: fnmatch's answers, invalid patterns refused, no backtracking blow-up. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileGlob, GlobError, MAX_GLOB_LENGTH } from '../src/glob.ts';

/**
 * An independent reading of fnmatch for the property test: recursion over (pattern index, name
 * index), memoised, with each `[...]` read the way fnmatch.translate reads it (split into chunks at
 * the `-` separators it finds, skipping two characters after each). 'invalid' where the service
 * refuses the pattern: an unterminated `[` or a reversed range.
 */
function referenceMatch(pattern: string, name: string): boolean | 'invalid' {
  const classes = new Map<number, { has: (c: string) => boolean; after: number }>();
  for (let p = 0; p < pattern.length; p++) {
    if (pattern[p] !== '[') continue;
    const cls = referenceClass(pattern, p);
    if (cls === 'invalid') return 'invalid';
    classes.set(p, cls);
    p = cls.after - 1;
  }
  const memo = new Map<string, boolean>();
  const match = (p: number, s: number): boolean => {
    const key = `${p},${s}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (p === pattern.length) result = s === name.length;
    else if (pattern[p] === '*') result = match(p + 1, s) || (s < name.length && match(p, s + 1));
    else if (s === name.length) result = false;
    else if (pattern[p] === '?') result = match(p + 1, s + 1);
    else if (classes.has(p)) {
      const cls = classes.get(p)!;
      result = cls.has(name[s]) && match(cls.after, s + 1);
    } else result = pattern[p] === name[s] && match(p + 1, s + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

function referenceClass(pattern: string, open: number) {
  const i = open + 1;
  let j = i;
  if (pattern[j] === '!') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j++;
  if (j >= pattern.length) return 'invalid' as const;
  const negated = pattern[i] === '!';
  const chunks: string[] = [];
  let from = i;
  let k = negated ? i + 2 : i + 1;
  for (;;) {
    k = pattern.indexOf('-', k);
    if (k < 0 || k >= j) break;
    chunks.push(pattern.slice(from, k));
    from = k + 1;
    k += 3;
  }
  const rest = pattern.slice(from, j);
  if (rest) chunks.push(rest);
  else chunks[chunks.length - 1] += '-';
  if (negated) chunks[0] = chunks[0].slice(1);
  const ranges: [string, string][] = [];
  for (let n = 1; n < chunks.length; n++) {
    const [low, high] = [chunks[n - 1].at(-1)!, chunks[n][0]];
    if (low > high) return 'invalid' as const;
    ranges.push([low, high]);
  }
  const literal = new Set(chunks.join(''));
  const inside = (c: string) => literal.has(c) || ranges.some(([low, high]) => low <= c && c <= high);
  return { has: (c: string) => inside(c) !== negated, after: j + 1 };
}

function serviceMatch(pattern: string, name: string): boolean | 'invalid' {
  try {
    return compileGlob(pattern).test(name);
  } catch (err) {
    if (err instanceof GlobError) return 'invalid';
    throw err;
  }
}

describe('glob matcher', () => {
  it('gives fnmatch answers on the spec examples and the bracket corner cases', () => {
    // Expected values as Python's fnmatch.fnmatchcase gives them.
    const cases: [string, string, boolean][] = [
      ['det*', 'det1', true],
      ['det*', 'cam1', false],
      ['[!c]*', 'det1', true],
      ['[!c]*', 'cam1', false],
      ['*[0-9]', 'det1', true],
      ['?am?', 'cam1', true],
      ['[]]', ']', true],
      ['[!]]', 'a', true],
      ['[a-c-e]', '-', true],
      ['[a-c-e]', 'd', false],
      ['[--/]', '.', true],
      ['[a-]', '-', true],
      ['[-a]', '-', true],
      ['a[!-]b', 'a-b', false],
      ['X:ARR[[]0]', 'X:ARR[0]', true],
      ['*\\*', 'a\\b', true],
      ['**a**', 'bba', true],
      ['[\\-a]', '_', true],
    ];
    for (const [pattern, name, expected] of cases)
      assert.equal(serviceMatch(pattern, name), expected, `${pattern} ~ ${name}`);
  });

  it('refuses an unterminated [ and a reversed range with a reason', () => {
    assert.throws(() => compileGlob('[abc'), /unterminated '\[' at offset 0/);
    assert.throws(
      () => compileGlob('det['),
      /unterminated '\[' at offset 3 \(write '\[\[\]' for a literal '\['\)/,
    );
    assert.throws(() => compileGlob('[z-a]'), /empty range 'z-a' at offset 1/);
    assert.throws(() => compileGlob('x[!b-a]'), /empty range 'b-a' at offset 3/);
    assert.throws(() => compileGlob('*'.repeat(MAX_GLOB_LENGTH + 1)), /longer than 8192/);
    assert.equal(compileGlob('*'.repeat(MAX_GLOB_LENGTH)).test('anything'), true);
  });

  it('agrees with the memoised recursive reference on small patterns and names', () => {
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'b', '*', '?', '[', ']', '!', '-'),
      maxLength: 9,
    });
    const name = fc.string({ unit: fc.constantFrom('a', 'b', '-', ']', '!', '['), maxLength: 8 });
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        assert.equal(serviceMatch(p, n), referenceMatch(p, n), `${JSON.stringify(p)} ~ ${JSON.stringify(n)}`);
      }),
      { numRuns: 20000 },
    );
  });

  it('answers the hostile patterns of issue 18 (results checked; the test timeout is the bound)', () => {
    const longName = `LONG:${'A'.repeat(1019)}`;
    assert.equal(compileGlob(`${'*'.repeat(5000)}Z`).test(longName), false);
    assert.equal(compileGlob(`${'*'.repeat(5000)}A`).test(longName), true);
    assert.equal(compileGlob(`${'*A'.repeat(500)}*Z`).test(longName), false);
    assert.equal(compileGlob(`${'*A'.repeat(500)}*`).test(longName), true);
    assert.equal(compileGlob(`${'?*'.repeat(2000)}`).test(longName), false, 'needs 2000 characters');
    assert.equal(compileGlob(`L${'*?'.repeat(1023)}`).test(longName), true, 'exactly as many as it has');
  });
});
