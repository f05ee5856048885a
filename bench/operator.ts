/**
 * The operator at scale, against a real kube-apiserver + etcd (scripts/k8s-binaries.sh): 50
 * Beamlines (BENCH_BEAMLINES) of the example's shape (3 simulated IOCs each, so 14 children: 5
 * Deployments, 4 Services, 3 ConfigMaps, SA/Role/RoleBinding, PVC, NetworkPolicy) are applied at
 * once; the figures are the time until every child exists and every status reads Progressing with
 * observedGeneration 1, the API requests the API server counted per reconcile (from its own
 * apiserver_request_total, minus the bench's own requests), the operator's writes per reconcile,
 * and its writes per minute in the steady state that follows (BENCH_STEADY_SECONDS, default 60;
 * the target is 0). The operator runs in this process with 4 workers; resync every 10 s.
 *
 * Peers: none. No other Beamline operator exists to compare with.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { AppsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { GROUP, PLURAL, VERSION } from '../operator/src/crd/beamline.ts';
import { startOperator } from '../operator/src/main.ts';
import { type Cluster, startCluster } from '../operator/test/k8s/cluster.ts';

const COUNT = Number(process.env.BENCH_BEAMLINES ?? 50);
const STEADY_S = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const root = join(import.meta.dirname, '..');
const log = (m: string) => process.stderr.write(`[operator] ${m}\n`);
const round = (x: number) => Math.round(x * 100) / 100;

/** Non-watch requests the API server has served so far (its own counter). */
function apiRequests(cluster: Cluster): Promise<number> {
  return new Promise((resolve, reject) => {
    get(
      `${cluster.url}/metrics`,
      { headers: { authorization: `Bearer ${cluster.token}` }, rejectUnauthorized: false },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let n = 0;
          for (const line of text.split('\n')) {
            if (!line.startsWith('apiserver_request_total{') || /verb="WATCH"/.test(line)) continue;
            n += Number(line.split(' ').at(-1));
          }
          resolve(n);
        });
      },
    ).on('error', reject);
  });
}

const cluster = await startCluster();
try {
  const crd = await cluster.kubectl(['apply', '-f', join(root, 'crds')]);
  if (crd.code !== 0) throw new Error(crd.stderr);
  while ((await cluster.kubectl(['get', 'beamlines'])).code !== 0)
    await new Promise((r) => setTimeout(r, 100));
  const operator = await startOperator({
    kubeConfig: cluster.kubeConfig,
    metricsPort: 0,
    leaseNamespace: 'default',
    resyncMs: 10_000,
    log: () => {},
  });
  while (!operator.controller?.ready) await new Promise((r) => setTimeout(r, 50));
  const metric = async (name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${operator.port}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  };
  const example = parse(readFileSync(join(root, 'examples/mini-beamline.yaml'), 'utf8'));
  const docs = Array.from({ length: COUNT }, (_, i) =>
    stringify({ ...example, metadata: { name: `bl${i}` } }),
  ).join('---\n');
  const requestsBefore = await apiRequests(cluster);
  const t0 = performance.now();
  const applied = await cluster.kubectl(['apply', '-f', '-'], docs);
  if (applied.code !== 0) throw new Error(applied.stderr);
  const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  let polls = 0;
  for (;;) {
    polls += 2;
    const deployments = (await apps.listNamespacedDeployment({ namespace: 'default' })).items.length;
    const list = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'default',
      plural: PLURAL,
    })) as {
      items: { status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } }[];
    };
    const progressing = list.items.filter(
      (b) =>
        b.status?.observedGeneration === 1 &&
        b.status.conditions?.some((c) => c.type === 'Progressing' && c.status === 'True'),
    ).length;
    if (deployments === COUNT * 5 && progressing === COUNT) break;
    if (performance.now() - t0 > 300_000)
      throw new Error(`not converged: ${deployments} Deployments, ${progressing} Progressing`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const convergeS = (performance.now() - t0) / 1000;
  const reconciles = await metric('operator_reconcile_total');
  const writes = await metric('operator_api_writes_total{');
  // The bench's own requests: one kubectl apply (a GET and a create per Beamline, plus discovery) and its polls.
  const requests = (await apiRequests(cluster)) - requestsBefore - polls - 2 * COUNT;
  log(`${COUNT} Beamlines converged in ${round(convergeS)} s: ${reconciles} reconciles, ${writes} writes`);
  const steadyBefore = await metric('operator_api_writes_total{');
  await new Promise((r) => setTimeout(r, STEADY_S * 1000));
  const steadyWrites = (await metric('operator_api_writes_total{')) - steadyBefore;
  await operator.stop();
  console.log(
    JSON.stringify(
      {
        bench: 'operator',
        figures: {
          beamlines: COUNT,
          children_per_beamline: 14,
          converge_s: round(convergeS),
          reconciles,
          api_writes: writes,
          api_writes_per_reconcile: round(writes / reconciles),
          api_requests_per_reconcile: round(requests / reconciles),
          steady_state_writes_per_minute: round((steadyWrites * 60) / STEADY_S),
          steady_state_window_s: STEADY_S,
        },
        peers: {},
        ratios: {},
      },
      null,
      2,
    ),
  );
} finally {
  await cluster.stop();
}
process.exit(0);
