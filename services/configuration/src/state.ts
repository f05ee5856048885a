/**
 * The configuration service's state and its operations: the in-memory registry with the durable
 * store behind it (written first, so a failed write changes nothing), locks, PV health and the
 * mutation mutex. Routes translate HTTP to these calls and back.
 */
import { type Catalog, resolvePath } from '@ophyd-service/devices';
import { HttpError, type SchemaBook } from '@ophyd-service/service-kit';
import { type LoadedDevice, type LoadStrategy, loadDevices } from './loaders/index.ts';
import { iso, type Lock, LockManager } from './locks.ts';
import { derivePrefix, normalizeMetadata, normalizeSpec } from './model.ts';
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
  book: SchemaBook;
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
  readonly locks: LockManager;
  readonly health = new PvHealth();
  readonly mutex = new Mutex();
  readonly catalog: Catalog;
  readonly book: SchemaBook;
  readonly allowlist: string[];
  private readonly strategy: LoadStrategy;
  private readonly profilePath?: string;
  /** False while the database is unreachable: reads keep working, writes answer 503. */
  storeHealthy = true;

  constructor(options: StateOptions) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.book = options.book;
    this.allowlist = options.allowlist;
    this.strategy = options.strategy;
    this.profilePath = options.profilePath;
    this.locks = new LockManager({
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

  requireStore(detail = PERSISTENCE_OFF): RegistryStore {
    if (!this.store) throw new HttpError(501, detail);
    return this.store;
  }

  /** Runs a store write, turning an outage into 503 with a clear detail (memory stays as it was). */
  async write<T>(work: (store: RegistryStore) => Promise<T>, detail = PERSISTENCE_OFF): Promise<T> {
    const store = this.requireStore(detail);
    try {
      const result = await work(store);
      this.storeHealthy = true;
      return result;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      this.storeHealthy = false;
      throw new HttpError(
        503,
        `Registry store unavailable; nothing was changed (${(err as Error).message.split('\n')[0].slice(0, 200)})`,
      );
    }
  }

  device(name: string): DeviceMetadata {
    const metadata = this.registry.devices.get(name);
    if (!metadata) throw new HttpError(404, `Device not found: ${name}`);
    return metadata;
  }

  /** A PV's index entry (owner and component), or 404. */
  pvEntry(pv: string): PvEntry {
    const entry = this.registry.index.get(pv);
    if (!entry) throw new HttpError(404, `PV not found: ${pv}`);
    return entry;
  }

  checkAllowed(deviceClass: string): void {
    if (this.allowlist.length > 0 && !this.allowlist.some((prefix) => deviceClass.startsWith(prefix))) {
      throw new HttpError(
        422,
        `device_class '${deviceClass}' is not in the configured allowlist of importable module prefixes`,
      );
    }
  }

  /** Availability of a device: enabled and not locked (by its own lock or, under lock_all, any). */
  availability(name: string): { enabled: boolean; lock: Lock | undefined; available: boolean } {
    const spec = this.registry.specs.get(name);
    if (!spec) throw new HttpError(500, `Registry inconsistency: device '${name}' has no instantiation spec`);
    const lock = this.locks.effective(name);
    return { enabled: spec.active, lock, available: spec.active && !lock };
  }

  /** Replaces the whole registry from the loader (reset) or with nothing (clear), dropping every lock. */
  async reseed(devices: LoadedDevice[]): Promise<void> {
    // Read before seeding: once the seed is committed nothing may fail before memory follows it.
    const standalone = (await this.write((store) => store.listStandalone())).map((pv) => pv.pv_name);
    await this.write((store) => store.seed(devices.map(toStored), { reset: true }));
    this.registry = Registry.from(devices, standalone);
    this.locks.clearAll();
  }

  /** Records lock events in the audit log when there is one (locks themselves live in memory). */
  async audit(entries: AuditInput[]): Promise<void> {
    if (this.store && entries.length > 0) await this.write((store) => store.appendAudit(entries));
  }

  resolve(address: string) {
    const [head, ...rest] = address.split('.');
    const metadata = this.registry.devices.get(head);
    if (!metadata)
      return {
        outcome: 'device_not_found' as const,
        pv_name: null,
        message: `no device named '${head}' in registry`,
      };
    const spec = this.registry.specs.get(head);
    if (!spec?.device_class) {
      return {
        outcome: 'import_failed' as const,
        pv_name: null,
        message: `device '${head}' has no instantiation spec (can't resolve class to walk)`,
      };
    }
    const prefix = derivePrefix(metadata, spec);
    if (prefix === null) {
      return {
        outcome: 'import_failed' as const,
        pv_name: null,
        message: `device '${head}' has no derivable prefix (checked pvs['prefix'], spec.args[0], longest common PV prefix)`,
      };
    }
    return resolvePath(this.catalog, spec.device_class, prefix, rest, this.allowlist);
  }
}

export function fromStored(d: StoredDevice): { metadata: DeviceMetadata; spec: DeviceSpec | null } {
  return {
    metadata: normalizeMetadata(d.metadata as unknown as DeviceMetadata),
    spec: d.spec ? normalizeSpec(d.spec as unknown as DeviceSpec) : null,
  };
}

export const lockFields = (lock: Lock | undefined) => ({
  locked_by_plan: lock?.plan_name ?? null,
  locked_by_item: lock?.item_id ?? null,
  locked_at: iso(lock?.locked_at),
});
