/** The configuration service on an ephemeral port, on SQLite (a temp file) or in memory. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalog } from '@ophyd-service/devices';
import { createLogger } from '@ophyd-service/service-kit';
import { createConfigurationService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { openStore } from '../src/store/mikro-store.ts';
import { dropServiceTables } from './postgres.ts';

export interface Harness {
  url: string;
  databaseUrl?: string;
  get(path: string): Promise<Response>;
  json<T = any>(path: string): Promise<T>;
  send(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
  service: Awaited<ReturnType<typeof createConfigurationService>>;
}

/**
 * Starts the service; `databaseUrl` reuses a database (a restart), else a fresh SQLite file;
 * `now` replaces the lock leases' clock.
 */
export async function startConfiguration(
  env: Record<string, string> = {},
  databaseUrl?: string,
  options: { now?: () => number } = {},
): Promise<Harness> {
  const persistence = env.CONFIG_DEVICE_CHANGE_HISTORY_ENABLED !== 'false';
  const postgres = process.env.TEST_DATABASE_URL_OVERRIDE;
  if (persistence && !databaseUrl && postgres) await dropServiceTables(postgres);
  const url = persistence
    ? (databaseUrl ??
      postgres ??
      `sqlite:///${join(await mkdtemp(join(tmpdir(), 'config-')), 'registry.db')}`)
    : undefined;
  const config = readConfig({ CONFIG_LOAD_STRATEGY: 'mock', ...env });
  const store = url ? await openStore(url) : null;
  const service = await createConfigurationService({
    config,
    store,
    catalog: createCatalog(),
    logger: createLogger('configuration_service', 'silent'),
    now: options.now,
  });
  const { url: base } = await service.listen(0, '127.0.0.1');
  const send = (method: string, path: string, body?: unknown) =>
    fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    url: base,
    databaseUrl: url,
    service,
    get: (path) => fetch(base + path),
    json: async <T>(path: string) => (await (await fetch(base + path)).json()) as T,
    send,
    close: () => service.close(),
  };
}
