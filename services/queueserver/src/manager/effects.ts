/**
 * What the manager core asks its driver to do, and what the driver feeds back. The core never
 * waits: it returns effects, and the outcome comes back later as an event.
 */
import type { FromWorker, PlanToRun, ToWorker } from '../worker/protocol.ts';
import type { QueueItem } from './types.ts';

export type Effect =
  /** Start a worker (environment_open). */
  | { kind: 'open_worker' }
  /** Ask the worker to close its namespace and exit (environment_close). */
  | { kind: 'close_worker' }
  /** Kill the worker, whatever it is doing (environment_destroy, manager_stop). */
  | { kind: 'kill_worker' }
  /**
   * Run a plan: the driver first does what must happen before any plan (the registry's staleness
   * check and device locks, spec §12), then sends `start_plan`, or feeds `plan_not_started`.
   */
  | { kind: 'start_plan'; item: QueueItem; plan: PlanToRun }
  /** The running plan ended or was taken away: release what `start_plan` took. */
  | { kind: 'plan_done'; item: QueueItem }
  | { kind: 'send'; message: ToWorker }
  /** A line for the console (the info channel's QS_Console). */
  | { kind: 'console'; text: string }
  /** manager_stop: close everything and exit. */
  | { kind: 'exit' };

export type ManagerEvent =
  | { kind: 'worker'; message: FromWorker }
  /** The worker process is gone (closed, killed, crashed). */
  | { kind: 'worker_exited'; code: number | null; signal: string | null }
  /** The registry refused the plan's devices, or its staleness check failed. */
  | { kind: 'plan_not_started'; item_uid: string; msg: string }
  /** Once a second: autostart, task-result retention. */
  | { kind: 'tick' };
