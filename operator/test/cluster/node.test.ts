/**
 * test:cluster, first steps: a real node (kubelet + containerd + bridge CNI + kube-proxy) joins the
 * cluster and becomes Ready, and pods of our runtime image really run on it: a simulated IOC
 * passes its readiness probe, and a second pod reads a PV from it over the pod network.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureImage } from '../../../integration/pods/src/image.ts';
import { NODE_NAME, type RealCluster, startRealCluster } from './cluster.ts';
import { until } from './processes.ts';

/** A pod of the runtime image with the operator's container hardening; `extra` merges into the container. */
const podManifest = (name: string, image: string, args: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { test: 'cluster' } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      containers: [
        {
          name,
          image,
          imagePullPolicy: 'Never',
          args,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          ...extra,
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  });

describe('a real single-node cluster', () => {
  let cluster: RealCluster;
  let image: string;

  before(async () => {
    image = ensureImage((line) => console.log(`[test:cluster] ${line}`));
    cluster = await startRealCluster();
    cluster.loadImage(image);
  });
  after(() => cluster?.stop());

  const kubectlOk = async (args: string[], input?: string) => {
    const r = await cluster.kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('registers its node, which becomes Ready', async () => {
    await until(
      `node ${NODE_NAME} Ready`,
      async () => {
        const r = await cluster.kubectl([
          'get',
          'node',
          NODE_NAME,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]);
        return r.stdout === 'True';
      },
      cluster.daemons,
      600,
    );
    const nodes = await kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}']);
    assert.equal(nodes, NODE_NAME);
  });

  it('runs a simulated IOC pod to Ready, and a second pod reads its PV over the pod network', async () => {
    // Pods need the namespace's default ServiceAccount, which the controller manager creates.
    await until(
      'the default ServiceAccount',
      async () => (await cluster.kubectl(['get', 'serviceaccount', 'default'])).code === 0,
      cluster.daemons,
    );
    const probe = { exec: { command: ['node', '/app/bin/ophyd-service.ts', 'healthcheck'] } };
    await kubectlOk(
      ['apply', '-f', '-'],
      podManifest('mini-ioc', image, ['ioc', 'mini_beamline'], {
        ports: [{ containerPort: 5064, protocol: 'TCP' }],
        readinessProbe: { ...probe, periodSeconds: 2, timeoutSeconds: 5 },
      }),
    );
    const waited = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod/mini-ioc', '--timeout=180s']);
    if (waited.code !== 0) {
      const describe = await cluster.kubectl(['describe', 'pod', 'mini-ioc']);
      assert.fail(`mini-ioc not Ready: ${waited.stderr}\n${describe.stdout}`);
    }
    const iocIp = await kubectlOk(['get', 'pod', 'mini-ioc', '-o', 'jsonpath={.status.podIP}']);
    assert.match(iocIp, /^10\.88\./, 'the IOC has an address from the bridge network');

    await kubectlOk(
      ['apply', '-f', '-'],
      podManifest('ca-get', image, ['ca', 'get', 'mini:current'], {
        env: [
          { name: 'EPICS_CA_ADDR_LIST', value: iocIp },
          { name: 'EPICS_CA_AUTO_ADDR_LIST', value: 'NO' },
        ],
      }),
    );
    const done = await cluster.kubectl([
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      'pod/ca-get',
      '--timeout=180s',
    ]);
    const logs = await cluster.kubectl(['logs', 'ca-get']);
    assert.equal(done.code, 0, `ca-get did not succeed: ${done.stderr}\n${logs.stdout}${logs.stderr}`);
    assert.equal(logs.code, 0, `kubectl logs ca-get: ${logs.stderr}`);
    assert.match(
      logs.stdout,
      /^mini:current\s+\d{4}-\d\d-\d\dT\S+Z -?\d/m,
      'a caget line: name, time, value',
    );
  });
});
