/**
 * The queue server's HTTP side (spec §10), wired to the manager runtime: the route table (most routes
 * relay to the manager method of the same purpose), the console copies and the three WebSockets.
 */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Binding,
  buildOpenApi,
  createLogger,
  createService,
  DomainError,
  type Handler,
  type Logger,
  type Service,
} from '@ophyd-service/service-kit';
import type Koa from 'koa';
import type { QueueServerConfig } from './config.ts';
import { ConsoleMessages, ConsoleText } from './console/console-buffer.ts';
import { authBindings } from './http/auth-routes.ts';
import { type HttpAuth, principalOf } from './http/gate.ts';
import { onlyItemUids } from './http/item-route.ts';
import { profileCollectionBindings } from './http/profile-collection-routes.ts';
import { registryBindings } from './http/registry-routes.ts';
import { RELAYS, type Relay, relay, type Who } from './http/relay.ts';
import { spreadsheetBindings } from './http/spreadsheet-routes.ts';
import { reducedPlanDescription } from './manager/plan-validation.ts';
import type { ConsoleMessage, QueueRuntime } from './manager/runtime.ts';
import type { Params, Reply } from './manager/types.ts';
import { ProfileCollection } from './profile-collection/profile-collection.ts';
import { runtimeEnvironment } from './profile-collection/worker-environment.ts';
import { schemas } from './schemas.ts';
import { StreamSockets } from './sockets/streams.ts';
import { CustomModules } from './spreadsheet/custom-modules.ts';
import { pythonRepr } from './zmq/python-repr.ts';

export const SERVICE_NAME = 'queueserver_service';
const INFO = {
  title: 'Queue Server',
  version: '1.0.0',
  description:
    'The plan queue, its history and the RunEngine worker, as bluesky-queueserver-api drives them. The WebSockets /api/status/ws, /api/info/ws and /api/console_output/ws are described in the service README.',
};
const ROUTE_FILES = [
  'status',
  'queue',
  'items',
  'history',
  'environment',
  're',
  'lists',
  'tasks',
  'locks',
  'manager',
  'console',
  'auth',
  'registry',
  'spreadsheet',
  'profile-collection',
].map((f) => join(import.meta.dirname, 'routes', `${f}.ts`));
const SOURCES = [...ROUTE_FILES, join(import.meta.dirname, 'schemas.ts')];

export const queueServerOpenApi = () => buildOpenApi(INFO, SOURCES, schemas);

export interface QueueServerService extends Service {
  runtime: QueueRuntime;
  sockets: StreamSockets;
}

