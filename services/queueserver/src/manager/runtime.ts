/**
 * The manager's I/O around its pure core: the worker process, the store, the registry hooks, the
 * console and status streams and the one-second tick. Every command and event goes through the
 * core one at a time; a reply is given only after what it changed is stored (nothing acknowledged
 * is lost, spec §13).
 */
import { EventEmitter } from 'node:events';
import type { QueueStore, StoredState } from '../store/queue-store.ts';
import type {
  FromWorker,
  PlanToRun,
  RegistryEntry,
  RegistryUpdate,
  WorkerStartup,
} from '../worker/protocol.ts';
import { spawnWorker, type WorkerProcess } from '../worker/worker-process.ts';
import type { Effect, ManagerEvent } from './effects.ts';
import { Manager, type ManagerDeps } from './manager.ts';
import { filterMetadata } from './metadata.ts';
import { unsupportedParams } from './method.ts';
import { planToRun } from './plan-to-run.ts';
import type { ManagerData } from './state.ts';
import type { LockState, Params, QueueItem, Reply } from './types.ts';

export interface ConsoleMessage {
  time: number;
  msg: string;
}

/** A method answered beside the core because it waits on I/O (the registry's diff and sync). */
export type OutsideMethod = (params: Params, manager: Manager) => Promise<Reply>;

export interface RuntimeOptions {
  deps: ManagerDeps;
  store: QueueStore;
  /** What the worker loads; a function is asked at each environment open (the registry's devices). */
  startup: WorkerStartup | (() => Promise<WorkerStartup>);
  /** The RunEngine metadata keys `re_metadata` may show (spec §14.1, `/` = all). */
  permittedMetadataKeys?: string[];
  /** Before each plan (the registry's staleness check and device locks); throwing keeps it from starting. */
  beforePlan?: (item: QueueItem) => Promise<void>;
  /** After each plan, whatever its end. */
  afterPlan?: (item: QueueItem) => Promise<void>;
  /**
   * The worker is ready, with its devices as the registry would hold them (seeding an empty
   * registry). Called before the manager sees `ready`, so a plan it starts at once can wait for
   * this in beforePlan.
   */
  workerReady?: (entries: RegistryEntry[]) => Promise<void>;
  /** The worker described its devices again (after a script changed its namespace). */
  workerDevicesChanged?: (entries: RegistryEntry[]) => void;
  /** Methods answered beside the core, by name. */
  outsideMethods?: Record<string, OutsideMethod>;
  /** After the worker is gone (or its start was given up): release what the environment held. */
  environmentClosed?: () => Promise<void>;
  /** Seconds a closing worker gets before it is killed. */
  closeTimeout?: number;
  workerHeapMb?: number;
}

type Persisted = Pick<
  ManagerData,
  'queue' | 'history' | 'running' | 'mode' | 'lock' | 'permissions' | 'autostart' | 'stopPending'
>;

const NOT_PERSISTED_YET = Symbol('not persisted');

