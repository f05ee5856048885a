/**
 * Device registry reads and device changes (spec §1.4.3–1.4.7, 1.4.10–1.4.11, 1.4.19–1.4.23).
 * Changes need the store (`unsupported` without it), take the registry's turn, write the store
 * first and only then change memory; a locked device is neither updated nor deleted.
 */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError } from '@ophyd-service/service-kit';
import type { Glob } from '../glob.ts';
import { normalizeMetadata, normalizeSpec } from '../model.ts';
import type { DeviceLabel, DeviceMetadata, DeviceSpec } from '../schemas.ts';
import type { ConfigurationState } from '../state.ts';

type Schemas = components['schemas'];
type CrudResponse = Schemas['DeviceCRUDResponse'];

const crud = (device_name: string, operation: string, message: string): CrudResponse => ({
  success: true,
  device_name,
  operation,
  message,
});

export interface DeviceFilter {
  device_label?: DeviceLabel;
  pattern?: Glob;
  ophyd_class?: string;
  readable?: boolean;
  movable?: boolean;
  flyable?: boolean;
}

/** Sorted names of the devices that pass every filter given (an empty ophyd_class filters nothing). */
export function listDevices(state: ConfigurationState, filter: DeviceFilter): string[] {
  const flags = {
    is_readable: filter.readable,
    is_movable: filter.movable,
    is_flyable: filter.flyable,
  };
  return [...state.registry.devices.values()]
    .filter(
      (d) =>
        (filter.device_label === undefined || d.device_label === filter.device_label) &&
        (!filter.pattern || filter.pattern.test(d.name)) &&
        (!filter.ophyd_class || d.ophyd_class === filter.ophyd_class),
    )
    .filter((d) =>
      Object.entries(flags).every(
        ([flag, want]) => want === undefined || d[flag as keyof typeof flags] === want,
      ),
    )
    .map((d) => d.name)
    .sort();
}

export const devicesInfo = (state: ConfigurationState): Record<string, DeviceMetadata> =>
  Object.fromEntries(state.registry.devices);

export const deviceClasses = (state: ConfigurationState): string[] =>
  [...new Set([...state.registry.devices.values()].map((d) => d.ophyd_class).filter(Boolean))].sort();

export const deviceLabels = (state: ConfigurationState): DeviceLabel[] =>
  [...new Set([...state.registry.devices.values()].map((d) => d.device_label))].sort();

/** Instantiation specs by name: the active ones, or all. */
export const listInstantiations = (
  state: ConfigurationState,
  activeOnly: boolean,
): Record<string, DeviceSpec> =>
  Object.fromEntries([...state.registry.specs].filter(([, spec]) => !activeOnly || spec.active));

export const getDevice = (state: ConfigurationState, name: string): DeviceMetadata => state.device(name);

/** A device's component → PV map with connection placeholders (the registry knows no live state). */
export function devicePvs(state: ConfigurationState, name: string) {
  const metadata = state.device(name);
  const pvs = Object.fromEntries(
    Object.entries(metadata.pvs).map(([component, pv]) => [
      component,
      { pv_name: pv, connected: state.registry.index.has(pv) ? false : null, dtype: null },
    ]),
  );
  return {
    device_name: metadata.name,
    device_label: metadata.device_label,
    pvs,
    count: Object.keys(pvs).length,
  };
}

export function deviceInstantiation(state: ConfigurationState, name: string): DeviceSpec {
  const found = state.device(name).name;
  const spec = state.registry.specs.get(found);
  if (!spec) throw new DomainError('not_found', `Instantiation spec not found for device: ${found}`);
  return spec;
}

export async function createDevice(
  state: ConfigurationState,
  request: Schemas['DeviceCreateRequest'],
): Promise<CrudResponse> {
  state.requireStore();
  const metadata = normalizeMetadata(request.metadata);
  const spec = normalizeSpec(request.instantiation_spec);
  if (metadata.name !== spec.name) {
    throw new DomainError(
      'bad_request',
      `Name mismatch: metadata.name='${metadata.name}' != instantiation_spec.name='${spec.name}'`,
    );
  }
  state.checkAllowed(spec.device_class);
  await state.exclusive(async () => {
    if (state.registry.devices.has(metadata.name))
      throw new DomainError('conflict', `Device already exists: ${metadata.name}`);
    await state.write((store) =>
      store.upsertDevice(
        { name: metadata.name, metadata: metadata as never, spec: spec as never },
        {
          deviceName: metadata.name,
          operation: 'add',
          details: { device_label: metadata.device_label, ophyd_class: metadata.ophyd_class },
        },
      ),
    );
    state.registry.add(metadata, spec);
  });
  return crud(metadata.name, 'create', `Device '${metadata.name}' created successfully`);
}

