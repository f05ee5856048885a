/**
 * Query values as pydantic reads them, which JSON Schema coercion does not: booleans spelled
 * true/false/1/0/yes/no/on/off/t/f/y/n in any case (anything else is pydantic's `bool_parsing`),
 * and integers as decimal digits only (coercion alone would take `1e3` or `0x10`; anything else is
 * `int_parsing`). The route table applies this to every boolean and integer query parameter its
 * OpenAPI document declares, before validation; ranges and defaults stay with the schema.
 */
import type { Middleware } from 'koa';
import { validationError } from './errors.ts';
import type { Schema } from './validation.ts';

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);
const DECIMAL = /^\s*-?\d+\s*$/;

/** 'boolean' or 'integer' when the schema (or a nullable anyOf of it) is one, else undefined. */
export function scalarKind(schema: Schema | undefined): 'boolean' | 'integer' | undefined {
  if (!schema) return undefined;
  const type = schema.type;
  if (type === 'boolean' || type === 'integer') return type;
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  return options?.map(scalarKind).find((kind) => kind !== undefined);
}

export function querySpellings(names: { booleans: string[]; integers: string[] }): Middleware {
  return async (ctx, next) => {
    const query = { ...ctx.query } as Record<string, string | string[] | undefined>;
    let changed = false;
    for (const name of names.booleans) {
      const value = query[name];
      if (typeof value !== 'string') continue;
      const word = value.toLowerCase();
      if (!TRUE.has(word) && !FALSE.has(word))
        throw validationError([
          {
            type: 'bool_parsing',
            loc: ['query', name],
            msg: 'Input should be a valid boolean',
            input: value,
          },
        ]);
      query[name] = String(TRUE.has(word));
      changed = true;
    }
    for (const name of names.integers) {
      const value = query[name];
      if (typeof value !== 'string') continue;
      if (!DECIMAL.test(value) || !Number.isSafeInteger(Number(value)))
        throw validationError([
          { type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer', input: value },
        ]);
      query[name] = String(Number(value));
      changed = true;
    }
    if (changed) ctx.query = query as typeof ctx.query;
    await next();
  };
}
