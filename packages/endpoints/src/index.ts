/**
 * Where each component of the stack listens and how a client checks that it is ready, declared once.
 * The CLI's component table, the services' configuration defaults, the container health check, the
 * operator's Deployments and Services and the test pods all read it. It imports nothing, so any
 * workspace can depend on it without pulling in the CLI, Koa or a Kubernetes client.
 */

/**
 * Channel Access's standard server port (EPICS_CA_SERVER_PORT's default), over TCP and UDP: where our
 * simulated IOCs serve, and where an external IOC is reached unless its port is given.
 */
export const CA_SERVER_PORT = 5064;

/** How a component is checked the way a client would use it. */
export type Probe =
  /** `GET path` on its port answers 200 once it is ready. */
  | { kind: 'http'; path: string }
  /** A Channel Access read of the first PV of its first IOC succeeds. */
  | { kind: 'channel-access' };

export interface Endpoint {
  /** The port clients reach it on: HTTP for the services, Channel Access for the IOCs. */
  port: number;
  /** Any further ports it listens on. */
  otherPorts?: readonly number[];
  probe?: Probe;
  /** The path of its HTTP port where a person starts using it (Swagger UI). */
  docsPath?: string;
}

/** The services' readiness endpoint (the service kit serves it). */
const HTTP_READY: Probe = { kind: 'http', path: '/ready' };

export const ENDPOINTS = {
  ioc: { port: CA_SERVER_PORT, probe: { kind: 'channel-access' } },
  configuration: { port: 8004, probe: HTTP_READY, docsPath: '/docs' },
  'direct-control': { port: 8003, probe: HTTP_READY, docsPath: '/docs' },
  /** HTTP and WebSocket on the first port, the plan queue over 0MQ on the others. */
  queueserver: { port: 60610, otherPorts: [60615, 60625], probe: HTTP_READY, docsPath: '/docs' },
  /** Its /healthz, /readyz and /metrics. */
  operator: { port: 8080, probe: { kind: 'http', path: '/readyz' } },
  /** The web UI (frontend/), on the reference frontend's port: an origin the services allow. */
  'web-ui': { port: 5173, probe: { kind: 'http', path: '/config.json' } },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Every port a component listens on, its client port first. */
export function portsOf(endpoint: Endpoint): number[] {
  return [endpoint.port, ...(endpoint.otherPorts ?? [])];
}

/** The URL of a component's HTTP port on `host`, with `path` (default: none). */
export function httpUrl(endpoint: Endpoint, host: string, path = ''): string {
  return `http://${host}:${endpoint.port}${path}`;
}
