/**
 * A service's router, built from its OpenAPI document: each operation there is bound by its
 * operationId to a handler, and its path parameters, query and body are validated (and query and
 * path coerced, pydantic's spellings of booleans and integers read) from the same document before
 * the handler runs. So a route cannot exist without
 * its contract, nor differ from it: an operation with no handler, or a handler with no operation,
 * stops start-up. The bindings' order is the routes' precedence (first match wins).
 */
import type { Context, Middleware } from 'koa';
import { querySpellings, scalarKind } from './query-spellings.ts';
import { Router } from './required.ts';
import type { Schema, SchemaBook } from './validation.ts';

/** What a handler is given: the validated inputs, typed from the generated `operations`. */
export interface Input<Op = unknown> {
  body: BodyOf<Op>;
  query: QueryOf<Op>;
  params: PathOf<Op>;
  ctx: Context;
}

type BodyOf<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : undefined;
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;
type PathOf<Op> = Op extends { parameters: { path: infer P } } ? P : Record<string, never>;

/** Returns the response body (sent with the operation's first 2xx status), or nothing when it set `ctx` itself. */
export type Handler<Op = unknown> = (input: Input<Op>) => unknown;

/** A handler and the middleware that must run before validation (e.g. a read-only gate). */
export interface Binding<Op = unknown> {
  before?: Middleware[];
  handle: Handler<Op>;
}

/** operationId → handler, for the operations of one generated `operations` type. */
export type Bindings<Ops = Record<string, unknown>> = {
  [K in keyof Ops]?: Handler<Ops[K]> | Binding<Ops[K]>;
};

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
  /** Our extension: the parameter takes the rest of the path, slashes and all. */
  'x-rest-of-path'?: boolean;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Routes for every operation of `doc` outside `skipPaths` (the ones the kit serves itself), bound
 * to `bindings` in their order.
 */
export function routeTable(
  doc: { paths?: Record<string, Record<string, Operation>> },
  book: SchemaBook,
  bindings: Record<string, Handler<never> | Binding<never>>,
  skipPaths: ReadonlySet<string> = new Set(),
): Router {
  const operations = new Map<string, { method: (typeof METHODS)[number]; path: string; op: Operation }>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (skipPaths.has(path)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`OpenAPI ${method.toUpperCase()} ${path} has no operationId`);
      operations.set(op.operationId, { method, path, op });
    }
  }
  const unbound = [...operations.keys()].filter((id) => !(id in bindings));
  const unknown = Object.keys(bindings).filter((id) => !operations.has(id));
  if (unbound.length || unknown.length) {
    throw new Error(
      [
        unbound.length && `operations without a handler: ${unbound.join(', ')}`,
        unknown.length && `handlers without an operation: ${unknown.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  const router = new Router();
  for (const [id, binding] of Object.entries(bindings)) {
    const { method, path, op } = operations.get(id)!;
    const { before = [], handle } = typeof binding === 'function' ? { handle: binding } : binding;
    router[method](
      routerPath(path, op),
      ...before,
      spellings(op),
      validation(book, op),
      respond(handle as Handler, successStatus(op)),
    );
  }
  return router;
}

/** `/pv/{pv_name}/value` → `/pv/:pv_name/value`; a rest-of-path parameter becomes `*name`. */
function routerPath(path: string, op: Operation): string {
  const rest = new Set((op.parameters ?? []).filter((p) => p['x-rest-of-path']).map((p) => p.name));
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => (rest.has(name) ? `*${name}` : `:${name}`));
}

function successStatus(op: Operation): number {
  const codes = Object.keys(op.responses ?? {})
    .filter((code) => /^2\d\d$/.test(code))
    .sort();
  return codes.length ? Number(codes[0]) : 200;
}

/** Pydantic's spellings of the operation's boolean and integer query parameters. */
function spellings(op: Operation): Middleware {
  const query = (op.parameters ?? []).filter((p) => p.in === 'query');
  const named = (kind: string) => query.filter((p) => scalarKind(p.schema) === kind).map((p) => p.name);
  return querySpellings({ booleans: named('boolean'), integers: named('integer') });
}

/** Checks path, query and body against the operation's own schemas, coercing path and query. */
function validation(book: SchemaBook, op: Operation): Middleware {
  const inputs = (where: string) => (op.parameters ?? []).filter((p) => p.in === where);
  const objectOf = (params: Parameter[]): Schema | undefined =>
    params.length === 0
      ? undefined
      : {
          type: 'object',
          properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
          required: params.filter((p) => p.required || p.in === 'path').map((p) => p.name),
        };
  const json = op.requestBody?.content?.['application/json']?.schema;
  return book.validate({
    params: rebased(objectOf(inputs('path'))),
    query: rebased(objectOf(inputs('query'))),
    body: rebased(json),
    bodyRequired: op.requestBody?.required ?? false,
  });
}

/** The schema with its `#/components/…` references pointing into the book's copy of the document. */
function rebased(schema: Schema | undefined): Schema | undefined {
  if (schema === undefined) return undefined;
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"openapi#/'));
}

function respond(handle: Handler, status: number): Middleware {
  return async (ctx) => {
    const result = await handle({
      body: (ctx.request as { body?: unknown }).body as never,
      query: (ctx.state.query ?? {}) as never,
      params: ctx.params as never,
      ctx,
    });
    if (result === undefined) return;
    ctx.status = status;
    ctx.body = result;
  };
}
