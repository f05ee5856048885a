import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { desiredChildren, type K8sObject } from '../src/children.ts';
import type { Beamline } from '../src/crd/beamline.ts';
import { applyNeeded, driftedFields, parseQuantity } from '../src/drift.ts';

const root = join(import.meta.dirname, '../..');
const example = parse(readFileSync(join(root, 'examples/mini-beamline.yaml'), 'utf8'));
const HASH = 'ophyd-service.dev/applied';
const children = (spec: Partial<Beamline['spec']> = {}) =>
  desiredChildren({
    ...example,
    metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation: 1 },
    spec: { ...example.spec, ...spec },
  });
/** A child as the reconciler applies it: the desired object with the hash annotation. */
const body = (objects: K8sObject[], kind: string, name: string): any => {
  const found = objects.find((c) => c.kind === kind && c.metadata.name === name);
  assert.ok(found, `${kind} ${name}`);
  return { ...found, metadata: { ...found.metadata, annotations: { [HASH]: 'h1' } } };
};
const copy = <T>(value: T): T => structuredClone(value);

/**
 * What the API server stores for an applied Deployment: the defaults it fills in, fields it adds,
 * keyed lists in its own order, and fields written by others (the Deployment controller, a user).
 */
function asStoredDeployment(applied: any): any {
  const live = copy(applied);
  Object.assign(live.metadata, {
    uid: 'd-1',
    resourceVersion: '812',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'ophyd-service-operator', operation: 'Apply' }],
  });
  live.metadata.annotations['deployment.kubernetes.io/revision'] = '2';
  live.spec.revisionHistoryLimit = 10;
  live.spec.progressDeadlineSeconds = 600;
  if (live.spec.strategy.type === 'RollingUpdate')
    live.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%' };
  const pod = live.spec.template.spec;
  pod.dnsPolicy ??= 'ClusterFirst';
  Object.assign(pod, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
  for (const c of pod.containers) {
    c.terminationMessagePath = '/dev/termination-log';
    c.terminationMessagePolicy = 'File';
    for (const port of c.ports ?? []) port.protocol ??= 'TCP';
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
      probe.timeoutSeconds ??= 1;
      probe.successThreshold = 1;
      if (probe.httpGet) probe.httpGet.scheme = 'HTTP';
    }
    // Someone else's env var, and the server's own order for the list.
    c.env = [{ name: 'EXTRA_FROM_A_USER', value: '1' }, ...(c.env ?? [])].reverse();
  }
  for (const v of pod.volumes) if (v.persistentVolumeClaim) v.persistentVolumeClaim.readOnly = false;
  live.status = { observedGeneration: 3, replicas: 1, availableReplicas: 1 };
  return live;
}

