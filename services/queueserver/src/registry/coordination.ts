/**
 * The queue server's coordination with the configuration service (spec §12), as the runtime's
 * hooks: at environment open the registry's active devices go to the worker (consume mode) and,
 * with lock_scope=environment, are locked; once the worker is ready an empty registry is seeded
 * with its devices and the change cursor is taken; before each plan the registry's changes are
 * applied to the worker's devices and (lock_scope=plan) its devices locked, after it unlocked.
 * `config_service_diff`/`config_service_sync` compare the worker's devices with the registry. Built from the
 * QSERVER_CONFIG_SERVICE_* settings; absent when disabled.
 */
import type { QueueServerConfig } from '../config.ts';
import type { QueueItem } from '../manager/types.ts';
import type { RegistryEntry, RegistryUpdate, WorkerStartup } from '../worker/protocol.ts';
import { bootstrapRegistry, describeRefusals } from './bootstrap.ts';
import { ChangeCursor, describeChanges, type RegistryChanges } from './change-cursor.ts';
import { ConfigServiceClient, parseBackoff } from './config-client.ts';
import type { DeviceDiff, SyncStrategy } from './device-diff.ts';
import { DeviceLocks } from './device-locks.ts';
import { diffEnvironment, type SyncOutcome, syncRegistry } from './device-sync.ts';

export interface CoordinationHooks {
  /** A plan's description (§9.2) by name, for decorator defaults. */
  planDescription?: (name: string) => unknown;
  /** Sets `status.config_service_sync_error` (null clears it). */
  reportError?: (msg: string | null) => void;
  /** A line for the console output. */
  console?: (text: string) => void;
  /** Applies registry changes to the running worker's devices (throws when it does not take them). */
  updateWorker?: (update: RegistryUpdate) => Promise<void>;
}

/** The runtime's registry hooks. */
export class RegistryCoordination {
  readonly client: ConfigServiceClient;
  readonly locks: DeviceLocks;
  private readonly cursor: ChangeCursor;
  private readonly hooks: CoordinationHooks;
  /** The seeding and cursor capture of the open environment, then any sync: plans and syncs wait for it. */
  private syncing: Promise<void> = Promise.resolve();
  /** The open environment's devices as the registry would hold them (the diff's "profile" side). */
  private entries: readonly RegistryEntry[] = [];

  constructor(config: QueueServerConfig, hooks: CoordinationHooks = {}) {
    this.hooks = hooks;
    if (!config.QSERVER_CONFIG_SERVICE_URL)
      throw new Error('QSERVER_CONFIG_SERVICE_URL is required when QSERVER_CONFIG_SERVICE_ENABLED is on');
    this.client = new ConfigServiceClient({
      url: config.QSERVER_CONFIG_SERVICE_URL,
      timeoutMs: config.QSERVER_CONFIG_SERVICE_TIMEOUT * 1000,
      maxAttempts: config.QSERVER_CONFIG_SERVICE_MAX_ATTEMPTS,
      backoffMs: parseBackoff(config.QSERVER_CONFIG_SERVICE_BACKOFF_MS),
    });
    this.locks = new DeviceLocks({
      client: this.client,
      serviceName: config.QSERVER_CONFIG_SERVICE_NAME,
      scope: config.QSERVER_CONFIG_SERVICE_LOCK_SCOPE,
      ...hooks,
    });
    this.cursor = new ChangeCursor(this.client);
  }

  /**
   * What the worker starts with: `base` plus the registry's active devices; with lock_scope=
   * environment they are locked first. Any failure fails the environment open (spec §12).
   */
  async workerStartup(base: WorkerStartup): Promise<WorkerStartup> {
    let specs: Record<string, unknown>;
    try {
      specs = await this.client.instantiationSpecs(true);
    } catch (error) {
      throw new Error(`Failed to load devices from the configuration service: ${(error as Error).message}`);
    }
    try {
      await this.locks.environmentOpened(Object.keys(specs));
    } catch (error) {
      throw new Error(`Failed to lock the environment's devices: ${(error as Error).message}`);
    }
    return { ...base, registryDevices: specs };
  }

