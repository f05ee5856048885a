/**
 * The configuration service as registry, with the reference's caching: existence (positive and
 * negative), owners and specs for 30 s; lock status never; outages never cached. Concurrent
 * lookups of one path share a request, and at most `MAX_CONCURRENT` requests are out at once, so
 * a storm of lookups (10,000 names in one socket frame) queues instead of opening 10,000 fetches.
 */
import pLimit from 'p-limit';
import {
  type DeviceSpec,
  type DeviceStatus,
  type RegistryProvider,
  RegistryUnavailable,
} from './provider.ts';

interface Cached<T> {
  value: T;
  until: number;
}

class TtlCache<T> {
  private readonly entries = new Map<string, Cached<T>>();
  private readonly ttlMs: number;
  private readonly limit: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number, limit = 10_000) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.limit = limit;
  }

  get(key: string): Cached<T> | undefined {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit;
    if (hit) this.entries.delete(key);
    return undefined;
  }

  /** Stores an answer; past `limit` entries the oldest goes, so a storm of names cannot grow it. */
  set(key: string, value: T): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

const MAX_CONCURRENT = 16;

export interface HttpRegistryOptions {
  baseUrl: string;
  /** Milliseconds for existence, owner and spec lookups (5 s). */
  timeoutMs?: number;
  /** For lock-status lookups (DIRECT_CONTROL_COORDINATION_TIMEOUT; default as `timeoutMs`). */
  statusTimeoutMs?: number;
  cacheTtlMs?: number;
  /** The clock the cache ages by, in milliseconds (tests pass their own). */
  now?: () => number;
}

export class HttpRegistry implements RegistryProvider {
  readonly kind = 'http' as const;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly statusTimeoutMs: number;
  private readonly pvs: TtlCache<{ exists: boolean; owner: string | null }>;
  private readonly devices: TtlCache<boolean>;
  private readonly specs: TtlCache<DeviceSpec | null>;
  private readonly limit = pLimit(MAX_CONCURRENT);
  private readonly inFlight = new Map<string, Promise<{ status: number; body: unknown }>>();

  constructor(options: HttpRegistryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.statusTimeoutMs = options.statusTimeoutMs ?? this.timeoutMs;
    const ttl = options.cacheTtlMs ?? 30_000;
    const now = options.now ?? (() => performance.now());
    this.pvs = new TtlCache(ttl, now);
    this.devices = new TtlCache(ttl, now);
    this.specs = new TtlCache(ttl, now);
  }

  async pvExists(pv: string): Promise<boolean> {
    return (await this.pvEntry(pv)).exists;
  }

  async pvOwner(pv: string): Promise<string | null> {
    return (await this.pvEntry(pv)).owner;
  }

  async deviceExists(name: string): Promise<boolean> {
    const hit = this.devices.get(name);
    if (hit) return hit.value;
    const res = await this.request(`/api/v1/devices/${encodeURIComponent(name)}`);
    const exists = res.status === 200;
    this.devices.set(name, exists);
    return exists;
  }

  async componentMap(name: string): Promise<Record<string, string> | null> {
    const res = await this.request(`/api/v1/devices/${encodeURIComponent(name)}`);
    if (res.status === 404) return null;
    const body = res.body as { pvs?: unknown };
    if (body.pvs === undefined || body.pvs === null) return {};
    if (typeof body.pvs !== 'object' || Array.isArray(body.pvs))
      throw new RegistryUnavailable(`registry sent a malformed device '${name}'`);
    return body.pvs as Record<string, string>;
  }

  async spec(name: string): Promise<DeviceSpec | null> {
    const hit = this.specs.get(name);
    if (hit) return hit.value;
    const res = await this.request(`/api/v1/devices/${encodeURIComponent(name)}/instantiation`);
    const body = res.body as Partial<DeviceSpec>;
    if (res.status === 200 && (typeof body.device_class !== 'string' || typeof body.name !== 'string')) {
      throw new RegistryUnavailable(`registry sent a malformed instantiation spec for '${name}'`);
    }
    const spec =
      res.status === 404
        ? null
        : {
            name: body.name!,
            device_class: body.device_class!,
            args: body.args ?? [],
            kwargs: body.kwargs ?? {},
            active: body.active ?? true,
            framework: body.framework ?? null,
          };
    this.specs.set(name, spec);
    return spec;
  }

  async status(name: string): Promise<DeviceStatus | null> {
    const res = await this.request(
      `/api/v1/devices/${encodeURIComponent(name)}/status`,
      this.statusTimeoutMs,
    );
    if (res.status === 404) return null;
    const body = res.body as {
      available?: boolean;
      enabled?: boolean;
      lock_status?: string;
      locked_by_plan?: string | null;
      lock_epoch?: string;
    };
    return {
      available: body.available ?? true,
      enabled: body.enabled ?? true,
      locked: body.lock_status === 'locked',
      lockedByPlan: body.locked_by_plan ?? null,
      lockEpoch: body.lock_epoch ?? null,
    };
  }

  async reportHealth(pv: string, ok: boolean, message?: string): Promise<void> {
    try {
      await fetch(`${this.base}/api/v1/pvs/${encodeURIComponent(pv)}/${ok ? 'success' : 'failure'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ok ? {} : { message: message ?? null }),
        signal: AbortSignal.timeout(2000),
      });
    } catch {
      // health reports are advisory: a write must not fail because the registry missed one
    }
  }

  /** The PV's index entry; a 404 also forgets any cached "exists" so deleted PVs stop passing at once. */
  private async pvEntry(pv: string): Promise<{ exists: boolean; owner: string | null }> {
    const hit = this.pvs.get(pv);
    if (hit) return hit.value;
    const res = await this.request(`/api/v1/pvs/${encodeURIComponent(pv)}`);
    const entry =
      res.status === 200
        ? { exists: true, owner: (res.body as { device_name?: string | null }).device_name ?? null }
        : { exists: false, owner: null };
    this.pvs.set(pv, entry);
    return entry;
  }

  /** One GET per path at a time, whoever asks; the callers share its answer. */
  private request(path: string, timeoutMs = this.timeoutMs): Promise<{ status: number; body: unknown }> {
    let pending = this.inFlight.get(path);
    if (!pending) {
      pending = this.limit(() => this.fetchJson(path, timeoutMs)).finally(() => this.inFlight.delete(path));
      this.inFlight.set(path, pending);
    }
    return pending;
  }

  /** GET with a timeout: 200 and 404 are answers, anything else is an outage (never cached). */
  private async fetchJson(path: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new RegistryUnavailable(
        `configuration service unreachable at ${this.base}: ${(err as Error).message}`,
      );
    }
    if (res.status !== 200 && res.status !== 404) {
      throw new RegistryUnavailable(`configuration service answered ${res.status} for ${path}`);
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      if (res.status === 200)
        throw new RegistryUnavailable(`configuration service sent a non-JSON body for ${path}`);
    }
    if (res.status === 200 && (body === null || typeof body !== 'object')) {
      throw new RegistryUnavailable(`configuration service sent a malformed body for ${path}`);
    }
    return { status: res.status, body };
  }
}
