import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Context, Next } from 'koa';
import { DomainError } from './domain-error.ts';
import type { Logger } from './logger.ts';
import { http } from './required.ts';

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

/** How much of a client's input a 422 echoes back in `input` (FastAPI echoes it whole, however large). */
export const MAX_ECHO_CHARS = 200;

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
  if (err instanceof DomainError) {
    if (err.status >= 500) (ctx.state.log ?? console).warn({ err }, err.message);
    return { status: err.status, body: { detail: err.detail }, headers: {} };
  }
  if (err instanceof HttpError) {
    const detail = err.status === 422 && Array.isArray(err.detail) ? err.detail.map(boundIssue) : err.detail;
    return { status: err.status, body: { detail }, headers: err.headers };
  }
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
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const detail = STATUS_TEXT[e.status] && e.status !== 413 ? STATUS_TEXT[e.status] : e.message;
    return { status: e.status, body: { detail }, headers: (e.headers ?? {}) as Record<string, string> };
  }
  const requestId = ctx.state.requestId as string;
  (ctx.state.log ?? console).error({ err }, 'unhandled error');
  const status = typeof e?.status === 'number' && e.status >= 500 ? e.status : 500;
  return { status, body: { detail: `Internal Server Error (request id ${requestId})` }, headers: {} };
}

/**
 * The body parser's `onError`: a failure while reading the body is the client's. Errors that carry a
 * 4xx (malformed JSON, too large, an unsupported Content-Encoding) pass on; a `__proto__` key is a
 * 422; anything else is a body whose Content-Encoding did not decode (zlib and brotli name those
 * failures in many ways).
 */
export function bodyReadFailure(err: unknown, ctx: Context): never {
  // The parser (co-body's bourne) refuses `"__proto__"` keys, whose assignment could reach
  // Object.prototype: a request-shape problem, so a 422 that says so rather than a bare 400.
  if (err instanceof SyntaxError && /forbidden prototype property/.test(err.message)) {
    throw validationError([
      {
        type: 'value_error',
        loc: ['body'],
        msg: "Value error, a JSON body may not have keys named '__proto__'",
      },
    ]);
  }
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) throw err;
  const encoding = (ctx.get('content-encoding') || 'identity').slice(0, 40);
  throw new HttpError(400, `Request body could not be decoded (Content-Encoding: ${encoding})`);
}

/** An issue whose `input` is safe to send back: bounded in size, and never deep enough to overflow JSON.stringify. */
function boundIssue(issue: unknown): unknown {
  if (!issue || typeof issue !== 'object' || !Object.hasOwn(issue, 'input')) return issue;
  return { ...issue, input: boundedEcho((issue as { input: unknown }).input) };
}

/** Small values as they are; a long string, or a structure whose JSON is long, as the start of its text and `…`. */
export function boundedEcho(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > MAX_ECHO_CHARS ? `${value.slice(0, MAX_ECHO_CHARS)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  const text = jsonPreview(value, MAX_ECHO_CHARS);
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : value;
}

/**
 * The start of `value`'s JSON text, built with an explicit stack (no recursion) and stopped once it
 * is longer than `budget`: when the result is not longer, it is the whole text.
 */
function jsonPreview(value: unknown, budget: number): string {
  let out = '';
  const work: ({ text: string } | { value: unknown })[] = [{ value }];
  while (work.length > 0 && out.length <= budget) {
    const item = work.pop() as { text: string } | { value: unknown };
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (v !== null && typeof v === 'object') {
      // No more members than the budget has characters: each one takes at least one.
      const array = Array.isArray(v);
      const members = array
        ? v.slice(0, budget + 1).map((m, i) => [i, m] as const)
        : Object.entries(v).slice(0, budget + 1);
      out += array ? '[' : '{';
      work.push({ text: array ? ']' : '}' });
      for (let i = members.length - 1; i >= 0; i--) {
        const [key, member] = members[i];
        work.push({ value: member });
        if (!array) work.push({ text: `${JSON.stringify(String(key).slice(0, budget + 1))}:` });
        if (i > 0) work.push({ text: ',' });
      }
    } else if (typeof v === 'string') out += JSON.stringify(v.slice(0, budget + 1));
    else out += JSON.stringify(v) ?? 'null';
  }
  return out;
}

const CLIENT_ERROR_STATUS = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
]);

/**
 * The http server's `clientError` listener: the statuses Node itself would send for a request it
 * cannot parse (431 for oversized headers, 408, 413, else 400), but with the `{"detail"}` envelope
 * rather than an empty body. Nothing is written once a response has started on the socket.
 */
export function answerClientError(err: Error & { code?: string; reason?: unknown }, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS.get(err.code ?? '') ?? 400;
  const reason = typeof err.reason === 'string' ? err.reason : undefined; // llhttp's own words, never the request's
  const detail = status === 400 && reason ? `Bad Request: ${reason}` : http.STATUS_CODES[status];
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
