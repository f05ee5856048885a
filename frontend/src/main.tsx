import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { makeClients } from './api/clients.ts';
import { loadConfig } from './config.ts';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadConfig().then(
  (config) => root.render(<App config={config} clients={makeClients(config)} />),
  (error: unknown) => root.render(<p role="alert">Could not load /config.json: {String(error)}</p>),
);
