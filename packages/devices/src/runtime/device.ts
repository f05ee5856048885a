/**
 * Devices at run time, built from the class catalog: a tree of EpicsSignals under a prefix with
 * ophyd's verbs. `read()` gives the hinted and normal leaves, `read_configuration()` the config ones,
 * `set()` moves a positioner (completion when the move ends), `stop()` halts it, `trigger()` finishes
 * at once for the catalog's detectors (their IOCs acquire continuously).
 */
import type { CaClient } from '@ophyd-service/epics-ca';
import type { Catalog, DeviceClassSpec, Kind, Verb } from '../catalog-types.ts';
import { findClass } from '../resolver.ts';
import { EpicsSignal, type SignalDescription, type SignalReading } from './signal.ts';
import { Status } from './status.ts';

export type Part = EpicsSignal | Device;

/** Components that make a class a positioner, with the one that takes the setpoint. */
const SETPOINTS = ['user_setpoint', 'setpoint'];

export class UnsupportedVerb extends Error {
  override name = 'UnsupportedVerb';
}

export class Device {
  readonly name: string;
  readonly spec: DeviceClassSpec;
  readonly prefix: string;
  readonly parts = new Map<string, Part>();
  readonly kinds = new Map<string, Kind>();

  constructor(catalog: Catalog, client: CaClient, spec: DeviceClassSpec, prefix: string, name: string) {
    this.spec = spec;
    this.prefix = prefix;
    this.name = name;
    for (const [attr, component] of Object.entries(spec.components ?? {})) {
      if (component.dynamic || component.suffix === undefined || component.formatted) continue;
      const pv = component.absolute ? component.suffix : prefix + component.suffix;
      const child = catalog.byName(component.class ?? 'EpicsSignal');
      // ophyd names a positioner's readback after the device itself (`m1`, not `m1_user_readback`).
      const childName = attr === 'user_readback' ? name : `${name}_${attr}`;
      const kind = component.kind ?? 'normal';
      const part =
        !child || child.signal
          ? new EpicsSignal(client, pv, { name: childName, kind, writable: child?.signal !== 'ro' })
          : new Device(catalog, client, child, pv, childName);
      this.parts.set(attr, part);
      this.kinds.set(attr, kind);
    }
  }

  get verbs(): Verb[] {
    return this.spec.verbs;
  }

  /** The part at a dotted path below this device. */
  part(path: string[]): Part | undefined {
    let current: Part | undefined = this;
    for (const segment of path) {
      if (!(current instanceof Device)) return undefined;
      current = current.parts.get(segment);
    }
    return current;
  }

  /** Every signal below this device reads from a CA monitor (`true`) or a get per read (`false`). */
  useMonitors(on = true): void {
    for (const part of this.parts.values()) part.useMonitors(on);
  }

  /** Every component's value by attribute, nested for sub-devices (ophyd's namedtuple from `get()`). */
  async get(): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      [...this.parts].map(async ([attr, part]) => [attr, await part.get()] as const),
    );
    return Object.fromEntries(entries);
  }

  async read(): Promise<Record<string, SignalReading>> {
    return this.collect(
      (kind) => kind === 'hinted' || kind === 'normal',
      (part) => part.read(),
    );
  }

  async read_configuration(): Promise<Record<string, SignalReading>> {
    return this.collect(
      (kind) => kind === 'config',
      (part) => (part instanceof Device ? part.read() : part.read()),
    );
  }

  async describe(): Promise<Record<string, SignalDescription>> {
    return this.collect(
      (kind) => kind === 'hinted' || kind === 'normal',
      (part) => part.describe(),
    );
  }

  async describe_configuration(): Promise<Record<string, SignalDescription>> {
    return this.collect(
      (kind) => kind === 'config',
      (part) => part.describe(),
    );
  }

  /** Moves a positioner to `value`: completion when the move ends (motor record put-callback). */
  set(value: unknown, options: { tolerance?: number } = {}): Status {
    const setpoint = SETPOINTS.map((name) => this.parts.get(name)).find(
      (p): p is EpicsSignal => p instanceof EpicsSignal,
    );
    if (!this.verbs.includes('set') || !setpoint)
      throw new UnsupportedVerb(`${this.spec.name} object '${this.name}' does not support method 'set'`);
    return setpoint.set(value, options);
  }

  trigger(): Status {
    if (!this.verbs.includes('trigger'))
      throw new UnsupportedVerb(`${this.spec.name} object '${this.name}' does not support method 'trigger'`);
    return Status.done();
  }

  /** Halts motion: a motor record's STOP, or every positioner below this device. */
  async stop(): Promise<void> {
    if (!this.verbs.includes('stop'))
      throw new UnsupportedVerb(`${this.spec.name} object '${this.name}' does not support method 'stop'`);
    const stopSignal = this.parts.get('motor_stop');
    if (stopSignal instanceof EpicsSignal) {
      await stopSignal.put(1);
      return;
    }
    await Promise.all(
      [...this.parts.values()]
        .filter((p): p is Device => p instanceof Device && p.verbs.includes('stop'))
        .map((p) => p.stop()),
    );
  }

  private async collect<T>(
    want: (kind: Kind) => boolean,
    get: (part: Part) => Promise<Record<string, T>>,
  ): Promise<Record<string, T>> {
    const selected = [...this.parts].filter(([attr]) => want(this.kinds.get(attr) ?? 'normal'));
    const results = await Promise.all(selected.map(([, part]) => get(part)));
    return Object.assign({}, ...results);
  }
}

/**
 * Builds the run-time object for a registry device: a Device for compound classes, an EpicsSignal
 * for signal classes (named after the device, as ophyd names a top-level signal).
 */
export function buildDevice(
  catalog: Catalog,
  client: CaClient,
  entry: { name: string; deviceClass: string; prefix: string },
  allowlist: readonly string[] = [],
): Part {
  const found = findClass(catalog, entry.deviceClass, allowlist);
  if ('error' in found) throw new Error(found.error);
  if (found.spec.signal) {
    return new EpicsSignal(client, entry.prefix, {
      name: entry.name,
      kind: 'hinted',
      writable: found.spec.signal === 'rw',
    });
  }
  return new Device(catalog, client, found.spec, entry.prefix, entry.name);
}
