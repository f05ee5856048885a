/**
 * The stack on the real one-node cluster of test:cluster (operator/test/cluster: kubelet,
 * containerd, kube-proxy; needs root and scripts/k8s-binaries.sh + scripts/node-runtime.sh).
 * After `helm install` of the chart:
 * - `example_apply_to_ready_s`: `kubectl apply` of the example Beamline (seeded with the stack's
 *   seed) until `kubectl wait --for=condition=Ready` returns (its seven Deployments' pods Ready);
 * - per service, the container's memory (working set and RSS, from the kubelet's stats summary)
 *   idle, then under load: BENCH_CLIENTS (default 100) WebSocket clients of direct control's
 *   pv-socket (the direct-control bench's clients, through `kubectl port-forward`), each
 *   subscribed to BENCH_PVS (mini:current at 10 Hz and the three detectors at 2 Hz), for
 *   BENCH_SECONDS (default 30; the kubelet's figures refresh about every 10 s);
 * - `batch_apply_to_ready_s`: BENCH_BEAMLINES (default 10) Beamlines (bl0…, unseeded) applied at
 *   once until every one is Ready; each keeps one IOC, the registry and direct control, as the
 *   example's 360m of CPU requests ten times over do not fit the node's 2 CPUs; with the first and
 *   median Beamline's Ready times from their conditions (1 s resolution), and the node's total
 *   container working set.
 *
 * Peers: none runs here (no other Beamline operator; the Python reference has no Kubernetes
 * deployment).
 */
import { join } from 'node:path';
import { ensureImage } from '../integration/pods/src/image.ts';
import { startRealCluster } from '../operator/test/cluster/cluster.ts';
import {
  type ContainerMemory,
  containerMemory,
  createSeed,
  exampleBeamline,
  helmInstall,
  portForward,
} from '../operator/test/cluster/deploy.ts';
import { addHostPathVolumes } from '../operator/test/cluster/volumes.ts';
import { type Json, jsonChild } from './json-child.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const COUNT = Number(process.env.BENCH_BEAMLINES ?? 10);
const PVS = (process.env.BENCH_PVS ?? 'mini:current,mini:ph:det,mini:edge:det,mini:slit:det').split(',');
const log = (m: string) => process.stderr.write(`[cluster] ${m}\n`);
const round = (x: number) => Math.round(x * 100) / 100;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

setTimeout(() => {
  log('watchdog: overran, giving up');
  process.exit(1);
}, 45 * 60_000).unref();

