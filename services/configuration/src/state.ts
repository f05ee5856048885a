/**
 * The configuration service's state: the in-memory registry with the durable store behind it
 * (written first, so a failed write changes nothing), the lock book, PV health and the registry's
 * turn (a mutex) that every change takes. The use cases in operations/ work on it.
 */
import type { Catalog } from '@ophyd-service/devices';
import { DomainError, type SchemaBook } from '@ophyd-service/service-kit';
import { type LoadedDevice, type LoadStrategy, loadDevices } from './loaders/index.ts';
import { LockBook } from './lock-book.ts';
import { normalizeMetadata, normalizeSpec } from './model.ts';
import { Mutex } from './mutex.ts';
import { PvHealth } from './pv-health.ts';
import { type PvEntry, Registry } from './registry.ts';
import type { DeviceMetadata, DeviceSpec } from './schemas.ts';
import type { AuditInput, RegistryStore, StoredDevice } from './store/store.ts';

export const PERSISTENCE_OFF =
  'Device registry persistence not enabled. Set CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=true.';
export const STANDALONE_OFF =
  'Standalone PV registration not enabled. Set CONFIG_DEVICE_CHANGE_HISTORY_ENABLED=true.';

export interface StateOptions {
  store: RegistryStore | null;
  catalog: Catalog;
  schemas: SchemaBook;
  strategy: LoadStrategy;
  profilePath?: string;
  allowlist: string[];
  lockAll: boolean;
  leaseTtlSeconds: number;
  /** The lease clock (ms since the epoch); Date.now unless a test injects one. */
  now?: () => number;
}

const toStored = (d: LoadedDevice) => ({
  name: d.metadata.name,
  metadata: d.metadata as unknown as Record<string, unknown>,
  spec: d.spec as unknown as Record<string, unknown>,
});

export class ConfigurationState {
  registry = new Registry();
  readonly store: RegistryStore | null;
  readonly locks: LockBook;
  readonly health = new PvHealth();
  readonly catalog: Catalog;
  /** The published component schemas, for checking a merged update as the full model. */
  readonly schemas: SchemaBook;
  readonly allowlist: string[];
  private readonly strategy: LoadStrategy;
  private readonly profilePath?: string;
  private readonly turn = new Mutex();
  /** False while the database is unreachable: reads keep working, writes answer 503. */
  storeHealthy = true;

  constructor(options: StateOptions) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.schemas = options.schemas;
    this.allowlist = options.allowlist;
    this.strategy = options.strategy;
    this.profilePath = options.profilePath;
    this.locks = new LockBook({
      turn: this.turn,
      registry: () => this.registry,
      audit: (entries) => this.audit(entries),
      lockAll: options.lockAll,
      ttlSeconds: options.leaseTtlSeconds,
      now: options.now,
    });
  }

  /** First boot seeds the store from the loader; later boots load the store and never re-read the profile. */
  async start(): Promise<void> {
    if (!this.store) {
      this.registry = Registry.from(this.load());
      return;
    }
    const epoch = await this.store.seededEpoch();
    let devices: { metadata: DeviceMetadata; spec: DeviceSpec | null }[];
    if (epoch === null) {
      const loaded = this.load();
      await this.store.seed(loaded.map(toStored));
      devices = loaded;
    } else {
      devices = (await this.store.loadDevices()).map(fromStored);
    }
    const standalone = (await this.store.listStandalone()).map((pv) => pv.pv_name);
    this.registry = Registry.from(devices, standalone);
  }

  load(): LoadedDevice[] {
    return loadDevices(this.strategy, this.profilePath, this.catalog);
  }

  /**
   * Runs a registry change in the registry's turn: one at a time, and never between a lock's check
   * and its audit (the lock book takes the same turn).
   */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    return this.turn.run(work);
  }

  /** The store, or `unsupported` (501) when persistence is off. */
  requireStore(detail = PERSISTENCE_OFF): RegistryStore {
    if (!this.store) throw new DomainError('unsupported', detail);
    return this.store;
  }

  /** Runs store work, turning an outage into `unavailable` with a clear detail (memory stays as it was). */
  async write<T>(work: (store: RegistryStore) => Promise<T>, detail = PERSISTENCE_OFF): Promise<T> {
    const store = this.requireStore(detail);
    try {
      const result = await work(store);
      this.storeHealthy = true;
      return result;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.storeHealthy = false;
      throw new DomainError(
        'unavailable',
        `Registry store unavailable; nothing was changed (${(err as Error).message.split('\n')[0].slice(0, 200)})`,
      );
    }
  }

  device(name: string): DeviceMetadata {
    const metadata = this.registry.devices.get(name);
    if (!metadata) throw new DomainError('not_found', `Device not found: ${name}`);
    return metadata;
  }

  /** A PV's index entry (owner and component), or `not_found`. */
  pvEntry(pv: string): PvEntry {
    const entry = this.registry.index.get(pv);
    if (!entry) throw new DomainError('not_found', `PV not found: ${pv}`);
    return entry;
  }

  checkAllowed(deviceClass: string): void {
    if (this.allowlist.length > 0 && !this.allowlist.some((prefix) => deviceClass.startsWith(prefix))) {
      throw new DomainError(
        'invalid',
        `device_class '${deviceClass}' is not in the configured allowlist of importable module prefixes`,
      );
    }
  }

  /**
   * Replaces the whole registry from the loader (reset) or with nothing (clear), dropping every
   * lock. Only inside `exclusive`.
   */
  async reseed(devices: LoadedDevice[]): Promise<void> {
    // Read before seeding: once the seed is committed nothing may fail before memory follows it.
    const standalone = (await this.write((store) => store.listStandalone())).map((pv) => pv.pv_name);
    await this.write((store) => store.seed(devices.map(toStored), { reset: true }));
    this.registry = Registry.from(devices, standalone);
    this.locks.dropAll();
  }

  /** Records lock events in the audit log when there is one (locks themselves live in memory). */
  private async audit(entries: AuditInput[]): Promise<void> {
    if (this.store && entries.length > 0) await this.write((store) => store.appendAudit(entries));
  }
}

export function fromStored(d: StoredDevice): { metadata: DeviceMetadata; spec: DeviceSpec | null } {
  return {
    metadata: normalizeMetadata(d.metadata as unknown as DeviceMetadata),
    spec: d.spec ? normalizeSpec(d.spec as unknown as DeviceSpec) : null,
  };
}
