/** The direct-control service: PV reads and writes over REST on the shared monitor hub. */
import { join } from 'node:path';
import Router from '@koa/router';
import type { CaClient } from '@ophyd-service/epics-ca';
import { buildOpenApi, createService, type Logger, type Service } from '@ophyd-service/service-kit';
import type { DirectControlConfig } from './config.ts';
import { isoNaive } from './envelope.ts';
import { MonitorHub } from './monitor/hub.ts';
import type { RegistryProvider } from './registry/provider.ts';
import * as pv from './routes/pv.ts';
import { schemas } from './schemas.ts';
import type { DirectControl } from './state.ts';

export const SERVICE_NAME = 'direct_control';
const INFO = {
  title: 'Direct Control Service',
  version: '1.0.0',
  description: 'Read, write and monitor EPICS PVs and devices over REST and WebSocket.',
};
const routeFiles = [join(import.meta.dirname, 'routes', 'pv.ts')];

export const directControlOpenApi = () => buildOpenApi(INFO, routeFiles, schemas);

export interface DirectControlService extends Service {
  dc: DirectControl;
}

export function createDirectControlService(options: {
  config: DirectControlConfig;
  client: CaClient;
  registry: RegistryProvider;
  logger?: Logger;
}): DirectControlService {
  const { config, client, registry } = options;
  const dc: DirectControl = {
    config,
    client,
    registry,
    hub: new MonitorHub(client),
    coordination: registry.kind === 'http' && config.DIRECT_CONTROL_COORDINATION_CHECK_ENABLED,
  };
  const health = async () => {
    const probe = dc.coordination
      ? await probeConfiguration(config.DIRECT_CONTROL_CONFIGURATION_SERVICE_URL)
      : null;
    const connectedPvs = dc.hub.connectedPvs().length;
    const body = {
      status: probe ? 'unhealthy' : 'healthy',
      timestamp: isoNaive(new Date()),
      coordination_service_available: probe === null,
      coordination_service_detail: probe,
      registry_backend: registry.kind,
      read_only: config.DIRECT_CONTROL_GLOBAL_READ_ONLY,
      active_subscriptions: connectedPvs,
      connected_pvs: connectedPvs,
      websocket_connections: 0,
    };
    return { ok: probe === null, body };
  };
  const service = createService({
    name: SERVICE_NAME,
    info: INFO,
    schemas,
    sources: routeFiles,
    logger: options.logger,
    health,
    routes: (kit) => {
      const r = new Router();
      const body = (schema: string) => kit.book.validate({ body: schema });
      r.post('/api/v1/pv/set', pv.writable(dc), body('PVSetRequest'), pv.set(dc));
      r.post('/api/v1/pv/set/batch', pv.writable(dc), body('PVSetBatchRequest'), pv.batch(dc));
      r.get('/api/v1/pv/:pv_name/value', pv.read(dc));
      r.get('/api/v1/pvs/connected', pv.connected(dc));
      r.get('/api/v1/pvs/:pv_name/value', pv.cached(dc));
      return [r];
    },
  });
  service.onClose(() => dc.hub.close());
  return Object.assign(service, { dc });
}

/** null when the configuration service answers its /health with 200, else why not. */
async function probeConfiguration(base: string): Promise<string | null> {
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 ? null : `configuration_service /health returned HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error;
    return e.name === 'TimeoutError'
      ? `timeout reaching configuration_service /health: ${e.message}`
      : `cannot reach configuration_service /health: ${e.message}`;
  }
}
