/** The direct-control service: PV reads and writes, monitors over WebSocket, device commanding. */
import { join } from 'node:path';
import type { operations } from '@ophyd-service/api-types/direct-control';
import { type Catalog, loadCatalog } from '@ophyd-service/devices';
import type { CaClient } from '@ophyd-service/epics-ca';
import {
  type Bindings,
  buildOpenApi,
  createLogger,
  createService,
  type Logger,
  type Service,
} from '@ophyd-service/service-kit';
import type { DirectControlConfig } from './config.ts';
import { DeviceManager } from './devices/manager.ts';
import { MonitorHub } from './monitor/hub.ts';
import { health, type SocketCounters } from './operations/status.ts';
import type { RegistryProvider } from './registry/provider.ts';
import * as device from './routes/device.ts';
import * as pv from './routes/pv.ts';
import * as routes from './routes/stats.ts';
import { schemas } from './schemas.ts';
import { DeviceSocket } from './sockets/device-socket.ts';
import { SocketGateway } from './sockets/gateway.ts';
import { cameraPvs, ImageSocket, tiffPvs } from './sockets/image-socket.ts';
import { PvSocket } from './sockets/pv-socket.ts';
import type { DirectControl } from './state.ts';

export const SERVICE_NAME = 'direct_control';
const INFO = {
  title: 'Direct Control Service',
  version: '1.0.0',
  description:
    'Read, write and monitor EPICS PVs and devices over REST and WebSocket. The WebSocket endpoints (/api/v1/pv-socket, /api/v1/device-socket, /api/v1/camera-socket, /api/v1/tiff-socket) are described in the service README.',
};
const routeFiles = ['pv.ts', 'device.ts', 'stats.ts'].map((f) => join(import.meta.dirname, 'routes', f));

export const directControlOpenApi = () => buildOpenApi(INFO, routeFiles, schemas);

export interface DirectControlService extends Service {
  dc: DirectControl;
  sockets: {
    gateway: SocketGateway;
    pv: PvSocket;
    device: DeviceSocket;
    camera: ImageSocket;
    tiff: ImageSocket;
  };
}

export function createDirectControlService(options: {
  config: DirectControlConfig;
  client: CaClient;
  registry: RegistryProvider;
  /** Device classes (default: the built-in catalog plus OPHYD_DEVICE_CATALOG). */
  catalog?: Catalog;
  logger?: Logger;
}): DirectControlService {
  const { config, client, registry } = options;
  const catalog = options.catalog ?? loadCatalog();
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const dc: DirectControl = {
    config,
    client,
    registry,
    catalog,
    hub: new MonitorHub(client, {
      idleMs: config.DIRECT_CONTROL_PV_MONITOR_IDLE_TTL * 1000,
      sweepMs: config.DIRECT_CONTROL_PV_MONITOR_SWEEP_INTERVAL * 1000,
    }),
    devices: new DeviceManager(catalog, client, config.DIRECT_CONTROL_DEVICE_CONNECT_TIMEOUT * 1000),
    coordination: registry.kind === 'http' && config.DIRECT_CONTROL_COORDINATION_CHECK_ENABLED,
  };
  const sockets = {
    gateway: new SocketGateway({
      maxConnections: config.DIRECT_CONTROL_WS_MAX_CONNECTIONS,
      heartbeatSeconds: config.DIRECT_CONTROL_WS_HEARTBEAT_INTERVAL,
      pingSeconds: config.DIRECT_CONTROL_WS_PING_INTERVAL,
      highWater: config.DIRECT_CONTROL_WS_SEND_BUFFER_BYTES,
      frameLimit: config.DIRECT_CONTROL_RESPONSE_BYTESIZE_LIMIT,
      // room for a full-cap subscribe: a snapshot and a meta frame per PV, plus the acks
      replyLimit: 2 * Math.max(config.DIRECT_CONTROL_MAX_SUBSCRIPTIONS_PER_CLIENT || 1000, 1000) + 256,
      logger,
    }),
    pv: new PvSocket(dc),
    device: new DeviceSocket(dc),
    camera: new ImageSocket(dc, (r, c) => cameraPvs(r, c.DIRECT_CONTROL_CAMERA_DEFAULT_IMAGE_ARRAY_PV)),
    tiff: new ImageSocket(dc, (r, c) => tiffPvs(r, c.DIRECT_CONTROL_TIFF_DEFAULT_PREFIX)),
  };
  sockets.gateway
    .route('/api/v1/pv-socket', sockets.pv)
    .route('/api/v1/device-socket', sockets.device)
    .route('/api/v1/camera-socket', sockets.camera)
    .route('/api/v1/tiff-socket', sockets.tiff);

  const counters = (): SocketCounters => ({
    connections: sockets.gateway.size,
    refused: sockets.gateway.refused,
    byEndpoint: sockets.gateway.counts(),
    pv: sockets.pv.stats(),
    device: sockets.device.stats(),
    camera: sockets.camera.counters,
    tiff: sockets.tiff.counters,
  });
  const service = createService({
    name: SERVICE_NAME,
    info: INFO,
    schemas,
    sources: routeFiles,
    logger,
    health: () => health(dc, counters()),
    cors: { origins: config.corsOrigins, credentials: config.DIRECT_CONTROL_CORS_ALLOW_CREDENTIALS },
    upgrades: sockets.gateway,
    // The route table's order is the precedence: execute and stop before the device-path
    // catch-all (spec §1.14). Paths, methods and validation come from each route's OpenAPI block.
    operations: () => {
      const readOnly = [pv.readOnlyGate(dc)];
      return {
        get_stats_api_v1_stats_get: routes.stats(dc, counters),
        set_pv_api_v1_pv_set_post: { before: readOnly, handle: pv.set(dc) },
        set_pv_batch_api_v1_pv_set_batch_post: { before: readOnly, handle: pv.batch(dc) },
        resolve_device_paths_api_v1_devices_resolve_post: device.resolve(dc),
        get_pv_value_from_controller_api_v1_pv__pv_name__value_get: pv.read(dc),
        get_connected_pvs_api_v1_pvs_connected_get: pv.connected(dc),
        get_monitored_pv_value_api_v1_pvs__pv_name__value_get: pv.cached(dc),
        execute_device_method_api_v1_device_execute_post: { before: readOnly, handle: device.execute(dc) },
        stop_device_api_v1_device__device_name__stop_post: { before: readOnly, handle: device.stop(dc) },
        get_nested_device_value_api_v1_device__device_path__value_get: device.value(dc),
        access_nested_device_api_v1_device__device_path__post: device.nested(dc),
      } satisfies Bindings<operations>;
    },
  });
  service.onClose(() => {
    dc.hub.close();
    dc.devices.clear();
  });
  return Object.assign(service, { dc, sockets });
}
