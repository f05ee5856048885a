import { useEffect, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import { refusalText } from './serviceRefusal.ts';

/** Whether direct control takes writes, as its /health says; `reason` says why not when it does not. */
export interface WriteAccess {
  /** undefined until the service has answered. */
  allowed?: boolean;
  reason?: string;
}

/** The text shown beside every control while the service is read-only. */
export const READ_ONLY_REASON = 'writes are off on this service (DIRECT_CONTROL_GLOBAL_READ_ONLY)';

/** Asks direct control's /health once whether writes are on (its `read_only` flag), never guessing. */
export function useWriteAccess(clients: Clients): WriteAccess {
  const [access, setAccess] = useState<WriteAccess>({});
  useEffect(() => {
    let current = true;
    clients.directControl
      .GET('/health')
      .then(({ data, error, response }) => {
        if (!current) return;
        // An unhealthy service (503) still answers the same body, read_only included.
        const body = data ?? (error as { read_only?: unknown } | undefined);
        if (typeof body?.read_only === 'boolean') {
          setAccess(body.read_only ? { allowed: false, reason: READ_ONLY_REASON } : { allowed: true });
        } else
          setAccess({
            allowed: false,
            reason: `health check failed: ${refusalText(error, response.status)}`,
          });
      })
      .catch((err: unknown) => {
        if (current) setAccess({ allowed: false, reason: `health check failed: ${String(err)}` });
      });
    return () => {
      current = false;
    };
  }, [clients]);
  return access;
}
