/**
 * Device locks in the configuration service (spec §12) so direct control refuses manual writes to
 * what a plan uses. lock_scope=plan: before each plan its registered devices are locked under the
 * item's uid (a refusal keeps the plan from starting), after it they are unlocked. lock_scope=
 * environment: every registered device is locked while the environment is open. Leases are renewed
 * while held, and taken again when the registry lost them (a restart: a new lock_epoch).
 */
import { randomUUID } from 'node:crypto';
import type { QueueItem } from '../manager/types.ts';
import { type Answer, type ConfigServiceClient, errorText } from './config-client.ts';
import { Heartbeat, renewalPeriodSeconds } from './lease.ts';
import { devicesNamedByPlan } from './plan-devices.ts';

/** The plan name environment-wide locks are taken under (spec §12). */
export const ENVIRONMENT_PLAN_NAME = '__environment__';

export interface DeviceLocksOptions {
  client: ConfigServiceClient;
  /** Sent as `locked_by_service`. */
  serviceName: string;
  scope: 'plan' | 'environment';
  /** A plan's description (§9.2), for the devices its decorator defaults name. */
  planDescription?: (name: string) => unknown;
  /** A coordination failure for `status.config_service_sync_error`, or null once things work again. */
  reportError?: (msg: string | null) => void;
  /** A line for the console output. */
  console?: (text: string) => void;
}

interface Holding {
  itemId: string;
  planName: string;
  devices: string[];
  epoch: string;
  heartbeat: Heartbeat | null;
}

interface LockBody {
  lock_epoch?: string;
  lease_ttl_seconds?: number;
  conflicting_devices?: { device_name: string; reason: string }[];
}

interface RenewBody {
  lost_devices?: string[];
  conflict_devices?: string[];
  lock_epoch?: string;
}

/** The registry answered a lock request with a refusal. */
class LockRefused extends Error {
  readonly answer: Answer<LockBody>;
  constructor(answer: Answer<LockBody>) {
    super(errorText(answer));
    this.answer = answer;
  }
}

/** Takes, keeps and gives back the device locks of plans or of the environment. */
export class DeviceLocks {
  private readonly options: DeviceLocksOptions;
  private readonly holdings = new Map<string, Holding>();
  /** Releases that could not reach the registry: retried before the next lock they could block. */
  private readonly unreleased = new Map<string, string[]>();
  private releasing: Promise<void> = Promise.resolve();
  private environmentItem: string | null = null;
  private renewalProblem: string | null = null;

  constructor(options: DeviceLocksOptions) {
    this.options = options;
  }

  /** Locks the registered devices `item` names; throws (the plan must not start) when that fails. */
  async beforePlan(item: QueueItem): Promise<void> {
    if (this.options.scope !== 'plan') return;
    await this.releasing;
    await this.retryReleases();
    try {
      const specs = await this.options.client.instantiationSpecs();
      const devices = devicesNamedByPlan(
        item,
        new Set(Object.keys(specs)),
        this.options.planDescription?.(item.name),
      );
      if (devices.length) await this.acquire(item.item_uid, item.name, devices);
    } catch (error) {
      const msg = `Cannot lock the devices of plan '${item.name}': ${(error as Error).message}`;
      this.options.reportError?.(msg);
      throw new Error(msg);
    }
    this.options.reportError?.(null);
  }

  /** Unlocks what `item` locked (also after a restart, by the names it uses); failures throw. */
  afterPlan(item: QueueItem): Promise<void> {
    if (this.options.scope !== 'plan') return Promise.resolve();
    const release = () =>
      this.holdings.has(item.item_uid) ? this.release(item.item_uid) : this.releaseUnknown(item);
    const done = this.releasing.then(release, release);
    this.releasing = done.catch(() => {});
    return done;
  }

  /** lock_scope=environment: locks `devices` for the environment, taking them over from a stale holder. */
  async environmentOpened(devices: string[]): Promise<void> {
    if (this.options.scope !== 'environment') return;
    await this.environmentClosed();
    const itemId = `environment-${randomUUID()}`;
    try {
      await this.acquire(itemId, ENVIRONMENT_PLAN_NAME, devices);
    } catch (error) {
      if (!(error instanceof LockRefused) || error.answer.status !== 409) throw error;
      // A holder that is gone (an earlier environment of a crashed server): the spec takes over.
      const held = (error.answer.body.conflicting_devices ?? [])
        .filter((c) => c.reason === 'already_locked')
        .map((c) => c.device_name);
      const forced = await this.options.client.request('POST', '/api/v1/devices/force-unlock', {
        device_names: held,
        reason: `${this.options.serviceName}: environment opened`,
      });
      if (forced.status !== 200)
        throw new Error(`Cannot force-unlock ${held.join(', ')}: ${errorText(forced)}`);
      this.options.console?.(`Force-unlocked devices held by others: ${held.join(', ')}\n`);
      await this.acquire(itemId, ENVIRONMENT_PLAN_NAME, devices);
    }
    this.environmentItem = itemId;
  }

