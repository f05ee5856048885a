/**
 * The pieces of Python's `re` syntax below the level of groups and repeats, as `u`-flag JavaScript:
 * the reader, literal characters, escapes, the categories `\d \w \s` (Unicode, as Python's str
 * patterns mean them, or ASCII under `(?a)`) and character classes. Used by python-regex.ts.
 */

/** Why a pattern cannot be used: Python would reject it (`invalid`) or we cannot express it. */
export class PythonRegexError extends Error {
  readonly unsupported: boolean;
  constructor(message: string, unsupported = false) {
    super(message);
    this.name = 'PythonRegexError';
    this.unsupported = unsupported;
  }
}

/** The inline flags in force at a point of the pattern. */
export interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  ascii: boolean;
}

type Range = [number, number];
// Python's str.isspace() characters, and ASCII mode's; \d and \w of ASCII mode.
const PY_SPACE: Range[] = [
  [0x09, 0x0d],
  [0x1c, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
const ASCII_SPACE: Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];
const ASCII_DIGIT: Range[] = [[0x30, 0x39]];
const ASCII_WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];

const rangesBody = (ranges: Range[]): string =>
  ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

/**
 * A category (`\d \D \w \W \s \S`) as the body of a character class. Only Unicode `\W` (not
 * letter, number or `_`) cannot be listed without `v`-mode set operations: it is `negated`.
 */
export interface CategorySet {
  body: string;
  negated: boolean;
}

/** The set a category letter stands for under the current flags. */
export function categorySet(letter: string, flags: Flags): CategorySet {
  const positive = letter === letter.toLowerCase();
  const kind = letter.toLowerCase();
  if (kind === 'w' && !flags.ascii) return { body: '\\p{L}\\p{N}_', negated: !positive };
  if (kind === 'd' && !flags.ascii) return { body: positive ? '\\p{Nd}' : '\\P{Nd}', negated: false };
  const ranges =
    kind === 'w' ? ASCII_WORD : kind === 'd' ? ASCII_DIGIT : flags.ascii ? ASCII_SPACE : PY_SPACE;
  return { body: rangesBody(positive ? ranges : complement(ranges)), negated: false };
}

/** A category set as a class atom outside brackets. */
export const categoryAtom = (set: CategorySet): string => `[${set.negated ? '^' : ''}${set.body}]`;

