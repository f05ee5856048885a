/**
 * The queue server's coordination with the configuration service (spec §12), as the runtime's
 * hooks: at environment open the registry's active devices go to the worker (consume mode) and,
 * with lock_scope=environment, are locked; around each plan (lock_scope=plan) its devices are
 * locked and unlocked. Built from the QSERVER_CONFIG_SERVICE_* settings; absent when disabled.
 */
import type { QueueServerConfig } from '../config.ts';
import type { QueueItem } from '../manager/types.ts';
import type { WorkerStartup } from '../worker/protocol.ts';
import { ConfigServiceClient, parseBackoff } from './config-client.ts';
import { DeviceLocks } from './device-locks.ts';

export interface CoordinationHooks {
  /** A plan's description (§9.2) by name, for decorator defaults. */
  planDescription?: (name: string) => unknown;
  /** Sets `status.config_service_sync_error` (null clears it). */
  reportError?: (msg: string | null) => void;
  /** A line for the console output. */
  console?: (text: string) => void;
}

/** The runtime's registry hooks. */
export class RegistryCoordination {
  readonly client: ConfigServiceClient;
  readonly locks: DeviceLocks;

  constructor(config: QueueServerConfig, hooks: CoordinationHooks = {}) {
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

  /** Before each plan: its device locks (throws: the plan does not start). */
  readonly beforePlan = (item: QueueItem): Promise<void> => this.locks.beforePlan(item);

  /** After each plan: its device locks released. */
  readonly afterPlan = (item: QueueItem): Promise<void> => this.locks.afterPlan(item);

  /** The worker is gone: the environment's locks released. */
  readonly environmentClosed = (): Promise<void> => this.locks.environmentClosed();

  /** Stops lease renewals. */
  close(): void {
    this.locks.close();
  }
}
