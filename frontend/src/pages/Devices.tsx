import type { components } from '@ophyd-service/api-types/configuration';
import { useEffect, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import type { UiConfig } from '../config.ts';
import { DevicePanel } from './devices/DevicePanel.tsx';
import { DeviceStatusBadges } from './devices/DeviceStatusBadges.tsx';
import { useDeviceStatuses } from './devices/useDeviceStatuses.ts';

type DeviceLabel = components['schemas']['DeviceLabel'];
const LABELS: DeviceLabel[] = ['motor', 'detector', 'signal', 'flyer', 'readable', 'device'];

/** The registry: devices by label and name search, each one's lock and state; a chosen device's PVs. */
export function DevicesPage({ clients, config }: { clients: Clients; config: UiConfig }) {
  const [label, setLabel] = useState<DeviceLabel | ''>('');
  const [search, setSearch] = useState('');
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState('');
  const statuses = useDeviceStatuses(clients, chosen && !names.includes(chosen) ? [...names, chosen] : names);

  useEffect(() => {
    const query = { ...(label && { device_label: label }), ...(search && { pattern: `*${search}*` }) };
    // A newer filter cancels the older request: an answer that comes late must not replace the
    // newer list (a slow unfiltered list after a name filter's answer showed every device).
    const request = new AbortController();
    clients.configuration.GET('/api/v1/devices', { params: { query }, signal: request.signal }).then(
      ({ data, error }) => {
        if (request.signal.aborted) return;
        setError(error ? JSON.stringify(error) : '');
        setNames(data ?? []);
      },
      (e: unknown) => {
        if (!request.signal.aborted) setError(String(e));
      },
    );
    return () => request.abort();
  }, [clients, label, search]);

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <label>
        Label{' '}
        <select value={label} onChange={(e) => setLabel(e.target.value as DeviceLabel | '')}>
          <option value="">any</option>
          {LABELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Name <input value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      {error && <p role="alert">{error}</p>}
      <div style={{ display: 'flex', gap: '2em', alignItems: 'flex-start' }}>
        <ul aria-label="Device list">
          {names.map((name) => {
            const disabled = statuses[name]?.enabled === false;
            return (
              <li key={name} data-device={name} style={{ color: disabled ? '#888' : undefined }}>
                <button
                  type="button"
                  aria-pressed={chosen === name}
                  onClick={() => setChosen(name)}
                  style={{ opacity: disabled ? 0.6 : 1 }}
                >
                  {name}
                </button>
                <DeviceStatusBadges name={name} status={statuses[name]} />
              </li>
            );
          })}
        </ul>
        {chosen && (
          <DevicePanel
            key={chosen}
            name={chosen}
            clients={clients}
            directControlUrl={config.directControlUrl}
            status={statuses[chosen]}
            onClose={() => setChosen('')}
          />
        )}
      </div>
    </section>
  );
}
