/**
 * A plan parameter's annotation (spec §9.2: Python typing text plus custom enums) read into a type
 * tree, and the check of a JSON value against it the way bluesky-queueserver's pydantic model
 * accepts it: int also counts as float, everything else strict, device and plan placeholders are
 * strings, enum types take only their listed names.
 */
import { pythonRepr, pythonTypeName } from '../zmq/python-repr.ts';

export type TypeNode =
  | { kind: 'any' | 'int' | 'float' | 'str' | 'bool' | 'none' | 'hashable' }
  | { kind: 'array'; shape: 'list' | 'tuple' | 'set' | 'sequence' | 'iterable'; item: TypeNode }
  | { kind: 'fixed-tuple'; items: TypeNode[] }
  | { kind: 'dict'; value: TypeNode }
  | { kind: 'enum'; name: string; values: readonly string[] }
  | { kind: 'literal'; values: unknown[] }
  | { kind: 'union'; members: TypeNode[] };

/** The names an annotation defines as enums (its `devices`, `plans` and `enums` lists, filtered). */
export type EnumTypes = Record<string, readonly string[]>;

const PLACEHOLDERS = [
  '__PLAN__',
  '__DEVICE__',
  '__PLAN_OR_DEVICE__',
  '__READABLE__',
  '__MOVABLE__',
  '__FLYABLE__',
  '__CALLABLE__',
];
const ANY: TypeNode = { kind: 'any' };
const SCALARS: Record<string, TypeNode> = {
  Any: ANY,
  object: ANY,
  Callable: ANY,
  int: { kind: 'int' },
  float: { kind: 'float' },
  complex: { kind: 'float' },
  str: { kind: 'str' },
  bytes: { kind: 'str' },
  bool: { kind: 'bool' },
  None: { kind: 'none' },
  NoneType: { kind: 'none' },
  Hashable: { kind: 'hashable' },
};
const ARRAYS: Record<string, 'list' | 'set' | 'sequence' | 'iterable'> = {
  List: 'list',
  list: 'list',
  MutableSequence: 'list',
  Sequence: 'sequence',
  Collection: 'sequence',
  Reversible: 'sequence',
  Iterable: 'iterable',
  Iterator: 'iterable',
  Set: 'set',
  set: 'set',
  FrozenSet: 'set',
  frozenset: 'set',
  AbstractSet: 'set',
  MutableSet: 'set',
};
const DICTS = new Set([
  'Dict',
  'dict',
  'Mapping',
  'MutableMapping',
  'OrderedDict',
  'DefaultDict',
  'defaultdict',
]);
const MODULES = /^(typing|typing_extensions|collections\.abc|collections|builtins)\./;

type Token = { text: string; kind: 'name' | 'string' | 'number' | 'punct' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:([A-Za-z_][\w.]*)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d*)?)|(\.\.\.|[[\](),|]))/y;
  let at = 0;
  while (text.slice(at).trim() !== '') {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new Error(`cannot read type ${text}`);
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ text: match[1], kind: 'name' });
    else if (match[2]) tokens.push({ text: match[2].slice(1, -1), kind: 'string' });
    else if (match[3]) tokens.push({ text: match[3], kind: 'number' });
    else tokens.push({ text: match[4], kind: 'punct' });
  }
  return tokens;
}

/** Reads typing text (`typing.Optional[int]`, `list[X] | None`…) into a TypeNode; unknown names are Any. */
class TypeReader {
  private at = 0;
  private readonly tokens: Token[];
  private readonly enums: EnumTypes;
  constructor(text: string, enums: EnumTypes) {
    this.tokens = tokenize(text);
    this.enums = enums;
  }

  read(): TypeNode {
    const node = this.union();
    if (this.at !== this.tokens.length) throw new Error('trailing text');
    return node;
  }

  private peek(text: string): boolean {
    return this.tokens[this.at]?.kind === 'punct' && this.tokens[this.at].text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) throw new Error(`expected '${text}'`);
    this.at++;
  }

  private union(): TypeNode {
    const members = [this.atom()];
    while (this.peek('|')) {
      this.at++;
      members.push(this.atom());
    }
    return members.length === 1 ? members[0] : { kind: 'union', members };
  }

  /** `[a, b, …]` after a generic name; `...` becomes null (tuple[X, ...]). */
  private subscript(): (TypeNode | null)[] {
    const args: (TypeNode | null)[] = [];
    if (!this.peek('[')) return args;
    this.at++;
    while (!this.peek(']')) {
      if (this.peek('...')) {
        this.at++;
        args.push(null);
      } else args.push(this.union());
      if (this.peek(',')) this.at++;
      else break;
    }
    this.expect(']');
    return args;
  }

  private atom(): TypeNode {
    const token = this.tokens[this.at++];
    if (!token) throw new Error('unexpected end');
    if (token.kind === 'string') return { kind: 'literal', values: [token.text] };
    if (token.kind === 'number') return { kind: 'literal', values: [Number(token.text)] };
    if (token.text === '[' || token.text === '(') {
      // A parameter list, as in Callable[[int], str]: read and ignore.
      const close = token.text === '[' ? ']' : ')';
      while (!this.peek(close)) {
        this.union();
        if (this.peek(',')) this.at++;
        else break;
      }
      this.expect(close);
      return ANY;
    }
    if (token.kind !== 'name') throw new Error(`unexpected '${token.text}'`);
    const fullName = token.text;
    const args = this.subscript();
    if (Object.hasOwn(this.enums, fullName))
      return { kind: 'enum', name: fullName, values: this.enums[fullName] };
    if (PLACEHOLDERS.includes(fullName)) return { kind: 'str' };
    return generic(fullName.replace(MODULES, ''), args);
  }
}

