/** The audit log and the change feed built on it (spec §1.4.8–1.4.9); both read the store. */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError } from '@ophyd-service/service-kit';
import type { ConfigurationState } from '../state.ts';
import type { AuditEntry } from '../store/store.ts';

/** The audit operations that change a device, so the feed reports them. */
const FEED_OPERATIONS = new Set(['seed', 'add', 'update', 'delete', 'enable', 'disable']);

/** The audit log, newest first: one device's entries when `deviceName` is non-empty. */
export async function history(
  state: ConfigurationState,
  query: { deviceName?: string; limit: number },
): Promise<AuditEntry[]> {
  state.requireStore();
  // PostgreSQL text cannot hold a NUL (the query itself would fail): refused on every backend alike.
  if (query.deviceName?.includes('\0'))
    throw new DomainError('invalid', 'device_name must not contain NUL (0x00) characters');
  return state.write((store) =>
    store.history({ deviceName: query.deviceName || undefined, limit: query.limit }),
  );
}

/** Devices changed after the audit cursor `since`, each once with its current state (or deleted). */
export async function changes(
  state: ConfigurationState,
  since: number,
): Promise<components['schemas']['DeviceChangesResponse']> {
  state.requireStore();
  return state.write(async (store) => {
    const current_version = await store.maxAuditId();
    const service_epoch = (await store.seededEpoch()) ?? 'unseeded';
    if (since >= current_version)
      return { current_version, service_epoch, reset_occurred: false, changes: [] };
    const rows = await store.auditSince(since);
    const reset_occurred = rows.some((r) => r.operation === 'reset');
    const latest = new Map<string, AuditEntry>();
    for (const row of rows) {
      if (!FEED_OPERATIONS.has(row.operation) || row.device_name === '*') continue;
      latest.delete(row.device_name); // re-insert so map order follows the latest id
      latest.set(row.device_name, row);
    }
    const list: components['schemas']['DeviceChangeEntry'][] = [];
    for (const row of latest.values()) {
      const stored = row.operation === 'delete' ? null : await store.getDevice(row.device_name);
      list.push(
        stored
          ? {
              device_name: row.device_name,
              op: 'upsert',
              version: row.id,
              metadata: stored.metadata as never,
              spec: stored.spec as never,
            }
          : { device_name: row.device_name, op: 'delete', version: row.id, metadata: null, spec: null },
      );
    }
    return { current_version, service_epoch, reset_occurred, changes: list };
  });
}
