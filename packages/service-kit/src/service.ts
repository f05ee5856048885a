import type { IncomingMessage, Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import { DEFAULT_HOST } from './config.ts';
import { answerClientError, bodyReadFailure, errorEnvelope, requestContext } from './errors.ts';
import type { TlsFiles } from './flags.ts';
import { createMetrics, healthRoutes, type Probe } from './health.ts';
import { createLogger, type Logger } from './logger.ts';
import { type ApiInfo, buildOpenApi, exportOpenApi, openApiRoutes } from './openapi.ts';
import { http, https, Router } from './required.ts';
import { type Binding, type Handler, routeTable } from './route-table.ts';
import { jsonDepthLimit, type Schema, SchemaBook, singleValuedQuery } from './validation.ts';

export interface ServiceOptions {
  /** Service name as it appears in logs, metrics and health bodies (e.g. `configuration_service`). */
  name: string;
  info: ApiInfo;
  /** Component schemas: published in the OpenAPI document and used for request validation. */
  schemas?: Record<string, Schema>;
  /** Route files carrying `@openapi` blocks. */
  sources?: string[];
  /**
   * The handlers of the service's operations by operationId, in precedence order, built once the
   * kit (logger, schema book) exists: the router comes from the OpenAPI document (`routeTable`).
   */
  operations?: (kit: ServiceKit) => Record<string, Handler<never> | Binding<never>>;
  /** Routers of routes outside the OpenAPI document (none in our services). */
  routes?: (kit: ServiceKit) => Router[];
  health?: Probe;
  ready?: Probe;
  /** Largest accepted JSON body, e.g. `1mb`. */
  bodyLimit?: string;
  /** Methods whose JSON body is read (default POST, PUT, PATCH; the queue server's clients send GET bodies). */
  bodyMethods?: string[];
  logger?: Logger;
  /** How long a graceful shutdown waits for in-flight requests before closing sockets. */
  drainMs?: number;
  /** CORS: allowed origins (`*` for any) and whether credentials are allowed (never with `*`). */
  cors?: { origins: string[]; credentials: boolean };
  /** WebSocket endpoints: they get the HTTP upgrades and are closed before the listener drains. */
  upgrades?: Upgrades;
}

/** Paths the kit serves itself (health, readiness, metrics), documented in health.ts. */
const KIT_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface Upgrades {
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void> | void;
}

export interface ListenOptions {
  tls?: TlsFiles;
}

export interface ServiceKit {
  logger: Logger;
  book: SchemaBook;
  metrics: Registry;
  /** Adds work to run on shutdown, after the listener stops (close CA circuits, DB pools…); run in reverse order. */
  onClose(hook: () => Promise<void> | void): void;
}

export interface Service extends ServiceKit {
  app: Koa;
  openapi: Record<string, unknown>;
  /** The HTTP server once `listen` has run (WebSocket endpoints attach to it). */
  server?: Server | TlsServer;
  /**
   * Listens on `host` (default 127.0.0.1: this machine only; `0.0.0.0` for every interface), over
   * HTTPS (and WSS) when given `tls`, where a plain-HTTP client's connection is dropped.
   */
  listen(port: number, host?: string, options?: ListenOptions): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/** A Koa app with the cross-cutting middleware every ophyd-service backend shares, in a fixed order. */
export function createService(options: ServiceOptions): Service {
  const logger = options.logger ?? createLogger(options.name);
  const book = new SchemaBook(options.schemas ?? {});
  const { registry, middleware: timing } = createMetrics(options.name);
  const closeHooks: (() => Promise<void> | void)[] = [];
  const kit: ServiceKit = { logger, book, metrics: registry, onClose: (hook) => closeHooks.push(hook) };

  const openapi = buildOpenApi(options.info, options.sources ?? [], options.schemas ?? {});
  const healthy: Probe =
    options.health ?? (() => ({ ok: true, body: { status: 'healthy', service: options.name } }));
  const ready: Probe = options.ready ?? (() => ({ ok: true, body: { status: 'ready' } }));

  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  app.use(requestContext(logger));
  app.use(requestLog);
  app.use(timing);
  app.use(errorEnvelope());
  if (options.cors) app.use(corsMiddleware(options.cors, logger));
  app.use(singleValuedQuery());
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: options.bodyLimit ?? '1mb',
      parsedMethods: options.bodyMethods ?? ['POST', 'PUT', 'PATCH'],
      encoding: 'utf-8',
      onError: bodyReadFailure,
    }),
  );
  app.use(jsonDepthLimit());
  // One root router, so 405 and its Allow header consider every route of the service. Every method
  // Node parses counts as implemented: a TRACE (or any method no route has) to a known path is a 405
  // with Allow and to an unknown one a 404, as Starlette answers, where the router alone says 501.
  const root = new Router({ methods: http.METHODS });
  for (const router of [
    healthRoutes(healthy, ready, registry),
    openApiRoutes(openapi, options.info.title),
    ...(options.operations ? [routeTable(openapi, book, options.operations(kit), KIT_PATHS)] : []),
    ...(options.routes?.(kit) ?? []),
  ]) {
    root.use(router.routes());
  }
  app.use(root.routes());
  app.use(root.allowedMethods());

  const service: Service = {
    ...kit,
    app,
    openapi,
    async listen(port, host = DEFAULT_HOST, listenOptions = {}) {
      const exportPath = process.env.OPHYD_SERVICE_OPENAPI_EXPORT_PATH;
      if (exportPath) await exportOpenApi(openapi, exportPath);
      const { tls } = listenOptions;
      const server = tls ? https().createServer(tls, app.callback()) : http.createServer(app.callback());
      service.server = server;
      server.on('clientError', answerClientError); // Node's own 400/431 answers, with the envelope
      if (options.upgrades) {
        const upgrades = options.upgrades;
        server.on('upgrade', (request, socket, head) => upgrades.handle(request, socket, head));
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      // The log states the address the socket is really bound to; the URL is one a local client can
      // use (a wildcard bind is reached through loopback).
      const bound = server.address() as AddressInfo;
      const ipHost = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);
      const address = `${ipHost(bound.address)}:${bound.port}`;
      const local = bound.address === '0.0.0.0' || bound.address === '::' ? '127.0.0.1' : bound.address;
      const url = `${tls ? 'https' : 'http'}://${ipHost(local)}:${bound.port}`;
      logger.info({ address, url, tls: Boolean(tls) }, `${options.name} listening on ${address}`);
      return { port: bound.port, url };
    },
    async close() {
      const server = service.server;
      await options.upgrades?.close(); // upgraded sockets would otherwise hold the listener open
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets turn idle as in-flight requests finish: reap them as they do.
        const reaper = setInterval(() => server.closeIdleConnections(), 20);
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 5000);
        await closed;
        clearInterval(reaper);
        clearTimeout(timer);
      }
      for (const hook of closeHooks.reverse()) await hook();
      logger.info(`${options.name} stopped`);
    },
  };
  return service;
}

/** One debug line per request (uvicorn's access log, below the default level): method, path, status, time. */
async function requestLog(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  const started = performance.now();
  try {
    await next();
  } finally {
    const log = ctx.state.log as Logger;
    if (log.isLevelEnabled('debug')) {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      log.debug(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms },
        `${ctx.method} ${ctx.path} ${ctx.status}`,
      );
    }
  }
}

/**
 * An allowed origin is echoed back; any other gets no CORS headers but is still served. Credentials
 * are never allowed together with the `*` wildcard (browsers refuse the pair anyway).
 */
function corsMiddleware(config: { origins: string[]; credentials: boolean }, logger: Logger) {
  const any = config.origins.includes('*');
  if (any && config.credentials)
    logger.warn('CORS credentials disabled: they cannot be combined with the "*" origin');
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return any ? '*' : config.origins.includes(origin) ? origin : '';
    },
    credentials: config.credentials && !any,
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
  });
}

/** Closes the service on SIGTERM/SIGINT and exits; a second signal exits at once. */
export function closeOnSignals(service: Pick<Service, 'close' | 'logger'>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    service.logger.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (err) => {
        service.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
