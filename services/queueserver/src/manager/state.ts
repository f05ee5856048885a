/**
 * Everything the manager knows, in one plain object the core changes and the driver persists and
 * publishes. Lists are replaced, never edited in place, so the driver tells what changed by identity.
 */
import type { Permissions } from '../permissions/permissions.ts';
import {
  DEFAULT_QUEUE_MODE,
  type HistoryItem,
  type LockState,
  type ManagerState,
  type QueueItem,
  type QueueMode,
  type ReState,
  type RunInfo,
  type TaskResult,
  type WorkerEnvironmentState,
} from './types.ts';

export interface ExistingLists {
  plans: Record<string, unknown>;
  devices: Record<string, unknown>;
}

export interface AllowedLists {
  plans: Record<string, Record<string, unknown>>;
  devices: Record<string, Record<string, unknown>>;
}

export type TaskRecord =
  | { status: 'running'; task_uid: string; time_start: number; run_in_background: boolean }
  | { status: 'completed'; result: TaskResult; recorded: number };

export interface WorkerView {
  exists: boolean;
  state: WorkerEnvironmentState;
  re: ReState | null;
  rePresent: boolean;
  backgroundTasks: number;
  functions: string[];
}

/** The UIDs clients cache by (spec §4): each changes exactly when its data does (§6.7). */
export interface Uids {
  status_uid: string;
  run_list_uid: string;
  plan_queue_uid: string;
  plan_history_uid: string;
  devices_existing_uid: string;
  plans_existing_uid: string;
  devices_allowed_uid: string;
  plans_allowed_uid: string;
  task_results_uid: string;
}

export interface ManagerData {
  state: ManagerState;
  queue: readonly QueueItem[];
  history: readonly HistoryItem[];
  running: QueueItem | null;
  mode: QueueMode;
  autostart: boolean;
  stopPending: boolean;
  pausePending: boolean;
  lock: LockState;
  permissions: Permissions | null;
  existing: ExistingLists;
  allowed: AllowedLists;
  worker: WorkerView;
  runs: readonly RunInfo[];
  tasks: Map<string, TaskRecord>;
  uids: Uids;
  configServiceSyncError: string | null;
  httpServerState: string;
}

export const CLOSED_WORKER: WorkerView = {
  exists: false,
  state: 'closed',
  re: null,
  rePresent: false,
  backgroundTasks: 0,
  functions: [],
};

export function freshUids(newUid: () => string): Uids {
  return {
    status_uid: newUid(),
    run_list_uid: newUid(),
    plan_queue_uid: newUid(),
    plan_history_uid: newUid(),
    devices_existing_uid: newUid(),
    plans_existing_uid: newUid(),
    devices_allowed_uid: newUid(),
    plans_allowed_uid: newUid(),
    task_results_uid: newUid(),
  };
}

export function initialData(newUid: () => string, lock: LockState): ManagerData {
  return {
    state: 'initializing',
    queue: [],
    history: [],
    running: null,
    mode: { ...DEFAULT_QUEUE_MODE },
    autostart: false,
    stopPending: false,
    pausePending: false,
    lock,
    permissions: null,
    existing: { plans: {}, devices: {} },
    allowed: { plans: {}, devices: {} },
    worker: { ...CLOSED_WORKER },
    runs: [],
    tasks: new Map(),
    uids: freshUids(newUid),
    configServiceSyncError: null,
    httpServerState: 'disabled',
  };
}

/** The status object of spec §4, without `status_uid` and `time` (the driver stamps those). */
export function statusFields(data: ManagerData): Record<string, unknown> {
  const { uids, worker } = data;
  return {
    items_in_queue: data.queue.length,
    items_in_history: data.history.length,
    running_item_uid: data.running?.item_uid ?? null,
    manager_state: data.state,
    queue_stop_pending: data.stopPending,
    queue_autostart_enabled: data.autostart,
    worker_environment_exists: worker.exists,
    worker_environment_state: worker.state,
    worker_background_tasks: worker.exists ? worker.backgroundTasks : 0,
    re_state: worker.exists ? worker.re : null,
    ip_kernel_state: worker.exists ? 'disabled' : null,
    ip_kernel_captured: worker.exists ? true : null,
    pause_pending: data.pausePending,
    run_list_uid: uids.run_list_uid,
    plan_queue_uid: uids.plan_queue_uid,
    plan_history_uid: uids.plan_history_uid,
    devices_existing_uid: uids.devices_existing_uid,
    plans_existing_uid: uids.plans_existing_uid,
    devices_allowed_uid: uids.devices_allowed_uid,
    plans_allowed_uid: uids.plans_allowed_uid,
    plan_queue_mode: { ...data.mode },
    task_results_uid: uids.task_results_uid,
    lock_info_uid: data.lock.uid,
    lock: { environment: data.lock.environment, queue: data.lock.queue },
    config_service_sync_error: data.configServiceSyncError,
    http_server_state: data.httpServerState,
  };
}
