import type { DeviceMetadata, DeviceSpec } from '../schemas.ts';

export interface LoadedDevice {
  metadata: DeviceMetadata;
  spec: DeviceSpec;
}

/** A seed file that cannot be loaded whole: nothing from it is used. */
export class LoadError extends Error {
  override name = 'LoadError';
}

/** Collects per-entry failures; a load with any failure is refused, naming the file and the entries. */
export function refusePartial(kind: string, file: string, total: number, errors: string[]): void {
  if (errors.length === 0) return;
  const shown = errors.slice(0, 20).join('; ');
  const more = errors.length > 20 ? `; ...and ${errors.length - 20} more` : '';
  throw new LoadError(
    `Failed to load ${errors.length} of ${total} ${kind} entries from ${file}; refusing to seed registry from partial data. Errors: ${shown}${more}`,
  );
}
