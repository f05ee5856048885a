/** Registry administration: reset, clear and export (spec §1.4.24–1.4.26). All need the store. */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError } from '@ophyd-service/service-kit';
import { bitsDocument, happiEntry } from '../export-formats.ts';
import { LoadError, type LoadedDevice } from '../loaders/index.ts';
import { type ConfigurationState, fromStored } from '../state.ts';

type CrudResponse = components['schemas']['DeviceCRUDResponse'];

/** Rebuilds the registry from the profile, dropping runtime changes and every lock. */
export async function resetRegistry(state: ConfigurationState): Promise<CrudResponse> {
  state.requireStore();
  const count = await state.exclusive(async () => {
    let devices: LoadedDevice[];
    try {
      devices = state.load();
    } catch (err) {
      if (err instanceof LoadError) throw new DomainError('failed', `Registry reset failed: ${err.message}`);
      throw err;
    }
    await state.reseed(devices);
    return devices.length;
  });
  return {
    success: true,
    device_name: '*',
    operation: 'reset',
    message: `Registry reset and re-seeded with ${count} devices from profile`,
  };
}

/** Empties the registry (standalone PVs stay) and drops every lock. */
export async function clearRegistry(state: ConfigurationState): Promise<CrudResponse> {
  state.requireStore();
  await state.exclusive(() => state.reseed([]));
  return {
    success: true,
    device_name: '*',
    operation: 'clear',
    message: 'Registry cleared. 0 devices. Use CRUD or EE sync to populate.',
  };
}

export type RegistryExport =
  | { format: 'happi'; devices: Record<string, unknown> }
  | { format: 'bits'; yaml: string };

/** The stored registry (not memory) as happi or BITS; any other format is a `bad_request`. */
export async function exportRegistry(state: ConfigurationState, format: string): Promise<RegistryExport> {
  state.requireStore();
  if (format !== 'happi' && format !== 'bits')
    throw new DomainError('bad_request', `Unsupported export format: '${format}'. Supported: happi, bits`);
  const stored = (await state.write((store) => store.loadDevices())).map(fromStored);
  const devices = stored.map(({ metadata, spec }) => {
    if (!spec)
      throw new DomainError(
        'failed',
        `Cannot export device '${metadata.name}': it has no instantiation spec`,
      );
    return { metadata, spec };
  });
  if (format === 'bits') return { format, yaml: bitsDocument(devices) };
  return {
    format,
    devices: Object.fromEntries(
      devices.map(({ metadata, spec }) => [metadata.name, happiEntry(metadata, spec)]),
    ),
  };
}
