/** Query-string helpers shared by the routes, with FastAPI-shaped 422s. */
import { validationError } from '@ophyd-service/service-kit';
import { compileGlob, type Glob, GlobError, MAX_GLOB_LENGTH } from '../glob.ts';

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

type Query = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function boolParam(query: Query, name: string): boolean | undefined {
  const value = first(query[name]);
  if (value === undefined) return undefined;
  const word = value.toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw validationError([
    { type: 'bool_parsing', loc: ['query', name], msg: 'Input should be a valid boolean', input: value },
  ]);
}

export function intParam(
  query: Query,
  name: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  const value = first(query[name]);
  if (value === undefined) return undefined;
  const n = Number(value);
  const fail = (type: string, msg: string) =>
    validationError([{ type, loc: ['query', name], msg, input: value }]);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw fail('int_parsing', 'Input should be a valid integer');
  if (bounds.min !== undefined && n < bounds.min)
    throw fail('greater_than_equal', `Input should be greater than or equal to ${bounds.min}`);
  if (bounds.max !== undefined && n > bounds.max)
    throw fail('less_than_equal', `Input should be less than or equal to ${bounds.max}`);
  return n;
}

export function stringParam(query: Query, name: string, required = false): string | undefined {
  const value = first(query[name]);
  if (value === undefined && required) {
    throw validationError([{ type: 'missing', loc: ['query', name], msg: 'Field required', input: null }]);
  }
  return value;
}

/** The `pattern` glob filter, or undefined when absent or empty (spec §0.2: empty means no filter). */
export function globParam(query: Query, name = 'pattern'): Glob | undefined {
  const pattern = stringParam(query, name);
  if (!pattern) return undefined;
  if (pattern.length > MAX_GLOB_LENGTH) {
    throw validationError([
      {
        type: 'string_too_long',
        loc: ['query', name],
        msg: `String should have at most ${MAX_GLOB_LENGTH} characters`,
        input: pattern,
        ctx: { max_length: MAX_GLOB_LENGTH },
      },
    ]);
  }
  try {
    return compileGlob(pattern);
  } catch (err) {
    if (!(err instanceof GlobError)) throw err;
    throw validationError([
      {
        type: 'value_error',
        loc: ['query', name],
        msg: `Invalid glob pattern: ${err.message}`,
        input: pattern,
      },
    ]);
  }
}
