/**
 * What test:cluster and the cluster bench do to the real node as a user would: `helm install` the
 * chart, apply Beamlines of the example's shape (seeded with the stack's seed as the example's
 * comment says), `kubectl port-forward` to a Service, and read the kubelet's memory figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../integration/pods/src/image.ts';
import { BIN, NODE_NAME, type RealCluster } from './cluster.ts';
import { type Daemon, logTail, startDaemon, stopDaemon, until } from './processes.ts';

export const SEED = join(REPO_ROOT, 'integration/seed/happi_db.json');

/** `helm install` of the chart with the image `tag`; resolves with kubectl-like {code, stderr}. */
export function helmInstall(cluster: RealCluster, tag: string) {
  return cluster.run(join(BIN, 'helm'), [
    `--kubeconfig=${cluster.kubeconfigPath}`,
    'install',
    'ophyd-service',
    join(REPO_ROOT, 'charts/ophyd-service'),
    '--set',
    `image.tag=${tag}`,
    '--wait',
    '--timeout=5m',
  ]);
}

/** The pods of one component of a Beamline, a line `<name> <ready>` each (trimmed; empty when none). */
export async function componentPods(
  cluster: RealCluster,
  beamline: string,
  component: string,
): Promise<string> {
  const listed = await cluster.kubectl([
    'get',
    'pods',
    '-l',
    `app.kubernetes.io/instance=${beamline},app.kubernetes.io/component=${component}`,
    '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].ready}{"\\n"}{end}',
  ]);
  return listed.stdout.trim();
}

/** Creates the ConfigMap `name` holding the stack's seed (the example's `mini-seed`). */
export async function createSeed(cluster: RealCluster, name = 'mini-seed'): Promise<void> {
  const made = await cluster.kubectl(['create', 'configmap', name, `--from-file=${SEED}`]);
  if (made.code !== 0) throw new Error(`kubectl create configmap ${name}: ${made.stderr}`);
}

type Beamline = { metadata: { name: string }; spec: Record<string, unknown> & { image: { tag: string } } };

/**
 * examples/mini-beamline.yaml as JSON with the image tag `tag`, named `name`, its registry seeded
 * from the ConfigMap `seed` when given (the example's own instructions), `edit` applied last.
 */
export function exampleBeamline(
  tag: string,
  options: { name?: string; seed?: string; edit?: (b: Beamline) => void } = {},
): Beamline {
  const beamline = parse(readFileSync(join(REPO_ROOT, 'examples/mini-beamline.yaml'), 'utf8')) as Beamline;
  beamline.spec.image.tag = tag;
  if (options.name) beamline.metadata.name = options.name;
  if (options.seed) (beamline.spec.registry as Record<string, unknown>).seed = { configMap: options.seed };
  options.edit?.(beamline);
  return beamline;
}

export interface PortForward {
  /** The local port on 127.0.0.1 inside the cluster's network namespace. */
  port: number;
  daemon: Daemon;
  stop(): Promise<void>;
}

let forwards = 0;
/** `kubectl port-forward <target> :<remotePort>` in the cluster's namespace, once it listens. */
export async function portForward(
  cluster: RealCluster,
  target: string,
  remotePort: number,
): Promise<PortForward> {
  const daemon = startDaemon(
    `port-forward-${++forwards}`,
    cluster.netns,
    'kubectl',
    [`--kubeconfig=${cluster.kubeconfigPath}`, 'port-forward', target, `:${remotePort}`],
    cluster.dir,
  );
  let port = 0;
  try {
    await until(`kubectl port-forward ${target} listening`, async () => {
      port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(logTail(daemon.logPath))?.[1] ?? 0);
      return port !== 0;
    }, [daemon]);
  } catch (error) {
    await stopDaemon(daemon);
    throw error;
  }
  return { port, daemon, stop: () => stopDaemon(daemon) };
}

export interface ContainerMemory {
  pod: string;
  container: string;
  workingSetBytes: number;
  rssBytes: number;
}

/** Every container's memory on the node, from the kubelet's stats summary (through the API server). */
export async function containerMemory(
  cluster: RealCluster,
  namespace = 'default',
): Promise<ContainerMemory[]> {
  const got = await cluster.kubectl(['get', '--raw', `/api/v1/nodes/${NODE_NAME}/proxy/stats/summary`]);
  if (got.code !== 0) throw new Error(`the kubelet's stats summary: ${got.stderr}`);
  const summary = JSON.parse(got.stdout) as {
    pods?: {
      podRef: { name: string; namespace: string };
      containers?: { name: string; memory?: { workingSetBytes?: number; rssBytes?: number } }[];
    }[];
  };
  return (summary.pods ?? [])
    .filter((p) => p.podRef.namespace === namespace)
    .flatMap((p) =>
      (p.containers ?? []).map((c) => ({
        pod: p.podRef.name,
        container: c.name,
        workingSetBytes: c.memory?.workingSetBytes ?? Number.NaN,
        rssBytes: c.memory?.rssBytes ?? Number.NaN,
      })),
    );
}
