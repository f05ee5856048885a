/**
 * Python `re` patterns run as JavaScript RegExps with Python's meaning (permissions patterns are
 * written for `re.search`). The pattern is rewritten token by token into a `u`-flag RegExp: `.`,
 * `^`, `$`, `\A`, `\Z`, `\w`, `\d`, `\s`, `\b` get Python's (Unicode) meaning, `(?P<n>…)` becomes a
 * named group, Python's literal `{`/`]` and `{,n}` are spelt out, and everything literal is
 * escaped. Python syntax JavaScript has no equivalent for is refused, never guessed.
 */
import {
  categoryAtom,
  categorySet,
  characterClass,
  characterEscape,
  END,
  type Flags,
  isDigit,
  isOct,
  literal,
  octal,
  PythonRegexError,
  Reader,
  START,
  wordBoundary,
} from './python-regex-syntax.ts';

export { PythonRegexError } from './python-regex-syntax.ts';

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
    // `u`, not `v`: V8 13 applies an `(?i:…)` group's case folding to later classes under `v`.
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
