/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: take the Lease when it is
 * free or expired (optimistic concurrency on resourceVersion decides races), renew it while leading,
 * and step down when a renewal fails past the lease duration. Only the leader reconciles.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

/**
 * Lease times are MicroTime (six fractional digits); client-node serialises Dates with
 * toISOString's three, which the API server refuses.
 */
class MicroTime extends Date {
  override toISOString(): string {
    return super.toISOString().replace('Z', '000Z');
  }
}

export interface LeaderOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name?: string;
  identity: string;
  leaseSeconds?: number;
  renewMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly options: Required<Omit<LeaderOptions, 'kubeConfig' | 'log'>> & Pick<LeaderOptions, 'log'>;
  private timer?: NodeJS.Timeout;
  private lastRenew = 0;
  leading = false;

  constructor(options: LeaderOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.options = { name: 'ophyd-service-operator', leaseSeconds: 15, renewMs: 2000, ...options };
  }

  start(): void {
    const tick = async () => {
      try {
        const held = await this.tryAcquireOrRenew();
        if (held) this.lastRenew = Date.now();
        if (held && !this.leading) {
          this.leading = true;
          this.options.log?.('became leader', { identity: this.options.identity });
          await this.options.onStartedLeading();
        }
      } catch (err) {
        this.options.log?.('lease request failed', { err: (err as Error).message });
      }
      if (this.leading && Date.now() - this.lastRenew > this.options.leaseSeconds * 1000) {
        this.leading = false;
        this.options.log?.('lost the lease', { identity: this.options.identity });
        await this.options.onStoppedLeading();
      }
      this.timer = setTimeout(tick, this.options.renewMs);
    };
    void tick();
  }

  /** Stops renewing and releases the lease, so another operator takes over at once. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity === this.options.identity) {
        lease.spec.holderIdentity = undefined;
        lease.spec.renewTime = undefined;
        await this.api.replaceNamespacedLease({
          name: this.options.name,
          namespace: this.options.namespace,
          body: lease,
        });
      }
    } catch {
      // it expires on its own
    }
  }

  private async read(): Promise<V1Lease | null> {
    try {
      return await this.api.readNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
      });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw err;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { name, namespace, identity, leaseSeconds } = this.options;
    const now = new MicroTime();
    const lease = await this.read();
    if (!lease) {
      await this.api.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: leaseSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        },
      });
      return true;
    }
    const spec = lease.spec ?? {};
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = renewed + (spec.leaseDurationSeconds ?? leaseSeconds) * 1000 < now.getTime();
    const mine = spec.holderIdentity === identity;
    if (!mine && spec.holderIdentity && !expired) return false;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      renewTime: now,
      ...(mine ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 409) return false; // someone else won this round
      throw err;
    }
  }
}
