import { useEffect, useState } from 'react';
import { sharedSocket } from '../../socket.ts';
import { pvSocketUrl } from '../Pvs.tsx';

/** What the panel shows of a PV's health: connected or not, and its alarm severity. */
export interface PvHealth {
  connected?: boolean;
  severity?: number;
  error?: string;
}

/** EPICS alarm severities by number. */
export const SEVERITY_NAMES = ['NO_ALARM', 'MINOR', 'MAJOR', 'INVALID'];

/**
 * Live health of `pvs` over direct control's pv-socket (the page's one shared socket): subscribed
 * while the component using it is mounted, unsubscribed when it goes (the device panel closes).
 */
export function usePvHealth(directControlUrl: string, pvs: string[]): Record<string, PvHealth> {
  const [health, setHealth] = useState<Record<string, PvHealth>>({});
  const key = pvs.join('\n');

  useEffect(() => {
    const wanted = new Set(key ? key.split('\n') : []);
    const socket = sharedSocket(pvSocketUrl(directControlUrl));
    setHealth({});
    const stop = socket.onMessage((message) => {
      const pv = typeof message.pv === 'string' ? message.pv : undefined;
      if (!pv || !wanted.has(pv)) return;
      const change: PvHealth = {};
      if (typeof message.connected === 'boolean') change.connected = message.connected;
      if (typeof message.severity === 'number') change.severity = message.severity;
      if (message.type === 'error' || typeof message.error === 'string') change.error = String(message.error);
      else if (Object.keys(change).length === 0) return;
      else change.error = undefined;
      setHealth((old) => ({ ...old, [pv]: { ...old[pv], ...change } }));
    });
    // Keys of our own, so the PVs page's kept subscriptions are not forgotten by ours.
    for (const pv of wanted) socket.keep(`device-health:${pv}`, { action: 'subscribe', pv });
    return () => {
      stop();
      for (const pv of wanted) {
        socket.forget(`device-health:${pv}`);
        socket.send({ action: 'unsubscribe', pv });
      }
    };
  }, [directControlUrl, key]);

  return health;
}
