/**
 * The PV index and standalone PVs (spec §1.4.27–1.4.34, 1.4.36). Standalone PVs live in the store
 * (`unsupported` without it); their changes take the registry's turn like device changes.
 */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError } from '@ophyd-service/service-kit';
import type { Glob } from '../glob.ts';
import { derivePrefix } from '../model.ts';
import { type ConfigurationState, STANDALONE_OFF } from '../state.ts';
import type { StoredStandalonePv } from '../store/store.ts';

type Schemas = components['schemas'];
type StandaloneCrud = Schemas['StandalonePVCRUDResponse'];

const standaloneCrud = (pv_name: string, operation: string, message: string): StandaloneCrud => ({
  success: true,
  pv_name,
  operation,
  message,
});

/** Every PV in the index (device-owned and standalone), sorted, optionally through a glob. */
export function listPvs(state: ConfigurationState, pattern: Glob | undefined) {
  const pvs = [...state.registry.index.keys()].filter((pv) => !pattern || pattern.test(pv)).sort();
  return { success: true, pvs, count: pvs.length };
}

/** Component → PV maps of every device that has PVs. */
export function pvsDetailed(state: ConfigurationState) {
  const devices = Object.fromEntries(
    [...state.registry.devices]
      .filter(([, d]) => Object.keys(d.pvs).length > 0)
      .map(([name, d]) => [name, d.pvs]),
  );
  return {
    success: true,
    devices,
    device_count: Object.keys(devices).length,
    pv_count: Object.values(devices).reduce((n, pvs) => n + Object.keys(pvs).length, 0),
  };
}

/** The device that owns a PV, its prefix and its other PVs (all null for a standalone PV). */
export function lookupPv(state: ConfigurationState, pv: string) {
  const entry = state.pvEntry(pv);
  if (entry.device_name === null) {
    return { pv_name: pv, device_name: null, device_label: null, prefix: null, sibling_pvs: {}, count: 0 };
  }
  const metadata = state.registry.devices.get(entry.device_name);
  if (!metadata)
    throw new DomainError(
      'failed',
      `Registry inconsistency: PV '${pv}' references device '${entry.device_name}' which has no metadata`,
    );
  return {
    pv_name: pv,
    device_name: metadata.name,
    device_label: metadata.device_label,
    prefix: derivePrefix(metadata, state.registry.specs.get(metadata.name)),
    sibling_pvs: metadata.pvs,
    count: Object.keys(metadata.pvs).length,
  };
}

/** A PV's index entry, with the live fields the registry cannot know left empty. */
export function getPv(state: ConfigurationState, pv: string): Schemas['PVMetadata'] {
  const entry = state.pvEntry(pv);
  return {
    pv,
    connected: false,
    dtype: null,
    units: null,
    precision: null,
    enum_strs: null,
    upper_ctrl_limit: null,
    lower_ctrl_limit: null,
    device_name: entry.device_name,
    component_name: entry.component_name,
  };
}

export async function createStandalone(
  state: ConfigurationState,
  request: Schemas['StandalonePVCreateRequest'],
): Promise<StandaloneCrud> {
  state.requireStore(STANDALONE_OFF);
  const pv = request.pv_name;
  await state.exclusive(async () => {
    if (state.registry.index.has(pv))
      throw new DomainError('conflict', `PV already exists in registry: ${pv}`);
    await state.write(async (store) => {
      if (await store.getStandalone(pv))
        throw new DomainError('conflict', `Standalone PV already registered: ${pv}`);
      await store.upsertStandalone({
        pv_name: pv,
        description: request.description ?? null,
        protocol: request.protocol,
        access_mode: request.access_mode,
        labels: request.labels,
        source: 'runtime',
        created_by: null,
      });
    }, STANDALONE_OFF);
    state.registry.addStandalone(pv);
  });
  return standaloneCrud(pv, 'create', `Standalone PV '${pv}' registered successfully`);
}

/** Standalone PVs carrying every label in `labels` (all of them when it is empty), by name. */
export async function listStandalone(
  state: ConfigurationState,
  labels: string[],
): Promise<StoredStandalonePv[]> {
  state.requireStore(STANDALONE_OFF);
  const all = await state.write((store) => store.listStandalone(), STANDALONE_OFF);
  return all
    .filter((pv) => labels.every((label) => pv.labels.includes(label)))
    .sort((a, b) => (a.pv_name < b.pv_name ? -1 : 1));
}

export async function standaloneLabels(state: ConfigurationState): Promise<string[]> {
  state.requireStore(STANDALONE_OFF);
  const all = await state.write((store) => store.listStandalone(), STANDALONE_OFF);
  return [...new Set(all.flatMap((pv) => pv.labels))].sort();
}

/** Changes the keys sent (a null description or labels clears it). */
export async function updateStandalone(
  state: ConfigurationState,
  pv: string,
  request: Schemas['StandalonePVUpdateRequest'],
): Promise<StandaloneCrud> {
  state.requireStore(STANDALONE_OFF);
  await state.exclusive(() =>
    state.write(async (store) => {
      const current = await store.getStandalone(pv);
      if (!current) throw new DomainError('not_found', `Standalone PV not found: ${pv}`);
      await store.upsertStandalone({
        ...current,
        ...('description' in request ? { description: request.description ?? null } : {}),
        ...(request.protocol ? { protocol: request.protocol } : {}),
        ...(request.access_mode ? { access_mode: request.access_mode } : {}),
        ...('labels' in request ? { labels: request.labels ?? [] } : {}),
      });
    }, STANDALONE_OFF),
  );
  return standaloneCrud(pv, 'update', `Standalone PV '${pv}' updated successfully`);
}

/** Removes a standalone registration; a device that lists the PV keeps it in the index. */
export async function deleteStandalone(state: ConfigurationState, pv: string): Promise<StandaloneCrud> {
  state.requireStore(STANDALONE_OFF);
  await state.exclusive(async () => {
    const existed = await state.write((store) => store.deleteStandalone(pv), STANDALONE_OFF);
    if (!existed) throw new DomainError('not_found', `Standalone PV not found: ${pv}`);
    state.registry.removeStandalone(pv);
  });
  return standaloneCrud(pv, 'delete', `Standalone PV '${pv}' deleted successfully`);
}