const image = ensureImage(log);
const tag = image.split(':')[1];
log('starting the cluster');
const cluster = await startRealCluster();
const kubectlOk = async (args: string[], input?: string) => {
  const r = await cluster.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** `app.kubernetes.io/component` of each of `beamline`'s pods' containers → its memory, in MB. */
async function memoryByService(
  beamline: string,
): Promise<Record<string, { working_set_mb: number; rss_mb: number }>> {
  const components = JSON.parse(
    await kubectlOk(['get', 'pods', '-l', `app.kubernetes.io/instance=${beamline}`, '-o', 'json']),
  ) as { items: { metadata: { name: string; labels: Record<string, string> } }[] };
  const byPod = new Map(
    components.items.map((p) => [p.metadata.name, p.metadata.labels['app.kubernetes.io/component']]),
  );
  const out: Record<string, { working_set_mb: number; rss_mb: number }> = {};
  for (const c of await containerMemory(cluster)) {
    const component = byPod.get(c.pod);
    if (component) out[component] = { working_set_mb: mb(c.workingSetBytes), rss_mb: mb(c.rssBytes) };
  }
  return out;
}

/** Waits until the kubelet reports every one of `beamline`'s containers (stats lag the pods). */
async function settledMemory(beamline: string, expected: number) {
  for (let i = 0; i < 60; i++) {
    const m = await memoryByService(beamline);
    if (Object.keys(m).length >= expected && Object.values(m).every((v) => v.working_set_mb > 0)) return m;
    await sleep(2000);
  }
  throw new Error(`the kubelet's stats never covered ${beamline}'s ${expected} containers`);
}

try {
  cluster.loadImage(image);
  await addHostPathVolumes(cluster, 2 * (COUNT + 1) + 1);
  for (let i = 0; (await cluster.kubectl(['get', 'serviceaccount', 'default'])).code !== 0; i++) {
    if (i > 120) throw new Error('no default ServiceAccount');
    await sleep(500);
  }
  const installed = await helmInstall(cluster, tag);
  if (installed.code !== 0) throw new Error(`helm install: ${installed.stderr}`);
  await createSeed(cluster, 'mini-seed');

  log('applying the example Beamline');
  const t0 = performance.now();
  await kubectlOk(['apply', '-f', '-'], JSON.stringify(exampleBeamline(tag, { seed: 'mini-seed' })));
  await kubectlOk(['wait', '--for=condition=Ready', 'beamline/mini', '--timeout=900s']);
  const exampleReadyS = (performance.now() - t0) / 1000;
  log(`mini Ready in ${round(exampleReadyS)} s; letting it settle for ${SECONDS} s`);
  await sleep(SECONDS * 1000);
  const idle = await settledMemory('mini', 7);

  const forward = await portForward(cluster, 'svc/mini-direct-control', 8003);
  const clients = jsonChild('nsenter', [
    `--net=/run/netns/${cluster.netns}`,
    '--',
    process.execPath,
    join(import.meta.dirname, '../operator/test/cluster/pv-socket-clients.ts'),
    `ws://127.0.0.1:${forward.port}/api/v1/pv-socket`,
    String(CLIENTS),
    ...PVS,
  ]);
  const first = await clients.next<Json>(120_000, 'the clients subscribing');
  if (!('subscribed' in first)) throw new Error(`the clients: ${JSON.stringify(first)}`);
  log(`${CLIENTS} clients subscribed to ${PVS.join(', ')} through the port-forward`);
  clients.send('stats');
  const before = await clients.next<{ updates: number }>(5000, 'stats');
  const started = performance.now();
  await sleep(SECONDS * 1000);
  clients.send('stats');
  const after = await clients.next<{ updates: number }>(5000, 'stats');
  const loadedS = (performance.now() - started) / 1000;
  const loaded = await memoryByService('mini');
  await clients.stop();
  await forward.stop();
  log(`idle ${JSON.stringify(idle)}; under load ${JSON.stringify(loaded)}`);

  log('deleting mini; applying the Beamlines at once');
  await kubectlOk(['delete', 'beamline', 'mini', '--wait=true', '--timeout=300s']);
  const names = Array.from({ length: COUNT }, (_, i) => `bl${i}`);
  // The example asks 360m CPU of requests and the node has 2 CPUs: the batch's Beamlines keep one
  // IOC, the registry and direct control (150m, three pods each).
  const small = (b: { spec: Record<string, unknown> }) => {
    b.spec.iocs = [{ name: 'mini', simulated: { kind: 'mini_beamline' } }];
    b.spec.queueServer = { enabled: false };
    b.spec.webUi = { enabled: false };
  };
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: names.map((name) => exampleBeamline(tag, { name, edit: small })),
  };
  const appliedAt = Date.now();
  const t1 = performance.now();
  await kubectlOk(['apply', '-f', '-'], JSON.stringify(list));
  await kubectlOk(['wait', '--for=condition=Ready', ...names.map((n) => `beamline/${n}`), '--timeout=900s']);
  const batchReadyS = (performance.now() - t1) / 1000;
  const conditions = JSON.parse(await kubectlOk(['get', 'beamlines', '-o', 'json'])) as {
    items: { status: { conditions: { type: string; lastTransitionTime: string }[] } }[];
  };
  const readyAfter = conditions.items
    .map((b) => {
      const ready = b.status.conditions.find((c) => c.type === 'Ready');
      return (Date.parse(ready?.lastTransitionTime ?? '') - appliedAt) / 1000;
    })
    .sort((a, b) => a - b);
  await sleep(20_000);
  const all: ContainerMemory[] = await containerMemory(cluster);
  const podsCount = new Set(all.filter((c) => /^bl\d+-/.test(c.pod)).map((c) => c.pod)).size;
  const total = all.filter((c) => /^bl\d+-/.test(c.pod)).reduce((n, c) => n + c.workingSetBytes, 0);

  const services = Object.keys(idle).sort();
  const figures: Json = {
    example_apply_to_ready_s: round(exampleReadyS),
    memory_idle: Object.fromEntries(services.map((s) => [s, idle[s]])),
    load_clients: CLIENTS,
    load_pvs: PVS.length,
    load_updates_per_s: Math.round((after.updates - before.updates) / loadedS),
    memory_under_load: Object.fromEntries(services.map((s) => [s, loaded[s]])),
    beamlines: COUNT,
    batch_apply_to_ready_s: round(batchReadyS),
    batch_first_ready_s: Math.round(readyAfter[0]),
    batch_median_ready_s: Math.round(readyAfter[Math.floor(readyAfter.length / 2)]),
    batch_pods: podsCount,
    batch_total_working_set_mb: mb(total),
  };
  console.log(
    JSON.stringify(
      {
        bench: 'cluster',
        figures,
        peers: {
          'python-reference': { error: 'the reference has no Kubernetes deployment to compare with' },
        },
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
