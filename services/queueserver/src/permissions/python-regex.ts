/**
 * Python `re` patterns run as JavaScript RegExps with Python's meaning (permissions patterns are
 * written for `re.search`). The pattern is rewritten token by token into a `u`-flag RegExp: `.`,
 * `^`, `$`, `\A`, `\Z`, `\w`, `\d`, `\s`, `\b` get Python's (Unicode) meaning, `(?P<n>…)` becomes a
 * named group, Python's literal `{`/`]` and `{,n}` are spelt out, and everything literal is
 * escaped. Python syntax JavaScript has no equivalent for is refused, never guessed.
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

interface Flags {
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
interface CategorySet {
  body: string;
  negated: boolean;
}

function categorySet(letter: string, flags: Flags): CategorySet {
  const positive = letter === letter.toLowerCase();
  const kind = letter.toLowerCase();
  if (kind === 'w' && !flags.ascii) return { body: '\\p{L}\\p{N}_', negated: !positive };
  if (kind === 'd' && !flags.ascii) return { body: positive ? '\\p{Nd}' : '\\P{Nd}', negated: false };
  const ranges =
    kind === 'w' ? ASCII_WORD : kind === 'd' ? ASCII_DIGIT : flags.ascii ? ASCII_SPACE : PY_SPACE;
  return { body: rangesBody(positive ? ranges : complement(ranges)), negated: false };
}

const categoryAtom = (set: CategorySet): string => `[${set.negated ? '^' : ''}${set.body}]`;

function wordBoundary(negated: boolean, flags: Flags): string {
  const w = categoryAtom(categorySet('w', flags));
  // Python 3.11's \B never matches in an empty string.
  return negated
    ? `(?!^$)(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`
    : `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
}

// Native anchors (the JS `m` flag is never set, so `^`/`$` are the input's ends): lookaround forms
// misbehave inside surrogate pairs in V8.
const START = '^';
const END = '$';

/** One code point as a RegExp atom: letters and digits as they are, anything else escaped. */
const literal = (cp: number): string =>
  /[A-Za-z0-9_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;

const isOct = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAsciiLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** Reads a pattern one code point at a time (Python strings index code points). */
class Reader {
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
function characterEscape(reader: Reader, c: string): number | null {
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
  if (c === 'x' || c === 'u' || c === 'U') return hexEscape(reader, c);
  if (c === 'N') throw new PythonRegexError('named Unicode escapes (\\N{...}) are not supported', true);
  if (!isAsciiLetter(c) && !isDigit(c)) return c.codePointAt(0) as number;
  return null;
}

function octal(digits: string): number {
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
function characterClass(reader: Reader, flags: Flags): string {
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

const FLAG_LETTERS = 'aiLmsux';

/** Applies inline flag letters to `flags`; refuses what JavaScript cannot do. */
function applyFlags(letters: string, on: boolean, flags: Flags): void {
  for (const letter of letters) {
    if (letter === 'x') throw new PythonRegexError('verbose mode (?x) is not supported', true);
    if (letter === 'L') throw new PythonRegexError("bad inline flag: cannot use 'L' flag with a str pattern");
    if (letter === 'i') flags.ignoreCase = on;
    if (letter === 'm') flags.multiline = on;
    if (letter === 's') flags.dotAll = on;
    if (letter === 'a') flags.ascii = on;
    if (letter === 'u') flags.ascii = false;
  }
}

interface Group {
  saved: Flags;
  /** Lookarounds are wrapped in `(?:…)`: Python may repeat them, JavaScript only a group. */
  wrapped: boolean;
  /** Capturing group number, 0 when not capturing. */
  number: number;
}

/** Translator state for one pattern. */
class Translation {
  readonly reader: Reader;
  flags: Flags = { ignoreCase: false, multiline: false, dotAll: false, ascii: false };
  /** The JS flags the whole pattern needs (`i` set globally by a leading `(?i)`). */
  globalIgnoreCase = false;
  out: string[] = [];
  groups: Group[] = [];
  groupCount = 0;
  openGroups = new Set<number>();
  /** What the last item was: an atom that may be repeated, a repeat, or nothing repeatable. */
  last: 'atom' | 'repeat' | 'none' = 'none';
  atStart = true;

  constructor(source: string) {
    this.reader = new Reader(source);
  }

  emit(text: string, kind: 'atom' | 'repeat' | 'none'): void {
    this.out.push(text);
    this.last = kind;
    this.atStart = false;
  }

  run(): RegExp {
    const r = this.reader;
    while (r.next !== undefined) this.step(r.get() as string);
    if (this.groups.length > 0) throw new PythonRegexError('missing ), unterminated subpattern');
    return new RegExp(this.out.join(''), this.globalIgnoreCase ? 'iu' : 'u');
  }

  step(c: string): void {
    const r = this.reader;
    if (c === '\\') return this.escape();
    if (c === '[') return this.emit(characterClass(r, this.flags), 'atom');
    if (c === '(') return this.openGroup();
    if (c === ')') return this.closeGroup();
    if (c === '|') return this.emit('|', 'none');
    if (c === '.') return this.emit(this.flags.dotAll ? '[\\s\\S]' : '[^\\n]', 'atom');
    if (c === '^') return this.emit(this.flags.multiline ? '(?<=^|\\n)' : START, 'none');
    if (c === '$') return this.emit(this.flags.multiline ? '(?=\\n|$)' : '(?=\\n?$)', 'none');
    if (c === '*' || c === '+' || c === '?') return this.repeat(c);
    if (c === '{' && this.braces()) return;
    this.emit(literal(c.codePointAt(0) as number), 'atom');
  }

  repeat(text: string): void {
    if (this.last === 'repeat') throw new PythonRegexError('multiple repeat');
    if (this.last === 'none') throw new PythonRegexError('nothing to repeat');
    let q = text;
    if (this.reader.match('?')) q += '?';
    else if (this.reader.next === '+')
      throw new PythonRegexError('possessive quantifiers (*+, ++, ?+, {m,n}+) are not supported', true);
    this.emit(q, 'repeat');
  }

  /** `{m}`, `{m,}`, `{,n}`, `{m,n}` as a repeat; false (nothing read) when `{` is literal. */
  braces(): boolean {
    const r = this.reader;
    const start = r.pos;
    if (r.next === '}') return false;
    const lo = r.take(isDigit);
    const comma = r.match(',');
    const hi = comma ? r.take(isDigit) : lo;
    if (!r.match('}') || (!comma && lo === '')) {
      r.pos = start;
      return false;
    }
    if (lo !== '' && hi !== '' && Number(lo) > Number(hi))
      throw new PythonRegexError('min repeat greater than max repeat');
    this.repeat(`{${lo === '' ? '0' : Number(lo)},${comma ? (hi === '' ? '' : Number(hi)) : Number(lo)}}`);
    return true;
  }

  escape(): void {
    const r = this.reader;
    const c = r.get();
    if (c === undefined) throw new PythonRegexError('bad escape (end of pattern)');
    if (c === 'A') return this.emit(START, 'none');
    if (c === 'Z') return this.emit(END, 'none');
    if (c === 'b' || c === 'B') return this.emit(wordBoundary(c === 'B', this.flags), 'none');
    if ('dDsSwW'.includes(c)) return this.emit(categoryAtom(categorySet(c, this.flags)), 'atom');
    if (c === '0') return this.emit(literal(octal(c + r.take(isOct, 2))), 'atom');
    if (isDigit(c)) return this.backreference(c);
    const cp = characterEscape(r, c);
    if (cp === null) throw new PythonRegexError(`bad escape \\${c}`);
    this.emit(literal(cp), 'atom');
  }

  backreference(first: string): void {
    const r = this.reader;
    let digits = first;
    if (isDigit(r.next)) digits += r.get();
    if (digits.length === 2 && isOct(digits[0]) && isOct(digits[1]) && isOct(r.next)) {
      return this.emit(literal(octal(digits + r.get())), 'atom');
    }
    const group = Number(digits);
    if (group > this.groupCount) throw new PythonRegexError(`invalid group reference ${group}`);
    if (this.openGroups.has(group)) throw new PythonRegexError('cannot refer to an open group');
    this.emit(`(?:\\${group})`, 'atom');
  }

  openGroup(): void {
    const r = this.reader;
    if (!r.match('?')) return this.pushGroup('(', true);
    if (r.match(':')) return this.pushGroup('(?:', false);
    if (r.match('P<')) return this.pushGroup(`(?<${this.groupName('>')}>`, true);
    if (r.match('P=')) return this.emit(`\\k<${this.groupName(')')}>`, 'atom');
    if (r.match('=') || r.match('!'))
      return this.pushGroup(`(?:(?${r.chars[r.pos - 1]}`, false, undefined, true);
    if (r.match('<=') || r.match('<!'))
      return this.pushGroup(`(?:(?<${r.chars[r.pos - 1]}`, false, undefined, true);
    if (r.match('#')) {
      while (r.next !== ')')
        if (r.get() === undefined) throw new PythonRegexError('missing ), unterminated comment');
      r.get();
      return;
    }
    if (r.next === '>') throw new PythonRegexError('atomic groups (?>...) are not supported', true);
    if (r.next === '(')
      throw new PythonRegexError('conditional groups (?(id)yes|no) are not supported', true);
    this.inlineFlags();
  }

  groupName(terminator: string): string {
    const name = this.reader.take((c) => c !== undefined && c !== terminator);
    if (!this.reader.match(terminator))
      throw new PythonRegexError(`missing ${terminator}, unterminated name`);
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name))
      throw new PythonRegexError(`bad character in group name '${name}'`);
    return name;
  }

  /** `(?aiLmsux)` at the very start, or `(?flags-flags:...)` anywhere. */
  inlineFlags(): void {
    const r = this.reader;
    const on = r.take((c) => c !== undefined && FLAG_LETTERS.includes(c));
    const off = r.match('-') ? r.take((c) => c !== undefined && FLAG_LETTERS.includes(c)) : null;
    if (on === '' && off === null) throw new PythonRegexError(`unknown extension ?${r.next ?? ''}`);
    if (r.match(')')) {
      if (off !== null) throw new PythonRegexError('missing :');
      if (!this.atStart) throw new PythonRegexError('global flags not at the start of the expression');
      applyFlags(on, true, this.flags);
      if (this.flags.ignoreCase) this.globalIgnoreCase = true;
      return;
    }
    if (!r.match(':')) throw new PythonRegexError('missing -, : or )');
    if (off !== null && /[aLu]/.test(off))
      throw new PythonRegexError("bad inline flag: cannot turn off 'a', 'L' or 'u'");
    const saved = { ...this.flags };
    applyFlags(on, true, this.flags);
    if (off) applyFlags(off, false, this.flags);
    const jsOn = on.includes('i') ? 'i' : '';
    const jsOff = off?.includes('i') ? '-i' : '';
    this.pushGroup(jsOn || jsOff ? `(?${jsOn}${jsOff}:` : '(?:', false, saved);
  }

  pushGroup(opening: string, capturing: boolean, saved: Flags = { ...this.flags }, wrapped = false): void {
    const number = capturing ? ++this.groupCount : 0;
    if (capturing) this.openGroups.add(number);
    this.groups.push({ saved, number, wrapped });
    this.emit(opening, 'none');
  }

  closeGroup(): void {
    const group = this.groups.pop();
    if (!group) throw new PythonRegexError('unbalanced parenthesis');
    this.openGroups.delete(group.number);
    this.flags = group.saved;
    this.emit(group.wrapped ? '))' : ')', 'atom');
  }
}

const cache = new Map<string, RegExp>();

/** The RegExp that matches as Python's `re.search(source, …)` does; throws PythonRegexError. */
export function compilePythonRegex(source: string): RegExp {
  let regex = cache.get(source);
  if (!regex) {
    try {
      regex = new Translation(source).run();
    } catch (error) {
      if (error instanceof PythonRegexError) throw error;
      // A construct both languages spell alike but JavaScript refuses (e.g. a repeated lookahead).
      throw new PythonRegexError(`not supported by the JavaScript engine: ${(error as Error).message}`, true);
    }
    cache.set(source, regex);
  }
  return regex;
}

/** Python's `re.search(source, text) is not None`. */
export function pythonSearch(source: string, text: string): boolean {
  return compilePythonRegex(source).test(text);
}
