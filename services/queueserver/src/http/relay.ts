/**
 * The HTTP side is a thin adapter over the manager's methods (spec §10.1): a route's JSON body is
 * taken as the keyword arguments of the Python client's method of the same purpose, so the keys a
 * route accepts, and the 400 for any other, are that method's. `user` and `user_group` always come
 * from the authenticated principal, never from the body. A manager refusal is a 200 with its reply.
 */
import { DomainError } from '@ophyd-service/service-kit';
import type { Params, Reply } from '../manager/types.ts';
import { pythonRepr } from '../zmq/python-repr.ts';

export interface Caller {
  call(method: string, params: Params): Promise<Reply>;
}

export interface Who {
  user: string;
  group: string;
}

export interface Relay {
  /** The manager method called. */
  method: string;
  /** The Python client method whose keyword arguments the body holds (named in 400 texts). */
  client: string;
  /** Accepted body keys. */
  keys: readonly string[];
  /** Keys without which the Python call fails (a TypeError, 400). */
  required?: readonly string[];
  /** Keys the client takes but does not send to the manager (`reload` is the client's cache). */
  clientOnly?: readonly string[];
  /** What the server adds from the principal. */
  inject?: 'user' | 'user_and_group' | 'group';
  /** Fixed parameters (the `re/runs/<option>` routes). */
  fixed?: Params;
  /** When the body lacks this key, it is sent to the manager unchanged (its own refusal answers). */
  rawUnless?: string;
  /** The body always goes to the manager unchanged (re_metadata, manager_stop take it as it is). */
  raw?: boolean;
}

/** Calls the manager as the route's Python client method would. */
export async function relay(caller: Caller, spec: Relay, body: unknown, who: Who): Promise<Reply> {
  const payload = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Params;
  if (spec.raw || (spec.rawUnless && !(spec.rawUnless in payload)))
    return caller.call(spec.method, { ...payload, ...injected(spec, who) });
  // The reference overwrites `user`/`user_group` in the body with the principal's, so they may be given.
  const overwritten = Object.keys(injected(spec, who));
  const unexpected = Object.keys(payload).find(
    (key) => !spec.keys.includes(key) && !overwritten.includes(key),
  );
  if (unexpected !== undefined)
    throw new DomainError(
      'bad_request',
      `${spec.client}() got an unexpected keyword argument '${unexpected}'`,
    );
  const missing = (spec.required ?? []).filter((key) => !(key in payload));
  if (missing.length)
    throw new DomainError(
      'bad_request',
      `${spec.client}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((k) => pythonRepr(k)).join(' and ')}`,
    );
  const params: Params = { ...spec.fixed };
  for (const [key, value] of Object.entries(payload)) {
    if (spec.clientOnly?.includes(key)) continue;
    // The client sends only what was given: a None keyword argument is left out of the request.
    if (value === null && !(spec.required ?? []).includes(key) && key !== 'lock_key') continue;
    params[key] = value;
  }
  return caller.call(spec.method, { ...params, ...injected(spec, who) });
}

function injected(spec: Relay, who: Who): Params {
  switch (spec.inject) {
    case 'user':
      return { user: who.user };
    case 'group':
      return { user_group: who.group };
    case 'user_and_group':
      return { user: who.user, user_group: who.group };
    default:
      return {};
  }
}

const lockKey = ['lock_key'] as const;

