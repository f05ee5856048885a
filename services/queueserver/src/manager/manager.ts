/**
 * The queue manager's pure core (spec §5, §6): fed commands (the 0MQ methods) and events (the
 * worker's messages, the registry's answers, a once-a-second tick), it changes its data and returns
 * the replies and the effects its driver carries out. No I/O, no clock of its own, no waiting: the
 * driver serialises everything through it, so each command is atomic (spec §1.7).
 */
import { allowedLists } from '../permissions/allowed.ts';
import type { Permissions } from '../permissions/permissions.ts';
import type { Effect, ManagerEvent } from './effects.ts';
import { storedItem } from './items.ts';
import { runMethod } from './method.ts';
import { METHODS } from './methods/index.ts';
import { planToRun } from './plan-to-run.ts';
import { CLOSED_WORKER, type ExistingLists, initialData, type ManagerData, statusFields } from './state.ts';
import type {
  ExitStatus,
  HistoryItem,
  LockState,
  Params,
  PlanReport,
  QueueItem,
  QueueMode,
  Reply,
} from './types.ts';

export interface ManagerDeps {
  /** Epoch seconds. */
  now(): number;
  newUid(): string;
  /** The banner in `status.msg`. */
  version: string;
  emergencyLockKey?: string;
  /** When the permissions file is read (spec §9.1). */
  permissionsReload: 'NEVER' | 'ON_REQUEST' | 'ON_STARTUP';
  /** Reads and validates the permissions file; throws a Refusal saying why it cannot. */
  readPermissionsFile(): Permissions;
  /** The existing plans and devices as the lists file (or the built-in profile) gives them. */
  readExistingLists(): ExistingLists;
  /** Completed task results are kept at least this long (s). */
  taskResultTtl?: number;
}

/** What the store gave back at start-up. */
export interface Restored {
  queue: QueueItem[];
  history: HistoryItem[];
  running: QueueItem | null;
  queueMode: QueueMode;
  lock: LockState | null;
  permissions: unknown | null;
}

/** What a finished plan's worker state means for its history entry. */
const EXIT_STATUS: Record<Exclude<PlanReport['plan_state'], 'paused'>, ExitStatus> = {
  completed: 'completed',
  failed: 'failed',
  stopped: 'stopped',
  aborted: 'aborted',
  halted: 'halted',
  unknown: 'unknown',
};

export class Manager {
  readonly data: ManagerData;
  readonly deps: ManagerDeps;
  private effects: Effect[] = [];
  private lastStatus = '';
  private statusTime = 0;

  constructor(deps: ManagerDeps, restored: Restored, initialLock: LockState) {
    this.deps = deps;
    this.data = initialData(deps.newUid, restored.lock ?? initialLock);
    this.data.mode = { ...restored.queueMode };
    this.data.queue = restored.queue.filter(
      (item) => typeof item.item_uid === 'string' && item.item_uid !== '',
    );
    this.data.history = restored.history;
    this.data.permissions = this.bootPermissions(restored.permissions);
    this.data.existing = deps.readExistingLists();
    this.data.allowed = allowedLists(
      this.data.permissions,
      this.data.existing.plans,
      this.data.existing.devices,
    );
    // A plan recorded as running belonged to a manager that is gone: its outcome is unknown (§13).
    if (restored.running) this.finishPlan(restored.running, this.lostReport(), 'unknown');
    this.data.state = 'idle';
  }

  get emergencyKeySet(): boolean {
    return Boolean(this.deps.emergencyLockKey);
  }

  /** Runs one 0MQ method; unknown names answer `Unknown method`. */
  command(method: string, params: Params): { reply: Reply; effects: Effect[] } {
    const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    const reply = spec
      ? runMethod(spec, this, params)
      : { success: false, msg: `Unknown method '${method}'` };
    return { reply, effects: this.drain() };
  }

  event(event: ManagerEvent): Effect[] {
    switch (event.kind) {
      case 'worker':
        this.onWorker(event.message);
        break;
      case 'worker_exited':
        this.onWorkerExited(event.code, event.signal);
        break;
      case 'plan_not_started':
        this.onPlanNotStarted(event.item_uid, event.msg);
        break;
      case 'tick':
        this.purgeTaskResults();
        this.nudgeAutostart();
        break;
    }
    return this.drain();
  }

