import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { GROUP, PLURAL, VERSION } from '../../src/crd/beamline.ts';
import { type RunningOperator, startOperator } from '../../src/main.ts';
import { type Cluster, startCluster } from './cluster.ts';

const root = join(import.meta.dirname, '../../..');
const example = parse(readFileSync(join(root, 'examples/mini-beamline.yaml'), 'utf8'));
const DEPLOYMENTS = [
  'mini-ioc-mini',
  'mini-ioc-camera',
  'mini-ioc-motors',
  'mini-configuration',
  'mini-direct-control',
  'mini-queueserver',
  'mini-web-ui',
];

/** Polls `probe` until it returns something truthy: at most `attempts` tries, 100 ms apart. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  attempts = 200,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what}: not after ${attempts} tries${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

const quiet = () => {};

describe('the Beamline operator against a real kube-apiserver', () => {
  let cluster: Cluster;
  let operator: RunningOperator | undefined;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const start = (identity = 'test-operator', extra: Partial<Parameters<typeof startOperator>[0]> = {}) =>
    startOperator({
      kubeConfig: cluster.kubeConfig,
      metricsPort: 0,
      leaseNamespace: 'default',
      identity,
      resyncMs: 3000,
      leaseSeconds: 4,
      log: quiet,
      ...extra,
    });
  const beamline = () =>
    custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'default',
      plural: PLURAL,
      name: 'mini',
    }) as Promise<any>;
  /** The operator's write counters, by verb and kind. */
  const writes = async (op: RunningOperator) => {
    const text = await (await fetch(`http://127.0.0.1:${op.port}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('operator_api_writes_total{'))
      .join('\n');
  };
  /** The operator's count of children re-applied to undo a hand edit. */
  const driftCorrections = async (op: RunningOperator, kind: string) => {
    const text = await (await fetch(`http://127.0.0.1:${op.port}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`operator_drift_corrections_total{kind="${kind}"}`));
    return Number(line?.split(' ')[1] ?? 0);
  };
  /** envtest has no kubelet: mark a Deployment available the way its controller would. */
  const markAvailable = async (name: string) => {
    const d = await apps.readNamespacedDeployment({ name, namespace: 'default' });
    await apps.replaceNamespacedDeploymentStatus({
      name,
      namespace: 'default',
      body: {
        ...d,
        status: {
          observedGeneration: d.metadata?.generation,
          replicas: 1,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
        },
      },
    });
  };

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const crd = await cluster.kubectl(['apply', '-f', join(root, 'crds')]);
    assert.equal(crd.code, 0, crd.stderr);
    await waitFor('the CRD to be established', async () => {
      const r = await cluster.kubectl(['get', 'beamlines']);
      return r.code === 0;
    });
  });
  after(async () => {
    await operator?.stop();
    await cluster?.stop();
  });

  it('rejects invalid Beamlines with clear messages', async () => {
    const bad = (spec: unknown) =>
      cluster.kubectl(['apply', '-f', '-'], JSON.stringify({ ...example, metadata: { name: 'bad' }, spec }));
    let r = await bad({ iocs: [{ name: 'x', simulated: { kind: 'camera' }, external: { host: 'h' } }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /either simulated or external/);
    r = await bad({ iocs: [{ name: 'x', simulated: { kind: 'warp_drive' } }] });
    assert.match(r.stderr, /Unsupported value: "warp_drive"/);
    r = await bad({
      iocs: [{ name: 'x', simulated: { kind: 'camera' } }],
      queueServer: { enabled: true, storage: { sqlite: {}, postgres: { secretName: 'db' } } },
    });
    assert.match(r.stderr, /queue server storage is either sqlite or postgres/);
    r = await bad({ iocs: [] });
    assert.match(r.stderr, /should have at least 1 items|must have at least 1 items/);
    r = await bad({ iocs: [{ name: 'Bad_Name', simulated: { kind: 'camera' } }] });
    assert.match(r.stderr, /should match|must match/);
  });

  it('creates every child of the example with owner references, env, probes and resources, and reports Progressing', async () => {
    operator = await start();
    const applied = await cluster.kubectl(['apply', '-f', join(root, 'examples/mini-beamline.yaml')]);
    assert.equal(applied.code, 0, applied.stderr);
    const bl = await beamline();
    for (const name of DEPLOYMENTS) {
      const d = await waitFor(`Deployment ${name}`, () =>
        apps.readNamespacedDeployment({ name, namespace: 'default' }),
      );
      const [owner] = d.metadata?.ownerReferences ?? [];
      assert.deepEqual(
        [owner.kind, owner.name, owner.uid, owner.controller],
        ['Beamline', 'mini', bl.metadata.uid, true],
      );
      const container = d.spec!.template.spec!.containers[0];
      assert.ok(container.readinessProbe, `${name} has a readiness probe`);
      assert.ok(container.resources?.requests?.cpu, `${name} has resource requests`);
    }
    const dc = (await apps.readNamespacedDeployment({ name: 'mini-direct-control', namespace: 'default' }))
      .spec!.template.spec!.containers[0];
    const env = Object.fromEntries((dc.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.DIRECT_CONTROL_GLOBAL_READ_ONLY, 'false');
    const epics = await core.readNamespacedConfigMap({ name: 'mini-epics', namespace: 'default' });
    assert.equal(
      epics.data?.EPICS_CA_ADDR_LIST,
      'mini-ioc-mini:5064 mini-ioc-camera:5064 mini-ioc-motors:5064',
    );
    const config = (await apps.readNamespacedDeployment({ name: 'mini-configuration', namespace: 'default' }))
      .spec!.template.spec!.containers[0];
    assert.equal(
      config.env?.find((e) => e.name === 'CONFIG_DATABASE_URL')?.value,
      'sqlite:////data/registry.db',
    );
    await core.readNamespacedPersistentVolumeClaim({ name: 'mini-registry', namespace: 'default' });
    // The queue server: its Service on the HTTP and both 0MQ ports, its store on its own PVC, the
    // CRD's defaults filled in by the API server (resources).
    const qsService = await core.readNamespacedService({ name: 'mini-queueserver', namespace: 'default' });
    assert.deepEqual(
      (qsService.spec?.ports ?? []).map((p) => `${p.name} ${p.port}`),
      ['http 60610', 'zmq-control 60615', 'zmq-info 60625'],
    );
    await core.readNamespacedPersistentVolumeClaim({ name: 'mini-queueserver', namespace: 'default' });
    const qs = (await apps.readNamespacedDeployment({ name: 'mini-queueserver', namespace: 'default' })).spec!
      .template.spec!.containers[0];
    assert.equal(
      qs.env?.find((e) => e.name === 'QSERVER_QUEUE_STORE_URI')?.value,
      'sqlite:////data/queueserver.db',
    );
    assert.equal(qs.resources?.limits?.memory, '1Gi');
    // Read as JSON: client-node's model renames a rule's `from`, which it once dropped from the apply.
    const policy = await cluster.kubectl(['get', 'networkpolicy', 'mini-configuration', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(policy.stdout).spec.ingress[0].from.map((peer: any) => peer.podSelector.matchLabels),
      [{ 'app.kubernetes.io/instance': 'mini' }, { 'ophyd-service.dev/registry-client': 'true' }],
    );
    const status = await waitFor(
      'status',
      async () => (await beamline()).status?.conditions && (await beamline()).status,
    );
    assert.equal(status.observedGeneration, 1);
    assert.equal(status.components, '0/7');
    const progressing = status.conditions.find((c: any) => c.type === 'Progressing');
    assert.deepEqual([progressing.status, progressing.reason], ['True', 'RollingOut']);
    assert.equal(status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  });

  it('turns Ready when every Deployment is available, with an event', async () => {
    for (const name of DEPLOYMENTS) await markAvailable(name);
    const status = await waitFor('Ready', async () => {
      const s = (await beamline()).status;
      return s?.ready && s;
    });
    assert.equal(status.components, '7/7');
    assert.equal(status.conditions.find((c: any) => c.type === 'Progressing').status, 'False');
    const events = await waitFor('a Ready event', async () => {
      const list = await core.listNamespacedEvent({ namespace: 'default' });
      return list.items.find((e) => e.involvedObject.name === 'mini' && e.reason === 'Ready');
    });
    assert.equal(events.type, 'Normal');
    const printed = await cluster.kubectl(['get', 'bl', 'mini']);
    assert.match(printed.stdout, /mini\s+True\s+7\/7/);
  });

  it('lets a service publish its OpenAPI into its own ConfigMap, and nowhere else, with its service account', async () => {
    const { publishOpenApi } = await import('@ophyd-service/cluster');
    const token = await core.createNamespacedServiceAccountToken({
      name: 'mini-services',
      namespace: 'default',
      body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 600 } },
    });
    const access = {
      host: '127.0.0.1',
      port: new URL(cluster.url).port,
      token: token.status?.token ?? '',
      namespace: 'default',
      ca: readFileSync(cluster.caPath),
    };
    const doc = { openapi: '3.1.0', info: { title: 'Direct Control Service', version: '1' }, paths: {} };
    await publishOpenApi(doc, 'mini-direct-control-openapi', 'direct_control', access);
    const map = await core.readNamespacedConfigMap({
      name: 'mini-direct-control-openapi',
      namespace: 'default',
    });
    assert.equal(JSON.parse(map.data!['openapi.json']).info.title, 'Direct Control Service');
    assert.equal(map.metadata?.ownerReferences?.[0].kind, 'Beamline', 'the operator still owns it');
    const mine = map.metadata?.managedFields?.find((f) => f.manager === 'ophyd-service-direct_control');
    assert.deepEqual(mine?.fieldsV1, { 'f:data': { 'f:openapi.json': {} } }, 'it applies its data only');
    await assert.rejects(publishOpenApi(doc, 'mini-epics', 'direct_control', access), /HTTP 403/);
  });

  it('puts back a Deployment scaled to 0 with its env edited by hand', async () => {
    const name = 'mini-direct-control';
    const correctionsBefore = await driftCorrections(operator!, 'Deployment');
    const env = '/spec/template/spec/containers/0/env';
    const edit = await cluster.kubectl([
      'patch',
      'deployment',
      name,
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'replace', path: '/spec/replicas', value: 0 },
        { op: 'test', path: `${env}/1/name`, value: 'DIRECT_CONTROL_GLOBAL_READ_ONLY' },
        { op: 'replace', path: `${env}/1/value`, value: 'true' },
        { op: 'test', path: `${env}/3/name`, value: 'DIRECT_CONTROL_WS_MAX_CONNECTIONS' },
        { op: 'remove', path: `${env}/3` },
      ]),
    ]);
    assert.equal(edit.code, 0, edit.stderr);
    const restored = await waitFor('the hand edits undone', async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace: 'default' });
      const vars = Object.fromEntries(
        (d.spec!.template.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]),
      );
      return (
        d.spec?.replicas === 1 &&
        vars.DIRECT_CONTROL_GLOBAL_READ_ONLY === 'false' &&
        vars.DIRECT_CONTROL_WS_MAX_CONNECTIONS === '100' &&
        d
      );
    });
    // The operator owns spec.replicas again (kubectl took it with the edit).
    const owners = (restored.metadata?.managedFields ?? [])
      .filter((f) => (f.fieldsV1 as any)?.['f:spec']?.['f:replicas'])
      .map((f) => `${f.manager} ${f.operation}`);
    assert.deepEqual(owners, ['ophyd-service-operator Apply']);
    assert.ok(
      (await driftCorrections(operator!, 'Deployment')) > correctionsBefore,
      'counted as a drift correction',
    );
    await markAvailable(name);
    await waitFor('Ready again', async () => (await beamline()).status?.ready === true);
  });

  it('puts back a Service port edited by hand: its target port, then its number', async () => {
    const name = 'mini-ioc-camera';
    const editPort = async (field: string, value: number) => {
      const edit = await cluster.kubectl([
        'patch',
        'service',
        name,
        '--type=json',
        '-p',
        JSON.stringify([
          { op: 'test', path: '/spec/ports/0/name', value: 'ca-tcp' },
          { op: 'replace', path: `/spec/ports/0/${field}`, value },
        ]),
      ]);
      assert.equal(edit.code, 0, edit.stderr);
    };
    const ports = async () => {
      const s = await core.readNamespacedService({ name, namespace: 'default' });
      return (s.spec?.ports ?? [])
        .map((p) => `${p.name} ${p.port}/${p.protocol} -> ${p.targetPort}`)
        .sort()
        .join(', ');
    };
    const applied = 'ca-tcp 5064/TCP -> 5064, ca-udp 5064/UDP -> 5064';
    assert.equal(await ports(), applied);
    await editPort('targetPort', 6064);
    await waitFor('the target port put back', async () => (await ports()) === applied);
    // Server-side apply alone cannot undo this one: its port (the list key) changed, its name did
    // not, and the port we apply would duplicate the name.
    await editPort('port', 5065);
    await waitFor('the port number put back', async () => (await ports()) === applied);
  });

  it('makes no API writes in steady state (60 s, several resyncs)', async () => {
    const op = operator!;
    const before = await writes(op);
    const versions = async () =>
      (await apps.listNamespacedDeployment({ namespace: 'default' })).items
        .map((d) => d.metadata?.resourceVersion)
        .join();
    const rvBefore = await versions();
    const blBefore = (await beamline()).metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 60_000));
    assert.equal(await writes(op), before, 'the reconciler wrote nothing');
    assert.equal(await versions(), rvBefore, 'no Deployment changed');
    assert.equal(
      (await beamline()).metadata.resourceVersion,
      blBefore,
      'the Beamline (and its status) did not change',
    );
  });

  it('rolls the children when the spec changes, and recreates a deleted child', async () => {
    await custom
      .patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace: 'default',
          plural: PLURAL,
          name: 'mini',
          body: { spec: { directControl: { readOnly: true } } },
        },
        { middleware: [], middlewareMergeStrategy: 'append' } as never,
      )
      .catch(async () => {
        // client-node needs an explicit merge-patch content type for custom objects
        const r = await cluster.kubectl([
          'patch',
          'bl',
          'mini',
          '--type=merge',
          '-p',
          JSON.stringify({ spec: { directControl: { readOnly: true } } }),
        ]);
        assert.equal(r.code, 0, r.stderr);
      });
    await waitFor('direct control rolled to read-only', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'mini-direct-control', namespace: 'default' });
      return (
        d.spec!.template.spec!.containers[0].env?.find((e) => e.name === 'DIRECT_CONTROL_GLOBAL_READ_ONLY')
          ?.value === 'true'
      );
    });
    await waitFor('observedGeneration 2', async () => (await beamline()).status?.observedGeneration === 2);
    await core.deleteNamespacedService({ name: 'mini-direct-control', namespace: 'default' });
    await waitFor('the Service recreated', async () => {
      const s = await core.readNamespacedService({ name: 'mini-direct-control', namespace: 'default' });
      return !s.metadata?.deletionTimestamp && s;
    });
  });

  it('survives an API-server restart', async () => {
    await cluster.restartApiserver();
    await core.deleteNamespacedConfigMap({ name: 'mini-epics', namespace: 'default' });
    await waitFor(
      'the ConfigMap recreated after the restart',
      () => core.readNamespacedConfigMap({ name: 'mini-epics', namespace: 'default' }),
      300,
    );
  });

  it('elects one leader of two, and the other takes over when it stops', async () => {
    const second = await start('second-operator');
    try {
      // Two rounds of the second's election, each of which found the first's Lease valid.
      await waitFor('the second to try for the Lease twice', async () => second.elector.rounds >= 2);
      assert.equal(operator!.elector.leading, true);
      assert.equal(second.elector.leading, false, 'the second stands by');
      assert.equal(second.elector.observedHolder, 'test-operator');
      await operator!.stop();
      operator = undefined;
      await waitFor('the second to lead', async () => second.elector.leading, 150);
      await core.deleteNamespacedService({ name: 'mini-ioc-camera', namespace: 'default' });
      await waitFor('the new leader reconciles', () =>
        core.readNamespacedService({ name: 'mini-ioc-camera', namespace: 'default' }),
      );
    } finally {
      operator = second;
    }
  });

  it('converges after an operator process is killed in the middle of reconciling a new Beamline', async () => {
    // The leader hands over to an operator process, which is SIGKILLed as soon as the first child
    // of a new Beamline appears: whatever it had not applied yet, it never will.
    await operator!.stop();
    operator = undefined;
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin/ophyd-service.ts'),
        'operator',
        '--metrics-port',
        '0',
        '--lease-namespace',
        'default',
        '--lease-seconds',
        '3',
      ],
      { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath }, stdio: 'ignore' },
    );
    try {
      const coordination = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
      await waitFor('the operator process to lead', async () => {
        const lease = await coordination.readNamespacedLease({
          name: 'ophyd-service-operator',
          namespace: 'default',
        });
        return lease.spec?.holderIdentity?.endsWith(`-${child.pid}`);
      });
      const spec = { ...example.spec, iocs: [{ name: 'walk', simulated: { kind: 'random_walk' } }] };
      const r = await cluster.kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({ ...example, metadata: { name: 'second' }, spec }),
      );
      assert.equal(r.code, 0, r.stderr);
      await waitFor('the first child of second', () =>
        apps.readNamespacedDeployment({ name: 'second-ioc-walk', namespace: 'default' }),
      );
    } finally {
      child.kill('SIGKILL');
    }
    operator = await start('restarted-operator');
    for (const name of [
      'second-ioc-walk',
      'second-configuration',
      'second-direct-control',
      'second-queueserver',
      'second-web-ui',
    ])
      await waitFor(
        `Deployment ${name}`,
        () => apps.readNamespacedDeployment({ name, namespace: 'default' }),
        300,
      );
    const objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig);
    const status = await waitFor('status of second', async () => {
      const bl = (await objects.read({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'Beamline',
        metadata: { name: 'second', namespace: 'default' },
      })) as any;
      return bl.status?.components === '0/5' && bl.status;
    });
    assert.equal(status.observedGeneration, 1);
    // Replacing an IOC in the spec removes the old one's children.
    const patched = await cluster.kubectl([
      'patch',
      'bl',
      'second',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { iocs: [{ name: 'thermo', simulated: { kind: 'thermo' } }] } }),
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    await waitFor('the new IOC', () =>
      apps.readNamespacedDeployment({ name: 'second-ioc-thermo', namespace: 'default' }),
    );
    await waitFor('the old IOC removed', async () => {
      const left = await apps.listNamespacedDeployment({
        namespace: 'default',
        labelSelector: 'app.kubernetes.io/component=ioc-walk',
      });
      const services = await core.listNamespacedService({
        namespace: 'default',
        labelSelector: 'app.kubernetes.io/component=ioc-walk',
      });
      return left.items.length + services.items.length === 0;
    });
    const epics = await core.readNamespacedConfigMap({ name: 'second-epics', namespace: 'default' });
    assert.equal(epics.data?.EPICS_CA_ADDR_LIST, 'second-ioc-thermo:5064');
  });

  it('leaves nothing behind when a Beamline is deleted (garbage collection by owner references)', async () => {
    const r = await cluster.kubectl(['delete', 'bl', 'second', '--wait=true']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(
      'the children of second to be collected',
      async () => {
        const [d, s, c] = await Promise.all([
          apps.listNamespacedDeployment({
            namespace: 'default',
            labelSelector: 'app.kubernetes.io/instance=second',
          }),
          core.listNamespacedService({
            namespace: 'default',
            labelSelector: 'app.kubernetes.io/instance=second',
          }),
          core.listNamespacedConfigMap({
            namespace: 'default',
            labelSelector: 'app.kubernetes.io/instance=second',
          }),
        ]);
        return d.items.length + s.items.length + c.items.length === 0;
      },
      300,
    );
  });
});
