/**
 * The private protocol between the manager and its worker (a child process, spoken over Node's IPC
 * channel as JSON). The manager never waits on the worker inside a command: it sends a request and
 * feeds the worker's later messages to the manager core as events.
 */
import type { PlanReport, ReState, RunInfo, TaskResult } from '../manager/types.ts';

/** What the worker is told to load when it starts (argv of the child, JSON). */
export interface WorkerStartup {
  /** A directory of .ts/.js/.mjs modules (sorted by path); absent = the built-in simulated profile. */
  startupDir?: string;
  /** Devices from the registry to add or replace (spec §12 consume mode): name → instantiation spec. */
  registryDevices?: Record<string, unknown>;
}

/**
 * One device as the configuration service registers it (spec §12, `POST /api/v1/devices`): what an
 * empty registry is seeded with from the environment's devices.
 */
export interface RegistryEntry {
  metadata: {
    name: string;
    device_label: 'motor' | 'detector' | 'signal' | 'flyer' | 'readable' | 'device';
    ophyd_class: string;
    module: string | null;
    is_movable: boolean;
    is_flyable: boolean;
    is_readable: boolean;
    is_triggerable: boolean;
    is_stageable: boolean;
    is_configurable: boolean;
    is_pausable: boolean;
    is_stoppable: boolean;
    is_subscribable: boolean;
    is_checkable: boolean;
    writes_external_assets: boolean;
    /** Component (dotted path; a lone signal: its name) → PV. */
    pvs: Record<string, string>;
    labels: string[];
  };
  instantiation_spec: {
    name: string;
    /** `module.Class`, a path the device catalog knows. */
    device_class: string;
    args: unknown[];
    kwargs: Record<string, unknown>;
    active: boolean;
    /** Only for a device built from a registry spec that names its framework. */
    framework?: string | null;
  };
}

/**
 * Registry changes for a running environment (spec §12, before each plan): specs to build, replacing
 * same-named devices; names to remove; `replace` when the registry was reset or its epoch changed,
 * so registry devices not sent again are removed too.
 */
export interface RegistryUpdate {
  upserts: Record<string, unknown>;
  deletes: string[];
  replace: boolean;
}

/** A queue item as the worker needs it to run. */
export interface PlanToRun {
  item_uid: string;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** Run metadata: `meta` (a list merged with earlier entries winning) plus item_uid, user, group. */
  md: Record<string, unknown>;
  /** The group's allowed device names: only these strings become devices (spec §9.4). */
  allowed_devices: string[];
  /** The group's allowed plan names (for plan arguments). */
  allowed_plans: string[];
}

export type ToWorker =
  | { type: 'start_plan'; plan: PlanToRun }
  | { type: 'pause'; option: 'deferred' | 'immediate' }
  | { type: 'continue'; option: 'resume' | 'stop' | 'abort' | 'halt' }
  | {
      type: 'run_task';
      task_uid: string;
      background: boolean;
      task:
        | { kind: 'function'; name: string; args: unknown[]; kwargs: Record<string, unknown> }
        | { kind: 'script'; script: string; update_lists: boolean; update_re: boolean };
    }
  | { type: 're_metadata' }
  | ({ type: 'registry_update' } & RegistryUpdate)
  | { type: 'close' };

export type FromWorker =
  /** The namespace is loaded: its plans and devices described (spec §9.2/§9.3). */
  | {
      type: 'ready';
      plans_existing: Record<string, unknown>;
      devices_existing: Record<string, unknown>;
      /** The namespace has a RunEngine (`RE`). */
      re_present: boolean;
      /** Names of the callable functions (for `function_execute`). */
      functions: string[];
      /** The EPICS devices as the registry would hold them (spec §12 bootstrap). */
      registry_entries?: RegistryEntry[];
    }
  /** Loading the namespace failed; the worker exits after sending this. */
  | { type: 'startup_failed'; msg: string; traceback: string }
  | { type: 're_state'; state: ReState }
  /** The running plan's runs changed (a run opened or closed). */
  | { type: 'run_list'; runs: RunInfo[] }
  /** The plan could not start (unknown plan or device, bad arguments): nothing ran. */
  | { type: 'plan_refused'; item_uid: string; msg: string; traceback: string }
  /** The plan paused, or ended; `report.plan_state` says which. */
  | { type: 'plan_report'; item_uid: string; report: PlanReport }
  /** A task ended: its result as `task_result` shows it. */
  | ({ type: 'task_done' } & TaskResult)
  /** After a script changed the namespace, the new lists (same shape as `ready`). */
  | {
      type: 'lists';
      plans_existing: Record<string, unknown>;
      devices_existing: Record<string, unknown>;
      re_present: boolean;
      functions: string[];
      registry_entries?: RegistryEntry[];
    }
  | { type: 're_metadata'; md: Record<string, unknown> | null; error?: string }
  /** A registry update is applied (after a `lists` message when the devices changed), or why not. */
  | { type: 'registry_updated'; error?: string }
  /** The worker closed its namespace and is about to exit. */
  | { type: 'closed' }
  /** A pause, continue or close the RE's state does not allow (e.g. close while a plan runs). */
  | { type: 'refused'; command: 'pause' | 'continue' | 'close'; msg: string };

/**
 * Console text (prints, the live table, the engine's messages) is not a message: the worker writes
 * it to its stdout and stderr, which the manager reads and publishes on the info channel.
 */