export function createQueueServerService(options: {
  runtime: QueueRuntime;
  auth: HttpAuth;
  corsOrigins?: string[];
  logger?: Logger;
  /** How long a WebSocket without credentials may take to authenticate (tests shorten it). */
  socketAuthWaitMs?: number;
  /** The settings of the HTTP side's own features (none set: no custom modules, no profile collection). */
  config?: Pick<
    QueueServerConfig,
    'QSERVER_CUSTOM_MODULES' | 'QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR' | 'QSERVER_STARTUP_DIR'
  >;
}): QueueServerService {
  const { runtime, auth } = options;
  const customModules = new CustomModules(options.config?.QSERVER_CUSTOM_MODULES ?? '');
  const profileCollection = new ProfileCollection({
    configuredDir: options.config?.QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR ?? '',
    startupDir: options.config?.QSERVER_STARTUP_DIR ?? '',
  });
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const messages = new ConsoleMessages();
  const text = new ConsoleText();
  const streams = new Set<PassThrough>();
  const sockets = new StreamSockets(
    auth.sockets,
    {
      '/api/console_output/ws': 'read:console',
      '/api/status/ws': 'read:monitor',
      '/api/info/ws': 'read:monitor',
    },
    options.socketAuthWaitMs,
  );
  const onConsole = (message: ConsoleMessage) => {
    messages.add(message);
    text.add(message);
    sockets.broadcast('/api/console_output/ws', message);
    const chunk = JSON.stringify(message);
    for (const stream of streams) stream.write(chunk);
  };
  const onStatus = (status: Reply) => {
    const frame = { time: Date.now() / 1000, msg: { status } };
    sockets.broadcast('/api/status/ws', frame);
    sockets.broadcast('/api/info/ws', frame);
  };
  runtime.on('console', onConsole);
  runtime.on('status', onStatus);

  const openapi = queueServerOpenApi();
  const scopeOf = (operationId: string) => requiredScope(openapi, operationId);
  const who = (ctx: Koa.Context): Who => principalOf(ctx);
  const bind = (operationId: string, handle: Handler<never>): Binding<never> => ({
    before: [auth.gate(scopeOf(operationId))],
    handle,
  });
  const relayed = (operationId: keyof typeof RELAYS): Binding<never> =>
    bind(operationId, (({ body, ctx }: { body: unknown; ctx: Koa.Context }) =>
      relay(runtime, RELAYS[operationId] as Relay, body, who(ctx))) as never);
  const payload = (body: unknown): Params =>
    (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Params;

  const plansList = (method: 'plans_allowed' | 'plans_existing', key: string) =>
    (async ({ body, ctx }: { body: unknown; ctx: Koa.Context }) => {
      const given = payload(body);
      const extra = Object.keys(given).filter((k) => k !== 'reduced');
      if (extra.length)
        throw new DomainError(
          'bad_request',
          `Request contains keys the are not supported: ${pythonSet(extra)}`,
        );
      const params = method === 'plans_allowed' ? { user_group: who(ctx).group } : {};
      const reply = await runtime.call(method, params);
      if (given.reduced === true && reply.success && reply[key])
        reply[key] = Object.fromEntries(
          Object.entries(reply[key] as Record<string, unknown>).map(([name, desc]) => [
            name,
            reducedPlanDescription(desc as never),
          ]),
        );
      return reply;
    }) as never;

  const service = createService({
    name: SERVICE_NAME,
    info: INFO,
    schemas,
    sources: SOURCES,
    logger,
    bodyMethods: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'],
    bodyLimit: '100mb',
    cors: options.corsOrigins?.length ? { origins: options.corsOrigins, credentials: true } : undefined,
    upgrades: sockets,
    health: () => ({
      ok: true,
      body: { status: 'healthy', service: SERVICE_NAME, manager_state: runtime.manager.data.state },
    }),
    operations: () => ({
      ...Object.fromEntries(Object.keys(RELAYS).map((id) => [id, relayed(id as keyof typeof RELAYS)])),
      // After the literal /api/queue/item/get, which is matched first.
      queue_item_get_by_uid_handler_api_queue_item__item_uid__get: {
        before: [
          onlyItemUids(openapi as Parameters<typeof onlyItemUids>[0]),
          auth.gate(scopeOf('queue_item_get_by_uid_handler_api_queue_item__item_uid__get')),
        ],
        handle: (({ params }: { params: { item_uid: string } }) =>
          runtime.call('queue_item_get', { uid: params.item_uid })) as never,
      },
      ...authBindings(auth, scopeOf),
      ...registryBindings(runtime, bind, who),
      ...spreadsheetBindings({ manager: runtime, customModules }, bind, who),
      ...profileCollectionBindings(profileCollection, runtimeEnvironment(runtime), bind),
      queue_mode_set_handler_api_queue_mode_set_post: bind(
        'queue_mode_set_handler_api_queue_mode_set_post',
        (({ body }: { body: unknown }) => {
          // The Python client takes the mode as keyword arguments: without `mode`, the body is the mode.
          const { lock_key, mode, ...rest } = payload(body);
          const params: Params = { mode: mode === undefined ? rest : mode };
          if (lock_key !== undefined && lock_key !== null) params.lock_key = lock_key;
          return runtime.call('queue_mode_set', params);
        }) as never,
      ),
      plans_allowed_handler_api_plans_allowed_get: bind(
        'plans_allowed_handler_api_plans_allowed_get',
        plansList('plans_allowed', 'plans_allowed'),
      ),
      plans_existing_handler_api_plans_existing_get: bind(
        'plans_existing_handler_api_plans_existing_get',
        plansList('plans_existing', 'plans_existing'),
      ),
      lock_handler_api_lock_post: bind('lock_handler_api_lock_post', (({
        body,
        ctx,
      }: {
        body: unknown;
        ctx: Koa.Context;
      }) => {
        const given = payload(body);
        const unexpected = Object.keys(given).find(
          (k) => !['lock_key', 'environment', 'queue', 'note', 'user'].includes(k),
        );
        if (unexpected)
          throw new DomainError('bad_request', `lock() got an unexpected keyword argument '${unexpected}'`);
        if (given.lock_key === undefined || given.lock_key === null)
          throw new DomainError('bad_request', "Failed to format the 'lock' request: Lock key is not set");
        return runtime.call('lock', { ...given, user: who(ctx).user });
      }) as never),
      test_server_sleep_handler_api_test_server_sleep_get: bind(
        'test_server_sleep_handler_api_test_server_sleep_get',
        (async ({ body }: { body: unknown }) => {
          const time = payload(body).time;
          if (time === undefined)
            throw new DomainError('bad_request', "The required parameter 'time' is missing in the API call");
          if (typeof time !== 'number' || !(time >= 0))
            throw new DomainError(
              'bad_request',
              `The parameter 'time' must be a non-negative number: ${pythonRepr(time)}`,
            );
          await sleep(time * 1000);
          return { success: true, msg: '' };
        }) as never,
      ),
      stream_console_output_api_stream_console_output_get: bind(
        'stream_console_output_api_stream_console_output_get',
        (({ ctx }: { ctx: Koa.Context }) => {
          const stream = new PassThrough();
          streams.add(stream);
          const drop = () => streams.delete(stream);
          ctx.req.on('close', drop);
          stream.on('close', drop);
          ctx.type = 'text/plain';
          ctx.body = stream;
          // Headers go out now, not with the first console message: a client waits on them.
          ctx.res.once('pipe', () => ctx.res.flushHeaders());
        }) as never,
      ),
      console_output_api_console_output_get: bind('console_output_api_console_output_get', (({
        body,
      }: {
        body: unknown;
      }) => {
        const nlines = payload(body).nlines ?? 200;
        if (!Number.isInteger(nlines))
          throw new DomainError('bad_request', `'nlines' must be an integer: ${pythonRepr(nlines)}`);
        return { success: true, msg: '', text: text.text(nlines as number) };
      }) as never),
      console_output_uid_api_console_output_uid_get: bind(
        'console_output_uid_api_console_output_uid_get',
        (() => ({
          success: true,
          msg: '',
          console_output_uid: text.uid,
        })) as never,
      ),
      console_output_update_api_console_output_update_get: bind(
        'console_output_update_api_console_output_update_get',
        (({ body }: { body: unknown }) => {
          const given = payload(body);
          const unexpected = Object.keys(given).find((k) => k !== 'last_msg_uid');
          if (unexpected)
            throw new DomainError(
              'bad_request',
              `Request contains keys the are not supported: ${pythonSet([unexpected])}`,
            );
          if (typeof given.last_msg_uid !== 'string')
            throw new DomainError(
              'bad_request',
              "The required parameter 'last_msg_uid' is missing in the API call",
            );
          return { success: true, msg: '', ...messages.update(given.last_msg_uid) };
        }) as never,
      ),
    }),
  });
  service.onClose(() => {
    runtime.off('console', onConsole);
    runtime.off('status', onStatus);
    for (const stream of streams) stream.end();
    sockets.close();
  });
  return Object.assign(service, { runtime, sockets });
}

/**
 * The scope an operation's OpenAPI block requires (its OAuth2 security entry); null when the entry
 * lists none (any caller, authenticated or not).
 */
function requiredScope(openapi: Record<string, unknown>, operationId: string): string | null {
  for (const methods of Object.values(openapi.paths as Record<string, Record<string, unknown>>)) {
    for (const op of Object.values(methods) as {
      operationId?: string;
      security?: Record<string, string[]>[];
    }[]) {
      if (op.operationId !== operationId) continue;
      const scopes = op.security?.find((s) => s.OAuth2PasswordBearer)?.OAuth2PasswordBearer;
      if (scopes) return scopes[0] ?? null;
    }
  }
  throw new Error(`operation ${operationId} declares no scope`);
}

function pythonSet(keys: string[]): string {
  return `{${keys.map((k) => pythonRepr(k)).join(', ')}}`;
}