  /** The status object (spec §4): a new `status_uid` and `time` whenever a field changed. */
  status(): Reply {
    const fields = statusFields(this.data);
    const text = JSON.stringify(fields);
    if (text !== this.lastStatus) {
      this.lastStatus = text;
      this.data.uids.status_uid = this.deps.newUid();
      this.statusTime = this.deps.now();
    }
    return {
      msg: this.deps.version,
      time: localIsoTime(this.statusTime),
      ...fields,
      status_uid: this.data.uids.status_uid,
    };
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  setQueue(queue: readonly QueueItem[]): void {
    this.data.queue = queue;
    this.data.uids.plan_queue_uid = this.deps.newUid();
  }

  setHistory(history: readonly HistoryItem[]): void {
    this.data.history = history;
    this.data.uids.plan_history_uid = this.deps.newUid();
  }

  setRunning(item: QueueItem | null): void {
    this.data.running = item;
    this.data.uids.plan_queue_uid = this.deps.newUid();
  }

  /** Replaces the existing lists; their UIDs change only when their content does. */
  setExisting(lists: ExistingLists): void {
    const uids = this.data.uids;
    if (JSON.stringify(lists.plans) !== JSON.stringify(this.data.existing.plans))
      uids.plans_existing_uid = this.deps.newUid();
    if (JSON.stringify(lists.devices) !== JSON.stringify(this.data.existing.devices))
      uids.devices_existing_uid = this.deps.newUid();
    this.data.existing = lists;
    this.recomputeAllowed(false);
  }

  /** Recomputes the allowed lists; `force` changes their UIDs even when nothing changed (§9.5). */
  recomputeAllowed(force: boolean): void {
    const { permissions, existing, uids } = this.data;
    const allowed = allowedLists(permissions, existing.plans, existing.devices);
    if (force || JSON.stringify(allowed.plans) !== JSON.stringify(this.data.allowed.plans))
      uids.plans_allowed_uid = this.deps.newUid();
    if (force || JSON.stringify(allowed.devices) !== JSON.stringify(this.data.allowed.devices))
      uids.devices_allowed_uid = this.deps.newUid();
    this.data.allowed = allowed;
  }

  /** queue_start and autostart: the manager takes the front item (spec §6.4). */
  startQueue(): void {
    this.data.state = 'starting_queue';
    this.processNext();
  }

  /** Starts the queue when autostart is on and nothing stands in the way (spec §6.6). */
  nudgeAutostart(): void {
    const { data } = this;
    if (
      data.autostart &&
      data.state === 'idle' &&
      data.worker.exists &&
      data.worker.rePresent &&
      data.queue.length
    )
      this.startQueue();
  }

  /** Runs `item` now, outside the queue (queue_item_execute). */
  executeNow(item: QueueItem): void {
    this.data.state = 'starting_queue';
    if (item.item_type === 'instruction') {
      this.data.autostart = false;
      this.data.state = 'idle';
      return;
    }
    this.run(item, { immediate_execution: true });
  }

  private processNext(): void {
    const { data } = this;
    if (data.stopPending) {
      data.stopPending = false;
      data.autostart = false;
      this.goIdle('Queue is stopped.');
      return;
    }
    const front = data.queue[0];
    if (!front) {
      this.goIdle('Queue is empty.');
      return;
    }
    const rest = data.queue.slice(1);
    if (front.item_type === 'instruction') {
      // The only instruction is queue_stop: in loop mode it goes round with the plans.
      this.setQueue(data.mode.loop ? [...rest, this.copyOf(front)] : rest);
      data.autostart = false;
      this.goIdle('Queue is stopped.');
      return;
    }
    this.setQueue(rest);
    this.run(front, {});
  }

  private run(item: QueueItem, properties: Record<string, unknown>): void {
    const running: QueueItem = {
      ...item,
      properties: { ...item.properties, ...properties, time_start: this.deps.now() },
    };
    this.setRunning(running);
    this.data.state = 'executing_queue';
    this.data.worker = { ...this.data.worker, state: 'executing_plan' };
    this.emit({ kind: 'start_plan', item: running, plan: planToRun(running, this.data.allowed) });
  }

  private goIdle(why: string): void {
    this.data.state = 'idle';
    this.emit({ kind: 'console', text: `${why}\n` });
  }

  /** A copy of an item for the back of the queue (loop mode) or its front (a failure): a new uid. */
  copyOf(item: QueueItem, keepResult = false): QueueItem {
    const stored = storedItem(item) as QueueItem;
    delete stored.properties;
    const copy: QueueItem = { ...stored, item_uid: this.deps.newUid() };
    if (keepResult && item.result) copy.result = item.result;
    return copy;
  }

  private onWorker(message: import('../worker/protocol.ts').FromWorker): void {
    const { data } = this;
    switch (message.type) {
      case 'ready':
        this.setExisting({ plans: message.plans_existing, devices: message.devices_existing });
        data.worker = {
          exists: true,
          state: 'idle',
          re: message.re_present ? 'idle' : null,
          rePresent: message.re_present,
          backgroundTasks: 0,
          functions: message.functions,
        };
        if (data.state === 'creating_environment') data.state = 'idle';
        this.nudgeAutostart();
        return;
      case 'startup_failed':
        data.worker = { ...data.worker, state: 'failed' };
        this.emit({ kind: 'console', text: `Failed to start RE Worker environment: ${message.msg}\n` });
        return;
      case 'lists':
        this.setExisting({ plans: message.plans_existing, devices: message.devices_existing });
        data.worker = { ...data.worker, rePresent: message.re_present, functions: message.functions };
        if (!message.re_present) data.worker.re = null;
        else if (data.worker.re === null) data.worker.re = 'idle';
        return;
      case 're_state':
        if (data.worker.exists) data.worker = { ...data.worker, re: message.state };
        return;
      case 'run_list':
        data.runs = message.runs;
        data.uids.run_list_uid = this.deps.newUid();
        return;
      case 'plan_refused':
        this.onPlanRefused(message.item_uid, message.msg, message.traceback);
        return;
      case 'plan_report':
        this.onPlanReport(message.item_uid, message.report);
        return;
      case 'task_done':
        this.onTaskDone(message);
        return;
      case 'closed':
      case 're_metadata':
        return;
    }
  }

  private onPlanReport(itemUid: string, report: PlanReport): void {
    const { data } = this;
    const running = data.running;
    if (!running || running.item_uid !== itemUid) return;
    if (report.plan_state === 'paused') {
      data.state = 'paused';
      data.pausePending = false;
      data.worker = { ...data.worker, state: 'idle' };
      return;
    }
    this.finishPlan(running, report, EXIT_STATUS[report.plan_state]);
  }

  /** Records the end of the running plan and decides what the queue does next (spec §6.5). */
  private finishPlan(item: QueueItem, report: PlanReport, exitStatus: ExitStatus): void {
    const { data } = this;
    const immediate = item.properties?.immediate_execution === true;
    const timeStart =
      typeof item.properties?.time_start === 'number' ? item.properties.time_start : this.deps.now();
    const entry = this.copyOf(item) as HistoryItem;
    entry.item_uid = item.item_uid;
    entry.result = {
      exit_status: exitStatus,
      run_uids: report.uids,
      scan_ids: report.scan_ids,
      time_start: timeStart,
      time_stop: this.deps.now(),
      msg: report.err_msg,
      traceback: report.traceback,
    };
    this.setHistory([...data.history, entry]);
    this.setRunning(null);
    if (data.runs.length) {
      data.runs = [];
      data.uids.run_list_uid = this.deps.newUid();
    }
    if (data.worker.exists) data.worker = { ...data.worker, state: 'idle' };
    this.emit({ kind: 'plan_done', item });
    if (data.state === 'initializing') {
      // At boot (§13): loop mode keeps the item going round; nothing runs.
      if (data.mode.loop) this.setQueue([...data.queue, this.copyOf(item)]);
      return;
    }
    if (immediate) {
      this.goIdle('Immediate execution of the item is finished.');
      return;
    }
    const back = () => this.setQueue([...data.queue, this.copyOf(item)]);
    const front = () => this.setQueue([this.copyOf(entry, true), ...data.queue]);
    let proceed = true;
    switch (exitStatus) {
      case 'completed':
      case 'unknown':
        if (data.mode.loop) back();
        break;
      case 'failed':
        if (data.mode.ignore_failures) {
          if (data.mode.loop) back();
        } else {
          front();
          proceed = false;
        }
        break;
      case 'stopped':
        if (data.mode.loop) back();
        proceed = false;
        break;
      case 'aborted':
      case 'halted':
        front();
        proceed = false;
        break;
    }
    if (!proceed) {
      data.autostart = false;
      data.stopPending = false;
      data.pausePending = false;
      this.goIdle(`The plan ended with exit status '${exitStatus}': the queue is stopped.`);
      return;
    }
    if (data.pausePending) {
      // A deferred pause that came after the plan's last checkpoint stops the queue (spec §11.4).
      data.pausePending = false;
      this.goIdle('The queue is stopped: a pause was requested after the last checkpoint.');
      return;
    }
    this.processNext();
  }

  private onPlanRefused(itemUid: string, msg: string, traceback: string): void {
    const running = this.data.running;
    if (!running || running.item_uid !== itemUid) return;
    this.emit({ kind: 'console', text: `${msg}\n` });
    this.data.state = 'executing_queue';
    this.finishPlan(
      running,
      { plan_state: 'failed', uids: [], scan_ids: [], err_msg: msg, traceback },
      'failed',
    );
  }

  /** The registry kept the plan from starting (spec §12): the item goes back to the front as it was. */
  private onPlanNotStarted(itemUid: string, msg: string): void {
    const { data } = this;
    const running = data.running;
    if (!running || running.item_uid !== itemUid) return;
    const item = { ...running };
    delete item.properties;
    if (running.properties) {
      const { time_start: _t, immediate_execution: immediate, ...rest } = running.properties;
      if (Object.keys(rest).length) item.properties = rest;
      if (!immediate) this.setQueue([item, ...data.queue]);
    }
    this.setRunning(null);
    data.configServiceSyncError = msg;
    data.worker = { ...data.worker, state: 'idle' };
    this.goIdle(`The plan was not started: ${msg}`);
  }

  private onWorkerExited(code: number | null, signal: string | null): void {
    const { data } = this;
    const destroyed = data.state === 'destroying_environment';
    const expected =
      destroyed || data.state === 'closing_environment' || data.state === 'creating_environment';
    if (!expected) {
      this.emit({
        kind: 'console',
        text: `RE Worker process exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})\n`,
      });
    }
    const running = data.running;
    data.worker = { ...CLOSED_WORKER };
    data.pausePending = false;
    for (const [uid, task] of data.tasks) if (task.status === 'running') data.tasks.delete(uid);
    if (running) {
      const msg = destroyed ? 'RE Worker environment was destroyed' : 'RE Worker process exited unexpectedly';
      data.state = 'executing_queue';
      this.finishPlan(
        running,
        { plan_state: 'failed', uids: runUids(data), scan_ids: scanIds(data), err_msg: msg, traceback: '' },
        'failed',
      );
    }
    if (data.runs.length) {
      data.runs = [];
      data.uids.run_list_uid = this.deps.newUid();
    }
    data.state = 'idle';
  }

  private onTaskDone(
    message: Extract<import('../worker/protocol.ts').FromWorker, { type: 'task_done' }>,
  ): void {
    const { data } = this;
    const task = data.tasks.get(message.task_uid);
    const background = task?.status === 'running' && task.run_in_background;
    const { type: _type, ...result } = message;
    data.tasks.set(message.task_uid, { status: 'completed', result, recorded: this.deps.now() });
    data.uids.task_results_uid = this.deps.newUid();
    if (background) {
      data.worker = { ...data.worker, backgroundTasks: Math.max(0, data.worker.backgroundTasks - 1) };
    } else if (data.state === 'executing_task') {
      data.state = 'idle';
      data.worker = { ...data.worker, state: 'idle' };
      this.nudgeAutostart();
    }
  }

  private purgeTaskResults(): void {
    const ttl = this.deps.taskResultTtl ?? 120;
    const now = this.deps.now();
    for (const [uid, task] of this.data.tasks)
      if (task.status === 'completed' && now - task.recorded > ttl) this.data.tasks.delete(uid);
  }

  private bootPermissions(stored: unknown): Permissions | null {
    const fromFile = (): Permissions | null => {
      try {
        return this.deps.readPermissionsFile();
      } catch (error) {
        this.emit({
          kind: 'console',
          text: `Failed to load user group permissions: ${(error as Error).message}\n`,
        });
        return null;
      }
    };
    if (this.deps.permissionsReload === 'ON_STARTUP' || stored === null)
      return fromFile() ?? (stored as Permissions | null);
    return stored as Permissions;
  }

  private lostReport(): PlanReport {
    return {
      plan_state: 'unknown',
      uids: [],
      scan_ids: [],
      err_msg: 'Plan exit status was lost due to restart of the RE Manager process',
      traceback: '',
    };
  }

  /** The effects not yet handed out (those of start-up: console lines, a lost plan's release). */
  drain(): Effect[] {
    const out = this.effects;
    this.effects = [];
    return out;
  }
}

function runUids(data: ManagerData): string[] {
  return data.runs.map((run) => run.uid);
}

function scanIds(data: ManagerData): number[] {
  return data.runs.map((run) => run.scan_id);
}

/** Python's `datetime.now().isoformat()`: local time, microseconds, no zone. */
export function localIsoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const micro = Math.floor((epochSeconds * 1e6) % 1e6);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(micro, 6)}`
  );
}
