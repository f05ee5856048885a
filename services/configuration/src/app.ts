/** The configuration service: state, health probes and the route table (operationId → handler, in precedence order). */
import { join } from 'node:path';
import type { operations } from '@ophyd-service/api-types/configuration';
import type { Catalog } from '@ophyd-service/devices';
import {
  type Bindings,
  buildOpenApi,
  createService,
  type Logger,
  type Service,
} from '@ophyd-service/service-kit';
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
    // The bindings' order is the routes' precedence (first match wins), as the reference registers
    // them: fixed paths before the `{device_name}` segment and the `{pv_name}` catch-all (spec §0.3).
    // Paths, methods and validation come from each route's OpenAPI block.
    operations: (kit) => {
      state = new ConfigurationState({
        store,
        catalog: options.catalog,
        schemas: kit.book,
        strategy: config.CONFIG_USE_MOCK_DATA ? 'mock' : config.CONFIG_LOAD_STRATEGY,
        profilePath: config.CONFIG_PROFILE_PATH,
        allowlist: config.allowlist,
        lockAll: config.CONFIG_LOCK_ALL,
        leaseTtlSeconds: config.CONFIG_LOCK_LEASE_TTL_SECONDS,
        now: options.now,
      });
      return bindings(state);
    },
  });
  await state.start();
  if (store) service.onClose(() => store.close());
  return Object.assign(service, { state });
}

function bindings(state: ConfigurationState) {
  return {
    list_devices_api_v1_devices_get: devices.list(state),
    get_all_devices_info_api_v1_devices_info_get: devices.info(state),
    get_device_classes_api_v1_devices_classes_get: devices.classes(state),
    get_device_labels_api_v1_devices_types_get: devices.labels(state),
    list_device_instantiations_api_v1_devices_instantiation_get: devices.instantiations(state),
    list_device_history_api_v1_devices_history_get: history.history(state),
    get_device_changes_api_v1_devices_changes_get: history.changes(state),
    lock_devices_api_v1_devices_lock_post: locks.lock(state),
    unlock_devices_api_v1_devices_unlock_post: locks.unlock(state),
    renew_device_locks_api_v1_devices_lock_renew_post: locks.renew(state),
    force_unlock_devices_api_v1_devices_force_unlock_post: locks.forceUnlock(state),
    get_lock_policy_api_v1_devices_lock_policy_get: locks.policy(state),
    set_lock_policy_api_v1_devices_lock_policy_put: locks.setPolicy(state),
    get_device_status_api_v1_devices__device_name__status_get: locks.deviceStatus(state),
    report_pv_failure_api_v1_pvs__pv_name__failure_post: pvs.reportFailure(state),
    report_pv_success_api_v1_pvs__pv_name__success_post: pvs.reportSuccess(state),
    get_pv_health_api_v1_pvs__pv_name__health_get: pvs.getHealth(state),
    clear_pv_health_api_v1_pvs__pv_name__health_delete: pvs.clearHealth(state),
    clear_all_pv_health_api_v1_admin_pv_health_delete: pvs.clearAllHealth(state),
    get_pv_health_stats_api_v1_admin_pv_health_stats_get: pvs.healthStats(state),
    enable_device_api_v1_devices__device_name__enable_patch: devices.enable(state),
    disable_device_api_v1_devices__device_name__disable_patch: devices.disable(state),
    get_device_api_v1_devices__device_name__get: devices.get(state),
    get_device_pvs_api_v1_devices__device_name__pvs_get: devices.pvs(state),
    get_device_instantiation_api_v1_devices__device_name__instantiation_get: devices.instantiation(state),
    create_device_api_v1_devices_post: devices.create(state),
    update_device_api_v1_devices__device_name__put: devices.update(state),
    delete_device_api_v1_devices__device_name__delete: devices.remove(state),
    reset_registry_api_v1_registry_reset_post: registry.reset(state),
    clear_registry_api_v1_registry_clear_post: registry.clear(state),
    export_registry_api_v1_registry_export_get: registry.exportRegistry(state),
    create_standalone_pv_api_v1_pvs_post: pvs.createStandalone(state),
    list_standalone_pvs_api_v1_pvs_standalone_get: pvs.listStandalone(state),
    list_standalone_pv_labels_api_v1_pvs_labels_get: pvs.standaloneLabels(state),
    update_standalone_pv_api_v1_pvs_standalone__pv_name__put: pvs.updateStandalone(state),
    delete_standalone_pv_api_v1_pvs_standalone__pv_name__delete: pvs.deleteStandalone(state),
    list_pvs_api_v1_pvs_get: pvs.list(state),
    get_pvs_detailed_api_v1_pvs_detailed_get: pvs.detailed(state),
    lookup_device_pvs_by_pv_api_v1_pvs_lookup_get: pvs.lookup(state),
    get_pv_status_api_v1_pvs_status_get: locks.pvStatus(state),
    get_pv_api_v1_pvs__pv_name__get: pvs.get(state),
    get_nested_device_component_api_v1_devices__device_path__component_get: components.component(state),
    resolve_device_paths_api_v1_devices_resolve_post: components.resolve(state),
    list_device_components_api_v1_devices__device_name__components_get: components.list(state),
  } satisfies Bindings<operations>;
}
