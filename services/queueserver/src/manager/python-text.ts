/**
 * More of Python's textual conventions than `repr()` (in ../zmq/python-repr.ts): `str()`, tuple
 * reprs, truthiness, `pprint.pformat`, and the reading of the Python literals (`ast.literal_eval`)
 * and numeric strings that plan descriptions carry.
 */
import { pythonRepr } from '../zmq/python-repr.ts';

/** `str(value)`: a string as it is, anything else as its repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** A Python tuple's repr: `('plan', 'instruction')`, `('function',)`. */
export function pyTuple(values: readonly unknown[]): string {
  const inner = values.map(pythonRepr).join(', ');
  return values.length === 1 ? `(${inner},)` : `(${inner})`;
}

/** Python truthiness of a JSON value (`bool(value)`). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function sortedEntries(value: object): [string, unknown][] {
  return Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function reprSorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reprSorted).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${sortedEntries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${reprSorted(v)}`)
      .join(', ')}}`;
  return pythonRepr(value);
}

/**
 * `pprint.pformat(value)` (width 80, sorted keys): one line when it fits, else one dict entry or
 * list element per line, aligned under the opening bracket.
 */
export function pformat(value: unknown, indent = 0, width = 80): string {
  const flat = reprSorted(value);
  if (flat.length + indent <= width || value === null || typeof value !== 'object') return flat;
  const pad = `,\n${' '.repeat(indent + 1)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return flat;
    return `[${value.map((v) => pformat(v, indent + 1, width)).join(pad)}]`;
  }
  const entries = sortedEntries(value);
  if (entries.length === 0) return flat;
  const lines = entries.map(([k, v]) => {
    const key = `${pythonRepr(k)}: `;
    return key + pformat(v, indent + 1 + key.length, width);
  });
  return `{${lines.join(pad)}}`;
}

/**
 * `_convert_str_to_number`: a numeric string (`"10"`, `"-0.5"`) as a number; numbers are
 * accepted as they are. Throws for anything else.
 */
export function strToNumber(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new Error(`Failed to interpret the value ${pythonRepr(value)} as integer or float number`);
  }
  return parsed;
}

/** A reader of Python literals over one text, for `literalEval`. */
class LiteralReader {
  private at = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  read(): unknown {
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail();
    return value;
  }

  private fail(): never {
    throw new Error(`malformed literal at ${this.at}: ${pythonRepr(this.text)}`);
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private eat(token: string): boolean {
    this.space();
    if (!this.text.startsWith(token, this.at)) return false;
    this.at += token.length;
    return true;
  }

  private value(): unknown {
    this.space();
    const ch = this.text[this.at];
    if (ch === '[') return this.sequence('[', ']').values;
    if (ch === '(') {
      const { values, trailingComma } = this.sequence('(', ')');
      return values.length === 1 && !trailingComma ? values[0] : values;
    }
    if (ch === '{') return this.mapping();
    if (ch === "'" || ch === '"') return this.string();
    if (ch === '-' || ch === '+') {
      this.at++;
      const operand = this.value();
      if (typeof operand !== 'number') this.fail();
      return ch === '-' ? -operand : operand;
    }
    const word = /^(None|True|False)\b/.exec(this.text.slice(this.at));
    if (word) {
      this.at += word[0].length;
      return word[0] === 'None' ? null : word[0] === 'True';
    }
    const number = /^(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return Number(number[0].replaceAll('_', ''));
    }
    return this.fail();
  }

  private sequence(open: string, close: string): { values: unknown[]; trailingComma: boolean } {
    this.eat(open);
    const values: unknown[] = [];
    let trailingComma = false;
    while (!this.eat(close)) {
      if (values.length > 0 && !trailingComma) this.fail();
      values.push(this.value());
      trailingComma = this.eat(',');
    }
    return { values, trailingComma };
  }

  /** A dict, or a set (read as a list). */
  private mapping(): unknown {
    this.eat('{');
    const entries: [string, unknown][] = [];
    const members: unknown[] = [];
    let separated = true;
    while (!this.eat('}')) {
      if (!separated) this.fail();
      const key = this.value();
      if (this.eat(':')) entries.push([pyStr(key), this.value()]);
      else members.push(key);
      separated = this.eat(',');
    }
    if (entries.length > 0 && members.length > 0) this.fail();
    return members.length > 0 ? members : Object.fromEntries(entries);
  }

  private string(): string {
    let out = '';
    // Adjacent literals concatenate, as in Python ('a' 'b' == 'ab').
    do {
      const quote = this.text[this.at++];
      for (;;) {
        if (this.at >= this.text.length) this.fail();
        const ch = this.text[this.at++];
        if (ch === quote) break;
        if (ch !== '\\') {
          out += ch;
          continue;
        }
        const next = this.text[this.at++];
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '0': '\0',
          '\\': '\\',
          "'": "'",
          '"': '"',
        };
        if (next in simple) out += simple[next];
        else if (next === 'x' || next === 'u') {
          const size = next === 'x' ? 2 : 4;
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.at, this.at + size), 16));
          this.at += size;
        } else out += `\\${next}`;
      }
      this.space();
    } while (this.text[this.at] === "'" || this.text[this.at] === '"');
    return out;
  }
}

/**
 * `ast.literal_eval` for the literals plan descriptions hold as defaults (`"None"`, `"1"`,
 * `"'abc'"`, `"[1, 2]"`, `"{'a': 1}"`): tuples and sets become arrays. Throws on anything else.
 */
export function literalEval(text: string): unknown {
  return new LiteralReader(text).read();
}
