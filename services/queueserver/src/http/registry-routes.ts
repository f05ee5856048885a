/**
 * The registry diff and sync routes (spec §10.3, [FORK]): each relays to its manager method, answers
 * the reply's keys on success, and a failure with 503 when the registry could not be reached
 * (`error_kind`), with 409 otherwise (the configuration service off, no environment, a refused
 * strategy or write), as the reference's HTTP server maps them.
 */
import { type Binding, DomainError, type Handler } from '@ophyd-service/service-kit';
import type Koa from 'koa';
import type { Reply } from '../manager/types.ts';
import { CONFIG_SERVICE_UNREACHABLE } from '../registry/sync-methods.ts';
import { type Caller, type Relay, relay, type Who } from './relay.ts';

const DIFF: Relay = { method: 'config_service_diff', client: 'devices_diff_against_profile', keys: [] };
const SYNC: Relay = {
  method: 'config_service_sync',
  client: 'devices_sync_from_profile',
  keys: ['strategy', 'devices'],
};

type Bind = (operationId: string, handle: Handler<never>) => Binding<never>;

export function registryBindings(caller: Caller, bind: Bind, who: (ctx: Koa.Context) => Who) {
  const relayed = (spec: Relay, keys: string[]) =>
    (async ({ body, ctx }: { body: unknown; ctx: Koa.Context }) =>
      answer(await relay(caller, spec, body, who(ctx)), keys)) as never;
  return {
    devices_diff_against_profile_api_devices_diff_against_profile_get: bind(
      'devices_diff_against_profile_api_devices_diff_against_profile_get',
      relayed(DIFF, ['diff']),
    ),
    devices_sync_from_profile_api_devices_sync_from_profile_post: bind(
      'devices_sync_from_profile_api_devices_sync_from_profile_post',
      relayed(SYNC, ['applied', 'diff_after']),
    ),
  };
}

function answer(reply: Reply, keys: string[]): Reply {
  if (!reply.success) {
    const kind = reply.error_kind === CONFIG_SERVICE_UNREACHABLE ? 'unavailable' : 'conflict';
    throw new DomainError(kind, String(reply.msg));
  }
  return Object.fromEntries(keys.map((key) => [key, reply[key]]));
}