/** Each route's relay, by the reference's operationId. */
export const RELAYS = {
  ping_handler_api__get: { method: 'ping', client: 'ping', keys: ['reload'], clientOnly: ['reload'] },
  ping_handler_api_ping_get: { method: 'ping', client: 'ping', keys: ['reload'], clientOnly: ['reload'] },
  status_handler_api_status_get: {
    method: 'status',
    client: 'status',
    keys: ['reload'],
    clientOnly: ['reload'],
  },
  queue_config_get_api_config_get_get: { method: 'config_get', client: 'config_get', keys: [] },
  queue_autostart_handler_api_queue_autostart_post: {
    method: 'queue_autostart',
    client: 'queue_autostart',
    keys: ['enable', ...lockKey],
    required: ['enable'],
  },
  queue_get_handler_api_queue_get_get: {
    method: 'queue_get',
    client: 'queue_get',
    keys: ['reload'],
    clientOnly: ['reload'],
  },
  queue_clear_handler_api_queue_clear_post: { method: 'queue_clear', client: 'queue_clear', keys: lockKey },
  queue_start_handler_api_queue_start_post: { method: 'queue_start', client: 'queue_start', keys: lockKey },
  queue_stop_api_queue_stop_post: { method: 'queue_stop', client: 'queue_stop', keys: lockKey },
  queue_stop_cancel_api_queue_stop_cancel_post: {
    method: 'queue_stop_cancel',
    client: 'queue_stop_cancel',
    keys: lockKey,
  },
  queue_item_add_handler_api_queue_item_add_post: {
    method: 'queue_item_add',
    client: 'item_add',
    keys: ['item', 'pos', 'before_uid', 'after_uid', ...lockKey],
    inject: 'user_and_group',
    rawUnless: 'item',
  },
  queue_item_execute_handler_api_queue_item_execute_post: {
    method: 'queue_item_execute',
    client: 'item_execute',
    keys: ['item', ...lockKey],
    required: ['item'],
    inject: 'user_and_group',
  },
  queue_item_add_batch_handler_api_queue_item_add_batch_post: {
    method: 'queue_item_add_batch',
    client: 'item_add_batch',
    keys: ['items', 'pos', 'before_uid', 'after_uid', ...lockKey],
    required: ['items'],
    inject: 'user_and_group',
  },
  queue_item_update_handler_api_queue_item_update_post: {
    method: 'queue_item_update',
    client: 'item_update',
    keys: ['item', 'replace', ...lockKey],
    required: ['item'],
    inject: 'user_and_group',
  },
  queue_item_remove_handler_api_queue_item_remove_post: {
    method: 'queue_item_remove',
    client: 'item_remove',
    keys: ['pos', 'uid', ...lockKey],
  },
  queue_item_remove_batch_handler_api_queue_item_remove_batch_post: {
    method: 'queue_item_remove_batch',
    client: 'item_remove_batch',
    keys: ['uids', 'ignore_missing', ...lockKey],
    rawUnless: 'uids',
  },
  queue_item_move_handler_api_queue_item_move_post: {
    method: 'queue_item_move',
    client: 'item_move',
    keys: ['pos', 'uid', 'pos_dest', 'before_uid', 'after_uid', ...lockKey],
  },
  queue_item_move_batch_handler_api_queue_item_move_batch_post: {
    method: 'queue_item_move_batch',
    client: 'item_move_batch',
    keys: ['uids', 'pos_dest', 'before_uid', 'after_uid', 'reorder', ...lockKey],
    required: ['uids'],
  },
  queue_item_get_handler_api_queue_item_get_get: {
    method: 'queue_item_get',
    client: 'item_get',
    keys: ['pos', 'uid'],
  },
  history_get_handler_api_history_get_get: {
    method: 'history_get',
    client: 'history_get',
    keys: ['reload'],
    clientOnly: ['reload'],
  },
  history_clear_handler_api_history_clear_post: {
    method: 'history_clear',
    client: 'history_clear',
    keys: ['size', 'item_uid', ...lockKey],
  },
  environment_open_handler_api_environment_open_post: {
    method: 'environment_open',
    client: 'environment_open',
    keys: lockKey,
  },
  environment_close_handler_api_environment_close_post: {
    method: 'environment_close',
    client: 'environment_close',
    keys: lockKey,
  },
  environment_destroy_handler_api_environment_destroy_post: {
    method: 'environment_destroy',
    client: 'environment_destroy',
    keys: lockKey,
  },
  environment_update_handler_api_environment_update_post: {
    method: 'environment_update',
    client: 'environment_update',
    keys: ['run_in_background', ...lockKey],
  },
  re_pause_handler_api_re_pause_post: {
    method: 're_pause',
    client: 're_pause',
    keys: ['option', ...lockKey],
  },
  re_resume_handler_api_re_resume_post: { method: 're_resume', client: 're_resume', keys: lockKey },
  re_stop_handler_api_re_stop_post: { method: 're_stop', client: 're_stop', keys: lockKey },
  re_abort_handler_api_re_abort_post: { method: 're_abort', client: 're_abort', keys: lockKey },
  re_halt_handler_api_re_halt_post: { method: 're_halt', client: 're_halt', keys: lockKey },
  re_runs_handler_api_re_runs_post: {
    method: 're_runs',
    client: 're_runs',
    keys: ['option', 'reload'],
    clientOnly: ['reload'],
  },
  re_runs_active_handler_api_re_runs_active_get: {
    method: 're_runs',
    client: 're_runs',
    keys: [],
    fixed: { option: 'active' },
  },
  re_runs_open_handler_api_re_runs_open_get: {
    method: 're_runs',
    client: 're_runs',
    keys: [],
    fixed: { option: 'open' },
  },
  re_runs_closed_handler_api_re_runs_closed_get: {
    method: 're_runs',
    client: 're_runs',
    keys: [],
    fixed: { option: 'closed' },
  },
  re_metadata_api_re_metadata_get: {
    method: 're_metadata',
    client: 're_metadata',
    keys: [],
    raw: true,
  },
  devices_allowed_handler_api_devices_allowed_get: {
    method: 'devices_allowed',
    client: 'devices_allowed',
    keys: ['reload'],
    clientOnly: ['reload'],
    inject: 'group',
  },
  devices_existing_handler_api_devices_existing_get: {
    method: 'devices_existing',
    client: 'devices_existing',
    keys: ['reload'],
    clientOnly: ['reload'],
  },
  permissions_reload_handler_api_permissions_reload_post: {
    method: 'permissions_reload',
    client: 'permissions_reload',
    keys: ['restore_plans_devices', 'restore_permissions', ...lockKey],
  },
  permissions_get_handler_api_permissions_get_get: {
    method: 'permissions_get',
    client: 'permissions_get',
    keys: [],
  },
  permissions_set_handler_api_permissions_set_post: {
    method: 'permissions_set',
    client: 'permissions_set',
    keys: ['user_group_permissions', ...lockKey],
    rawUnless: 'user_group_permissions',
  },
  function_execute_handler_api_function_execute_post: {
    method: 'function_execute',
    client: 'function_execute',
    keys: ['item', 'run_in_background', ...lockKey],
    required: ['item'],
    inject: 'user_and_group',
  },
  script_upload_handler_api_script_upload_post: {
    method: 'script_upload',
    client: 'script_upload',
    keys: ['script', 'update_lists', 'update_re', 'run_in_background', ...lockKey],
    required: ['script'],
  },
  task_status_api_task_status_get: {
    method: 'task_status',
    client: 'task_status',
    keys: ['task_uid'],
    required: ['task_uid'],
  },
  task_result_api_task_result_get: {
    method: 'task_result',
    client: 'task_result',
    keys: ['task_uid'],
    required: ['task_uid'],
  },
  kernel_interrupt_handler_api_kernel_interrupt_post: {
    method: 'kernel_interrupt',
    client: 'kernel_interrupt',
    keys: ['interrupt_task', 'interrupt_plan', ...lockKey],
  },
  unlock_handler_api_unlock_post: { method: 'unlock', client: 'unlock', keys: lockKey },
  lock_info_handler_api_lock_info_get: {
    method: 'lock_info',
    client: 'lock_info',
    keys: ['lock_key', 'reload'],
    clientOnly: ['reload'],
  },
  manager_stop_handler_api_manager_stop_post: {
    method: 'manager_stop',
    client: 'manager_stop',
    keys: [],
    raw: true,
  },
  test_manager_kill_handler_api_test_manager_kill_post: {
    method: 'manager_kill',
    client: 'manager_kill',
    keys: [],
  },
} satisfies Record<string, Relay>;
