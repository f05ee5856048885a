/**
 * Live devices built from registry specs through the class catalog (spec §3.11.2, in place of the
 * reference's Python import). One object per registry name, rebuilt when the spec's fingerprint
 * (class, args, kwargs) changes; concurrent first requests build once; failures are not cached.
 */
import {
  buildDevice,
  type Catalog,
  Device,
  derivePrefix,
  EpicsSignal,
  findClass,
  type Part,
} from '@ophyd-service/devices';
import type { CaClient } from '@ophyd-service/epics-ca';
import { DomainError } from '@ophyd-service/service-kit';
import type { DeviceSpec } from '../registry/provider.ts';

interface Live {
  fingerprint: string;
  part: Promise<Part>;
}

export class DeviceManager {
  private readonly live = new Map<string, Live>();
  private readonly catalog: Catalog;
  private readonly client: CaClient;
  private readonly connectMs: number;

  constructor(catalog: Catalog, client: CaClient, connectMs: number) {
    this.catalog = catalog;
    this.client = client;
    this.connectMs = connectMs;
  }

  get size(): number {
    return this.live.size;
  }

  /** The live object for `spec`, built (and its read signals connected) on first use. */
  async get(spec: DeviceSpec, pvs: Record<string, string>): Promise<Part> {
    if (!spec.active)
      throw new DomainError(
        'invalid',
        `Device '${spec.name}' is marked inactive in the registry; activate it to command it.`,
      );
    const fingerprint = JSON.stringify([
      spec.device_class,
      spec.args,
      sortedEntries(spec.kwargs),
      pvs.prefix,
    ]);
    const current = this.live.get(spec.name);
    if (current?.fingerprint === fingerprint) return current.part;
    const part = this.build(spec, pvs);
    const entry = { fingerprint, part };
    this.live.set(spec.name, entry);
    part.catch(() => {
      if (this.live.get(spec.name) === entry) this.live.delete(spec.name); // failures are retried
    });
    return part;
  }

  private async build(spec: DeviceSpec, pvs: Record<string, string>): Promise<Part> {
    const found = findClass(this.catalog, spec.device_class);
    if ('error' in found) throw new DomainError('failed', `Device '${spec.name}': ${found.error}`);
    if (spec.framework && spec.framework !== found.spec.framework) {
      throw new DomainError(
        'failed',
        `Device '${spec.name}' is tagged framework '${spec.framework}' but ${spec.device_class} is ${found.spec.framework}. Fix the registry entry's framework tag.`,
      );
    }
    const prefix = derivePrefix(pvs, spec.args);
    if (prefix === null)
      throw new DomainError(
        'failed',
        `Device '${spec.name}' (${spec.device_class}) has no derivable PV prefix`,
      );
    const name = typeof spec.kwargs.name === 'string' ? spec.kwargs.name : spec.name;
    const part = buildDevice(this.catalog, this.client, { name, deviceClass: spec.device_class, prefix });
    const signals = readSignals(part);
    const failed: string[] = [];
    await Promise.all(
      signals.map((s) => this.client.info(s.pv, this.connectMs).catch(() => failed.push(s.pv))),
    );
    if (failed.length > 0) {
      throw new DomainError(
        'failed',
        `Device '${spec.name}' (${spec.device_class}) failed to connect within ${this.connectMs / 1000}s: ${failed.sort().join(', ')} did not connect`,
      );
    }
    return part;
  }

  clear(): void {
    this.live.clear();
  }
}

/** The signals a read touches: the part itself, or a device's hinted and normal leaves. */
function readSignals(part: Part): EpicsSignal[] {
  if (part instanceof EpicsSignal) return [part];
  const out: EpicsSignal[] = [];
  for (const [attr, child] of part.parts) {
    const kind = part.kinds.get(attr);
    if (kind !== 'hinted' && kind !== 'normal') continue;
    if (child instanceof Device) out.push(...readSignals(child));
    else out.push(child);
  }
  return out;
}

const sortedEntries = (o: Record<string, unknown>) =>
  Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
