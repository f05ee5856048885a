/** Canonical forms of the registry's records: defaults filled in and fields in the published order. */
import { derivePrefix as derivePrefixOf } from '@ophyd-service/devices';
import { type DeviceMetadata, type DeviceSpec, FLAGS } from './schemas.ts';

export function normalizeMetadata(
  raw: Partial<DeviceMetadata> & Pick<DeviceMetadata, 'name' | 'device_label' | 'ophyd_class'>,
): DeviceMetadata {
  return {
    name: raw.name,
    device_label: raw.device_label,
    ophyd_class: raw.ophyd_class,
    module: raw.module ?? null,
    ...(Object.fromEntries(FLAGS.map((flag) => [flag, raw[flag] ?? false])) as Record<
      (typeof FLAGS)[number],
      boolean
    >),
    pvs: { ...(raw.pvs ?? {}) },
    hints: raw.hints ?? null,
    read_attrs: [...(raw.read_attrs ?? [])],
    configuration_attrs: [...(raw.configuration_attrs ?? [])],
    parent: raw.parent ?? null,
    labels: [...(raw.labels ?? [])],
    beamline: raw.beamline ?? null,
    location_group: raw.location_group ?? null,
    functional_group: raw.functional_group ?? null,
    documentation: raw.documentation ?? null,
  };
}

export function normalizeSpec(
  raw: Partial<DeviceSpec> & Pick<DeviceSpec, 'name' | 'device_class'>,
): DeviceSpec {
  return {
    name: raw.name,
    device_class: raw.device_class,
    args: [...(raw.args ?? [])],
    kwargs: { ...(raw.kwargs ?? {}) },
    active: raw.active ?? true,
    framework: raw.framework ?? null,
  };
}

/** A device's PV prefix: `pvs.prefix`, else a `:`-bearing first argument, else the longest common PV prefix. */
export const derivePrefix = (metadata: DeviceMetadata, spec: DeviceSpec | null | undefined): string | null =>
  derivePrefixOf(metadata.pvs, spec?.args);

/** The settable heuristic of the component listing. */
export function isSettable(component: string, pv: string | null): boolean {
  const last = component.split('.').at(-1)!;
  if (
    ['user_setpoint', 'setpoint', 'val'].includes(last) ||
    ['user_setpoint', 'setpoint', 'val'].includes(component)
  )
    return true;
  if (!pv) return false;
  const upper = pv.toUpperCase();
  return !['RBV', 'READBACK', 'STAT'].some((word) => upper.includes(word));
}
