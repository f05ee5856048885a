import { useEffect, useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import { lockText } from './DeviceStatusBadges.tsx';
import type { DeviceStatus } from './useDeviceStatuses.ts';
import { SEVERITY_NAMES, usePvHealth } from './usePvHealth.ts';

/** `/devices/{name}/pvs` as the spec gives it (the OpenAPI document leaves it an untyped object). */
interface DevicePvs {
  device_name: string;
  device_label?: string;
  pvs: Record<string, { pv_name?: string | null; connected?: boolean | null }>;
}

/** Alarm severity (0 none … 3 invalid) as the cell's background, as on the PVs page. */
const SEVERITY_COLOURS = ['transparent', '#ffe08a', '#ff9a9a', '#d0d0d0'];

/** A chosen device: enabled or not, its lock and holder, and each component's PV with live health. */
export function DevicePanel({
  name,
  clients,
  directControlUrl,
  status,
  onClose,
}: {
  name: string;
  clients: Clients;
  directControlUrl: string;
  status?: DeviceStatus;
  onClose: () => void;
}) {
  const [pvs, setPvs] = useState<DevicePvs | undefined>();
  const [error, setError] = useState('');

  useEffect(() => {
    setPvs(undefined);
    clients.configuration
      .GET('/api/v1/devices/{device_name}/pvs', { params: { path: { device_name: name } } })
      .then(
        ({ data, error }) => {
          setPvs(data as unknown as DevicePvs | undefined);
          setError(error ? JSON.stringify(error) : '');
        },
        (e: unknown) => setError(String(e)),
      );
  }, [clients, name]);

  const components = Object.entries(pvs?.pvs ?? {});
  const pvNames = components.map(([, entry]) => entry.pv_name).filter((pv): pv is string => !!pv);
  const health = usePvHealth(directControlUrl, pvNames);

  return (
    <section
      aria-label={`Device ${name}`}
      style={{ opacity: status && !status.enabled ? 0.6 : 1, position: 'sticky', top: '1em' }}
    >
      <h2>
        {name}: components and PVs{' '}
        <button type="button" onClick={onClose} aria-label={`Close ${name}`}>
          Close
        </button>
      </h2>
      {error && <p role="alert">{error}</p>}
      <dl style={{ display: 'grid', gridTemplateColumns: 'max-content auto', gap: '0.2em 1em' }}>
        <dt>Label</dt>
        <dd style={{ margin: 0 }}>{pvs?.device_label ?? ''}</dd>
        <dt>State</dt>
        <dd data-testid={`state-of-${name}`} style={{ margin: 0 }}>
          {status ? (status.enabled ? 'enabled' : 'disabled') : '…'}
        </dd>
        <dt>Lock</dt>
        <dd data-testid={`lock-of-${name}`} style={{ margin: 0 }}>
          {status ? lockText(status) : '…'}
        </dd>
      </dl>
      <table aria-label={`PVs of ${name}`}>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">PV</th>
            <th scope="col">Connection</th>
            <th scope="col">Severity</th>
          </tr>
        </thead>
        <tbody>
          {components.map(([component, entry]) => {
            const pv = entry.pv_name ?? '';
            const pvHealth = health[pv] ?? {};
            const connection =
              pvHealth.error ??
              (pvHealth.connected === undefined
                ? 'waiting'
                : pvHealth.connected
                  ? 'connected'
                  : 'disconnected');
            const severity = pvHealth.severity;
            return (
              <tr key={component} data-pv={pv}>
                <td>{component}</td>
                <td>{pv}</td>
                <td data-testid={`health-${pv}`}>{connection}</td>
                <td data-testid={`severity-${pv}`} style={{ background: SEVERITY_COLOURS[severity ?? 0] }}>
                  {severity === undefined ? '' : (SEVERITY_NAMES[severity] ?? String(severity))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
