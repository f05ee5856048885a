import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { desiredChildren, type K8sObject } from '../src/children.ts';
import type { Beamline } from '../src/crd/beamline.ts';
import { CRD_FILES, crdText } from '../src/crd/write.ts';

const root = join(import.meta.dirname, '../..');
const example = parse(readFileSync(join(root, 'examples/mini-beamline.yaml'), 'utf8'));
const beamline = (spec: Partial<Beamline['spec']> = {}): Beamline => ({
  ...example,
  metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation: 1 },
  spec: { ...example.spec, ...spec },
});
const find = (children: K8sObject[], kind: string, name: string) => {
  const found = children.find((c) => c.kind === kind && c.metadata.name === name);
  assert.ok(found, `${kind} ${name}`);
  return found as any;
};
const env = (container: any) =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('the Beamline CRD', () => {
  it('is committed exactly as generated from operator/src/crd/beamline.ts', () => {
    for (const file of CRD_FILES)
      assert.equal(readFileSync(join(root, file), 'utf8'), crdText(), `${file}: run npm run crds`);
  });
});

describe('desired children of a Beamline', () => {
  const children = desiredChildren(beamline());

  it('has a Deployment and a Service per simulated IOC, every child owned by the Beamline', () => {
    for (const ioc of ['mini', 'camera', 'motors']) {
      const d = find(children, 'Deployment', `mini-ioc-${ioc}`);
      assert.deepEqual(d.spec.template.spec.containers[0].args.slice(0, 1), ['ioc']);
      find(children, 'Service', `mini-ioc-${ioc}`);
    }
    for (const child of children) {
      assert.equal(child.metadata.namespace, 'bl');
      const [owner] = child.metadata.ownerReferences as any[];
      assert.deepEqual(
        [owner.kind, owner.name, owner.uid, owner.controller],
        ['Beamline', 'mini', 'u-1', true],
      );
    }
  });

  it('points CA clients at the IOC Services by name and by TCP name server, auto list off', () => {
    const epics = find(children, 'ConfigMap', 'mini-epics').data;
    assert.equal(epics.EPICS_CA_ADDR_LIST, 'mini-ioc-mini:5064 mini-ioc-camera:5064 mini-ioc-motors:5064');
    assert.equal(epics.EPICS_CA_NAME_SERVERS, epics.EPICS_CA_ADDR_LIST);
    assert.equal(epics.EPICS_CA_AUTO_ADDR_LIST, 'NO');
    const dc = find(children, 'Deployment', 'mini-direct-control').spec.template.spec.containers[0];
    assert.deepEqual(dc.envFrom, [{ configMapRef: { name: 'mini-epics' } }]);
  });

  it('wires the registry: SQLite on a PVC by default, PostgreSQL from a Secret when asked', () => {
    const config = find(children, 'Deployment', 'mini-configuration');
    assert.equal(
      env(config.spec.template.spec.containers[0]).CONFIG_DATABASE_URL,
      'sqlite:////data/registry.db',
    );
    assert.equal(config.spec.strategy.type, 'Recreate', 'one writer on the RWO volume');
    find(children, 'PersistentVolumeClaim', 'mini-registry');
    const pg = desiredChildren(
      beamline({ registry: { storage: { postgres: { secretName: 'db', key: 'url' } } } }),
    );
    const url = env(
      find(pg, 'Deployment', 'mini-configuration').spec.template.spec.containers[0],
    ).CONFIG_DATABASE_URL;
    assert.deepEqual(url, { secretKeyRef: { name: 'db', key: 'url' } });
    assert.equal(pg.filter((c) => c.metadata.name === 'mini-registry').length, 0);
  });

  it('has the HTTP services listen on every interface of their pod (they default to loopback)', () => {
    const args = (name: string) => find(children, 'Deployment', name).spec.template.spec.containers[0].args;
    assert.deepEqual(args('mini-direct-control'), ['direct-control', '--host', '0.0.0.0']);
    assert.deepEqual(args('mini-configuration').slice(0, 3), ['configuration', '--host', '0.0.0.0']);
    const empty = desiredChildren(beamline({ registry: {} }));
    const emptyArgs = find(empty, 'Deployment', 'mini-configuration').spec.template.spec.containers[0].args;
    assert.deepEqual(emptyArgs, ['configuration', '--host', '0.0.0.0', '--load-strategy', 'empty']);
  });

  it('passes the read-only flag, probes and resources to direct control', () => {
    const dc = find(children, 'Deployment', 'mini-direct-control').spec.template.spec.containers[0];
    assert.equal(env(dc).DIRECT_CONTROL_GLOBAL_READ_ONLY, 'false');
    assert.equal(env(dc).DIRECT_CONTROL_CONFIGURATION_SERVICE_URL, 'http://mini-configuration:8004');
    assert.deepEqual(dc.readinessProbe.httpGet, { path: '/ready', port: 8003 });
    assert.ok(dc.resources.requests.cpu);
    assert.equal(dc.securityContext.readOnlyRootFilesystem, true);
    const safe = desiredChildren(beamline({ directControl: {} }));
    const dcSafe = find(safe, 'Deployment', 'mini-direct-control').spec.template.spec.containers[0];
    assert.equal(
      env(dcSafe).DIRECT_CONTROL_GLOBAL_READ_ONLY,
      'true',
      'read-only unless the spec says otherwise',
    );
  });

  it('opens each component on its port and probes it there: CA 5064, configuration 8004, direct control 8003', () => {
    const container = (name: string) => find(children, 'Deployment', name).spec.template.spec.containers[0];
    const ports = (name: string) => find(children, 'Service', name).spec.ports;
    assert.deepEqual(container('mini-ioc-mini').ports, [
      { name: 'ca-tcp', containerPort: 5064, protocol: 'TCP' },
      { name: 'ca-udp', containerPort: 5064, protocol: 'UDP' },
    ]);
    assert.deepEqual(ports('mini-ioc-mini'), [
      { name: 'ca-tcp', port: 5064, targetPort: 5064, protocol: 'TCP' },
      { name: 'ca-udp', port: 5064, targetPort: 5064, protocol: 'UDP' },
    ]);
    // Ready when the CA server accepts a connection; alive while a CA read answers (a Node process, so rarely).
    assert.deepEqual(container('mini-ioc-mini').readinessProbe, {
      tcpSocket: { port: 5064 },
      periodSeconds: 5,
    });
    assert.deepEqual(container('mini-ioc-mini').livenessProbe.exec.command.slice(-1), ['healthcheck']);
    assert.equal(container('mini-ioc-mini').livenessProbe.periodSeconds, 20);
    for (const [name, port] of [
      ['mini-configuration', 8004],
      ['mini-direct-control', 8003],
    ] as const) {
      const c = container(name);
      assert.deepEqual(c.ports, [{ name: 'http', containerPort: port }]);
      assert.deepEqual(c.readinessProbe.httpGet, { path: '/ready', port });
      assert.deepEqual([c.livenessProbe.tcpSocket, c.startupProbe.tcpSocket], [{ port }, { port }]);
      assert.deepEqual(ports(name), [{ name: 'http', port, targetPort: port }]);
    }
    const np = find(children, 'NetworkPolicy', 'mini-configuration');
    assert.deepEqual(np.spec.ingress[0].ports, [{ port: 8004, protocol: 'TCP' }]);
    const ext = desiredChildren(beamline({ iocs: [{ name: 'real', external: { host: 'ioc1.example' } }] }));
    assert.equal(find(ext, 'ConfigMap', 'mini-epics').data.EPICS_CA_ADDR_LIST, 'ioc1.example:5064');
  });

  it('lets the services publish their OpenAPI into their own ConfigMaps only', () => {
    const role = find(children, 'Role', 'mini-services');
    assert.deepEqual(role.rules[0].resourceNames, [
      'mini-configuration-openapi',
      'mini-direct-control-openapi',
    ]);
    assert.ok(!role.rules[0].verbs.includes('create'), 'the operator creates them; services only write data');
    find(children, 'ConfigMap', 'mini-configuration-openapi');
    const binding = find(children, 'RoleBinding', 'mini-services');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'mini-services', namespace: 'bl' }]);
    const np = find(children, 'NetworkPolicy', 'mini-configuration');
    assert.deepEqual(np.spec.ingress[0].from[0].podSelector.matchLabels, {
      'app.kubernetes.io/instance': 'mini',
    });
  });

  it('runs IOCs on the node network in hostNetwork mode, with headless Services', () => {
    const host = desiredChildren(beamline({ caNetwork: { mode: 'hostNetwork' } }));
    assert.equal(find(host, 'Deployment', 'mini-ioc-mini').spec.template.spec.hostNetwork, true);
    assert.equal(find(host, 'Service', 'mini-ioc-mini').spec.clusterIP, 'None');
  });

  it('reaches external IOCs without running them', () => {
    const ext = desiredChildren(
      beamline({ iocs: [{ name: 'real', external: { host: 'ioc1.example', port: 5070 } }] }),
    );
    assert.equal(ext.filter((c) => c.metadata.name.startsWith('mini-ioc-')).length, 0);
    assert.equal(find(ext, 'ConfigMap', 'mini-epics').data.EPICS_CA_ADDR_LIST, 'ioc1.example:5070');
  });
});
