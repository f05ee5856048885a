import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENDPOINTS, type Endpoint, httpUrl, type Probe, portsOf } from '@ophyd-service/endpoints';

/**
 * The contract between the CLI and every runnable module (components and tools alike):
 *
 *   export async function main(argv: string[]): Promise<void>
 *
 * `argv` holds the arguments after the subcommand name (`ophyd-service ioc mini_beamline` calls
 * `main(['mini_beamline'])`). `main` resolves once the module is serving (sockets bound, IOC
 * published); the process then stays alive for as long as the module holds handles, and the module
 * shuts down gracefully on SIGTERM/SIGINT (service-kit's `closeOnSignals`). A failed start throws
 * (or calls `process.exit(code)`). The same `main` runs in-process for `ophyd-service <name>` and in a
 * child process under `ophyd-service up`, where its resolution is what "ready" means.
 *
 * A module "exists" when its entry file exists on disk: until then the CLI says it is not built yet.
 */
export interface Runnable {
  /** Unique name: used by `up --only`, as the output prefix and in messages. */
  name: string;
  /** The CLI subcommand that runs it in-process (several IOCs share `ioc`). */
  command: string;
  description: string;
  /** Repo-relative path of the module whose `main(argv)` runs it. */
  entry: string;
  /** Arguments given to `main` by `up` (after any the user passes to the subcommand). */
  args?: readonly string[];
  /** Where the work is tracked while the entry does not exist yet. */
  issue?: string;
}

export interface Component extends Runnable {
  /** Listening ports, for the `up` summary and for the help text. */
  ports?: readonly number[];
  /** Where a person starts using it, printed once `up` has it running. */
  url?: string;
  /** How the container health check (`ophyd-service healthcheck`) sees that it is ready. */
  probe?: Probe;
  /** Started by a bare `ophyd-service up`. */
  default: boolean;
  /** The option of its `main(argv)` that sets its HTTP listen address: `up --host H` passes it on. */
  hostOption?: string;
  /** The variable holding its HTTP API key: `up` sets a random one unless the user did, and prints it. */
  apiKeyVariable?: string;
  /** It is handed every other component's API key too (the web UI passes them on to the page). */
  readsApiKeys?: boolean;
}

/** A component's ports, URL and probe, from its one declaration in @ophyd-service/endpoints. */
function listening(endpoint: Endpoint): Pick<Component, 'ports' | 'url' | 'probe'> {
  return {
    ports: portsOf(endpoint),
    ...(endpoint.docsPath && { url: httpUrl(endpoint, 'localhost', endpoint.docsPath) }),
    ...(endpoint.probe && { probe: endpoint.probe }),
  };
}

/** The repository root: entries are resolved against it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** Every long-running part of the stack, in start order. */
export const COMPONENTS: readonly Component[] = [
  {
    // One process and one CA server for all three, so they share one CA port (separate processes
    // would each need their own TCP port).
    name: 'ioc',
    command: 'ioc',
    description: 'simulated IOCs: mini_beamline (mini:), camera (13SIM1:), motor records (sim:mtr1..3)',
    entry: 'ioc/src/main.ts',
    args: ['mini_beamline', 'camera', 'motors'],
    ...listening(ENDPOINTS.ioc),
    default: true,
  },
  {
    name: 'configuration',
    command: 'configuration',
    description: 'configuration service: device registry (happi-format), REST API',
    entry: 'services/configuration/src/main.ts',
    args: ['--profile-path', 'integration/seed/happi_db.json', '--load-strategy', 'happi'],
    hostOption: '--host',
    ...listening(ENDPOINTS.configuration),
    default: true,
  },
  {
    name: 'direct-control',
    issue: '#6 (direct-control service)',
    command: 'direct-control',
    description: 'direct-control service: read, write and monitor PVs and devices over REST/WebSocket',
    entry: 'services/direct-control/src/main.ts',
    // Writes on for the local simulated IOCs; a deployment keeps the read-only default.
    args: ['--read-write'],
    hostOption: '--host',
    ...listening(ENDPOINTS['direct-control']),
    default: true,
  },
  {
    name: 'queueserver',
    command: 'queueserver',
    description: 'queue server: plan queue over 0MQ (60615, 60625) and HTTP+WebSocket (60610)',
    entry: 'services/queueserver/src/main.ts',
    ...listening(ENDPOINTS.queueserver),
    hostOption: '--host',
    apiKeyVariable: 'QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY',
    default: true,
  },
  {
    name: 'web-ui',
    command: 'web-ui',
    description: 'the web UI: devices, live PVs and the queue (built with Vite at first start)',
    entry: 'frontend/serve.ts',
    ...listening(ENDPOINTS['web-ui']),
    url: httpUrl(ENDPOINTS['web-ui'], 'localhost', '/'),
    hostOption: '--host',
    readsApiKeys: true,
    default: true,
  },
  {
    name: 'operator',
    command: 'operator',
    description: 'Kubernetes operator: reconciles Beamline resources (needs a cluster, so not started by up)',
    entry: 'operator/src/main.ts',
    ...listening(ENDPOINTS.operator),
    default: false,
  },
];

/** One-shot commands: same `main(argv)` contract, never supervised. */
export const TOOLS: readonly Runnable[] = [
  {
    name: 'export-openapi',
    command: 'export-openapi',
    description: 'write the OpenAPI document of every HTTP service to shared-schema/',
    entry: 'scripts/export-openapi.ts',
  },
  {
    name: 'ca',
    command: 'ca',
    description: 'Channel Access client: get, put and monitor PVs (caget/caput/camonitor)',
    entry: 'packages/epics-ca/src/cli.ts',
  },
  {
    name: 'healthcheck',
    command: 'healthcheck',
    description:
      'container health probe: HTTP /ready of a service or a CA read from an IOC (default: what PID 1 runs)',
    entry: 'cli/healthcheck.ts',
  },
  {
    name: 'check',
    command: 'check',
    description:
      'black-box checks of a running deployment (--config-url, --direct-url): one PASS/FAIL line each',
    entry: 'cli/check.ts',
  },
  {
    name: 'pod',
    command: 'pod',
    description:
      'run a pod of the stack (inner-loop, standalone, full, with-queueserver or profile-seeded) in containers on the local Docker',
    entry: 'integration/pods/src/main.ts',
  },
];

export function entryPath(runnable: Runnable, root: string): string {
  return resolve(root, runnable.entry);
}

export function isBuilt(runnable: Runnable, root: string): boolean {
  return existsSync(entryPath(runnable, root));
}

/** Where a person reaches a component: its URL, else its ports. */
export function address(component: Component): string {
  return component.url ?? (component.ports?.length ? `port ${component.ports.join(', ')}` : '');
}

/** The one message every "not there yet" path prints. */
export function notBuiltMessage(runnable: Pick<Runnable, 'name' | 'entry' | 'issue'>): string {
  const issue = runnable.issue ?? 'none filed yet';
  return `${runnable.name} is not built yet (see issue: ${issue}; its entry ${runnable.entry} does not exist)`;
}
