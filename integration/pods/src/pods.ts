/**
 * The pods: the stack in real containers on a Docker network of its own, started with
 * Testcontainers from the one runtime image.
 *
 * - `inner-loop`: IOC (mini_beamline, camera, motors), PostgreSQL, configuration (happi-seeded),
 *   direct control with writes on;
 * - `standalone`: IOC and direct control reading a registry file, no configuration service;
 * - `full`: every simulated IOC in its own container, plus the inner loop's services.
 *
 * Inside the pod CA goes by network alias (`EPICS_CA_ADDR_LIST=<aliases>`, auto list off); from the
 * host, `caEnv()` points a client at the IOCs' mapped TCP ports as name servers. Every container
 * waits on its health check: HTTP `/ready` for services, a real CA read for IOCs.
 */
import { ENDPOINTS, httpUrl } from '@ophyd-service/endpoints';
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

export const POD_NAMES = ['inner-loop', 'standalone', 'full'] as const;
export type PodName = (typeof POD_NAMES)[number];

interface IocSpec {
  alias: string;
  args: string[];
}

const INNER_LOOP_IOCS: IocSpec[] = [{ alias: 'ioc', args: ['mini_beamline', 'camera', 'motors'] }];
const FULL_IOCS: IocSpec[] = [
  { alias: 'ioc', args: ['mini_beamline'] },
  { alias: 'ioc-adsim', args: ['camera'] },
  { alias: 'ioc-motor', args: ['motors'] },
  { alias: 'ioc-random-walk', args: ['random_walk'] },
  { alias: 'ioc-random-walk-h', args: ['random_walk', '--prefix', 'random_walk:horiz-'] },
  { alias: 'ioc-random-walk-v', args: ['random_walk', '--prefix', 'random_walk:vert-'] },
  { alias: 'ioc-thermo', args: ['thermo'] },
];

export const DATABASE = { user: 'bluesky', password: 'bluesky', database: 'config_service' };

const CA_PORT = ENDPOINTS.ioc.port;
const CONFIGURATION = ENDPOINTS.configuration;
const DIRECT_CONTROL = ENDPOINTS['direct-control'];

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
  /** Host URLs (mapped ports). */
  configurationUrl?: string;
  directControlUrl: string;
  /** EPICS variables for a CA client on the host: the IOCs as TCP name servers. */
  caEnv(): Record<string, string>;
  /** Seconds each container took to become healthy. */
  startup: Record<string, number>;
  restart(alias: string): Promise<void>;
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

export async function startPod(name: PodName, log: (line: string) => void = () => {}): Promise<Pod> {
  const image = ensureImage(log);
  requireImage('postgres:16');
  reaperOffUnlessAvailable();
  const network = await new Network().start();
  const containers = new Map<string, StartedTestContainer>();
  const startup: Record<string, number> = {};
  const started: { stop(): Promise<unknown> }[] = [];
  const service = (alias: string, args: string[], env: Record<string, string>, port: number) =>
    new GenericContainer(image)
      .withNetwork(network)
      .withNetworkAliases(alias)
      .withName(`${name}-${alias}-${Date.now().toString(36)}`)
      .withCommand(args)
      .withEnvironment(env)
      .withExposedPorts(port)
      .withHealthCheck(healthCheck)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000);
  try {
    const iocs = name === 'full' ? FULL_IOCS : INNER_LOOP_IOCS;
    const caAddrList = iocs.map((i) => i.alias).join(' ');
    const caEnv = { EPICS_CA_ADDR_LIST: caAddrList, EPICS_CA_AUTO_ADDR_LIST: 'NO' };
    log(`starting pod ${name} from ${image}`);

    const iocContainers = iocs.map((ioc) =>
      timed(startup, ioc.alias, () =>
        service(ioc.alias, ['ioc', ...ioc.args, '--seed', '1'], {}, CA_PORT).start(),
      ),
    );
    let postgres: StartedPostgreSqlContainer | undefined;
    if (name !== 'standalone') {
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
    for (const [i, container] of (await Promise.all(iocContainers)).entries()) {
      containers.set(iocs[i].alias, container);
      started.push(container);
    }

    // The HTTP services default to 127.0.0.1; in a container they serve the pod's network (as the
    // reference's `--host 0.0.0.0`), and only the mapped ports reach the host.
    let configurationUrl: string | undefined;
    if (postgres) {
      const configuration = await timed(startup, 'configuration', () =>
        service(
          'configuration',
          [
            'configuration',
            '--host',
            '0.0.0.0',
            '--profile-path',
            'integration/seed/happi_db.json',
            '--load-strategy',
            'happi',
          ],
          {
            CONFIG_DATABASE_URL: `postgresql://${DATABASE.user}:${DATABASE.password}@postgres:5432/${DATABASE.database}`,
          },
          CONFIGURATION.port,
        ).start(),
      );
      containers.set('configuration', configuration);
      started.push(configuration);
      configurationUrl = `http://${configuration.getHost()}:${configuration.getMappedPort(CONFIGURATION.port)}`;
    }

    const registry: Record<string, string> =
      name === 'standalone'
        ? {
            DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
            DIRECT_CONTROL_REGISTRY_FILE_PATH: '/etc/ophyd-service/registry.yaml',
          }
        : { DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: httpUrl(CONFIGURATION, 'configuration') };
    let direct = service(
      'direct-control',
      ['direct-control', '--host', '0.0.0.0'],
      { ...caEnv, ...registry, DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false' },
      DIRECT_CONTROL.port,
    );
    if (name === 'standalone') {
      direct = direct.withCopyFilesToContainer([
        {
          source: `${REPO_ROOT}/integration/pods/standalone/registry.yaml`,
          target: '/etc/ophyd-service/registry.yaml',
        },
      ]);
    }
    const directControl = await timed(startup, 'direct-control', () => direct.start());
    containers.set('direct-control', directControl);
    started.push(directControl);

    const pod: Pod = {
      name,
      image,
      network,
      containers,
      postgres,
      configurationUrl,
      directControlUrl: `http://${directControl.getHost()}:${directControl.getMappedPort(DIRECT_CONTROL.port)}`,
      startup,
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
        if (alias === 'configuration')
          pod.configurationUrl = `http://${container.getHost()}:${container.getMappedPort(CONFIGURATION.port)}`;
        if (alias === 'direct-control')
          pod.directControlUrl = `http://${container.getHost()}:${container.getMappedPort(DIRECT_CONTROL.port)}`;
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
