/**
 * What the configuration service needs to register the namespace's devices (spec §12, bootstrapping
 * an empty registry): per device its metadata (class, capabilities, component → PV map, labels) and
 * an instantiation spec direct control and consume mode can build again from the device catalog.
 * A device built from a registry spec is described by that spec, as the registry holds it.
 * Only EPICS devices (packages/devices' classes, usually wrapped by `fromEpics`) are described: a
 * simulated device has no PV to gate and no catalog class to rebuild it from, so it is left out.
 */
import type { DeviceClassSpec, Verb } from '@ophyd-service/devices';
import type { RegistryEntry } from './protocol.ts';
import { registrySpecOf } from './registry-devices.ts';

/** packages/devices' Device and EpicsSignal as far as they are described (by shape: a startup
 * directory may bring its own copy of the package). */
interface CompoundPart {
  name: string;
  prefix: string;
  spec: DeviceClassSpec;
  verbs: Verb[];
  parts: Map<string, Part>;
}
interface SignalPart {
  name: string;
  pv: string;
  writable: boolean;
}
type Part = CompoundPart | SignalPart;

const isSignal = (value: unknown): value is SignalPart => {
  const v = value as SignalPart | null;
  return typeof v?.pv === 'string' && typeof v.name === 'string' && typeof v.writable === 'boolean';
};
const isCompound = (value: unknown): value is CompoundPart => {
  const v = value as CompoundPart | null;
  return (
    typeof v?.prefix === 'string' &&
    typeof v.name === 'string' &&
    v.parts instanceof Map &&
    Array.isArray(v.spec?.paths) &&
    Array.isArray(v.verbs)
  );
};

/**
 * The class paths the registry's seed data (integration/seed/happi_db.json) writes for these
 * classes: entries we add then read like the ones it loads. Other classes get their defining module's
 * path (the catalog's longest, e.g. `localdevs.Spot`), as Python's `type(obj).__module__` would.
 */
const SEED_CLASS_PATHS: Record<string, string> = {
  EpicsMotor: 'ophyd.EpicsMotor',
  EpicsSignal: 'ophyd.signal.EpicsSignal',
  EpicsSignalRO: 'ophyd.signal.EpicsSignalRO',
};

/** Label words (ophyd's `labels`, as BITS profiles use them) that say what kind of device it is. */
const LABEL_KINDS: Record<string, RegistryEntry['metadata']['device_label']> = {
  motors: 'motor',
  positioners: 'motor',
  detectors: 'detector',
  area_detectors: 'detector',
  flyers: 'flyer',
  signals: 'signal',
};

/** The registry entries of the namespace's EPICS devices, in the namespace's order. */
export function registryEntries(devices: Record<string, unknown>): RegistryEntry[] {
  const entries: RegistryEntry[] = [];
  for (const [name, value] of Object.entries(devices)) {
    const entry = registryEntry(name, value);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One device's entry, or null when it is not an EPICS device of the catalog. */
export function registryEntry(name: string, value: unknown): RegistryEntry | null {
  // fromEpics wraps the catalog's object as `device`.
  const inner = (value as { device?: unknown } | null)?.device;
  const part = isCompound(inner) || isSignal(inner) ? inner : value;
  if (!isCompound(part) && !isSignal(part)) return null;
  const labels = labelsOf(value);
  const { className, module, deviceClass } = classOf(part);
  const prefix = isCompound(part) ? part.prefix : part.pv;
  return {
    metadata: {
      name,
      device_label: deviceLabel(part, labels),
      ophyd_class: className,
      module,
      ...capabilities(part),
      pvs: isCompound(part) ? componentPvs(part) : { [part.name]: part.pv },
      labels,
    },
    instantiation_spec: registrySpec(name, value) ?? {
      name,
      device_class: deviceClass,
      args: [prefix],
      kwargs: { name: part.name },
      active: true,
    },
  };
}

/** A registry-built device's spec as the registry gave it (its class path, arguments and framework). */
function registrySpec(name: string, value: unknown): RegistryEntry['instantiation_spec'] | null {
  const spec = registrySpecOf(value);
  if (!spec || typeof spec.device_class !== 'string') return null;
  return {
    name,
    device_class: spec.device_class,
    args: Array.isArray(spec.args) ? spec.args : [],
    kwargs:
      typeof spec.kwargs === 'object' && spec.kwargs !== null ? (spec.kwargs as Record<string, unknown>) : {},
    active: true,
    ...(typeof spec.framework === 'string' ? { framework: spec.framework } : {}),
  };
}

function classOf(part: Part): { className: string; module: string; deviceClass: string } {
  if (isSignal(part)) {
    const className = part.writable ? 'EpicsSignal' : 'EpicsSignalRO';
    return { className, module: 'ophyd.signal', deviceClass: SEED_CLASS_PATHS[className] };
  }
  const className = part.spec.name;
  const defining = [...part.spec.paths].sort((a, b) => b.length - a.length)[0] ?? className;
  return {
    className,
    module: defining.slice(0, Math.max(0, defining.lastIndexOf('.'))),
    deviceClass: SEED_CLASS_PATHS[className] ?? defining,
  };
}

/**
 * The protocol flags, as the registry infers them for the same ophyd classes: every ophyd Device
 * reads, triggers, stages, has configuration and takes subscriptions; the catalog's verbs add
 * moving (a positioner also checks values), stopping and flying. A signal reads, is subscribable
 * and, when writable, moves.
 */
function capabilities(part: Part) {
  const verbs = new Set<string>(isCompound(part) ? part.verbs : part.writable ? ['read', 'set'] : ['read']);
  const device = isCompound(part);
  const movable = verbs.has('set');
  return {
    is_movable: movable,
    is_flyable: verbs.has('kickoff') && verbs.has('complete'),
    is_readable: true,
    is_triggerable: device,
    is_stageable: device,
    is_configurable: device,
    is_pausable: false,
    is_stoppable: verbs.has('stop'),
    is_subscribable: true,
    is_checkable: device && movable,
    writes_external_assets: false,
  };
}

function deviceLabel(part: Part, labels: string[]): RegistryEntry['metadata']['device_label'] {
  for (const label of labels) {
    const kind = LABEL_KINDS[label.toLowerCase()];
    if (kind) return kind;
  }
  if (isSignal(part)) return 'signal';
  const verbs = new Set<string>(part.verbs);
  if (verbs.has('kickoff') && verbs.has('complete')) return 'flyer';
  if (verbs.has('set') && verbs.has('stop')) return 'motor';
  if (verbs.has('trigger')) return 'detector';
  return 'device';
}

/** Every signal's PV by dotted component path (`user_readback`, `cam.acquire`). */
function componentPvs(device: CompoundPart, path: string[] = [], into: Record<string, string> = {}) {
  for (const [attr, part] of device.parts) {
    if (isSignal(part)) into[[...path, attr].join('.')] = part.pv;
    else if (isCompound(part)) componentPvs(part, [...path, attr], into);
  }
  return into;
}

/** ophyd's `labels` of a device (an array or a set of strings), as startup code sets them. */
function labelsOf(value: unknown): string[] {
  const labels = (value as { labels?: unknown } | null)?.labels;
  if (!(Array.isArray(labels) || labels instanceof Set)) return [];
  return [...labels].filter((label): label is string => typeof label === 'string').sort();
}
