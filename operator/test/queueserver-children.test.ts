import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredChildren, type K8sObject } from '../src/children.ts';
import type { Beamline } from '../src/crd/beamline.ts';

const beamline = (queueServer: Beamline['spec']['queueServer']): Beamline => ({
  apiVersion: 'ophyd-service.dev/v1alpha1',
  kind: 'Beamline',
  metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation: 1 },
  spec: { iocs: [{ name: 'mini', simulated: { kind: 'mini_beamline' } }], queueServer },
});
const queueServerOf = (children: K8sObject[]) =>
  children.filter((c) => c.metadata.name === 'mini-queueserver');
const find = (children: K8sObject[], kind: string) => {
  const found = queueServerOf(children).find((c) => c.kind === kind);
  assert.ok(found, `${kind} mini-queueserver`);
  return found as any;
};
const podOf = (children: K8sObject[]) => find(children, 'Deployment').spec.template.spec;
const env = (container: any) =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('the queue server of a Beamline', () => {
  it('is not there unless enabled', () => {
    assert.deepEqual(queueServerOf(desiredChildren(beamline(undefined))), []);
    assert.deepEqual(queueServerOf(desiredChildren(beamline({ enabled: false }))), []);
  });

  const children = desiredChildren(beamline({ enabled: true }));

  it('is a Deployment, a Service and a PVC, each owned by the Beamline', () => {
    assert.deepEqual(
      queueServerOf(children)
        .map((c) => c.kind)
        .sort(),
      ['Deployment', 'PersistentVolumeClaim', 'Service'],
    );
    for (const child of queueServerOf(children)) {
      const [owner] = child.metadata.ownerReferences as any[];
      assert.deepEqual([owner.kind, owner.name, owner.controller], ['Beamline', 'mini', true]);
      assert.equal(child.metadata.labels?.['app.kubernetes.io/component'], 'queueserver');
    }
  });

  it('serves HTTP on 60610 and 0MQ on 60615 and 60625, probed on /ready, on every interface of its pod', () => {
    const [container] = podOf(children).containers;
    assert.deepEqual(container.args, [
      'queueserver',
      '--host',
      '0.0.0.0',
      '--zmq-control-addr',
      'tcp://*:60615',
      '--zmq-info-addr',
      'tcp://*:60625',
    ]);
    assert.deepEqual(container.ports, [
      { name: 'http', containerPort: 60610 },
      { name: 'zmq-control', containerPort: 60615 },
      { name: 'zmq-info', containerPort: 60625 },
    ]);
    assert.deepEqual(find(children, 'Service').spec.ports, [
      { name: 'http', port: 60610, targetPort: 60610 },
      { name: 'zmq-control', port: 60615, targetPort: 60615 },
      { name: 'zmq-info', port: 60625, targetPort: 60625 },
    ]);
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/ready', port: 60610 });
    assert.deepEqual(find(children, 'Service').spec.selector, {
      'app.kubernetes.io/instance': 'mini',
      'app.kubernetes.io/component': 'queueserver',
    });
  });

  it("reaches the beamline's IOCs, keeps its queue in SQLite on its PVC, one pod at a time", () => {
    const pod = podOf(children);
    const [container] = pod.containers;
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: 'mini-epics' } }]);
    assert.equal(env(container).QSERVER_QUEUE_STORE_URI, 'sqlite:////data/queueserver.db');
    assert.equal(env(container).QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY, undefined, 'a random key, logged');
    assert.ok(pod.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === 'mini-queueserver'));
    assert.ok(container.volumeMounts.some((m: any) => m.mountPath === '/data'));
    assert.equal(find(children, 'PersistentVolumeClaim').spec.resources.requests.storage, '1Gi');
    assert.equal(find(children, 'Deployment').spec.strategy.type, 'Recreate');
  });

  it("coordinates with the beamline's configuration service (plan-scoped locks) unless told not to", () => {
    const [container] = podOf(children).containers;
    assert.equal(env(container).QSERVER_CONFIG_SERVICE_ENABLED, 'true');
    assert.equal(env(container).QSERVER_CONFIG_SERVICE_URL, 'http://mini-configuration:8004');
    assert.equal(env(container).QSERVER_CONFIG_SERVICE_LOCK_SCOPE, 'plan');
    const scoped = desiredChildren(beamline({ enabled: true, registry: { lockScope: 'environment' } }));
    assert.equal(env(podOf(scoped).containers[0]).QSERVER_CONFIG_SERVICE_LOCK_SCOPE, 'environment');
    const alone = desiredChildren(beamline({ enabled: true, registry: { enabled: false } }));
    const aloneEnv = env(podOf(alone).containers[0]);
    assert.equal(aloneEnv.QSERVER_CONFIG_SERVICE_ENABLED, undefined);
    assert.equal(aloneEnv.QSERVER_CONFIG_SERVICE_URL, undefined);
  });

  it('runs hardened, with room for its worker: 1Gi by default and a 512 MB worker heap', () => {
    const [container] = podOf(children).containers;
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.runAsNonRoot, true);
    assert.deepEqual(container.resources, {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '1Gi' },
    });
    assert.equal(env(container).QSERVER_WORKER_HEAP_MB, '512');
    assert.equal(podOf(children).automountServiceAccountToken, false);
  });

  it('takes its API key and a PostgreSQL URL from Secrets', () => {
    const withSecrets = desiredChildren(
      beamline({
        enabled: true,
        apiKey: { secretName: 'qs-key' },
        storage: { postgres: { secretName: 'qs-db', key: 'uri' } },
      }),
    );
    const [container] = podOf(withSecrets).containers;
    assert.deepEqual(env(container).QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY, {
      secretKeyRef: { name: 'qs-key', key: 'api-key' },
    });
    assert.deepEqual(env(container).QSERVER_QUEUE_STORE_URI, { secretKeyRef: { name: 'qs-db', key: 'uri' } });
    assert.deepEqual(
      queueServerOf(withSecrets)
        .map((c) => c.kind)
        .sort(),
      ['Deployment', 'Service'],
    );
  });

  it('runs plans from a startup ConfigMap, copied to plain files by an init container', () => {
    const pod = podOf(desiredChildren(beamline({ enabled: true, startup: { configMap: 'profile' } })));
    const [container] = pod.containers;
    assert.deepEqual(container.args.slice(-2), ['--startup-dir', '/startup']);
    assert.ok(container.volumeMounts.some((m: any) => m.name === 'startup' && m.mountPath === '/startup'));
    const [init] = pod.initContainers;
    assert.deepEqual(init.command, ['sh', '-c', 'cp -L /etc/ophyd-service/startup/* /startup/']);
    assert.deepEqual(
      init.volumeMounts.map((m: any) => [m.name, m.mountPath]),
      [
        ['tmp', '/tmp'],
        ['startup-source', '/etc/ophyd-service/startup'],
        ['startup', '/startup'],
      ],
    );
    assert.equal(init.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(
      pod.volumes.filter((v: any) => v.name.startsWith('startup')),
      [
        { name: 'startup-source', configMap: { name: 'profile' } },
        { name: 'startup', emptyDir: {} },
      ],
    );
  });
});
