/**
 * The pods: the stack in real containers on a Docker network of its own, started with
 * Testcontainers from the one runtime image. What each pod holds is its line of `PODS`.
 *
 * Inside the pod CA goes by network alias (`EPICS_CA_ADDR_LIST=<aliases>`, auto list off); from the
 * host, `caEnv()` points a client at the IOCs' mapped TCP ports as name servers. Every container
 * waits on its health check: HTTP `/ready` for services, a real CA read for IOCs.
 */
import { spawnSync } from 'node:child_process';
import { ENDPOINTS, httpUrl, portsOf } from '@ophyd-service/endpoints';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { reaperOffUnlessAvailable, requireImage } from '../prerequisites.ts';
import { ensureImage, REPO_ROOT } from './image.ts';

interface IocSpec {
  alias: string;
  args: string[];
}

/** One pod: its IOCs, where the registry lives (if anywhere), direct control's settings, the queue server. */
interface PodPlan {
  description: string;
  iocs: IocSpec[];
  /** The configuration service's store: PostgreSQL, a SQLite file in its container, or no service at all. */
  registry: 'postgres' | 'sqlite' | 'none';
  /** How the registry starts: the happi seed (32 devices) or empty. */
  seed?: 'happi' | 'empty';
  /** Direct control's environment beyond the CA list and the registry. */
  directControl: Record<string, string>;
  /** The queue server: on the built-in simulated profile, or on the test_collection startup directory. */
  queueServer?: 'sim-profile' | 'test-collection';
  /** The web UI, told the services' host URLs (their mapped ports). */
  webUi?: boolean;
}

