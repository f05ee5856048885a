/**
 * test:cluster, the dev loop: `skaffold run -p local,containerd` builds the runtime image with
 * Docker, loads it into the node's containerd (the `containerd` profile's after-build hook) and
 * installs the chart with the example Beamline, which becomes Ready; then `skaffold dev` rebuilds
 * after a source change and the Beamline's pods roll to the new image.
 *
 * skaffold works on a copy of the build context (the tracked and untracked files, as the image's
 * context hash sees them), so the change it watches never touches the work tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureImage, REPO_ROOT } from '../../../integration/pods/src/image.ts';
import { BIN, type RealCluster, startRealCluster } from './cluster.ts';
import { type Daemon, logTail, startDaemon, stopDaemon, until } from './processes.ts';
import { addHostPathVolumes } from './volumes.ts';

const NS = 'ophyd-service';

describe('skaffold against the real node', () => {
  let cluster: RealCluster;
  let copy: string;
  let dev: Daemon | undefined;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // The base image and Docker's layer cache: skaffold's build reuses them.
    ensureImage((line) => console.log(`[test:cluster] ${line}`));
    copy = mkdtempSync('/tmp/ophyd-skaffold-');
    execFileSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        'git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$1"',
        'copy',
        copy,
      ],
      { cwd: REPO_ROOT, stdio: 'pipe' },
    );
    cluster = await startRealCluster();
    await addHostPathVolumes(cluster, 3);
    env = {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH}`,
      CONTAINERD_ADDRESS: cluster.runtime.socket,
      SKAFFOLD_UPDATE_CHECK: 'false',
      KUBECONFIG: cluster.kubeconfigPath,
    };
  });
  after(async () => {
    await stopDaemon(dev, 60_000);
    await cluster?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  /** skaffold in the copy, inside the cluster's network namespace. */
  const skaffold = (args: string[]) =>
    cluster.run('env', [
      '-C',
      copy,
      `PATH=${env.PATH}`,
      `CONTAINERD_ADDRESS=${env.CONTAINERD_ADDRESS}`,
      'SKAFFOLD_UPDATE_CHECK=false',
      `KUBECONFIG=${cluster.kubeconfigPath}`,
      join(BIN, 'skaffold'),
      ...args,
    ]);

  /** The images of the example Beamline's pods and of the operator, sorted and unique. */
  const images = async (selector: string) =>
    [
      ...new Set(
        (
          await cluster.kubectl([
            '-n',
            NS,
            'get',
            'pods',
            '-l',
            selector,
            '-o',
            'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
          ])
        ).stdout
          .split('\n')
          .filter(Boolean),
      ),
    ].sort();

  const situation = async () => {
    const pods = await cluster.kubectl(['-n', NS, 'get', 'pods', '-o', 'wide']);
    const events = await cluster.kubectl(['-n', NS, 'get', 'events', '--sort-by=.lastTimestamp']);
    return `${pods.stdout}\n${events.stdout.split('\n').slice(-20).join('\n')}`;
  };

  let firstImage = '';

  it('skaffold run -p local,containerd builds, loads the image into containerd and deploys; the example Beamline becomes Ready', async () => {
    // A fresh node: build even when Docker holds the tag, so the after-build hook loads it.
    const ran = await skaffold([
      'run',
      '-p',
      'local,containerd',
      '--status-check=true',
      '--cache-artifacts=false',
    ]);
    assert.equal(ran.code, 0, `skaffold run:\n${ran.stdout}\n${ran.stderr}\n${await situation()}`);
    const waited = await cluster.kubectl([
      '-n',
      NS,
      'wait',
      '--for=condition=Ready',
      'beamline/mini',
      '--timeout=600s',
    ]);
    assert.equal(waited.code, 0, `Beamline mini not Ready: ${waited.stderr}\n${await situation()}`);
    const operator = await images('app.kubernetes.io/instance=ophyd-service');
    const beamline = await images('app.kubernetes.io/instance=mini');
    assert.equal(operator.length, 1, `one operator image: ${operator}`);
    assert.match(operator[0], /^ophyd-service:[0-9a-f]{8,}/);
    // The Beamline runs the image skaffold built (no other tag of it was ever loaded here).
    assert.deepEqual(beamline, operator);
    firstImage = operator[0];
  });

  it('skaffold dev rebuilds after a source change and the Beamline rolls to the new image', async () => {
    assert.ok(firstImage, 'skaffold run deployed first');
    dev = startDaemon(
      'skaffold-dev',
      cluster.netns,
      'env',
      [
        '-C',
        copy,
        join(BIN, 'skaffold'),
        'dev',
        '-p',
        'local,containerd',
        '--port-forward=off',
        '--cleanup=false',
        // As for `run`: an image found in skaffold's cache skips the after-build hook, so a machine
        // that ran this same tree's dev loop before (CI after a local run) would never load it here.
        '--cache-artifacts=false',
      ],
      cluster.dir,
      env,
    );
    await until(
      'skaffold dev watching',
      async () => logTail(dev!.logPath, 200).includes('Watching for changes'),
      [dev, ...cluster.daemons],
      1200,
    );
    appendFileSync(join(copy, 'ioc/src/index.ts'), '// a change for skaffold dev to pick up\n');
    let now: string[] = [];
    await until(
      'the Beamline rolled to a new image, every pod ready',
      async () => {
        now = await images('app.kubernetes.io/instance=mini');
        if (now.length !== 1 || now[0] === firstImage) return false;
        const ready = await cluster.kubectl([
          '-n',
          NS,
          'wait',
          '--for=condition=Ready',
          'beamline/mini',
          '--timeout=5s',
        ]);
        return ready.code === 0;
      },
      [dev, ...cluster.daemons],
      1200,
    ).catch(async (err: Error) =>
      assert.fail(`${err.message}: ${now}\n${logTail(dev!.logPath, 30)}\n${await situation()}`),
    );
    const operator = await images('app.kubernetes.io/instance=ophyd-service');
    assert.deepEqual(operator, now);
  });
});
