/**
 * `ophyd-service operator`: reconciles Beamline resources. Reads the kube config the usual way (in a
 * pod: its service account; elsewhere: KUBECONFIG or ~/.kube/config), elects a leader through a
 * Lease, and serves /healthz, /readyz and /metrics on --metrics-port (8080).
 */
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { ENDPOINTS } from '@ophyd-service/endpoints';
import { Controller } from './controller.ts';
import { LeaderElector } from './leader.ts';
import { createMetrics } from './metrics.ts';

const USAGE = `Usage: ophyd-service operator [--metrics-port N] [--lease-namespace NS] [--lease-seconds S] [--workers N] [--resync-seconds S]

Reconciles Beamline resources (beamlines.ophyd-service.dev) into Deployments, Services, ConfigMaps,
RBAC and NetworkPolicies. Needs the CRD installed: kubectl apply -f crds/.
Environment: KUBECONFIG (outside a cluster), POD_NAMESPACE (the Lease's namespace in a cluster).`;

export interface RunningOperator {
  controller?: Controller;
  elector: LeaderElector;
  port: number;
  stop(): Promise<void>;
}

export async function startOperator(options: {
  kubeConfig: KubeConfig;
  metricsPort?: number;
  leaseNamespace: string;
  identity?: string;
  workers?: number;
  resyncMs?: number;
  leaseSeconds?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}): Promise<RunningOperator> {
  const log = options.log ?? ((message, fields) => console.log(JSON.stringify({ msg: message, ...fields })));
  const metrics = createMetrics();
  await Controller.requireCrd(options.kubeConfig);
  const running: RunningOperator = {
    elector: undefined as unknown as LeaderElector,
    port: 0,
    async stop() {
      await running.elector.stop();
      await running.controller?.stop();
      await new Promise((r) => server.close(r));
    },
  };
  running.elector = new LeaderElector({
    kubeConfig: options.kubeConfig,
    namespace: options.leaseNamespace,
    identity: options.identity ?? `${hostname()}-${process.pid}`,
    leaseSeconds: options.leaseSeconds,
    log,
    onStartedLeading: async () => {
      running.controller = new Controller({
        kubeConfig: options.kubeConfig,
        metrics,
        workers: options.workers,
        resyncMs: options.resyncMs,
        log,
      });
      await running.controller.start();
    },
    onStoppedLeading: async () => {
      await running.controller?.stop();
      running.controller = undefined;
    },
  });
  const server = createServer(async (req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200).end('ok');
    } else if (path === '/readyz') {
      // Ready when leading with synced caches, or standing by as a follower.
      const ok = !running.elector.leading || running.controller?.ready === true;
      res.writeHead(ok ? 200 : 503).end(ok ? 'ok' : 'caches not synced');
    } else if (path === '/metrics') {
      metrics.queueDepth.set(running.controller?.queue.depth ?? 0);
      res
        .writeHead(200, { 'content-type': metrics.registry.contentType })
        .end(await metrics.registry.metrics());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.metricsPort ?? ENDPOINTS.operator.port, resolve),
  );
  running.port = (server.address() as { port: number }).port;
  running.elector.start();
  return running;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'metrics-port': { type: 'string', default: String(ENDPOINTS.operator.port) },
      'lease-namespace': { type: 'string' },
      'lease-seconds': { type: 'string', default: '15' },
      workers: { type: 'string', default: '4' },
      'resync-seconds': { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const operator = await startOperator({
    kubeConfig,
    metricsPort: Number(values['metrics-port']),
    leaseNamespace: values['lease-namespace'] ?? process.env.POD_NAMESPACE ?? 'default',
    workers: Number(values.workers),
    resyncMs: Number(values['resync-seconds']) * 1000,
    leaseSeconds: Number(values['lease-seconds']),
  });
  const stop = async () => {
    await operator.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