const INNER_LOOP_IOCS: IocSpec[] = [{ alias: 'ioc', args: ['mini_beamline', 'camera', 'motors'] }];
const WRITES_ON = { DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false' };

export const PODS = {
  'inner-loop': {
    description:
      'IOC (mini_beamline, camera, motors), PostgreSQL, configuration (happi-seeded), direct control (writes on)',
    iocs: INNER_LOOP_IOCS,
    registry: 'postgres',
    seed: 'happi',
    directControl: WRITES_ON,
  },
  standalone: {
    description: 'IOC and direct control reading a registry file; no configuration service',
    iocs: INNER_LOOP_IOCS,
    registry: 'none',
    directControl: {
      ...WRITES_ON,
      DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
      DIRECT_CONTROL_REGISTRY_FILE_PATH: '/etc/ophyd-service/registry.yaml',
    },
  },
  full: {
    description: "every simulated IOC in its own container, plus the inner loop's services",
    iocs: [
      { alias: 'ioc', args: ['mini_beamline'] },
      { alias: 'ioc-adsim', args: ['camera'] },
      { alias: 'ioc-motor', args: ['motors'] },
      { alias: 'ioc-random-walk', args: ['random_walk'] },
      { alias: 'ioc-random-walk-h', args: ['random_walk', '--prefix', 'random_walk:horiz-'] },
      { alias: 'ioc-random-walk-v', args: ['random_walk', '--prefix', 'random_walk:vert-'] },
      { alias: 'ioc-thermo', args: ['thermo'] },
    ],
    registry: 'postgres',
    seed: 'happi',
    directControl: WRITES_ON,
  },
  // As the reference's: direct control keeps its read-only default, and checks no locks.
  'with-queueserver': {
    description:
      'IOC (mini_beamline), configuration (SQLite, happi-seeded), direct control (read-only), queue server (simulated profile plus the registry), web UI',
    iocs: [{ alias: 'ioc', args: ['mini_beamline'] }],
    registry: 'sqlite',
    seed: 'happi',
    directControl: { DIRECT_CONTROL_COORDINATION_CHECK_ENABLED: 'false' },
    queueServer: 'sim-profile',
    webUi: true,
  },
  'profile-seeded': {
    description:
      'IOCs (mini_beamline, motors), configuration (SQLite, empty), direct control (writes on, lock checks on), queue server (test_collection profile)',
    iocs: [
      { alias: 'ioc', args: ['mini_beamline'] },
      { alias: 'ioc-motor', args: ['motors'] },
    ],
    registry: 'sqlite',
    seed: 'empty',
    directControl: { ...WRITES_ON, DIRECT_CONTROL_COORDINATION_CHECK_ENABLED: 'true' },
    queueServer: 'test-collection',
  },
} as const satisfies Record<string, PodPlan>;

export type PodName = keyof typeof PODS;
export const POD_NAMES = Object.keys(PODS) as PodName[];

export const DATABASE = { user: 'bluesky', password: 'bluesky', database: 'config_service' };
/** The queue server's single-user API key in every pod (the reference's pods use the same). */
export const QUEUE_SERVER_API_KEY = 'mad';

const CA_PORT = ENDPOINTS.ioc.port;
const CONFIGURATION = ENDPOINTS.configuration;
const DIRECT_CONTROL = ENDPOINTS['direct-control'];
const QUEUE_SERVER = ENDPOINTS.queueserver;
const WEB_UI = ENDPOINTS['web-ui'];
const [QS_CONTROL_PORT, QS_INFO_PORT] = QUEUE_SERVER.otherPorts;

/** Quick health checks for the pods (the image's own runs every 5 s, for long-lived deployments). */
const healthCheck = {
  test: ['CMD', 'node', '/app/bin/ophyd-service.ts', 'healthcheck'] as ['CMD', ...string[]],
  interval: 1000,
  timeout: 5000,
  retries: 60,
  startPeriod: 1000,
};

export interface Pod {
  name: PodName;
  image: string;
  network: StartedNetwork;
  containers: Map<string, StartedTestContainer>;
  postgres?: StartedPostgreSqlContainer;
  /** Host URLs (mapped ports; they follow a container's restart). */
  readonly configurationUrl?: string;
  readonly directControlUrl: string;
  /** The queue server from the host: HTTP, and its 0MQ CONTROL and INFO addresses. */
  readonly queueServer?: { url: string; control: string; info: string; apiKey: string };
  /** The web UI from the host, when the pod has one. */
  readonly webUiUrl?: string;
  /** EPICS variables for a CA client on the host: the IOCs as TCP name servers. */
  caEnv(): Record<string, string>;
  /** Seconds each container took to become healthy. */
  startup: Record<string, number>;
  /** Stops and starts a container, waiting until it is healthy again. */
  restart(alias: string): Promise<void>;
  /** SIGKILLs a container's process (no shutdown of any kind), then starts it again and waits until healthy. */
  kill(alias: string): Promise<void>;
  stop(): Promise<void>;
}

const timed = async <T>(
  startup: Record<string, number>,
  name: string,
  start: () => Promise<T>,
): Promise<T> => {
  const t0 = performance.now();
  const result = await start();
  startup[name] = Math.round(performance.now() - t0) / 1000;
  return result;
};

/** The queue server's command line in a pod: the reference's, with the startup directory when it has one. */
function queueServerArgs(plan: PodPlan): string[] {
  const args = [
    'queueserver',
    '--host',
    '0.0.0.0',
    '--zmq-control-addr',
    `tcp://*:${QS_CONTROL_PORT}`,
    '--zmq-info-addr',
    `tcp://*:${QS_INFO_PORT}`,
  ];
  if (plan.queueServer === 'test-collection')
    // The profile is copied in as root's (read-only to uid 1000): the lists file goes to /tmp.
    args.push(
      '--startup-dir',
      '/profile',
      '--existing-plans-devices',
      '/tmp/existing_plans_and_devices.yaml',
    );
  return args;
}

export async function startPod(name: PodName, log: (line: string) => void = () => {}): Promise<Pod> {
  const plan: PodPlan = PODS[name];
  const image = ensureImage(log);
  if (plan.registry === 'postgres') requireImage('postgres:16');
  reaperOffUnlessAvailable();
  const network = await new Network().start();
  const containers = new Map<string, StartedTestContainer>();
  const startup: Record<string, number> = {};
  const started: { stop(): Promise<unknown> }[] = [];
  const service = (alias: string, args: string[], env: Record<string, string>, ports: number[]) =>
    new GenericContainer(image)
      .withNetwork(network)
      .withNetworkAliases(alias)
      .withName(`${name}-${alias}-${Date.now().toString(36)}`)
      .withCommand(args)
      .withEnvironment(env)
      .withExposedPorts(...ports)
      .withHealthCheck(healthCheck)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000);
  const begin = async (alias: string, container: GenericContainer) => {
    const running = await timed(startup, alias, () => container.start());
    containers.set(alias, running);
    started.push(running);
    return running;
  };
  const hostUrl = (alias: string, port: number) => {
    const c = containers.get(alias);
    return c && `http://${c.getHost()}:${c.getMappedPort(port)}`;
  };
  const hostTcp = (alias: string, port: number) => {
    const c = containers.get(alias)!;
    return `tcp://${c.getHost()}:${c.getMappedPort(port)}`;
  };
  try {
    const iocs = plan.iocs;
    const caEnv = { EPICS_CA_ADDR_LIST: iocs.map((i) => i.alias).join(' '), EPICS_CA_AUTO_ADDR_LIST: 'NO' };
    log(`starting pod ${name} from ${image}`);

    const iocsStarted = Promise.all(
      iocs.map((ioc) =>
        begin(ioc.alias, service(ioc.alias, ['ioc', ...ioc.args, '--seed', '1'], {}, [CA_PORT])),
      ),
    );
    let postgres: StartedPostgreSqlContainer | undefined;
    if (plan.registry === 'postgres') {
      postgres = await timed(startup, 'postgres', () =>
        new PostgreSqlContainer('postgres:16')
          .withNetwork(network)
          .withNetworkAliases('postgres')
          .withDatabase(DATABASE.database)
          .withUsername(DATABASE.user)
          .withPassword(DATABASE.password)
          .start(),
      );
      started.push(postgres);
    }
    await iocsStarted;

    // The HTTP services default to 127.0.0.1; in a container they serve the pod's network (as the
    // reference's `--host 0.0.0.0`), and only the mapped ports reach the host.
    if (plan.registry !== 'none') {
      const seed =
        plan.seed === 'happi'
          ? ['--profile-path', 'integration/seed/happi_db.json', '--load-strategy', 'happi']
          : ['--load-strategy', 'empty'];
      // Without a URL the registry is a SQLite file in the container's /tmp.
      const database: Record<string, string> = postgres
        ? {
            CONFIG_DATABASE_URL: `postgresql://${DATABASE.user}:${DATABASE.password}@postgres:5432/${DATABASE.database}`,
          }
        : {};
      await begin(
        'configuration',
        service('configuration', ['configuration', '--host', '0.0.0.0', ...seed], database, [
          CONFIGURATION.port,
        ]),
      );
    }

    const registry: Record<string, string> =
      plan.registry === 'none'
        ? {}
        : { DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: httpUrl(CONFIGURATION, 'configuration') };
    let direct = service(
      'direct-control',
      ['direct-control', '--host', '0.0.0.0'],
      { ...caEnv, ...registry, ...plan.directControl },
      [DIRECT_CONTROL.port],
    );
    if (name === 'standalone') {
      direct = direct.withCopyFilesToContainer([
        {
          source: `${REPO_ROOT}/integration/pods/standalone/registry.yaml`,
          target: '/etc/ophyd-service/registry.yaml',
        },
      ]);
    }
    await begin('direct-control', direct);

    if (plan.queueServer) {
      let queueServer = service(
        'queueserver',
        queueServerArgs(plan),
        {
          ...caEnv,
          QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: QUEUE_SERVER_API_KEY,
          // Consume mode and plan-scoped device locks (spec §12), as the reference's qs_config.
          QSERVER_CONFIG_SERVICE_ENABLED: 'true',
          QSERVER_CONFIG_SERVICE_URL: httpUrl(CONFIGURATION, 'configuration'),
          QSERVER_CONFIG_SERVICE_LOCK_SCOPE: 'plan',
        },
        portsOf(QUEUE_SERVER),
      );
      if (plan.queueServer === 'test-collection')
        queueServer = queueServer.withCopyDirectoriesToContainer([
          { source: `${REPO_ROOT}/integration/profile_collections/test_collection`, target: '/profile' },
        ]);
      await begin('queueserver', queueServer);
    }

    if (plan.webUi) {
      // Started last: the page's browser is on the host, so it is told the mapped ports.
      await begin(
        'web-ui',
        service(
          'web-ui',
          ['web-ui', '--host', '0.0.0.0'],
          {
            WEB_UI_CONFIGURATION_URL: hostUrl('configuration', CONFIGURATION.port) ?? '',
            WEB_UI_DIRECT_CONTROL_URL: hostUrl('direct-control', DIRECT_CONTROL.port)!,
            WEB_UI_QUEUE_SERVER_URL: hostUrl('queueserver', QUEUE_SERVER.port) ?? '',
            QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: QUEUE_SERVER_API_KEY,
          },
          [WEB_UI.port],
        ),
      );
    }

    const pod: Pod = {
      name,
      image,
      network,
      containers,
      postgres,
      startup,
      get configurationUrl() {
        return hostUrl('configuration', CONFIGURATION.port);
      },
      get directControlUrl() {
        return hostUrl('direct-control', DIRECT_CONTROL.port)!;
      },
      get webUiUrl() {
        return hostUrl('web-ui', WEB_UI.port);
      },
      get queueServer() {
        if (!containers.has('queueserver')) return undefined;
        return {
          url: hostUrl('queueserver', QUEUE_SERVER.port)!,
          control: hostTcp('queueserver', QS_CONTROL_PORT),
          info: hostTcp('queueserver', QS_INFO_PORT),
          apiKey: QUEUE_SERVER_API_KEY,
        };
      },
      caEnv: () => ({
        EPICS_CA_NAME_SERVERS: iocs
          .map((ioc) => {
            const c = containers.get(ioc.alias)!;
            return `${c.getHost()}:${c.getMappedPort(CA_PORT)}`;
          })
          .join(' '),
        EPICS_CA_ADDR_LIST: '',
        EPICS_CA_AUTO_ADDR_LIST: 'NO',
      }),
      async restart(alias) {
        if (alias === 'postgres' && postgres) {
          await postgres.restart();
          return;
        }
        const container = containers.get(alias);
        if (!container) throw new Error(`pod ${name} has no container ${alias}`);
        await container.restart();
      },
      async kill(alias) {
        const container = containers.get(alias);
        if (!container) throw new Error(`pod ${name} has no container ${alias}`);
        const killed = spawnSync('docker', ['kill', '--signal', 'KILL', container.getId()], {
          encoding: 'utf8',
        });
        if (killed.status !== 0) throw new Error(`docker kill ${alias}: ${killed.stderr}`);
        // Restarting a stopped container starts it; Testcontainers then re-reads its mapped ports
        // and waits on its health check.
        await container.restart();
      },
      async stop() {
        await Promise.allSettled(started.reverse().map((c) => c.stop()));
        await network.stop();
      },
    };
    log(`pod ${name} up: ${JSON.stringify(startup)}`);
    return pod;
  } catch (err) {
    await Promise.allSettled(started.map((c) => c.stop()));
    await network.stop().catch(() => {});
    throw err;
  }
}