/** `\b` / `\B` over Python's word characters, as lookarounds. */
export function wordBoundary(negated: boolean, flags: Flags): string {
  const w = categoryAtom(categorySet('w', flags));
  // Python 3.11's \B never matches in an empty string.
  return negated
    ? `(?!^$)(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`
    : `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
}

// Native anchors (the JS `m` flag is never set, so `^`/`$` are the input's ends): lookaround forms
// misbehave inside surrogate pairs in V8.
/** Python's `\A` (and `^` outside multiline mode). */
export const START = '^';
/** Python's `\Z`. */
export const END = '$';

/** One code point as a RegExp atom: letters and digits as they are, anything else escaped. */
export const literal = (cp: number): string =>
  /[A-Za-z0-9_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;

/** Whether `c` is an octal digit (escape parsing). */
export const isOct = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
/** Whether `c` is an ASCII digit (escape and repeat parsing). */
export const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAsciiLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** Reads a pattern one code point at a time (Python strings index code points). */
export class Reader {
  readonly chars: string[];
  pos = 0;
  constructor(source: string) {
    this.chars = Array.from(source);
  }
  get next(): string | undefined {
    return this.chars[this.pos];
  }
  get(): string | undefined {
    return this.chars[this.pos++];
  }
  match(text: string): boolean {
    const chars = Array.from(text);
    if (chars.some((c, k) => this.chars[this.pos + k] !== c)) return false;
    this.pos += chars.length;
    return true;
  }
  /** Up to `max` characters satisfying `test`. */
  take(test: (c: string | undefined) => boolean, max = Number.POSITIVE_INFINITY): string {
    let out = '';
    while (out.length < max && test(this.next)) out += this.get();
    return out;
  }
}

/** The code point of `\x..`, `\u....`, `\U........`, or throws; `kind` is the letter after `\`. */
function hexEscape(reader: Reader, kind: string): number {
  const width = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
  const hex = reader.take((c) => c !== undefined && /[0-9a-fA-F]/.test(c), width);
  if (hex.length !== width) throw new PythonRegexError(`incomplete escape \\${kind}${hex}`);
  const cp = Number.parseInt(hex, 16);
  if (cp > 0x10ffff) throw new PythonRegexError(`bad escape \\${kind}${hex}`);
  return cp;
}

/** Escapes that stand for one character in and out of classes; null when `c` is not one. */
export function characterEscape(reader: Reader, c: string): number | null {
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
  if (c === 'x' || c === 'u' || c === 'U') return hexEscape(reader, c);
  if (c === 'N') throw new PythonRegexError('named Unicode escapes (\\N{...}) are not supported', true);
  if (!isAsciiLetter(c) && !isDigit(c)) return c.codePointAt(0) as number;
  return null;
}

/** The code point of an octal escape, refused above 0o377 as Python does. */
export function octal(digits: string): number {
  const value = Number.parseInt(digits, 8);
  if (value > 0o377) throw new PythonRegexError(`octal escape value \\${digits} outside of range 0-0o377`);
  return value;
}

type ClassItem = { cp: number } | { set: CategorySet };

/** An escape inside `[...]`: one character or a category set. */
function classEscape(reader: Reader, flags: Flags): ClassItem {
  const c = reader.get();
  if (c === undefined) throw new PythonRegexError('bad escape (end of pattern)');
  if ('dDsSwW'.includes(c)) return { set: categorySet(c, flags) };
  if (c === 'b') return { cp: 8 };
  if (isOct(c)) return { cp: octal(c + reader.take(isOct, 2)) };
  const cp = characterEscape(reader, c);
  if (cp === null) throw new PythonRegexError(`bad escape \\${c}`);
  return { cp };
}

/**
 * A class from its listed parts and its Unicode-`\\W` parts (complements that `u`-mode classes
 * cannot hold): `[P\\W]` is `(?:[P]|[^w])`, `[^P\\W]` is `(?:(?![P])[w])`.
 */
function assembleClass(negate: boolean, listed: string[], complements: string[]): string {
  const plain = `[${negate ? '^' : ''}${listed.join('')}]`;
  if (complements.length === 0) return plain;
  const [body] = complements; // every complement is the same set: Unicode \w
  if (negate) return `(?:${listed.length > 0 ? `(?![${listed.join('')}])` : ''}[${body}])`;
  return `(?:${listed.length > 0 ? `[${listed.join('')}]|` : ''}[^${body}])`;
}

/** `[...]` after its `[`: Python's rules (a leading `]` is literal, ranges of single characters). */
export function characterClass(reader: Reader, flags: Flags): string {
  const negate = reader.match('^');
  const listed: string[] = [];
  const complements: string[] = [];
  let empty = true;
  const item = (c: string): ClassItem =>
    c === '\\' ? classEscape(reader, flags) : { cp: c.codePointAt(0) as number };
  const add = (it: ClassItem): void => {
    empty = false;
    if (!('set' in it)) listed.push(literal(it.cp));
    else (it.set.negated ? complements : listed).push(it.set.body);
  };
  for (;;) {
    const from = reader.pos;
    const c = reader.get();
    if (c === undefined) throw new PythonRegexError('unterminated character set');
    if (c === ']' && !empty) break;
    const first = item(c);
    const firstText = reader.chars.slice(from, reader.pos).join('');
    if (!reader.match('-')) {
      add(first);
      continue;
    }
    const d = reader.get();
    if (d === undefined) throw new PythonRegexError('unterminated character set');
    if (d === ']') {
      add(first);
      add({ cp: 45 });
      break;
    }
    const secondFrom = reader.pos - 1;
    const second = item(d);
    if ('set' in first || 'set' in second || second.cp < first.cp)
      throw new PythonRegexError(
        `bad character range ${firstText}-${reader.chars.slice(secondFrom, reader.pos).join('')}`,
      );
    empty = false;
    listed.push(`${literal(first.cp)}-${literal(second.cp)}`);
  }
  return assembleClass(negate, listed, complements);
}
