/**
 * What direct control asks of the registry: is a PV or device known, who owns a PV, how to build a
 * device, may it be used now. Two providers answer: the configuration service over HTTP, or a
 * local file (standalone mode). An unreachable registry is a `RegistryUnavailable` (HTTP 503),
 * never a "not found".
 */
export interface DeviceSpec {
  name: string;
  device_class: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  active: boolean;
  framework: 'ophyd-sync' | 'ophyd-async' | null;
}

export interface DeviceStatus {
  available: boolean;
  enabled: boolean;
  locked: boolean;
  lockedByPlan: string | null;
  lockEpoch: string | null;
}

export interface RegistryProvider {
  readonly kind: 'http' | 'file';
  pvExists(pv: string): Promise<boolean>;
  /** The device that owns a PV (null: standalone or unknown). */
  pvOwner(pv: string): Promise<string | null>;
  deviceExists(name: string): Promise<boolean>;
  /** component → PV, or null for an unknown device. */
  componentMap(name: string): Promise<Record<string, string> | null>;
  /** null when the device has no instantiation spec. */
  spec(name: string): Promise<DeviceSpec | null>;
  /** Live lock/enable state (never cached); null when the registry has no lock concept for it. */
  status(name: string): Promise<DeviceStatus | null>;
  /** Best effort: PV-health reports never fail a write. */
  reportHealth(pv: string, ok: boolean, message?: string): Promise<void>;
}

export class RegistryUnavailable extends Error {
  override name = 'RegistryUnavailable';
}
