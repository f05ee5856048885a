import { useState } from 'react';
import type { Clients } from './api/clients.ts';
import type { UiConfig } from './config.ts';
import { CameraPage } from './pages/Camera.tsx';
import { DevicesPage } from './pages/Devices.tsx';
import { PvsPage } from './pages/Pvs.tsx';
import { QueuePage } from './pages/Queue.tsx';

const PAGES = ['Devices', 'PVs', 'Queue', 'Camera'] as const;
type Page = (typeof PAGES)[number];

/** The one page: a tab bar over the Devices, PVs and Queue screens. */
export function App({ config, clients }: { config: UiConfig; clients: Clients }) {
  const [page, setPage] = useState<Page>('Devices');
  return (
    <main style={{ fontFamily: 'sans-serif', margin: '1em' }}>
      <nav aria-label="Screens">
        {PAGES.map((name) => (
          <button
            key={name}
            type="button"
            aria-pressed={page === name}
            onClick={() => setPage(name)}
            style={{ fontWeight: page === name ? 'bold' : 'normal', marginRight: '0.5em' }}
          >
            {name}
          </button>
        ))}
      </nav>
      {page === 'Devices' && <DevicesPage clients={clients} config={config} />}
      {page === 'PVs' && <PvsPage clients={clients} config={config} />}
      {page === 'Queue' && <QueuePage clients={clients} config={config} />}
      {page === 'Camera' && <CameraPage config={config} />}
    </main>
  );
}
