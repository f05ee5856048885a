/**
 * test:cluster, a user's first act on a real cluster: `helm install` the chart (the operator runs
 * as a pod, talking to the API server through the kubernetes Service and kube-proxy), then
 * `kubectl apply` the example Beamline, which becomes Ready because its pods are really Ready.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureImage, REPO_ROOT } from '../../../integration/pods/src/image.ts';
import { BIN, type RealCluster, startRealCluster } from './cluster.ts';
import { logTail, startDaemon, stopDaemon, until } from './processes.ts';
import { addHostPathVolumes } from './volumes.ts';

describe('the chart and the example Beamline on a real node', () => {
  let cluster: RealCluster;
  let tag: string;

  before(async () => {
    const image = ensureImage((line) => console.log(`[test:cluster] ${line}`));
    tag = image.split(':')[1];
    cluster = await startRealCluster();
    cluster.loadImage(image);
    // The example claims two volumes (registry, queue server); one spare.
    await addHostPathVolumes(cluster, 3);
    await until(
      'the default ServiceAccount',
      async () => (await cluster.kubectl(['get', 'serviceaccount', 'default'])).code === 0,
      cluster.daemons,
    );
  });
  after(() => cluster?.stop());

  /** What a failed wait shows: every pod, the events, and the operator's log. */
  const situation = async () => {
    const pods = await cluster.kubectl(['get', 'pods', '-o', 'wide']);
    const events = await cluster.kubectl(['get', 'events', '--sort-by=.lastTimestamp']);
    const operator = await cluster.kubectl(['logs', 'deploy/ophyd-service', '--tail=30']);
    return `${pods.stdout}\n${events.stdout.split('\n').slice(-25).join('\n')}\n${operator.stdout}${operator.stderr}`;
  };

  it('helm install runs the operator to Ready', async () => {
    const installed = await cluster.run(join(BIN, 'helm'), [
      `--kubeconfig=${cluster.kubeconfigPath}`,
      'install',
      'ophyd-service',
      join(REPO_ROOT, 'charts/ophyd-service'),
      '--set',
      `image.tag=${tag}`,
      '--wait',
      '--timeout=5m',
    ]);
    assert.equal(installed.code, 0, `helm install: ${installed.stderr}\n${await situation()}`);
    const ready = await cluster.kubectl([
      'get',
      'deploy/ophyd-service',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ]);
    assert.equal(ready.stdout, '1');
  });

  it('the example Beamline becomes Ready from real pods', async () => {
    const example = readFileSync(join(REPO_ROOT, 'examples/mini-beamline.yaml'), 'utf8');
    assert.match(example, /tag: latest/);
    const applied = await cluster.kubectl(
      ['apply', '-f', '-'],
      example.replace('tag: latest', `tag: ${tag}`),
    );
    assert.equal(applied.code, 0, applied.stderr);
    const waited = await cluster.kubectl([
      'wait',
      '--for=condition=Ready',
      'beamline/mini',
      '--timeout=600s',
    ]);
    assert.equal(waited.code, 0, `Beamline mini not Ready: ${waited.stderr}\n${await situation()}`);
    // Ready from the pods themselves: every pod of the Beamline runs with all containers ready.
    const pods = await cluster.kubectl([
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/instance=mini',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[*].ready}{"\\n"}{end}',
    ]);
    const lines = pods.stdout.trim().split('\n');
    assert.ok(lines.length >= 5, `the example's pods: ${pods.stdout}`);
    for (const line of lines) assert.match(line, /^\S+ Running( true)+$/, line);
  });

  it("a pod reads mini:current through the IOC's Service with the Beamline's CA settings", async () => {
    // The operator's mini-epics ConfigMap names the IOC Services (cluster DNS, then kube-proxy).
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ca-get-by-service' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'ca',
            image: `ophyd-service:${tag}`,
            imagePullPolicy: 'Never',
            args: ['ca', 'get', 'mini:current'],
            envFrom: [{ configMapRef: { name: 'mini-epics' } }],
          },
        ],
      },
    };
    const applied = await cluster.kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    assert.equal(applied.code, 0, applied.stderr);
    const done = await cluster.kubectl([
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      'pod/ca-get-by-service',
      '--timeout=180s',
    ]);
    const logs = await cluster.kubectl(['logs', 'ca-get-by-service']);
    assert.equal(done.code, 0, `ca get did not succeed: ${done.stderr}\n${logs.stdout}${logs.stderr}`);
    assert.match(logs.stdout, /^mini:current\s+\d{4}-\d\d-\d\dT\S+Z -?\d/m);
  });

  it('each HTTP service writes its OpenAPI document into its ConfigMap', async () => {
    for (const service of ['configuration', 'direct-control']) {
      const map = `mini-${service}-openapi`;
      let text = '';
      await until(
        `${map} holding openapi.json`,
        async () => {
          const r = await cluster.kubectl(['get', 'configmap', map, '-o', 'jsonpath={.data.openapi\\.json}']);
          text = r.stdout;
          return text.length > 0;
        },
        cluster.daemons,
        240,
      );
      const doc = JSON.parse(text) as { openapi: string; paths: Record<string, unknown> };
      assert.match(doc.openapi, /^3\./, map);
      assert.ok(Object.keys(doc.paths).length > 0, `${map} has paths`);
    }
  });

  it('REST answers through kubectl port-forward to the configuration Service', async () => {
    const forward = startDaemon(
      'port-forward',
      cluster.netns,
      'kubectl',
      [`--kubeconfig=${cluster.kubeconfigPath}`, 'port-forward', 'svc/mini-configuration', ':8004'],
      cluster.dir,
    );
    try {
      let port = '';
      await until('kubectl port-forward listening', async () => {
        port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(logTail(forward.logPath))?.[1] ?? '';
        return port !== '';
      }, [forward]);
      const health = await cluster.run('curl', ['-fsS', `http://127.0.0.1:${port}/health`]);
      assert.equal(health.code, 0, `GET /health through the port-forward: ${health.stderr}`);
      // Healthy includes a ping of its registry store (SQLite on the claimed hostPath volume).
      const body = JSON.parse(health.stdout) as { status: string; service: string };
      assert.deepEqual([body.service, body.status], ['configuration_service', 'healthy'], health.stdout);
    } finally {
      await stopDaemon(forward);
    }
  });

  it('a Deployment scaled to 0 by hand is put back, and its new pod becomes Ready', async () => {
    const podName = async () =>
      (
        await cluster.kubectl([
          'get',
          'pods',
          '-l',
          'app.kubernetes.io/instance=mini,app.kubernetes.io/component=ioc-mini',
          '-o',
          'jsonpath={.items[*].metadata.name}',
        ])
      ).stdout;
    const original = await podName();
    assert.match(original, /^mini-ioc-mini-/);
    const scaled = await cluster.kubectl(['scale', 'deploy/mini-ioc-mini', '--replicas=0']);
    assert.equal(scaled.code, 0, scaled.stderr);
    await until(
      'the operator restoring mini-ioc-mini with a new Ready pod',
      async () => {
        const ready = await cluster.kubectl([
          'get',
          'deploy/mini-ioc-mini',
          '-o',
          'jsonpath={.status.readyReplicas}',
        ]);
        const now = await podName();
        return ready.stdout === '1' && now !== '' && now !== original && !now.includes(' ');
      },
      cluster.daemons,
      600,
    );
  });

  it('a spec edit rolls the pods: direct control comes back read-only from a new pod', async () => {
    const pod = async () =>
      (
        await cluster.kubectl([
          'get',
          'pods',
          '-l',
          'app.kubernetes.io/instance=mini,app.kubernetes.io/component=direct-control',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].ready}{"\\n"}{end}',
        ])
      ).stdout.trim();
    const [before] = (await pod()).split(' ');
    assert.match(before, /^mini-direct-control-/);
    const patched = await cluster.kubectl([
      'patch',
      'beamline',
      'mini',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { directControl: { readOnly: true } } }),
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    let now = '';
    await until(
      'one new, ready direct-control pod',
      async () => {
        now = await pod();
        const lines = now.split('\n');
        return lines.length === 1 && !lines[0].startsWith(`${before} `) && lines[0].endsWith(' true');
      },
      cluster.daemons,
      600,
    ).catch(async (err: Error) => assert.fail(`${err.message}: ${now}\n${await situation()}`));
    const env = await cluster.kubectl([
      'get',
      'pods',
      now.split(' ')[0],
      '-o',
      'jsonpath={.spec.containers[0].env[?(@.name=="DIRECT_CONTROL_GLOBAL_READ_ONLY")].value}',
    ]);
    assert.equal(env.stdout, 'true');
  });

  /** Every object of these kinds (and every pod) carrying `selector`, by kind/name. */
  const leftovers = async (selector: string, kinds: string) => {
    const got = await cluster.kubectl(['get', kinds, '-l', selector, '-o', 'name']);
    assert.equal(got.code, 0, got.stderr);
    return got.stdout.trim();
  };

  /** Waits until nothing of `kinds` carries `selector`; a failure lists what is still there. */
  const untilNoneLeft = async (what: string, selector: string, kinds: string, attempts: number) => {
    let left = '';
    await until(
      what,
      async () => {
        left = await leftovers(selector, kinds);
        return left === '';
      },
      cluster.daemons,
      attempts,
    ).catch(async (err: Error) => assert.fail(`${err.message}; still there:\n${left}\n${await situation()}`));
  };

  it("deleting the Beamline leaves none of its objects or pods (the garbage collector follows the operator's owner references)", async () => {
    const kinds = 'deploy,rs,svc,cm,pvc,sa,role,rolebinding,networkpolicy,pods';
    assert.notEqual(await leftovers('app.kubernetes.io/instance=mini', kinds), '');
    const deleted = await cluster.kubectl(['delete', 'beamline', 'mini', '--wait=true', '--timeout=120s']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await untilNoneLeft('every child of mini gone', 'app.kubernetes.io/instance=mini', kinds, 600);
  });

  it('helm uninstall removes the operator and its RBAC; the CRD stays, as Helm keeps CRDs', async () => {
    const uninstalled = await cluster.run(join(BIN, 'helm'), [
      `--kubeconfig=${cluster.kubeconfigPath}`,
      'uninstall',
      'ophyd-service',
      '--wait',
      '--timeout=2m',
    ]);
    assert.equal(uninstalled.code, 0, uninstalled.stderr);
    const kinds = 'deploy,rs,svc,sa,role,rolebinding,clusterrole,clusterrolebinding,pods';
    await untilNoneLeft('the release gone', 'app.kubernetes.io/instance=ophyd-service', kinds, 300);
    const crd = await cluster.kubectl(['get', 'crd', 'beamlines.ophyd-service.dev', '-o', 'name']);
    assert.equal(
      crd.stdout.trim(),
      'customresourcedefinition.apiextensions.k8s.io/beamlines.ophyd-service.dev',
    );
  });
});
