/** The configuration service: routes registered in the reference's precedence order (first match wins). */
import { join } from 'node:path';
import Router from '@koa/router';
import type { Catalog } from '@ophyd-service/devices';
import { buildOpenApi, createService, type Logger, type Service } from '@ophyd-service/service-kit';
import type { ConfigurationConfig } from './config.ts';
import * as components from './routes/components.ts';
import * as devices from './routes/devices.ts';
import * as history from './routes/history.ts';
import * as locks from './routes/locks.ts';
import * as pvs from './routes/pvs.ts';
import * as registry from './routes/registry.ts';
import { schemas } from './schemas.ts';
import { ConfigurationState } from './state.ts';
import type { RegistryStore } from './store/store.ts';

export const SERVICE_NAME = 'configuration_service';
const routeFiles = ['devices', 'history', 'locks', 'pvs', 'registry', 'components'].map((f) =>
  join(import.meta.dirname, 'routes', `${f}.ts`),
);
const INFO = {
  title: 'Configuration Service',
  version: '1.0.0',
  description:
    'Device and PV registry for a beamline: devices, instantiation specs, standalone PVs, locks, PV health and change history.',
};

/** The service's OpenAPI document, built without starting it (for shared-schema/ and its drift test). */
export const configurationOpenApi = () => buildOpenApi(INFO, routeFiles, schemas);

export interface ConfigurationService extends Service {
  state: ConfigurationState;
}

export async function createConfigurationService(options: {
  config: ConfigurationConfig;
  store: RegistryStore | null;
  catalog: Catalog;
  logger?: Logger;
  /** Milliseconds since the epoch for lock leases (tests inject a clock). */
  now?: () => number;
}): Promise<ConfigurationService> {
  const { config, store } = options;
  let state!: ConfigurationState;
  const service = createService({
    name: SERVICE_NAME,
    info: INFO,
    schemas,
    sources: routeFiles,
    logger: options.logger,
    bodyLimit: `${config.CONFIG_MAX_BODY_BYTES}b`,
    cors: { origins: config.corsOrigins, credentials: config.CONFIG_CORS_ALLOW_CREDENTIALS },
    health: async () => {
      if (store) {
        try {
          await store.ping(2000);
          state.storeHealthy = true;
        } catch (err) {
          state.storeHealthy = false;
          service.logger.warn({ err }, 'registry store ping failed');
          return {
            ok: false,
            body: { status: 'unhealthy', service: SERVICE_NAME, detail: 'registry store unreachable' },
          };
        }
      }
      return {
        ok: true,
        body: { status: 'healthy', service: SERVICE_NAME, devices_loaded: state.registry.devices.size },
      };
    },
    ready: async () => {
      if (store) {
        try {
          await store.ping(2000);
        } catch {
          return { ok: false, body: { status: 'not_ready', reason: 'registry store unreachable' } };
        }
      }
      return { ok: true, body: { status: 'ready' } };
    },
    routes: (kit) => {
      state = new ConfigurationState({
        store,
        catalog: options.catalog,
        book: kit.book,
        strategy: config.CONFIG_USE_MOCK_DATA ? 'mock' : config.CONFIG_LOAD_STRATEGY,
        profilePath: config.CONFIG_PROFILE_PATH,
        allowlist: config.allowlist,
        lockAll: config.CONFIG_LOCK_ALL,
        leaseTtlSeconds: config.CONFIG_LOCK_LEASE_TTL_SECONDS,
        now: options.now,
      });
      return [routes(state)];
    },
  });
  await state.start();
  if (store) service.onClose(() => store.close());
  return Object.assign(service, { state });
}

function routes(state: ConfigurationState): Router {
  const r = new Router();
  const body = (schema: string) => state.book.validate({ body: schema });
  const d = '/api/v1/devices';
  r.get(d, devices.listDevices(state));
  r.get('/api/v1/devices-info', devices.devicesInfo(state));
  r.get(`${d}/classes`, devices.deviceClasses(state));
  r.get(`${d}/types`, devices.deviceTypes(state));
  r.get(`${d}/instantiation`, devices.listInstantiations(state));
  r.get(`${d}/history`, history.history(state));
  r.get(`${d}/changes`, history.changes(state));
  r.post(`${d}/lock`, body('DeviceLockRequest'), locks.lock(state));
  r.post(`${d}/unlock`, body('DeviceUnlockRequest'), locks.unlock(state));
  r.post(`${d}/lock/renew`, body('DeviceLockRenewRequest'), locks.renew(state));
  r.post(`${d}/force-unlock`, body('DeviceForceUnlockRequest'), locks.forceUnlock(state));
  r.get(`${d}/lock/policy`, locks.getPolicy(state));
  r.put(`${d}/lock/policy`, body('LockPolicy'), locks.setPolicy(state));
  r.get(`${d}/:device_name/status`, locks.deviceStatus(state));
  r.post('/api/v1/pvs/*pv_name/failure', body('PVHealthReport'), pvs.reportHealth(state, false));
  r.post('/api/v1/pvs/*pv_name/success', body('PVHealthReport'), pvs.reportHealth(state, true));
  r.get('/api/v1/pvs/*pv_name/health', pvs.getHealth(state));
  r.delete('/api/v1/pvs/*pv_name/health', pvs.clearHealth(state));
  r.delete('/api/v1/admin/pv-health', pvs.clearAllHealth(state));
  r.get('/api/v1/admin/pv-health/stats', pvs.healthStats(state));
  r.patch(`${d}/:device_name/enable`, devices.setEnabled(state, true));
  r.patch(`${d}/:device_name/disable`, devices.setEnabled(state, false));
  r.get(`${d}/:device_name`, devices.getDevice(state));
  r.get(`${d}/:device_name/pvs`, devices.devicePvs(state));
  r.get(`${d}/:device_name/instantiation`, devices.deviceInstantiation(state));
  r.post(d, body('DeviceCreateRequest'), devices.createDevice(state));
  r.put(`${d}/:device_name`, body('DeviceUpdateRequest'), devices.updateDevice(state));
  r.delete(`${d}/:device_name`, devices.deleteDevice(state));
  r.post('/api/v1/registry/reset', registry.reset(state));
  r.post('/api/v1/registry/clear', registry.clear(state));
  r.get('/api/v1/registry/export', registry.exportRegistry(state));
  r.post('/api/v1/pvs', body('StandalonePVCreateRequest'), pvs.createStandalone(state));
  r.get('/api/v1/pvs/standalone', pvs.listStandalone(state));
  r.get('/api/v1/pvs/labels', pvs.standaloneLabels(state));
  r.put('/api/v1/pvs/standalone/*pv_name', body('StandalonePVUpdateRequest'), pvs.updateStandalone(state));
  r.delete('/api/v1/pvs/standalone/*pv_name', pvs.deleteStandalone(state));
  r.get('/api/v1/pvs', pvs.listPvs(state));
  r.get('/api/v1/pvs/detailed', pvs.pvsDetailed(state));
  r.get('/api/v1/pvs/lookup', pvs.lookupPv(state));
  r.get('/api/v1/pvs/status', locks.pvStatus(state));
  r.get('/api/v1/pvs/*pv_name', pvs.getPv(state));
  r.get(`${d}/*device_path/component`, components.component(state));
  r.post(`${d}/resolve`, body('PathResolveRequest'), components.resolve(state));
  r.get(`${d}/:device_name/components`, components.components(state));
  return r;
}
