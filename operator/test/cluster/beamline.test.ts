/**
 * test:cluster, a user's first act on a real cluster: `helm install` the chart (the operator runs
 * as a pod, talking to the API server through the kubernetes Service and kube-proxy), then
 * `kubectl apply` the example Beamline, which becomes Ready because its pods are really Ready.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonChild } from '../../../bench/json-child.ts';
import { ensureImage, REPO_ROOT } from '../../../integration/pods/src/image.ts';
import { BIN, NODE_IP, type RealCluster, startRealCluster } from './cluster.ts';
import { componentPods, createSeed, exampleBeamline, helmInstall, portForward } from './deploy.ts';
import { until } from './processes.ts';
import { addHostPathVolumes } from './volumes.ts';

const CLI = join(REPO_ROOT, 'bin/ophyd-service.ts');

describe('the chart and the example Beamline on a real node', () => {
  let cluster: RealCluster;
  let tag: string;

  before(async () => {
    const image = ensureImage((line) => console.log(`[test:cluster] ${line}`));
    tag = image.split(':')[1];
    cluster = await startRealCluster();
    cluster.loadImage(image);
    // The example claims two volumes (registry, queue server), the hostNetwork Beamline one; one spare.
    await addHostPathVolumes(cluster, 4);
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

  it('helm install runs the operator to Ready', async () => {
    const installed = await helmInstall(cluster, tag);
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
    // Seeded with the stack's seed, as the example's comment says (the checks and monitors below
    // need the registry to know the simulated IOCs' PVs).
    await createSeed(cluster, 'mini-seed');
    const applied = await cluster.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify(exampleBeamline(tag, { seed: 'mini-seed' })),
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
    const forward = await portForward(cluster, 'svc/mini-configuration', 8004);
    try {
      const health = await cluster.run('curl', ['-fsS', `http://127.0.0.1:${forward.port}/health`]);
      assert.equal(health.code, 0, `GET /health through the port-forward: ${health.stderr}`);
      // Healthy includes a ping of its registry store (SQLite on the claimed hostPath volume).
      const body = JSON.parse(health.stdout) as { status: string; service: string };
      assert.deepEqual([body.service, body.status], ['configuration_service', 'healthy'], health.stdout);
    } finally {
      await forward.stop();
    }
  });

  it('ophyd-service check passes against the deployment through port-forwards', async () => {
    const config = await portForward(cluster, 'svc/mini-configuration', 8004);
    const direct = await portForward(cluster, 'svc/mini-direct-control', 8003);
    try {
      const checked = await cluster.run(process.execPath, [
        CLI,
        'check',
        '--config-url',
        `http://127.0.0.1:${config.port}`,
        '--direct-url',
        `http://127.0.0.1:${direct.port}`,
      ]);
      assert.equal(checked.code, 0, `ophyd-service check:\n${checked.stdout}${checked.stderr}`);
      assert.match(checked.stdout, /^PASS /m);
      assert.match(checked.stdout, /^[1-9]\d* passed, 0 failed$/m, checked.stdout);
    } finally {
      await config.stop();
      await direct.stop();
    }
  });

  it("CA from the node, outside any pod: ca get through the IOC's Service by TCP name server", async () => {
    const ip = await cluster.kubectl(['get', 'svc/mini-ioc-mini', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.match(ip.stdout, /^10\.96\.\d+\.\d+$/, ip.stderr);
    // No UDP search at all: the only way to the IOC is the name server (kube-proxy's Service address).
    const got = await cluster.run('env', [
      `EPICS_CA_NAME_SERVERS=${ip.stdout}:5064`,
      'EPICS_CA_ADDR_LIST=',
      'EPICS_CA_AUTO_ADDR_LIST=NO',
      process.execPath,
      CLI,
      'ca',
      'get',
      'mini:current',
    ]);
    assert.equal(got.code, 0, `ca get: ${got.stdout}${got.stderr}`);
    assert.match(got.stdout, /^mini:current\s+\d{4}-\d\d-\d\dT\S+Z -?\d/m);
  });

  it('a WebSocket monitor through a port-forward resumes by itself after the IOC pod is rescheduled', async () => {
    const iocPods = () => componentPods(cluster, 'mini', 'ioc-mini');
    const [original] = (await iocPods()).split(' ');
    assert.match(original, /^mini-ioc-mini-/);
    const forward = await portForward(cluster, 'svc/mini-direct-control', 8003);
    const client = jsonChild('nsenter', [
      `--net=/run/netns/${cluster.netns}`,
      '--',
      process.execPath,
      join(import.meta.dirname, 'pv-socket-clients.ts'),
      `ws://127.0.0.1:${forward.port}/api/v1/pv-socket`,
      '1',
      'mini:current',
      '--echo',
    ]);
    type Line = { frame?: Record<string, unknown>; closed?: number; error?: unknown };
    /** Reads the client's lines until `match`; a closed socket or an error frame fails the test. */
    const untilFrame = async (what: string, match: (f: Record<string, unknown>) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const line = await client.next<Line>(Math.max(1, deadline - Date.now()), what);
        assert.equal(line.closed, undefined, `the WebSocket closed while waiting for ${what}`);
        assert.equal(
          line.error,
          undefined,
          `an error while waiting for ${what}: ${JSON.stringify(line.error)}`,
        );
        if (line.frame && match(line.frame)) return line.frame;
      }
    };
    const update = (f: Record<string, unknown>) => f.event_type === 'pv_update' && f.pv === 'mini:current';
    try {
      await untilFrame('the subscribed reply', (f) => f.type === 'subscribed', 60_000);
      await untilFrame('a live update', (f) => update(f) && f.connected !== false, 30_000);
      // The old pod deleted and gone (its IOC process has exited), so what comes after is the new one's.
      const deleted = await cluster.kubectl(['delete', 'pod', original, '--wait=true', '--timeout=120s']);
      assert.equal(deleted.code, 0, deleted.stderr);
      const goneAt = Date.now() / 1000;
      await untilFrame(
        'the IOC reported gone (connected:false)',
        (f) => update(f) && f.connected === false,
        120_000,
      );
      // Updates flow again on the same socket, stamped by an IOC that started after the old one exited.
      await untilFrame(
        "an update from the rescheduled pod's IOC",
        (f) => update(f) && f.connected === true && Number(f.timestamp) > goneAt,
        300_000,
      );
      const now = await iocPods();
      assert.match(now, /^mini-ioc-mini-\S+ true$/, `one new ready IOC pod: ${now}`);
      assert.ok(!now.startsWith(`${original} `), `the IOC pod was rescheduled: ${now}`);
    } finally {
      await client.stop();
      await forward.stop();
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
    const pod = () => componentPods(cluster, 'mini', 'direct-control');
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

  it("caNetwork hostNetwork: the IOC serves on the node's address, where a CA client outside any pod finds it", async () => {
    // One IOC under its own prefix (the node has one CA port), the registry and direct control.
    const beamline = exampleBeamline(tag, {
      name: 'hostnet',
      edit: (b) => {
        b.spec.caNetwork = { mode: 'hostNetwork' };
        b.spec.iocs = [{ name: 'mini', simulated: { kind: 'mini_beamline', prefix: 'hn:' } }];
        b.spec.queueServer = { enabled: false };
        b.spec.webUi = { enabled: false };
      },
    });
    const applied = await cluster.kubectl(['apply', '-f', '-'], JSON.stringify(beamline));
    assert.equal(applied.code, 0, applied.stderr);
    try {
      const waited = await cluster.kubectl([
        'wait',
        '--for=condition=Ready',
        'beamline/hostnet',
        '--timeout=600s',
      ]);
      assert.equal(waited.code, 0, `Beamline hostnet not Ready: ${waited.stderr}\n${await situation()}`);
      const ioc = await cluster.kubectl([
        'get',
        'pods',
        '-l',
        'app.kubernetes.io/instance=hostnet,app.kubernetes.io/component=ioc-mini',
        '-o',
        'jsonpath={.items[*].spec.hostNetwork} {.items[*].status.podIP}',
      ]);
      assert.equal(ioc.stdout, `true ${NODE_IP}`);
      // A UDP search of the node's address only: what a client on the node network does.
      const got = await cluster.run('env', [
        `EPICS_CA_ADDR_LIST=${NODE_IP}`,
        'EPICS_CA_AUTO_ADDR_LIST=NO',
        process.execPath,
        CLI,
        'ca',
        'info',
        'hn:current',
      ]);
      assert.equal(got.code, 0, `ca info: ${got.stdout}${got.stderr}`);
      assert.match(got.stdout, new RegExp(`${NODE_IP.replaceAll('.', '\\.')}:5064`), got.stdout);
    } finally {
      const deleted = await cluster.kubectl([
        'delete',
        'beamline',
        'hostnet',
        '--wait=true',
        '--timeout=120s',
      ]);
      assert.equal(deleted.code, 0, deleted.stderr);
    }
    await untilNoneLeft(
      'every child of hostnet gone',
      'app.kubernetes.io/instance=hostnet',
      'deploy,svc,pods',
      600,
    );
  });

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