describe('a child left as applied (API-server defaults and fields of others) is not re-applied', () => {
  it('holds for every Deployment of the example', () => {
    const objects = children();
    for (const name of ['mini-ioc-camera', 'mini-configuration', 'mini-direct-control']) {
      const applied = body(objects, 'Deployment', name);
      assert.deepEqual(driftedFields(applied, asStoredDeployment(applied)), [], name);
      assert.equal(applyNeeded(applied, asStoredDeployment(applied), HASH), null, name);
    }
  });

  it('holds for resources the server rewrote in canonical form ("1000m" is "1", 0.5 is "500m")', () => {
    const resources = { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: 0.5, memory: '1.5Gi' } };
    const objects = children({ directControl: { readOnly: false, resources } as never });
    const applied = body(objects, 'Deployment', 'mini-direct-control');
    const live = asStoredDeployment(applied);
    live.spec.template.spec.containers[0].resources = {
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1536Mi' },
    };
    assert.deepEqual(driftedFields(applied, live), []);
  });

  it('holds for a Service the server filled in, and IOCs on the node network (hostPort defaulted)', () => {
    const objects = children({ caNetwork: { mode: 'hostNetwork' } });
    const service = body(objects, 'Service', 'mini-ioc-camera');
    const liveService = copy(service);
    Object.assign(liveService.spec, {
      clusterIPs: ['None'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    liveService.spec.ports.reverse();
    assert.deepEqual(driftedFields(service, liveService), []);
    const http = body(children(), 'Service', 'mini-configuration');
    const liveHttp = copy(http);
    liveHttp.spec.ports[0].protocol = 'TCP';
    assert.deepEqual(driftedFields(http, liveHttp), [], 'a port without protocol is the TCP one');
    const ioc = body(objects, 'Deployment', 'mini-ioc-camera');
    const liveIoc = asStoredDeployment(ioc);
    for (const port of liveIoc.spec.template.spec.containers[0].ports) port.hostPort = port.containerPort;
    assert.deepEqual(driftedFields(ioc, liveIoc), []);
  });

  it('holds for ConfigMaps whose data the services wrote, RBAC with defaulted subjects, and the PVC', () => {
    const objects = children();
    const openapi = body(objects, 'ConfigMap', 'mini-direct-control-openapi');
    assert.deepEqual(driftedFields(openapi, { ...copy(openapi), data: { 'openapi.json': '{}' } }), []);
    const binding = body(objects, 'RoleBinding', 'mini-services');
    const liveBinding = copy(binding);
    liveBinding.subjects[0].apiGroup = '';
    assert.deepEqual(driftedFields(binding, liveBinding), []);
    const pvc = body(objects, 'PersistentVolumeClaim', 'mini-registry');
    const livePvc = copy(pvc);
    Object.assign(livePvc.spec, {
      volumeMode: 'Filesystem',
      storageClassName: 'standard',
      volumeName: 'pv-1',
    });
    livePvc.spec.resources.requests.storage = '1024Mi';
    assert.deepEqual(driftedFields(pvc, livePvc), []);
  });
});

describe('a child edited by hand is put back', () => {
  const objects = children();
  const applied = body(objects, 'Deployment', 'mini-direct-control');
  const container = 'spec.template.spec.containers[name=direct-control]';

  it('scaled to 0, an env value changed, an env var removed', () => {
    const live = asStoredDeployment(applied);
    live.spec.replicas = 0;
    const env = live.spec.template.spec.containers[0].env;
    env.find((e: any) => e.name === 'DIRECT_CONTROL_GLOBAL_READ_ONLY').value = 'true';
    live.spec.template.spec.containers[0].env = env.filter(
      (e: any) => e.name !== 'DIRECT_CONTROL_WS_MAX_CONNECTIONS',
    );
    assert.deepEqual(applyNeeded(applied, live, HASH), {
      reason: 'edited',
      fields: [
        'spec.replicas',
        `${container}.env[name=DIRECT_CONTROL_GLOBAL_READ_ONLY].value`,
        `${container}.env[name=DIRECT_CONTROL_WS_MAX_CONNECTIONS]`,
      ],
    });
  });

  it('image, args, a probe, a resource, a label and a volume mount changed', () => {
    const live = asStoredDeployment(applied);
    const c = live.spec.template.spec.containers[0];
    c.image = 'ophyd-service:hacked';
    c.args.push('--debug');
    c.readinessProbe.httpGet.path = '/healthz';
    c.resources.requests.memory = '64Mi';
    c.volumeMounts = [];
    delete live.metadata.labels['app.kubernetes.io/managed-by'];
    assert.deepEqual(driftedFields(applied, live), [
      'metadata.labels.app.kubernetes.io/managed-by',
      `${container}.image`,
      `${container}.args`,
      `${container}.resources.requests.memory`,
      `${container}.volumeMounts[mountPath=/tmp]`,
      `${container}.readinessProbe.httpGet.path`,
    ]);
  });

  it('a Service port: its target edited, or its number changed', () => {
    const service = body(objects, 'Service', 'mini-ioc-camera');
    const retargeted = copy(service);
    retargeted.spec.ports[0].targetPort = 6064;
    assert.deepEqual(driftedFields(service, retargeted), ['spec.ports[port=5064,protocol=TCP].targetPort']);
    const renumbered = copy(service);
    renumbered.spec.ports[0].port = 5065;
    assert.deepEqual(driftedFields(service, renumbered), ['spec.ports[port=5064,protocol=TCP]']);
  });

  it('an atomic list (Role rules) grown by hand, a ConfigMap value changed, an owner reference dropped', () => {
    const role = body(objects, 'Role', 'mini-services');
    const grown = copy(role);
    grown.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
    assert.deepEqual(driftedFields(role, grown), ['rules']);
    const epics = body(objects, 'ConfigMap', 'mini-epics');
    const edited = copy(epics);
    edited.data.EPICS_CA_AUTO_ADDR_LIST = 'YES';
    assert.deepEqual(driftedFields(epics, edited), ['data.EPICS_CA_AUTO_ADDR_LIST']);
    const orphaned = copy(epics);
    orphaned.metadata.ownerReferences = [];
    assert.deepEqual(driftedFields(epics, orphaned), ['metadata.ownerReferences[uid=u-1]']);
  });

  it('tells a change of ours (hash annotation) from an edit, and an absent child from both', () => {
    const live = asStoredDeployment(applied);
    const newer = { ...applied, metadata: { ...applied.metadata, annotations: { [HASH]: 'h2' } } };
    assert.equal(applyNeeded(newer, live, HASH)?.reason, 'changed');
    assert.deepEqual(applyNeeded(applied, undefined, HASH), { reason: 'absent', fields: [] });
  });
});

describe('Kubernetes quantities', () => {
  const same = (a: unknown, b: unknown) => {
    const x = parseQuantity(a)!;
    const y = parseQuantity(b)!;
    return x.numerator * y.denominator === y.numerator * x.denominator;
  };
  it('compare by value across suffixes and forms', () => {
    for (const [a, b] of [
      ['1', '1000m'],
      ['1Gi', '1024Mi'],
      ['1.5Gi', '1536Mi'],
      [0.5, '500m'],
      [2, '2'],
      ['1e3', '1k'],
      ['1E-3', '1m'],
      ['.5', '500m'],
      ['100M', '100000k'],
    ])
      assert.ok(same(a, b), `${a} = ${b}`);
    for (const [a, b] of [
      ['100m', '1'],
      ['1G', '1Gi'],
      ['128Mi', '256Mi'],
    ])
      assert.ok(!same(a, b), `${a} ≠ ${b}`);
  });
  it('refuses what is not a quantity', () => {
    for (const text of ['', 'abc', '1Xi', '1.2.3', null, {}])
      assert.equal(parseQuantity(text), null, String(text));
  });
});
