/** The direct-control service: PV reads and writes, monitors over WebSocket, device commanding. */
import { join } from 'node:path';
import Router from '@koa/router';
import { type Catalog, loadCatalog } from '@ophyd-service/devices';
import type { CaClient } from '@ophyd-service/epics-ca';
import {
  buildOpenApi,
  createLogger,
  createService,
  type Logger,
  type Service,
} from '@ophyd-service/service-kit';
import type { DirectControlConfig } from './config.ts';
import { DeviceManager } from './devices/manager.ts';
import { isoNaive } from './envelope.ts';
import { MonitorHub } from './monitor/hub.ts';
import type { RegistryProvider } from './registry/provider.ts';
import { probeConfiguration } from './registry/select.ts';
import * as device from './routes/device.ts';
import * as pv from './routes/pv.ts';
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

  const stats = () => ({
    timestamp: isoNaive(new Date()),
    read_only: config.DIRECT_CONTROL_GLOBAL_READ_ONLY,
    registry_backend: registry.kind,
    coordination_enabled: dc.coordination,
    monitors: { ...dc.hub.stats(), connected: dc.hub.connectedPvs().length },
    websocket: {
      connections: sockets.gateway.size,
      max_connections: config.DIRECT_CONTROL_WS_MAX_CONNECTIONS,
      refused: sockets.gateway.refused,
      by_endpoint: sockets.gateway.counts(),
      pv_socket: sockets.pv.stats(),
      device_socket: sockets.device.stats(),
      camera_socket: sockets.camera.counters,
      tiff_socket: sockets.tiff.counters,
    },
    devices: { live: dc.devices.size },
  });
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
      coordination_enabled: dc.coordination,
      read_only: config.DIRECT_CONTROL_GLOBAL_READ_ONLY,
      active_subscriptions: sockets.pv.stats().subscriptions + sockets.device.stats().components,
      connected_pvs: connectedPvs,
      websocket_connections: sockets.gateway.size,
    };
    return { ok: probe === null, body };
  };
  const service = createService({
    name: SERVICE_NAME,
    info: INFO,
    schemas,
    sources: routeFiles,
    logger,
    health,
    cors: { origins: config.corsOrigins, credentials: config.DIRECT_CONTROL_CORS_ALLOW_CREDENTIALS },
    upgrades: sockets.gateway,
    routes: (kit) => {
      const r = new Router();
      const body = (schema: string) => kit.book.validate({ body: schema });
      const writable = pv.writable(dc);
      // Order matters: execute and stop before the device-path catch-all (spec §1.14).
      r.get('/api/v1/stats', (ctx) => {
        ctx.body = stats();
      });
      r.post('/api/v1/pv/set', writable, body('PVSetRequest'), pv.set(dc));
      r.post('/api/v1/pv/set/batch', writable, body('PVSetBatchRequest'), pv.batch(dc));
      r.post('/api/v1/devices/resolve', body('DeviceResolveRequest'), device.resolve(dc));
      r.get('/api/v1/pv/:pv_name/value', pv.read(dc));
      r.get('/api/v1/pvs/connected', pv.connected(dc));
      r.get('/api/v1/pvs/:pv_name/value', pv.cached(dc));
      r.post('/api/v1/device/execute', writable, body('DeviceCommandRequest'), device.execute(dc));
      r.post('/api/v1/device/:device_name/stop', writable, device.stop(dc));
      r.get('/api/v1/device/*device_path/value', device.value(dc));
      r.post('/api/v1/device/*device_path', body('NestedDeviceRequest'), device.nested(dc));
      return [r];
    },
  });
  service.onClose(() => {
    dc.hub.close();
    dc.devices.clear();
  });
  return Object.assign(service, { dc, sockets });
}
