/**
 * What the OpenAPI parameters cannot say about a query, in FastAPI's 422 shapes. The route table
 * validates, coerces and defaults every parameter from its schema (and reads pydantic's spellings
 * of booleans and integers); these cover only the rest: the glob's own syntax, and the
 * comma-separated label list the reference takes as one string.
 */
import { validationError } from '@ophyd-service/service-kit';
import { compileGlob, type Glob, GlobError } from '../glob.ts';

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
