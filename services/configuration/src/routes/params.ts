/**
 * What the OpenAPI parameters cannot say about a query, in FastAPI's 422 shapes. The route table
 * validates, coerces and defaults every parameter from its schema; these cover only the rest:
 * pydantic's spellings of booleans and integers (JSON Schema coercion reads others), the glob's
 * own syntax, and the comma-separated label list the reference takes as one string.
 */
import { validationError } from '@ophyd-service/service-kit';
import type { Middleware } from 'koa';
import { compileGlob, type Glob, GlobError } from '../glob.ts';

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);
const DECIMAL = /^\s*-?\d+\s*$/;

/**
 * Rewrites the named query parameters from pydantic's lax spellings into the ones the route
 * table's coercion reads, ahead of its validation (a `before` of the binding): booleans
 * true/false/1/0/yes/no/on/off/t/f/y/n in any case (spec §0.2) become true/false, and anything
 * else is pydantic's `bool_parsing`; integers must be decimal digits (coercion alone would take
 * `1e3` or `0x10`) or they are `int_parsing`. Ranges and defaults stay with the schema.
 */
export function pydanticQuery(names: { booleans?: string[]; integers?: string[] }): Middleware {
  return async (ctx, next) => {
    const query = { ...ctx.query } as Record<string, string | undefined>;
    let changed = false;
    for (const name of names.booleans ?? []) {
      const value = query[name];
      if (value === undefined) continue;
      const word = value.toLowerCase();
      if (!TRUE.has(word) && !FALSE.has(word)) {
        throw validationError([
          {
            type: 'bool_parsing',
            loc: ['query', name],
            msg: 'Input should be a valid boolean',
            input: value,
          },
        ]);
      }
      query[name] = String(TRUE.has(word));
      changed = true;
    }
    for (const name of names.integers ?? []) {
      const value = query[name];
      if (value === undefined) continue;
      if (!DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
        throw validationError([
          { type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer', input: value },
        ]);
      }
      query[name] = String(Number(value));
      changed = true;
    }
    if (changed) ctx.query = query;
    await next();
  };
}

/**
 * The `pattern` glob, compiled, or undefined when absent or empty (spec §0.2: empty means no
 * filter). Its length is the schema's (maxLength); an unterminated `[` or a reversed range is a 422
 * naming where, which no schema can say.
 */
export function globParam(pattern: string | undefined, name = 'pattern'): Glob | undefined {
  if (!pattern) return undefined;
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

/** `a, b,,c` → ['a', 'b', 'c']: the reference reads its label filter as one comma-separated string. */
export const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
