/**
 * The happi JSON database loader (spec §4.3): one entry per key, templates filled, flags and label
 * inferred, PVs from the class catalog's walk of compound classes. All or nothing.
 */
import { readFileSync } from 'node:fs';
import { type Catalog, findClass, walkLeaves } from '@ophyd-service/devices';
import { capabilityFlags, inferLabel } from '../capabilities.ts';
import { normalizeMetadata, normalizeSpec } from '../model.ts';
import type { DeviceSpec } from '../schemas.ts';
import { LoadError, type LoadedDevice, refusePartial } from './types.ts';

type Entry = Record<string, unknown>;

export function loadHappi(file: string, catalog: Catalog): LoadedDevice[] {
  let db: unknown;
  try {
    db = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LoadError(`happi database ${file}: ${(err as Error).message}`);
  }
  if (!db || typeof db !== 'object' || Array.isArray(db))
    throw new LoadError(`happi database ${file}: expected a JSON object keyed by device name`);
  const devices: LoadedDevice[] = [];
  const errors: string[] = [];
  const entries = Object.entries(db as Record<string, Entry>);
  for (const [name, entry] of entries) {
    try {
      const device = happiEntry(name, entry, catalog);
      if (device) devices.push(device);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  refusePartial('happi', file, entries.length, errors);
  return devices;
}

function happiEntry(name: string, entry: Entry, catalog: Catalog): LoadedDevice | null {
  if (!entry || typeof entry !== 'object') throw new Error('entry is not an object');
  if (!entry.active) return null; // inactive entries are skipped, as happi clients do
  const deviceClass = entry.device_class;
  if (typeof deviceClass !== 'string' || deviceClass === '')
    throw new Error("missing required 'device_class' field");
  const framework = entry.framework ?? null;
  if (framework !== null && framework !== 'ophyd-sync' && framework !== 'ophyd-async') {
    throw new Error(`invalid framework ${JSON.stringify(framework)} (expected ophyd-sync or ophyd-async)`);
  }
  const prefix = typeof entry.prefix === 'string' ? entry.prefix : undefined;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value.includes('{{prefix}}') && prefix === undefined)
        throw new Error("uses {{prefix}} but the entry has no 'prefix'");
      return value.replaceAll('{{prefix}}', prefix ?? '').replaceAll('{{name}}', name);
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  const args = fill(entry.args ?? []) as unknown[];
  const kwargs = fill(entry.kwargs ?? {}) as Record<string, unknown>;
  if (!Array.isArray(args)) throw new Error("'args' must be a list");
  const dot = deviceClass.lastIndexOf('.');
  const className = deviceClass.slice(dot + 1);
  const module = dot > 0 ? deviceClass.slice(0, dot) : null;
  const group = typeof entry.functional_group === 'string' ? entry.functional_group : null;
  const text = (key: string) => (typeof entry[key] === 'string' ? (entry[key] as string) : null);
  const metadata = normalizeMetadata({
    name,
    device_label: inferLabel(className, { functionalGroup: group }),
    ophyd_class: className,
    module,
    ...capabilityFlags(className),
    pvs: happiPvs(className, deviceClass, args, kwargs, prefix, catalog),
    labels: group ? [group] : [],
    beamline: text('beamline'),
    location_group: text('location_group'),
    functional_group: group,
    documentation: text('documentation'),
  });
  const spec: DeviceSpec = normalizeSpec({
    name,
    device_class: deviceClass,
    args,
    kwargs,
    active: true,
    framework: framework as DeviceSpec['framework'],
  });
  return { metadata, spec };
}

/** The PV map of an entry: the signal/motor shortcuts, then the catalog walk for compounds. */
function happiPvs(
  className: string,
  deviceClass: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  prefix: string | undefined,
  catalog: Catalog,
): Record<string, string> {
  const lower = className.toLowerCase();
  const first = typeof args[0] === 'string' ? (args[0] as string) : undefined;
  let pvs: Record<string, string> = {};
  if (lower.includes('motor') && lower.includes('epics') && first) {
    pvs = {
      user_setpoint: first,
      user_readback: `${first}.RBV`,
      velocity: `${first}.VELO`,
      acceleration: `${first}.ACCL`,
    };
  } else if (lower.includes('signal') && lower.includes('epics') && first) {
    pvs = { readback: first };
  }
  if (typeof kwargs.read_pv === 'string') pvs.readback = kwargs.read_pv;
  if (first?.includes(':')) pvs.prefix = first;
  const onlyPrefix = Object.keys(pvs).every((k) => k === 'prefix');
  const walkPrefix = first ?? prefix;
  if (onlyPrefix && walkPrefix !== undefined) {
    const found = findClass(catalog, deviceClass);
    if ('spec' in found && found.spec.components) {
      const leaves = walkLeaves(catalog, found.spec, walkPrefix);
      if (Object.keys(leaves).length > 0) pvs = leaves;
    }
  }
  if (Object.keys(pvs).length === 0 && prefix) pvs = { prefix };
  return pvs;
}