/** A partial update: only the keys sent change (an explicit null counts as sent). */
export async function updateDevice(
  state: ConfigurationState,
  name: string,
  request: Schemas['DeviceUpdateRequest'],
): Promise<CrudResponse> {
  state.requireStore();
  const sentMeta = (request.metadata ?? null) as Record<string, unknown> | null;
  const sentSpec = (request.instantiation_spec ?? null) as Record<string, unknown> | null;
  if (sentMeta?.name != null && sentMeta.name !== name)
    throw new DomainError('bad_request', `Name in body '${sentMeta.name}' does not match path '${name}'`);
  if (sentSpec?.name != null && sentSpec.name !== name)
    throw new DomainError('bad_request', `Spec name '${sentSpec.name}' does not match path '${name}'`);
  if (typeof sentSpec?.device_class === 'string') state.checkAllowed(sentSpec.device_class);
  await state.exclusive(async () => {
    const current = state.device(name);
    if (state.locks.live(name)) {
      throw new DomainError(
        'conflict',
        `Device '${name}' is locked and cannot be updated; unlock it (or wait for the plan to finish) first`,
      );
    }
    const currentSpec = state.registry.specs.get(name) ?? null;
    const metadata = sentMeta
      ? merge(state, 'DeviceMetadata', current, sentMeta, 'Invalid metadata update')
      : current;
    let spec = currentSpec;
    if (sentSpec) {
      spec = currentSpec
        ? merge(state, 'DeviceInstantiationSpec', currentSpec, sentSpec, 'Invalid instantiation spec update')
        : merge(
            state,
            'DeviceInstantiationSpec',
            { name } as DeviceSpec,
            sentSpec,
            'Invalid instantiation spec',
          );
    }
    const changed = [...Object.keys(sentMeta ?? {}), ...Object.keys(sentSpec ?? {}).map((k) => `spec.${k}`)];
    const nextMeta = normalizeMetadata(metadata);
    const nextSpec = spec ? normalizeSpec(spec) : null;
    await state.write((store) =>
      store.upsertDevice(
        { name, metadata: nextMeta as never, spec: nextSpec as never },
        {
          deviceName: name,
          operation: 'update',
          details: changed.length ? { changed_fields: changed } : null,
        },
      ),
    );
    state.registry.replace(nextMeta, nextSpec);
  });
  return crud(name, 'update', `Device '${name}' updated successfully`);
}

/** Overlays the sent keys on the stored record and checks the result as the full model. */
function merge<T extends object>(
  state: ConfigurationState,
  schema: string,
  current: T,
  sent: Record<string, unknown>,
  what: string,
): T {
  const merged = { ...current, ...sent } as Record<string, unknown>;
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const issues = state.schemas.check('body', schema, merged);
  if (issues.length > 0) {
    const text = issues.map((i) => `${i.loc.slice(1).join('.') || 'body'}: ${i.msg}`).join('; ');
    throw new DomainError('invalid', `${what}: ${text}`);
  }
  return merged as T;
}

export async function deleteDevice(state: ConfigurationState, name: string): Promise<CrudResponse> {
  state.requireStore();
  await state.exclusive(async () => {
    const metadata = state.device(name);
    if (state.locks.live(name)) {
      throw new DomainError(
        'conflict',
        `Device '${name}' is locked and cannot be deleted; unlock it (or wait for the plan to finish) first`,
      );
    }
    await state.write((store) =>
      store.deleteDevice(name, {
        deviceName: name,
        operation: 'delete',
        details: { ophyd_class: metadata.ophyd_class, device_label: metadata.device_label },
      }),
    );
    state.registry.remove(name);
  });
  return crud(name, 'delete', `Device '${name}' deleted successfully`);
}

/** Enables or disables a device (its spec's active flag); saying so again changes nothing. */
export async function setEnabled(
  state: ConfigurationState,
  name: string,
  enable: boolean,
): Promise<CrudResponse> {
  state.requireStore();
  const word = enable ? 'enable' : 'disable';
  const message = await state.exclusive(async () => {
    const metadata = state.device(name);
    const spec = state.registry.specs.get(name);
    if (!spec) throw new DomainError('not_found', `No instantiation spec for device: ${name}`);
    if (spec.active === enable) return `Device '${name}' is already ${word}d`;
    const next = { ...spec, active: enable };
    await state.write((store) =>
      store.upsertDevice(
        { name, metadata: metadata as never, spec: next as never },
        { deviceName: name, operation: word, details: { field: 'active', old: spec.active, new: enable } },
      ),
    );
    state.registry.specs.set(name, next);
    return `Device '${name}' ${word}d`;
  });
  return crud(name, word, message);
}