export class QueueRuntime extends EventEmitter<{
  console: [ConsoleMessage];
  status: [Reply];
  exit: [];
  kill: [];
}> {
  /** The core; replaced when `manager_kill` restarts it from the store. */
  manager: Manager;
  private worker: WorkerProcess | null = null;
  /** The environment open waiting for its startup (a token, so a destroy can call it off). */
  private opening: object | null = null;
  private saved: Persisted | typeof NOT_PERSISTED_YET = NOT_PERSISTED_YET;
  private saving: Promise<void> = Promise.resolve();
  private lastStatusUid = '';
  private tick: NodeJS.Timeout;
  private metadataWaiters: ((message: Extract<FromWorker, { type: 're_metadata' }>) => void)[] = [];
  /** Registry updates sent to the worker, answered in order: each with the worker's refusal, if any. */
  private registryWaiters: ((error: string | undefined) => void)[] = [];
  /** Worker messages and exits, fed one after another in the order they came. */
  private inbox: Promise<void> = Promise.resolve();
  /** Plans whose locks were given back before the core heard of their end (their `plan_done` is done). */
  private readonly releasedEarly = new Set<string>();
  private closed = false;

  private readonly options: RuntimeOptions;

  private constructor(options: RuntimeOptions, manager: Manager) {
    super();
    this.options = options;
    this.manager = manager;
    this.tick = setInterval(
      () => void this.feed({ kind: 'tick' }).then(() => this.publishStatus(true)),
      1000,
    );
    this.tick.unref();
  }

  /** Loads the store and starts the manager (a leftover running item becomes `unknown`, spec §13). */
  static async start(options: RuntimeOptions): Promise<QueueRuntime> {
    const manager = await QueueRuntime.boot(options);
    const runtime = new QueueRuntime(options, manager);
    runtime.saved = snapshot(manager.data);
    await runtime.apply(manager.drain(), true);
    return runtime;
  }

  /**
   * What the reference's watchdog does after `manager_kill`: a new manager from the store. There is
   * no separate watchdog process here, so the worker goes with the old manager and a plan it was
   * running is reported `unknown`, as after a full restart.
   */
  async restartFromStore(): Promise<void> {
    if (this.closed) return;
    await this.worker?.kill();
    this.worker = null;
    await this.saving.catch(() => {});
    const httpServerState = this.manager.data.httpServerState;
    this.manager = await QueueRuntime.boot(this.options);
    this.manager.data.httpServerState = httpServerState;
    this.saved = snapshot(this.manager.data);
    await this.apply(this.manager.drain(), true);
  }

  private static async boot(options: RuntimeOptions): Promise<Manager> {
    const stored = await options.store.load();
    return new Manager(
      options.deps,
      {
        queue: stored.queue,
        history: stored.history,
        running: stored.running,
        queueMode: stored.queueMode,
        lock: stored.lock,
        permissions: stored.permissions,
      },
      unlockedState(options.deps.newUid()),
    );
  }

  /** Runs one 0MQ method (HTTP calls the same), resolving once its changes are stored. */
  async call(method: string, params: Params): Promise<Reply> {
    if (this.closed) return { success: false, msg: 'RE Manager is shutting down' };
    if (method === 're_metadata') return this.reMetadata(params);
    const outside = this.options.outsideMethods?.[method];
    if (outside) return outside(params, this.manager);
    const { reply, effects } = this.manager.command(method, params);
    if (method === 'manager_kill' && reply.kill === true) {
      this.emit('kill');
      return new Promise<Reply>(() => {});
    }
    try {
      await this.apply(effects);
    } catch (error) {
      return { ...reply, success: false, msg: `Failed to store the change: ${(error as Error).message}` };
    }
    return reply;
  }

  status(): Reply {
    return this.manager.status();
  }

  /** Feeds one event to the core and carries out what follows. */
  async feed(event: ManagerEvent): Promise<void> {
    if (event.kind === 'worker' && event.message.type === 're_metadata') {
      const message = event.message;
      for (const waiter of this.metadataWaiters.splice(0)) waiter(message);
      return;
    }
    if (event.kind === 'worker' && event.message.type === 'registry_updated') {
      this.registryWaiters.shift()?.(event.message.error);
      return;
    }
    await this.apply(this.manager.event(event));
  }

  /**
   * Applies registry changes to the running worker's devices (spec §12, before a plan); resolves once
   * the worker has applied them and its new lists are in, throws when it refuses or is gone.
   */
  async updateWorkerDevices(update: RegistryUpdate): Promise<void> {
    const worker = this.worker;
    if (!worker) throw new Error('the RE Worker is gone');
    const answer = new Promise<string | undefined>((resolve) => this.registryWaiters.push(resolve));
    worker.send({ type: 'registry_update', ...update });
    const error = await answer;
    if (error !== undefined) throw new Error(`the RE Worker did not take them: ${error}`);
  }

  console(text: string): void {
    this.emit('console', { time: Date.now() / 1000, msg: text });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.tick);
    await this.worker?.kill();
    this.worker = null;
    await this.saving;
  }

  private async apply(effects: Effect[], force = false): Promise<void> {
    for (const effect of effects) this.carryOut(effect);
    await this.persist(force);
    this.publishStatus(false);
  }

  private carryOut(effect: Effect): void {
    switch (effect.kind) {
      case 'console':
        this.console(effect.text);
        return;
      case 'open_worker':
        this.openWorker();
        return;
      case 'close_worker': {
        const worker = this.worker;
        worker?.send({ type: 'close' });
        const timer = setTimeout(() => void worker?.kill(), (this.options.closeTimeout ?? 10) * 1000);
        timer.unref();
        return;
      }
      case 'kill_worker':
        this.opening = null;
        if (this.worker) void this.worker.kill();
        else this.fromWorker({ kind: 'worker_exited', code: null, signal: null });
        return;
      case 'start_plan':
        void this.startPlan(effect.item, effect.plan);
        return;
      case 'plan_done':
        if (this.releasedEarly.delete(effect.item.item_uid)) return;
        void this.releasePlan(effect.item);
        return;
      case 'send':
        this.worker?.send(effect.message);
        return;
      case 'exit':
        setImmediate(() => this.emit('exit'));
        return;
    }
  }

  private releasePlan(item: QueueItem): Promise<void> {
    return (this.options.afterPlan?.(item) ?? Promise.resolve()).catch((error: Error) =>
      this.console(`${error.message}\n`),
    );
  }

  /**
   * Feeds what the worker said or did, in order. An event that ends the running plan, and the
   * worker's exit, are held back until the plan's (or the environment's) locks are given back, so
   * nobody sees the queue idle or the environment closed while the registry still refuses writes to
   * those devices.
   */
  private fromWorker(event: ManagerEvent): void {
    this.inbox = this.inbox
      .then(async () => {
        if (event.kind === 'worker_exited') await this.environmentClosed();
        const running = this.manager.data.running;
        if (running && endsPlan(event, running.item_uid)) {
          await this.releasePlan(running);
          this.releasedEarly.add(running.item_uid);
        }
        await this.feed(event);
      })
      .catch((error: Error) => this.console(`${error.message}\n`));
  }

  private openWorker(): void {
    const { startup } = this.options;
    if (typeof startup !== 'function') return this.spawn(startup);
    const token = {};
    this.opening = token;
    const current = () =>
      this.opening === token && !this.closed && this.manager.data.state === 'creating_environment';
    startup().then(
      (resolved) => {
        const live = current();
        if (this.opening === token) this.opening = null;
        if (live) this.spawn(resolved);
        else void this.environmentClosed();
      },
      (error: Error) => {
        const live = current();
        if (this.opening === token) this.opening = null;
        if (!live) return void this.environmentClosed();
        // As a worker whose startup failed: the environment does not open (spec §11.1, §12).
        const failed = { type: 'startup_failed', msg: error.message, traceback: '' } as const;
        this.fromWorker({ kind: 'worker', message: failed });
        this.fromWorker({ kind: 'worker_exited', code: 1, signal: null });
      },
    );
  }

  private spawn(startup: WorkerStartup): void {
    const worker = spawnWorker(
      startup,
      {
        message: (message) => {
          if (message.type === 'ready' && this.options.workerReady)
            void this.options
              .workerReady(message.registry_entries ?? [])
              .catch((error: Error) => this.console(`${error.message}\n`));
          if (message.type === 'lists') this.options.workerDevicesChanged?.(message.registry_entries ?? []);
          this.fromWorker({ kind: 'worker', message });
        },
        output: (text) => this.console(text),
        exit: (code, signal) => {
          if (this.worker === worker) this.worker = null;
          for (const waiter of this.registryWaiters.splice(0)) waiter('it exited');
          this.fromWorker({ kind: 'worker_exited', code, signal });
        },
      },
      { maxOldSpaceMb: this.options.workerHeapMb },
    );
    this.worker = worker;
  }

  private environmentClosed(): Promise<void> {
    return (this.options.environmentClosed?.() ?? Promise.resolve()).catch((error: Error) =>
      this.console(`${error.message}\n`),
    );
  }

  private async startPlan(item: QueueItem, plan: PlanToRun): Promise<void> {
    if (this.options.beforePlan) {
      try {
        await this.options.beforePlan(item);
      } catch (error) {
        await this.feed({ kind: 'plan_not_started', item_uid: item.item_uid, msg: (error as Error).message });
        return;
      }
      // The registry's changes may have added or removed devices: the group's allowed names follow.
      plan = { ...plan, allowed_devices: planToRun(item, this.manager.data.allowed).allowed_devices };
    }
    this.worker?.send({ type: 'start_plan', plan });
  }

  private async reMetadata(params: Params): Promise<Reply> {
    const unsupported = unsupportedParams(params, []);
    if (unsupported) return { success: false, msg: `Error: ${unsupported}`, re_metadata: {} };
    if (!this.manager.data.worker.exists || !this.worker)
      return {
        success: false,
        msg: 'Environment does not exist. Cannot retrieve RE metadata.',
        re_metadata: {},
      };
    const answer = new Promise<Extract<FromWorker, { type: 're_metadata' }>>((resolve) =>
      this.metadataWaiters.push(resolve),
    );
    this.worker.send({ type: 're_metadata' });
    const message = await answer;
    if (message.error || !message.md)
      return { success: false, msg: message.error ?? 'No RunEngine', re_metadata: {} };
    return {
      success: true,
      msg: '',
      re_metadata: filterMetadata(message.md, this.options.permittedMetadataKeys ?? ['/']),
    };
  }

  /** Stores what the last command or event changed, in order, before its reply goes out. */
  private persist(force: boolean): Promise<void> {
    const now = snapshot(this.manager.data);
    const before = this.saved;
    const changes: Partial<StoredState> = {};
    const changed = <K extends keyof Persisted>(key: K) =>
      force || before === NOT_PERSISTED_YET || before[key] !== now[key];
    if (changed('queue')) changes.queue = [...now.queue];
    if (changed('history')) changes.history = [...now.history];
    if (changed('running')) changes.running = now.running;
    if (changed('mode')) changes.queueMode = now.mode;
    if (changed('lock')) changes.lock = now.lock;
    if (changed('permissions')) changes.permissions = now.permissions;
    if (changed('autostart')) changes.autostart = now.autostart;
    if (changed('stopPending')) changes.stopPending = now.stopPending;
    this.saved = now;
    if (Object.keys(changes).length === 0) return this.saving;
    this.saving = this.saving
      .catch(() => {})
      .then(() =>
        this.options.store.save(changes).catch((error: Error) => {
          this.console(`Failed to store the queue: ${error.message}\n`);
          throw error;
        }),
      );
    return this.saving;
  }

  private publishStatus(always: boolean): void {
    const status = this.manager.status();
    if (!always && status.status_uid === this.lastStatusUid) return;
    this.lastStatusUid = status.status_uid as string;
    this.emit('status', status);
  }
}

/**
 * Whether `event` ends the plan of item `itemUid`: its report (a pause is not an end), its refusal,
 * or the worker gone (the core then fails the plan).
 */
function endsPlan(event: ManagerEvent, itemUid: string): boolean {
  if (event.kind === 'worker_exited') return true;
  if (event.kind !== 'worker') return false;
  const message = event.message;
  if (message.type === 'plan_refused') return message.item_uid === itemUid;
  return (
    message.type === 'plan_report' && message.item_uid === itemUid && message.report.plan_state !== 'paused'
  );
}

function snapshot(data: ManagerData): Persisted {
  return {
    queue: data.queue,
    history: data.history,
    running: data.running,
    mode: data.mode,
    lock: data.lock,
    permissions: data.permissions,
    autostart: data.autostart,
    stopPending: data.stopPending,
  };
}

export function unlockedState(uid: string): LockState {
  return { environment: false, queue: false, lock_key: null, user: null, note: null, time: null, uid };
}
