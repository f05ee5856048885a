/**
 * The class catalog is ophyd's Device → Component → Signal tree written down as data: for each
 * device class the registry may name, its components with PV suffixes, kinds and access, nested
 * sub-devices, and the verbs it supports. It stands in for importing Python classes.
 */

export type Kind = 'hinted' | 'normal' | 'config' | 'omitted';
export type Framework = 'ophyd-sync' | 'ophyd-async';
export type Verb = 'read' | 'set' | 'trigger' | 'stop' | 'stage' | 'kickoff' | 'complete';

export interface ComponentSpec {
  /** Appended to the parent's prefix; with `absolute`, the whole PV name. */
  suffix?: string;
  absolute?: boolean;
  /** Class of the component: a signal class (default `EpicsSignal`) or a device class for a sub-device. */
  class?: string;
  kind?: Kind;
  /** A formatted suffix with `{placeholders}` that needs a live parent to fill (ophyd's FormattedComponent). */
  formatted?: boolean;
  /**
   * A container of generated components (ophyd's DynamicDeviceComponent), e.g. `roi{n}` for n in
   * 0..31 with suffix `.R{n}`. The container adds no suffix of its own.
   */
  dynamic?: { names: string; from: number; to: number; suffix: string; class?: string };
}

export interface DeviceClassSpec {
  /** Short class name, as the registry's `ophyd_class` holds it. */
  name: string;
  /** Import paths meaning this class (`ophyd.EpicsMotor`, `ophyd.epics_motor.EpicsMotor`…). */
  paths: string[];
  framework: Framework;
  /** Set for signal classes: read-only or read-write leaf. */
  signal?: 'ro' | 'rw';
  components?: Record<string, ComponentSpec>;
  verbs: Verb[];
}

export interface Catalog {
  byPath(path: string): DeviceClassSpec | undefined;
  byName(name: string): DeviceClassSpec | undefined;
  all(): DeviceClassSpec[];
}