  /**
   * The worker is ready: an empty registry gets `entries` (the environment's devices), then the
   * change cursor is taken. Failures are reported (console, `config_service_sync_error`) and the
   * environment stays open; plans wait until this is done.
   */
  readonly environmentOpened = (entries: readonly RegistryEntry[]): Promise<void> => {
    this.entries = entries;
    this.syncing = this.seedAndFollow(entries);
    return this.syncing;
  };

  /** The worker described its devices again (a script changed its namespace). */
  readonly devicesDescribed = (entries: readonly RegistryEntry[]): void => {
    this.entries = entries;
  };

  /** The environment's devices against the registry (after the seeding, and any sync under way). */
  async diff(): Promise<DeviceDiff> {
    await this.syncing;
    return diffEnvironment(this.client, this.entries);
  }

  /** Writes the strategy's share of the diff to the registry, one sync at a time. */
  sync(strategy: SyncStrategy, selected: readonly string[] = []): Promise<SyncOutcome> {
    const run = this.syncing.then(() => syncRegistry(this.client, this.entries, strategy, selected));
    this.syncing = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Before each plan: the registry's changes since the cursor applied to the worker's devices (the
   * cursor moves on only then), then its device locks. Throws (the plan does not start) when either
   * fails.
   */
  readonly beforePlan = async (item: QueueItem): Promise<void> => {
    await this.syncing;
    try {
      const pending = await this.cursor.pending();
      const line = pending && describeChanges(pending.changes);
      if (pending && line) {
        this.hooks.console?.(`${line}\n`);
        await this.hooks.updateWorker?.(await this.workerUpdate(pending.changes));
      }
      pending?.commit();
    } catch (error) {
      const msg = `Cannot apply the registry's changes before plan '${item.name}': ${(error as Error).message}`;
      this.hooks.reportError?.(msg);
      throw new Error(msg);
    }
    await this.locks.beforePlan(item);
  };

  /**
   * What the worker is to do with the changes: after a reset (or a new epoch) it takes the whole
   * active registry in place of what it holds from it; otherwise the upserts, with a disabled device
   * (or one left without a spec) removed like a deleted one.
   */
  private async workerUpdate(changes: RegistryChanges): Promise<RegistryUpdate> {
    if (changes.reset)
      return { upserts: await this.client.instantiationSpecs(true), deletes: [], replace: true };
    const update: RegistryUpdate = { upserts: {}, deletes: [...changes.deleted], replace: false };
    for (const [name, spec] of Object.entries(changes.upserted)) {
      if (spec && spec.active !== false) update.upserts[name] = spec;
      else update.deletes.push(name);
    }
    return update;
  }

  /** After each plan: its device locks released. */
  readonly afterPlan = (item: QueueItem): Promise<void> => this.locks.afterPlan(item);

  /** The worker is gone: the environment's locks released, the change cursor dropped. */
  readonly environmentClosed = (): Promise<void> => {
    this.cursor.reset();
    return this.locks.environmentClosed();
  };

  private async seedAndFollow(entries: readonly RegistryEntry[]): Promise<void> {
    const fail = (what: string, error: unknown) => {
      const msg = `${what}: ${(error as Error).message}`;
      this.hooks.console?.(`${msg}\n`);
      this.hooks.reportError?.(msg);
    };
    try {
      const outcome = await bootstrapRegistry(this.client, entries);
      if (outcome.registered.length)
        this.hooks.console?.(
          `The registry was empty: registered the environment's devices ${outcome.registered.join(', ')}\n`,
        );
      if (outcome.refused.size) throw new Error(`the registry refused ${describeRefusals(outcome.refused)}`);
    } catch (error) {
      fail("Failed to seed the configuration service with the environment's devices", error);
    }
    try {
      if (!(await this.cursor.capture()))
        this.hooks.console?.(
          'The configuration service keeps no change history: registry changes are not checked before plans\n',
        );
    } catch (error) {
      fail("Failed to read the configuration service's change feed", error);
    }
  }

  /** Stops lease renewals. */
  close(): void {
    this.locks.close();
  }
}
