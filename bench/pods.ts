/**
 * The runtime image and the pods: image size (our layers above the base, and the base), image build
 * time cold (`--no-cache`, to a throwaway tag) and warm (the context-hash tag exists: no build), and
 * for each pod the time until every container is healthy, first start and second start (the second
 * has the image, Docker's network setup and the page cache warm), with each container's share.
 *
 * Needs a Docker engine (scripts/provision.sh) and the base images (integration/images/offline-base.sh).
 * Peers: none. The reference's pods are docker compose stacks of Python images that cannot be built
 * here (no PyPI wheels baked, no base images to pull), so there is no start-up figure to compare.
 */
import { spawnSync } from 'node:child_process';
import { reaperOffUnlessAvailable, requireImage } from '../integration/pods/prerequisites.ts';
import { DOCKERFILE, ensureImage, REPO_ROOT } from '../integration/pods/src/image.ts';
import { POD_NAMES, startPod } from '../integration/pods/src/pods.ts';

const log = (message: string) => process.stderr.write(`[pods] ${message}\n`);
const round = (x: number) => Math.round(x * 100) / 100;
const seconds = (t0: number) => round((performance.now() - t0) / 1000);
const inspect = (tag: string) =>
  JSON.parse(spawnSync('docker', ['image', 'inspect', tag], { encoding: 'utf8' }).stdout)[0] as {
    Size: number;
  };

requireImage('node:24-bookworm-slim');
requireImage('postgres:16');
reaperOffUnlessAvailable();
const figures: Record<string, number | string> = {};

let t0 = performance.now();
const tag = ensureImage(log);
figures.image_build_warm_s = seconds(t0);
t0 = performance.now();
const cold = spawnSync(
  'docker',
  ['build', '--no-cache', '-q', '-f', DOCKERFILE, '-t', 'ophyd-service:bench-cold', '.'],
  {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  },
);
if (cold.status !== 0) throw new Error(`cold build failed: ${cold.stderr}`);
figures.image_build_cold_s = seconds(t0);
spawnSync('docker', ['rmi', 'ophyd-service:bench-cold'], { stdio: 'ignore' });

const image = inspect(tag).Size;
const base = inspect('node:24-bookworm-slim').Size;
figures.image_tag = tag;
figures.image_mb = round(image / 2 ** 20);
figures.base_image_mb = round(base / 2 ** 20);
figures.our_layers_mb = round((image - base) / 2 ** 20);
log(`image ${tag}: ${figures.image_mb} MB, of which ${figures.our_layers_mb} MB above the base`);

for (const name of POD_NAMES) {
  for (const run of ['first', 'second']) {
    const started = performance.now();
    const pod = await startPod(name);
    const total = seconds(started);
    figures[`${name}_${run}_start_s`] = total;
    figures[`${name}_${run}_slowest`] = Object.entries(pod.startup)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 2)
      .map(([k, v]) => `${k} ${v}s`)
      .join(', ');
    log(`${name} (${run}): healthy in ${total} s; ${JSON.stringify(pod.startup)}`);
    await pod.stop();
  }
}

console.log(
  JSON.stringify(
    {
      bench: 'pods',
      figures,
      peers: { 'python-reference': { error: 'its images cannot be built here' } },
      ratios: {},
    },
    null,
    2,
  ),
);
