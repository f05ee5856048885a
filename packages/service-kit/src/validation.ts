import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Context, Next } from 'koa';
import { type ValidationIssue, validationError } from './errors.ts';

export type Schema = Record<string, unknown>;
type Where = 'body' | 'query' | 'path';

const PYDANTIC_TYPES: Record<string, string> = {
  required: 'missing',
  additionalProperties: 'extra_forbidden',
  maxLength: 'string_too_long',
  minLength: 'string_too_short',
  pattern: 'string_pattern_mismatch',
  minimum: 'greater_than_equal',
  maximum: 'less_than_equal',
  exclusiveMinimum: 'greater_than',
  exclusiveMaximum: 'less_than',
  maxItems: 'too_long',
  minItems: 'too_short',
  enum: 'enum',
  const: 'literal_error',
};

/**
 * Compiles request validators from the same component schemas the OpenAPI document publishes,
 * so the contract and the checks cannot disagree. `#/components/schemas/X` references resolve.
 */
export class SchemaBook {
  readonly schemas: Record<string, Schema>;
  private readonly strictAjv: Ajv2020;
  private readonly coercingAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(schemas: Record<string, Schema>) {
    this.schemas = schemas;
    this.strictAjv = makeAjv(false, schemas);
    this.coercingAjv = makeAjv(true, schemas);
  }

  /** A validator for a named component or an inline schema; query and path values are coerced from strings. */
  validator(schema: string | Schema, coerce = false): ValidateFunction {
    const key = `${coerce}:${typeof schema === 'string' ? schema : JSON.stringify(schema)}`;
    let fn = this.cache.get(key);
    if (!fn) {
      const target = typeof schema === 'string' ? { $ref: `openapi#/components/schemas/${schema}` } : schema;
      fn = (coerce ? this.coercingAjv : this.strictAjv).compile(target);
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Validates `value`, returning the issues in FastAPI's `{type, loc, msg, input}` shape. */
  check(where: Where, schema: string | Schema, value: unknown): ValidationIssue[] {
    const fn = this.validator(schema, where !== 'body');
    return fn(value) ? [] : (fn.errors ?? []).map((e) => toIssue(where, e, value));
  }

  /** Middleware validating (and defaulting/coercing in place) the body, query and path parameters. */
  validate(spec: { body?: string | Schema; query?: Schema; params?: Schema; bodyRequired?: boolean }) {
    return async (ctx: Context, next: Next) => {
      const issues: ValidationIssue[] = [];
      if (spec.params) issues.push(...this.check('path', spec.params, ctx.params));
      if (spec.query) {
        const query = { ...ctx.query };
        issues.push(...this.check('query', spec.query, query));
        ctx.state.query = query;
      }
      if (spec.body) {
        // The body parser leaves `{}` for an empty request; the raw text tells "absent" from "empty object".
        const request = ctx.request as { body?: unknown; rawBody?: string };
        const body = request.rawBody ? request.body : undefined;
        if (body === undefined && spec.bodyRequired !== false) {
          issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
        } else if (body !== undefined) {
          issues.push(...this.check('body', spec.body, body));
        }
      }
      if (issues.length > 0) throw validationError(issues);
      await next();
    };
  }
}

function makeAjv(coerce: boolean, schemas: Record<string, Schema>): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
  });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  return ajv;
}

function toIssue(where: Where, error: ErrorObject, root: unknown): ValidationIssue {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const params = error.params as Record<string, unknown>;
  const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const loc: (string | number)[] = [where, ...path, ...(extra === undefined ? [] : [extra])];
  const type =
    error.keyword === 'type'
      ? `${String(params.type).split(',')[0]}_type`
      : (PYDANTIC_TYPES[error.keyword] ?? error.keyword);
  const msg = error.keyword === 'required' ? 'Field required' : `${error.message ?? 'invalid'}`;
  return { type, loc, msg, input: extra === undefined ? valueAt(root, path) : undefined };
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    // Own members only: a key the client called `__proto__` or `constructor` is data, not Object's.
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** The deepest nesting of arrays and objects a JSON body may have; deeper ones are a 422. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses a parsed JSON body nested deeper than MAX_JSON_DEPTH with a 422 (`json_invalid` at the
 * offending offset, as pydantic reports its own recursion limit), before anything walks it: the
 * store, the audit log and the error echo would otherwise recurse until the stack overflows. The raw
 * text is scanned once, so the check itself cannot overflow.
 */
export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH) {
  return async (ctx: Context, next: Next) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody;
    const at = raw ? offsetBeyondDepth(raw, maxDepth) : -1;
    if (at >= 0) {
      throw validationError([
        {
          type: 'json_invalid',
          loc: ['body', at],
          msg: `JSON decode error: nested deeper than ${maxDepth} levels`,
          ctx: { max_depth: maxDepth },
        },
      ]);
    }
    await next();
  };
}

/** The offset of the first bracket that opens level `maxDepth + 1` of a JSON text, or -1. */
function offsetBeyondDepth(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return i;
    } else if (c === ']' || c === '}') depth--;
  }
  return -1;
}

/**
 * Refuses a query parameter given more than once (`?format=a&format=b`) with one 422 for the whole
 * service: no route takes a repeated parameter, and a handler reading it would get an array where it
 * expects a string. (FastAPI silently keeps the last value.)
 */
export function singleValuedQuery() {
  return async (ctx: Context, next: Next) => {
    const issues: ValidationIssue[] = [];
    for (const [name, value] of Object.entries(ctx.query)) {
      if (Array.isArray(value)) {
        issues.push({
          type: 'string_type',
          loc: ['query', name],
          msg: `Input should be a single value, not ${value.length} values`,
          input: value,
        });
      }
    }
    if (issues.length > 0) throw validationError(issues);
    await next();
  };
}

/** `schema` or null (OpenAPI 3.1 / JSON Schema 2020-12 form). */
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
/** A reference to a component schema of the same document. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The shapes of the error envelopes `errorEnvelope` sends, for every service's OpenAPI document. */
export const errorSchemas: Record<string, Schema> = {
  HTTPError: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } },
  ValidationError: {
    type: 'object',
    required: ['loc', 'msg', 'type'],
    properties: {
      loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      msg: { type: 'string' },
      type: { type: 'string' },
    },
  },
  HTTPValidationError: {
    type: 'object',
    properties: { detail: { type: 'array', items: ref('ValidationError') } },
  },
  // A 422 from a route that also refuses in words: FastAPI's field problems when the request's shape
  // is wrong, one sentence when its content cannot be carried out (a name the registry could not
  // hold, a value the PV cannot take), as the reference sends both under the same status.
  UnprocessableError: {
    type: 'object',
    required: ['detail'],
    properties: {
      detail: { anyOf: [{ type: 'string' }, { type: 'array', items: ref('ValidationError') }] },
    },
  },
};
