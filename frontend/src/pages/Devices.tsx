import { useEffect, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import type { components } from '../api/generated/configuration.ts';

type DeviceLabel = components['schemas']['DeviceLabel'];
const LABELS: DeviceLabel[] = ['motor', 'detector', 'signal', 'flyer', 'readable', 'device'];

/** The registry: devices by label and name search; a chosen device's components and PVs. */
export function DevicesPage({ clients }: { clients: Clients }) {
  const [label, setLabel] = useState<DeviceLabel | ''>('');
  const [search, setSearch] = useState('');
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState('');
  const [pvs, setPvs] = useState<unknown>(null);

  useEffect(() => {
    const query = { ...(label && { device_label: label }), ...(search && { pattern: `*${search}*` }) };
    clients.configuration.GET('/api/v1/devices', { params: { query } }).then(
      ({ data, error }) => {
        setError(error ? JSON.stringify(error) : '');
        setNames(data ?? []);
      },
      (e: unknown) => setError(String(e)),
    );
  }, [clients, label, search]);

  useEffect(() => {
    if (!chosen) return;
    clients.configuration
      .GET('/api/v1/devices/{device_name}/pvs', { params: { path: { device_name: chosen } } })
      .then(
        ({ data, error }) => setPvs(data ?? error),
        (e: unknown) => setPvs(String(e)),
      );
  }, [clients, chosen]);

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
      <ul aria-label="Device list">
        {names.map((name) => (
          <li key={name}>
            <button type="button" onClick={() => setChosen(name)}>
              {name}
            </button>
          </li>
        ))}
      </ul>
      {chosen && (
        <section aria-label={`Device ${chosen}`}>
          <h2>{chosen}: components and PVs</h2>
          <pre>{JSON.stringify(pvs, null, 2)}</pre>
        </section>
      )}
    </section>
  );
}
