/**
 * The service's own state (spec §1.1–1.2): `/health` with the coordination probe, and
 * `/api/v1/stats` with the reference's keys first and our richer figures beside them.
 */
import { isoNaive } from '../envelope.ts';
import { probeConfiguration } from '../registry/select.ts';
import type { DirectControl } from '../state.ts';

/** What the sockets count, read when a status is asked for. */
export interface SocketCounters {
  connections: number;
  refused: number;
  byEndpoint: Record<string, number>;
  pv: { clients: number; pvs: number; subscriptions: number };
  device: { clients: number; devices: number; components: number };
  camera: Record<string, number>;
  tiff: Record<string, number>;
}

/** The coordination probe: null when the configuration service answers (or is not used). */
const probe = (dc: DirectControl) =>
  dc.coordination ? probeConfiguration(dc.config.DIRECT_CONTROL_CONFIGURATION_SERVICE_URL) : null;

export async function health(dc: DirectControl, sockets: SocketCounters) {
  const problem = await probe(dc);
  return {
    ok: problem === null,
    body: {
      status: problem ? 'unhealthy' : 'healthy',
      timestamp: isoNaive(new Date()),
      coordination_service_available: problem === null,
      coordination_service_detail: problem,
      registry_backend: dc.registry.kind,
      coordination_enabled: dc.coordination,
      read_only: dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY,
      active_subscriptions: sockets.pv.subscriptions + sockets.device.components,
      connected_pvs: dc.hub.connectedPvs().length,
      websocket_connections: sockets.connections,
    },
  };
}

export async function stats(dc: DirectControl, sockets: SocketCounters) {
  const problem = await probe(dc);
  const config = dc.config;
  const connected = dc.hub.connectedPvs().length;
  return {
    service: 'direct_control',
    timestamp: isoNaive(new Date()),
    registry_backend: dc.registry.kind,
    read_only: config.DIRECT_CONTROL_GLOBAL_READ_ONLY,
    coordination_enabled: dc.coordination,
    coordination_service_available: problem === null,
    coordination_service_detail: problem,
    command_timeout: config.DIRECT_CONTROL_COMMAND_TIMEOUT,
    pv_socket: {
      websocket_connections: sockets.byEndpoint['/api/v1/pv-socket'] ?? 0,
      total_pvs: sockets.pv.pvs,
      connected_pvs: connected,
    },
    device_socket: {
      websocket_connections: sockets.byEndpoint['/api/v1/device-socket'] ?? 0,
      subscribed_devices: sockets.device.devices,
      total_device_pvs: sockets.device.components,
    },
    device_control: { instantiated_devices: dc.devices.size },
    buffer_size: config.DIRECT_CONTROL_PV_BUFFER_SIZE,
    max_connections: config.DIRECT_CONTROL_WS_MAX_CONNECTIONS,
    // Ours, beside the reference's:
    monitors: { ...dc.hub.stats(), connected },
    websocket: {
      connections: sockets.connections,
      refused: sockets.refused,
      by_endpoint: sockets.byEndpoint,
      pv_socket: sockets.pv,
      device_socket: sockets.device,
      camera_socket: sockets.camera,
      tiff_socket: sockets.tiff,
    },
  };
}
