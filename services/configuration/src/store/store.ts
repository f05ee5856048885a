/**
 * The durable copy of the registry: devices, the append-only audit log (which is also the change
 * feed), the "seeded" marker and standalone PVs. The service writes here first and only then
 * changes its in-memory registry, so a failed write leaves memory as it was.
 *
 * Implementations: MikroORM on SQLite (default, embedded) and on PostgreSQL (see mikro-store.ts).
 */

/** A device as stored: its metadata and instantiation spec, as plain JSON objects. */
export interface StoredDevice {
  name: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

export type AuditOperation =
  | 'seed'
  | 'add'
  | 'update'
  | 'delete'
  | 'enable'
  | 'disable'
  | 'reset'
  | 'lock'
  | 'unlock'
  | 'force_unlock';

export interface AuditInput {
  deviceName: string;
  operation: AuditOperation;
  /** Serialized as a JSON string in the `details` column (or null). */
  details: Record<string, unknown> | null;
}

export interface AuditEntry {
  id: number;
  device_name: string;
  operation: AuditOperation;
  /** Unix seconds (float). */
  timestamp: number;
  /** The JSON string as stored, or null. */
  details: string | null;
}

export interface StoredStandalonePv {
  pv_name: string;
  description: string | null;
  protocol: 'ca' | 'pva';
  access_mode: 'read-only' | 'read-write';
  labels: string[];
  source: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface RegistryStore {
  /** Cheap liveness probe (SELECT 1) that gives up within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** The `seeded` marker (the service epoch), or null before the first seeding. */
  seededEpoch(): Promise<string | null>;
  /**
   * Replaces every device row with `devices`, writes one `seed` audit row per device
   * (details {"source":"profile"}) and a new seeded marker, in ONE transaction. With `reset`, a
   * `reset` audit row (device "*", details {"reason":"manual_reset"}) is written first, in the same
   * transaction. Returns the new epoch (stringified Unix seconds).
   */
  seed(
    devices: Omit<StoredDevice, 'createdAt' | 'updatedAt'>[],
    options?: { reset?: boolean },
  ): Promise<string>;
  /** Every device, ordered by name. */
  loadDevices(): Promise<StoredDevice[]>;
  getDevice(name: string): Promise<StoredDevice | null>;
  /** Inserts or updates a device (keeping created_at) and appends `audit`, in one transaction. */
  upsertDevice(device: Omit<StoredDevice, 'createdAt' | 'updatedAt'>, audit: AuditInput): Promise<void>;
  /**
   * Deletes a device and appends `audit` (only when a row existed), in one transaction.
   * Returns whether a row existed.
   */
  deleteDevice(name: string, audit: AuditInput): Promise<boolean>;
  /** Appends audit rows (lock events) in one transaction. */
  appendAudit(entries: AuditInput[]): Promise<void>;
  /** Newest first; `deviceName` exact match when given. */
  history(options: { deviceName?: string; limit: number }): Promise<AuditEntry[]>;
  /** Rows with id > `afterId`, oldest first. */
  auditSince(afterId: number): Promise<AuditEntry[]>;
  /** Highest audit id, 0 when empty. Ids are never reused, even after the max row is deleted. */
  maxAuditId(): Promise<number>;

  listStandalone(): Promise<StoredStandalonePv[]>;
  getStandalone(pvName: string): Promise<StoredStandalonePv | null>;
  /** Inserts or updates (keeping created_at and created_by; updated_at = now). */
  upsertStandalone(pv: Omit<StoredStandalonePv, 'created_at' | 'updated_at'>): Promise<StoredStandalonePv>;
  deleteStandalone(pvName: string): Promise<boolean>;

  close(): Promise<void>;
}

/** The store could not be reached or a write failed: the service answers 503/500 and changes nothing. */
export class StoreError extends Error {
  override name = 'StoreError';
}