  /** lock_scope=environment: gives back the environment's locks. */
  async environmentClosed(): Promise<void> {
    const itemId = this.environmentItem;
    this.environmentItem = null;
    if (itemId) await this.release(itemId);
  }

  /** Stops every lease renewal (the server is closing). */
  close(): void {
    for (const holding of this.holdings.values()) holding.heartbeat?.stop();
  }

  private async acquire(itemId: string, planName: string, devices: string[]): Promise<void> {
    const answer = await this.options.client.request<LockBody>('POST', '/api/v1/devices/lock', {
      device_names: devices,
      item_id: itemId,
      plan_name: planName,
      locked_by_service: this.options.serviceName,
    });
    if (answer.status !== 200) throw new LockRefused(answer);
    const holding: Holding = {
      itemId,
      planName,
      devices,
      epoch: answer.body.lock_epoch ?? '',
      heartbeat: null,
    };
    const ttl = answer.body.lease_ttl_seconds ?? 0;
    if (ttl > 0)
      holding.heartbeat = new Heartbeat(renewalPeriodSeconds(ttl) * 1000, () => this.renew(holding));
    this.holdings.set(itemId, holding);
  }

  private async release(itemId: string): Promise<void> {
    const holding = this.holdings.get(itemId);
    if (!holding) return;
    holding.heartbeat?.stop();
    this.holdings.delete(itemId);
    await this.unlock(itemId, holding.devices, holding.planName);
  }

  /** A plan this process did not lock (it was running when the server stopped): unlock by name. */
  private async releaseUnknown(item: QueueItem): Promise<void> {
    const specs = await this.options.client.instantiationSpecs(false);
    const devices = devicesNamedByPlan(item, new Set(Object.keys(specs)));
    if (devices.length) await this.unlock(item.item_uid, devices, item.name);
  }

  private async unlock(itemId: string, devices: string[], planName: string): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.options.client.request('POST', '/api/v1/devices/unlock', {
        device_names: devices,
        item_id: itemId,
      });
    } catch (error) {
      this.unreleased.set(itemId, devices);
      const msg = `Cannot unlock the devices of plan '${planName}': ${(error as Error).message}`;
      this.options.reportError?.(msg);
      throw new Error(msg);
    }
    this.unreleased.delete(itemId);
    // 403: our lease lapsed and someone else holds the device now; nothing of ours is left to free.
    if (answer.status !== 200 && answer.status !== 403)
      throw new Error(`Cannot unlock the devices of plan '${planName}': ${errorText(answer)}`);
  }

  private async retryReleases(): Promise<void> {
    for (const [itemId, devices] of [...this.unreleased]) {
      await this.unlock(itemId, devices, itemId).catch(() => {});
    }
  }

  /** One heartbeat: renew, and take back what the registry lost (expired, or it restarted). */
  private async renew(holding: Holding): Promise<void> {
    const { client } = this.options;
    try {
      const answer = await client.request<RenewBody>('POST', '/api/v1/devices/lock/renew', {
        device_names: holding.devices,
        item_id: holding.itemId,
      });
      if (this.holdings.get(holding.itemId) !== holding) return; // released meanwhile
      const body = answer.body;
      const lost = body.lock_epoch !== holding.epoch ? holding.devices : (body.lost_devices ?? []);
      if (lost.length) {
        const again = await client.request<LockBody>('POST', '/api/v1/devices/lock', {
          device_names: lost,
          item_id: holding.itemId,
          plan_name: holding.planName,
          locked_by_service: this.options.serviceName,
        });
        if (again.status !== 200)
          throw new Error(
            `lost the lock on ${lost.join(', ')} and could not take it again: ${errorText(again)}`,
          );
        holding.epoch = again.body.lock_epoch ?? holding.epoch;
      }
      if (body.conflict_devices?.length)
        throw new Error(`${body.conflict_devices.join(', ')} locked by another item`);
      if (this.renewalProblem) {
        this.renewalProblem = null;
        this.options.reportError?.(null);
      }
    } catch (error) {
      const msg = `Lock lease renewal for plan '${holding.planName}' failed: ${(error as Error).message}`;
      if (msg !== this.renewalProblem) this.options.console?.(`${msg}\n`);
      this.renewalProblem = msg;
      this.options.reportError?.(msg);
    }
  }
}
