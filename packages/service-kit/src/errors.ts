import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from './logger.ts';

/** A field-level validation problem, in the shape FastAPI clients already parse. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** An error whose status and detail are meant for the client. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, detail: unknown, headers: Record<string, string> = {}) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

const STATUS_TEXT: Record<number, string> = {
  404: 'Not Found',
  405: 'Method Not Allowed',
  501: 'Not Implemented',
};

export const validationError = (issues: ValidationIssue[]) => new HttpError(422, issues);

/** Gives every request an id (kept from X-Request-Id when the caller sent one) and a child logger. */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const id = /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ request_id: id });
    ctx.set('X-Request-Id', id);
    await next();
  };
}

/**
 * Turns every failure into a `{"detail": …}` envelope. Client errors keep their message; anything
 * unexpected becomes a 500 whose detail names only the request id, with the stack in the log.
 */
export function errorEnvelope() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      // Statuses set without a body (unknown route, 405 from the router) still get an envelope.
      if (ctx.status >= 400 && (ctx.body === undefined || ctx.body === null || ctx.body === '')) {
        const status = ctx.status; // Koa turns an implicit 404 into 200 once a body is set
        ctx.body = { detail: STATUS_TEXT[status] ?? ctx.message };
        ctx.status = status;
      }
    } catch (err) {
      const { status, body, headers } = toResponse(err, ctx);
      ctx.status = status;
      ctx.body = body;
      for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
    }
  };
}

function toResponse(err: unknown, ctx: Context) {
  if (err instanceof HttpError)
    return { status: err.status, body: { detail: err.detail }, headers: err.headers };
  const e = err as {
    status?: number;
    expose?: boolean;
    message?: string;
    type?: string;
    headers?: object;
    body?: string;
  };
  if (e?.type === 'entity.parse.failed' || (e?.status === 400 && /JSON/i.test(e.message ?? ''))) {
    const issue: ValidationIssue = {
      type: 'json_invalid',
      loc: ['body', 0],
      msg: `JSON decode error: ${e.message}`,
    };
    return { status: 422, body: { detail: [issue] }, headers: {} };
  }
  // A body whose Content-Encoding does not decode is the client's fault, whatever zlib calls it.
  if (typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('Z_')) {
    return {
      status: 400,
      body: { detail: 'Request body could not be decoded (Content-Encoding)' },
      headers: {},
    };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const detail = STATUS_TEXT[e.status] && e.status !== 413 ? STATUS_TEXT[e.status] : e.message;
    return { status: e.status, body: { detail }, headers: (e.headers ?? {}) as Record<string, string> };
  }
  const requestId = ctx.state.requestId as string;
  (ctx.state.log ?? console).error({ err }, 'unhandled error');
  const status = typeof e?.status === 'number' && e.status >= 500 ? e.status : 500;
  return { status, body: { detail: `Internal Server Error (request id ${requestId})` }, headers: {} };
}
