/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: take the Lease when it is
 * free or expired, renew it while leading, and step down when another holder is seen or no renewal
 * succeeded within the renew deadline. Optimistic concurrency on resourceVersion decides races. As in
 * client-go, expiry is judged by our own clock from when we last saw the Lease change, never by the
 * holder's timestamps, so clock skew between operators does not matter. Only the leader reconciles.
 *
 * The Lease is reached through a `LeaseStore` and time through a clock, both injectable: the unit
 * tests drive `step()` with a fake store and clock, the k8s tests use the real API server.
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

/** Where the Lease lives. Both writes reject with `{code: 409}` when they lose a race. */
export interface LeaseStore {
  read(): Promise<V1Lease | null>;
  create(lease: V1Lease): Promise<void>;
  /** Replaces the Lease if its resourceVersion is still `lease.metadata.resourceVersion`. */
  replace(lease: V1Lease): Promise<void>;
}

export function kubernetesLeaseStore(kubeConfig: KubeConfig, namespace: string, name: string): LeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  return {
    async read() {
      try {
        return await api.readNamespacedLease({ name, namespace });
      } catch (err) {
        if ((err as { code?: number }).code === 404) return null;
        throw err;
      }
    },
    async create(lease) {
      await api.createNamespacedLease({ namespace, body: lease });
    },
    async replace(lease) {
      await api.replaceNamespacedLease({ name, namespace, body: lease });
    },
  };
}

export interface LeaderOptions {
  /** The API server holding the Lease; not needed when `store` is given. */
  kubeConfig?: KubeConfig;
  store?: LeaseStore;
  /** Milliseconds since the epoch; Date.now unless a test drives time. */
  clock?: () => number;
  namespace: string;
  name?: string;
  identity: string;
  leaseSeconds?: number;
  /** Step down when no renewal succeeded for this long (default two thirds of the lease). */
  renewDeadlineMs?: number;
  renewMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** One round's outcome: we hold the Lease, someone else validly does, or we could not tell. */
type Round = 'held' | 'other' | 'unknown';

export class LeaderElector {
  private readonly store: LeaseStore;
  private readonly clock: () => number;
  private readonly name: string;
  private readonly identity: string;
  private readonly leaseSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly renewMs: number;
  private readonly options: LeaderOptions;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastRenew = 0;
  /** The Lease's resourceVersion when we last saw it change, and when (by our clock). */
  private observed?: { version: string | undefined; at: number };
  leading = false;
  /** Election rounds completed: a test waits on it instead of sleeping. */
  rounds = 0;
  /** The holder seen in the last round that read the Lease. */
  observedHolder: string | undefined;

  constructor(options: LeaderOptions) {
    this.options = options;
    this.name = options.name ?? 'ophyd-service-operator';
    this.identity = options.identity;
    this.leaseSeconds = options.leaseSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? (this.leaseSeconds * 1000 * 2) / 3;
    this.renewMs = options.renewMs ?? Math.min(2000, this.renewDeadlineMs / 2);
    this.clock = options.clock ?? Date.now;
    if (options.store) this.store = options.store;
    else if (options.kubeConfig)
      this.store = kubernetesLeaseStore(options.kubeConfig, options.namespace, this.name);
    else throw new Error('LeaderElector needs a kubeConfig or a lease store');
  }

  start(): void {
    const tick = async () => {
      await this.step();
      if (!this.stopped) this.timer = setTimeout(tick, this.renewMs);
    };
    void tick();
  }

  /** One election round: try to take or renew the Lease, then start or stop leading accordingly. */
  async step(): Promise<void> {
    let round: Round = 'unknown';
    try {
      round = await this.tryAcquireOrRenew();
    } catch (err) {
      this.options.log?.('lease request failed', { err: (err as Error).message });
    }
    const now = this.clock();
    if (round === 'held') {
      this.lastRenew = now;
      if (!this.leading && !this.stopped) {
        this.leading = true;
        this.options.log?.('became leader', { identity: this.identity });
        await this.options.onStartedLeading();
      }
    } else if (this.leading && (round === 'other' || now - this.lastRenew > this.renewDeadlineMs)) {
      this.leading = false;
      this.options.log?.('lost the lease', { identity: this.identity, to: this.observedHolder });
      await this.options.onStoppedLeading();
    }
    this.rounds++;
  }

  /** Stops renewing and releases the lease, so another operator takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.store.read();
      if (lease?.spec?.holderIdentity === this.identity) {
        lease.spec.holderIdentity = undefined;
        lease.spec.renewTime = undefined;
        await this.store.replace(lease);
      }
    } catch {
      // it expires on its own
    }
  }

  private async tryAcquireOrRenew(): Promise<Round> {
    const now = this.clock();
    const stamp = new MicroTime(now);
    const lease = await this.store.read();
    if (!lease) {
      const created = {
        metadata: { name: this.name, namespace: this.options.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: this.leaseSeconds,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      };
      return this.write(() => this.store.create(created));
    }
    const spec = lease.spec ?? {};
    const version = lease.metadata?.resourceVersion;
    if (this.observed?.version !== version) this.observed = { version, at: now };
    const observed = this.observed!;
    this.observedHolder = spec.holderIdentity;
    const mine = spec.holderIdentity === this.identity;
    const expired = observed.at + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000 <= now;
    if (!mine && spec.holderIdentity && !expired) return 'other';
    lease.spec = {
      ...spec,
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseSeconds,
      renewTime: stamp,
      ...(mine ? {} : { acquireTime: stamp, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    return this.write(() => this.store.replace(lease));
  }

  /** A create or replace of the Lease; a 409 means another operator wrote first: read again next round. */
  private async write(request: () => Promise<void>): Promise<Round> {
    try {
      await request();
    } catch (err) {
      if ((err as { code?: number }).code === 409) return 'unknown';
      throw err;
    }
    this.observedHolder = this.identity;
    return 'held';
  }
}
