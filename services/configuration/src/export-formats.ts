/**
 * The registry as the reference exports it (spec §1.4.26): a happi JSON database, or a BITS
 * devices.yml. Shared by GET /api/v1/registry/export and `ophyd-service configuration export`.
 */
import { yaml } from '@ophyd-service/service-kit';
import type { DeviceMetadata, DeviceSpec } from './schemas.ts';

export function happiEntry(metadata: DeviceMetadata, spec: DeviceSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    _id: metadata.name,
    name: metadata.name,
    device_class: spec.device_class,
    args: spec.args,
    kwargs: spec.kwargs,
    type: spec.device_class,
    active: spec.active,
  };
  for (const key of ['beamline', 'functional_group', 'location_group', 'documentation'] as const) {
    if (metadata[key]) entry[key] = metadata[key];
  }
  if (spec.framework) entry.framework = spec.framework;
  const first = spec.args[0];
  if (typeof first === 'string' && first.includes(':')) entry.prefix = first;
  return entry;
}

export function bitsDocument(devices: { metadata: DeviceMetadata; spec: DeviceSpec }[]): string {
  // Keyed by device class, which is client input: a Map, so `constructor` is a class like any other.
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const { metadata, spec } of devices) {
    const dot = spec.device_class.lastIndexOf('.');
    const last = spec.device_class.slice(dot + 1);
    const factory = dot > 0 && !/^[A-Z]/.test(last);
    const key = factory ? spec.device_class.slice(0, dot) : spec.device_class;
    const entry: Record<string, unknown> = factory
      ? { name: metadata.name, creator: last }
      : { name: metadata.name };
    if (typeof spec.args[0] === 'string' && spec.args[0]) entry.prefix = spec.args[0];
    if (typeof spec.kwargs.read_pv === 'string' && spec.kwargs.read_pv) entry.read_pv = spec.kwargs.read_pv;
    const labels = metadata.labels.length
      ? metadata.labels
      : Array.isArray(spec.kwargs.labels)
        ? spec.kwargs.labels
        : [];
    if (labels.length) entry.labels = labels;
    const group = groups.get(key) ?? [];
    group.push(entry);
    groups.set(key, group);
  }
  return yaml().stringify(groups, { sortMapEntries: true });
}