function generic(name: string, args: (TypeNode | null)[]): TypeNode {
  const arg = (i: number) => args[i] ?? ANY;
  if (Object.hasOwn(SCALARS, name)) return SCALARS[name];
  if (name === 'Optional') return { kind: 'union', members: [arg(0), { kind: 'none' }] };
  if (name === 'Union') return { kind: 'union', members: args.map((a) => a ?? ANY) };
  if (name === 'Annotated') return arg(0);
  if (name === 'Literal')
    return { kind: 'literal', values: args.flatMap((a) => (a?.kind === 'literal' ? a.values : [])) };
  if (Object.hasOwn(ARRAYS, name)) return { kind: 'array', shape: ARRAYS[name], item: arg(0) };
  if (name === 'Tuple' || name === 'tuple') {
    if (args.length === 0 || (args.length === 2 && args[1] === null))
      return { kind: 'array', shape: 'tuple', item: arg(0) };
    return { kind: 'fixed-tuple', items: args.map((a) => a ?? ANY) };
  }
  if (DICTS.has(name)) return { kind: 'dict', value: arg(1) };
  return ANY;
}

/** The type tree of typing text; text it cannot read accepts any value. */
export function readAnnotationType(text: string, enums: EnumTypes): TypeNode {
  try {
    return new TypeReader(text, enums).read();
  } catch {
    return ANY;
  }
}

function quotedList(values: readonly unknown[]): string {
  const shown = values.map(pythonRepr);
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

/** Pydantic's way of saying why a value was refused: `Input should be … [type=…, input_value=…, input_type=…]`. */
function refusal(what: string, type: string, value: unknown): string {
  return `${what} [type=${type}, input_value=${pythonRepr(value)}, input_type=${pythonTypeName(value)}]`;
}

const ARRAY_WORDS = {
  list: ['Input should be a valid list', 'list_type'],
  tuple: ['Input should be a valid tuple', 'tuple_type'],
  set: ['Input should be a valid set', 'set_type'],
  sequence: ['Input should be a valid sequence', 'sequence_type'],
  iterable: ['Input should be iterable', 'iterable_type'],
} as const;

/** Why `value` does not fit `node`, or null when it does. */
export function typeMismatch(node: TypeNode, value: unknown): string | null {
  switch (node.kind) {
    case 'any':
      return null;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return null;
      if (typeof value === 'number')
        return refusal(
          'Input should be a valid integer, got a number with a fractional part',
          'int_from_float',
          value,
        );
      return refusal('Input should be a valid integer', 'int_type', value);
    case 'float':
      return typeof value === 'number'
        ? null
        : refusal('Input should be a valid number', 'float_type', value);
    case 'str':
      return typeof value === 'string'
        ? null
        : refusal('Input should be a valid string', 'string_type', value);
    case 'bool':
      return typeof value === 'boolean'
        ? null
        : refusal('Input should be a valid boolean', 'bool_type', value);
    case 'none':
      return value === null ? null : refusal('Input should be None', 'none_required', value);
    case 'hashable':
      return value !== null && typeof value === 'object'
        ? refusal('Input should be hashable', 'is_hashable', value)
        : null;
    case 'array': {
      if (!Array.isArray(value))
        return refusal(ARRAY_WORDS[node.shape][0], ARRAY_WORDS[node.shape][1], value);
      for (const element of value) {
        const why = typeMismatch(node.item, element);
        if (why) return why;
      }
      return null;
    }
    case 'fixed-tuple': {
      if (!Array.isArray(value) || value.length !== node.items.length)
        return refusal(`Input should be a tuple of ${node.items.length} items`, 'tuple_type', value);
      for (let i = 0; i < value.length; i++) {
        const why = typeMismatch(node.items[i], value[i]);
        if (why) return why;
      }
      return null;
    }
    case 'dict': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return refusal('Input should be a valid dictionary', 'dict_type', value);
      for (const element of Object.values(value)) {
        const why = typeMismatch(node.value, element);
        if (why) return why;
      }
      return null;
    }
    case 'enum':
      if (typeof value === 'string' && node.values.includes(value)) return null;
      if (node.values.length === 0)
        return refusal(`Input should be an instance of ${node.name}`, 'is_instance_of', value);
      return refusal(`Input should be ${quotedList(node.values)}`, 'enum', value);
    case 'literal':
      return node.values.includes(value as never)
        ? null
        : refusal(`Input should be ${quotedList(node.values)}`, 'literal_error', value);
    case 'union': {
      const reasons: string[] = [];
      for (const member of node.members) {
        const why = typeMismatch(member, value);
        if (why === null) return null;
        // "Input should be None" adds nothing to why a given value failed the other members.
        if (member.kind !== 'none' || node.members.every((m) => m.kind === 'none')) reasons.push(why);
      }
      return reasons.join('; ');
    }
  }
}
