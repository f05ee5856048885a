/**
 * The queue server's data, as the wire shows it (spec §4, §6, §8). Every module of the manager,
 * the worker and the transports speaks these types.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A 0MQ method's parameters, and its reply (`{success, msg, …}` except status and ping). */
export type Params = Record<string, unknown>;
export type Reply = Record<string, unknown>;

export type ItemType = 'plan' | 'instruction' | 'function';

/** A queue item (spec §6.1): what clients send, with the server's uid, user and group. */
export interface QueueItem {
  item_uid: string;
  item_type: ItemType;
  name: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  meta?: Record<string, unknown> | Record<string, unknown>[];
  user: string;
  user_group: string;
  properties?: Record<string, unknown>;
  /** Kept by an item that failed and came back to the queue (spec §6.5). */
  result?: ItemResult;
}

/** The keys an item keeps when it is stored in the queue (spec §2.4 step 7). */
export const STORED_ITEM_KEYS = [
  'item_uid',
  'item_type',
  'name',
  'args',
  'kwargs',
  'meta',
  'user',
  'user_group',
  'properties',
] as const;

export type ExitStatus = 'completed' | 'failed' | 'stopped' | 'aborted' | 'halted' | 'unknown';

/** What a finished plan leaves in its history entry (spec §6.3). */
export interface ItemResult {
  exit_status: ExitStatus;
  run_uids: string[];
  scan_ids: number[];
  time_start: number;
  time_stop: number;
  msg: string;
  traceback: string;
}

export interface HistoryItem extends QueueItem {
  result: ItemResult;
}

export interface QueueMode {
  loop: boolean;
  ignore_failures: boolean;
}

export const DEFAULT_QUEUE_MODE: QueueMode = { loop: false, ignore_failures: false };

export type ManagerState =
  | 'initializing'
  | 'idle'
  | 'paused'
  | 'creating_environment'
  | 'starting_queue'
  | 'executing_queue'
  | 'executing_task'
  | 'closing_environment'
  | 'destroying_environment';

export type WorkerEnvironmentState =
  | 'closed'
  | 'initializing'
  | 'idle'
  | 'executing_plan'
  | 'executing_task'
  | 'failed'
  | 'closing';

/** The RunEngine's states as bluesky names them (the worker reports them). */
export type ReState =
  | 'idle'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'halting'
  | 'stopping'
  | 'aborting'
  | 'suspending'
  | 'panicked';

/** One run opened by the running plan (`re_runs`, spec §3.7). */
export interface RunInfo {
  uid: string;
  scan_id: number;
  is_open: boolean;
  exit_status: string | null;
}

/** How a plan ended, as the worker reports it (spec §11.3). */
export type PlanState = 'completed' | 'failed' | 'stopped' | 'aborted' | 'halted' | 'paused' | 'unknown';

export interface PlanReport {
  plan_state: PlanState;
  uids: string[];
  scan_ids: number[];
  /** "Plan failed: <exception text>" on failure, else "". */
  err_msg: string;
  traceback: string;
}

/** The lock (spec §8), as stored; `lock_info` replies show it through `describeLock`. */
export interface LockState {
  environment: boolean;
  queue: boolean;
  lock_key: string | null;
  user: string | null;
  note: string | null;
  /** Epoch seconds of the last lock, null when unlocked. */
  time: number | null;
  uid: string;
}

/** A task's result (spec §3.8 `task_result`). */
export interface TaskResult {
  task_uid: string;
  success: boolean;
  msg: string;
  traceback: string;
  return_value: unknown;
  time_start: number;
  time_stop: number;
}

/**
 * A request refused for a reason the client should read: the method answers
 * `{success: false, msg: <prefix><message>}`. Anything else thrown in a handler is a bug and
 * answers with the exception's text, as the reference does.
 */
export class Refusal extends Error {
  override name = 'Refusal';
}
