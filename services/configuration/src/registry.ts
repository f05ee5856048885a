/**
 * The in-memory registry: devices with their specs, the PV index (which device owns each PV) and
 * the standalone PVs. Ownership rules: the newest registrant of a shared PV owns it; when an owner
 * goes away the PV moves to another device that lists it, else back to standalone, else out.
 */
import type { DeviceMetadata, DeviceSpec } from './schemas.ts';

export interface PvEntry {
  device_name: string | null;
  component_name: string | null;
}

export class Registry {
  readonly devices = new Map<string, DeviceMetadata>();
  readonly specs = new Map<string, DeviceSpec>();
  readonly index = new Map<string, PvEntry>();
  readonly standalone = new Set<string>();
  /** For each PV, the devices whose maps list it (so releasing a device never scans the registry). */
  private readonly listers = new Map<string, Set<string>>();

  static from(
    devices: { metadata: DeviceMetadata; spec: DeviceSpec | null }[],
    standalone: Iterable<string> = [],
  ): Registry {
    const registry = new Registry();
    for (const { metadata, spec } of devices) registry.add(metadata, spec);
    for (const pv of standalone) registry.addStandalone(pv);
    return registry;
  }

  add(metadata: DeviceMetadata, spec: DeviceSpec | null): void {
    this.devices.set(metadata.name, metadata);
    if (spec) this.specs.set(metadata.name, spec);
    else this.specs.delete(metadata.name);
    for (const [component, pv] of Object.entries(metadata.pvs)) {
      this.index.set(pv, { device_name: metadata.name, component_name: component });
      let listers = this.listers.get(pv);
      if (!listers) {
        listers = new Set();
        this.listers.set(pv, listers);
      }
      listers.add(metadata.name);
    }
  }

  remove(name: string): void {
    this.release(name);
    this.devices.delete(name);
    this.specs.delete(name);
  }

  /** Replaces a device in place (keeping its position in listing order). */
  replace(metadata: DeviceMetadata, spec: DeviceSpec | null): void {
    this.release(metadata.name);
    this.add(metadata, spec);
  }

  addStandalone(pv: string): void {
    this.standalone.add(pv);
    if (!this.index.has(pv)) this.index.set(pv, { device_name: null, component_name: null });
  }

  removeStandalone(pv: string): void {
    this.standalone.delete(pv);
    if (this.index.get(pv)?.device_name === null) this.index.delete(pv);
  }

  /** Gives up the PVs `name` owns: to another device listing them, else standalone, else nothing. */
  private release(name: string): void {
    const metadata = this.devices.get(name);
    for (const pv of new Set(Object.values(metadata?.pvs ?? {}))) {
      const listers = this.listers.get(pv);
      listers?.delete(name);
      if (listers?.size === 0) this.listers.delete(pv);
      if (this.index.get(pv)?.device_name !== name) continue;
      const heir = this.otherOwner(pv, listers);
      if (heir) this.index.set(pv, heir);
      else if (this.standalone.has(pv)) this.index.set(pv, { device_name: null, component_name: null });
      else this.index.delete(pv);
    }
  }

  /** The first device, in registry order, that still lists `pv`. */
  private otherOwner(pv: string, listers: Set<string> | undefined): PvEntry | undefined {
    if (!listers || listers.size === 0) return undefined;
    const candidates = listers.size === 1 ? listers : [...this.devices.keys()].filter((d) => listers.has(d));
    for (const device of candidates) {
      const pvs = this.devices.get(device)?.pvs ?? {};
      const component = Object.keys(pvs).find((key) => pvs[key] === pv);
      if (component !== undefined) return { device_name: device, component_name: component };
    }
    return undefined;
  }
}
