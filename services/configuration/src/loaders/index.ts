/** Load strategies (spec §4.2): auto, empty, happi, bits, mock. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '@ophyd-service/devices';
import { bitsDevicesFile, loadBits } from './bits.ts';
import { loadHappi } from './happi.ts';
import { mockDevices } from './mock.ts';
import { LoadError, type LoadedDevice } from './types.ts';

export { LoadError, type LoadedDevice } from './types.ts';
export const LOAD_STRATEGIES = ['auto', 'empty', 'happi', 'bits', 'mock'] as const;
export type LoadStrategy = (typeof LOAD_STRATEGIES)[number];

const HAPPI_FILES = ['happi_db.json', 'happi.json', 'db.json'];

/**
 * `profilePath` may be a directory (as in the reference) or, for happi, the JSON file itself.
 */
export function loadDevices(
  strategy: LoadStrategy,
  profilePath: string | undefined,
  catalog: Catalog,
): LoadedDevice[] {
  if (strategy === 'empty') return [];
  if (strategy === 'mock') return mockDevices();
  if (!profilePath || !existsSync(profilePath)) {
    throw new LoadError(
      `CONFIG_PROFILE_PATH ${profilePath ? `'${profilePath}' does not exist` : 'is not set'}: the ${strategy} strategy needs a profile (use CONFIG_LOAD_STRATEGY=mock or empty to start without one)`,
    );
  }
  const happiFile = statSync(profilePath).isFile()
    ? profilePath
    : HAPPI_FILES.map((f) => join(profilePath, f)).find((f) => existsSync(f));
  if (strategy === 'happi') {
    if (!happiFile) throw new LoadError(`no ${HAPPI_FILES.join(', ')} in ${profilePath}`);
    return loadHappi(happiFile, catalog);
  }
  if (strategy === 'bits') return loadBits(profilePath);
  if (happiFile) return loadHappi(happiFile, catalog);
  if (bitsDevicesFile(profilePath)) return loadBits(profilePath);
  throw new LoadError(
    `nothing to load in ${profilePath}: no happi database (${HAPPI_FILES.join(', ')}) and no BITS devices.yml; populate the registry through the API with CONFIG_LOAD_STRATEGY=empty`,
  );
}
