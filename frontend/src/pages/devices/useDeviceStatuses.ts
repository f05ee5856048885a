import type { components } from '@ophyd-service/api-types/configuration';
import { useEffect, useState } from 'react';
import type { Clients } from '../../api/clients.ts';

/** A device's lock and enabled state as the registry's `/devices/{name}/status` reports it. */
export type DeviceStatus = components['schemas']['DeviceStatusResponse'];

/** How often the registry's change cursor is asked while the page is visible. */
const CHECK_MS = 5000;

/**
 * The lock and enabled state of each named device, kept current. The registry pushes nothing, so
 * the page asks `/devices/changes` for its cursor alone (one small request) every 5 s while it is
 * visible; its `current_version` moves on every lock, unlock, enable and disable, and only then
 * are the devices' statuses fetched again. Without the registry's database that route answers 501, and
 * the statuses themselves are fetched on each check instead. A lock with a lease (`locked_until`)
 * can lapse with no version change, so statuses are also fetched while one is shown.
 */
export function useDeviceStatuses(clients: Clients, names: string[]): Record<string, DeviceStatus> {
  const [statuses, setStatuses] = useState<Record<string, DeviceStatus>>({});
  const key = names.join('\n');

  useEffect(() => {
    const wanted = key ? key.split('\n') : [];
    let cancelled = false;
    let version: number | undefined;
    let epoch: string | undefined;
    let leased = false;

    const fetchStatuses = async () => {
      const entries = await Promise.all(
        wanted.map(async (name) => {
          const { data } = await clients.configuration.GET('/api/v1/devices/{device_name}/status', {
            params: { path: { device_name: name } },
          });
          return [name, data] as const;
        }),
      );
      if (cancelled) return;
      const next: Record<string, DeviceStatus> = {};
      for (const [name, status] of entries) if (status) next[name] = status;
      leased = Object.values(next).some((status) => status.locked_until);
      setStatuses(next);
    };

    const check = async () => {
      if (document.visibilityState !== 'visible') return;
      const { data } = await clients.configuration.GET('/api/v1/devices/changes', {
        // A cursor beyond the newest change: the answer is the cursor alone, never a list of changes.
        params: { query: { since_version: Number.MAX_SAFE_INTEGER } },
      });
      if (cancelled) return;
      const moved = !data || data.current_version !== version || data.service_epoch !== epoch;
      version = data?.current_version;
      epoch = data?.service_epoch;
      if (moved || leased) await fetchStatuses();
    };

    const run = () => check().catch(() => undefined);
    run();
    const timer = setInterval(run, CHECK_MS);
    document.addEventListener('visibilitychange', run);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, [clients, key]);

  return statuses;
}
