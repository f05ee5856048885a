/**
 * A service's OpenAPI publication from outside the cluster's point of view: the pod's access read
 * from the mounted service-account files, the Kubernetes client loaded only when the operator asked
 * for a publication, and a failed publication logged with its reason while the service keeps
 * serving. Publication into a real API server is in operator/test/k8s/operator.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inClusterAccess } from '@ophyd-service/cluster';
import { selfSignedCertificate } from '../../../cli/test/certificate.ts';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, killStarted, run } from '../../../cli/test/process.ts';
import { kubeConfigOf } from '../src/kube-config.ts';

after(killStarted);

/** A registry file, so direct control starts without a configuration service. */
const REGISTRY = join(import.meta.dirname, '../../../integration/pods/standalone/registry.yaml');

/** A service-account directory as the kubelet mounts it, with the given CA certificate. */
function serviceAccountDir(ca: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'ophyd-sa-'));
  writeFileSync(join(dir, 'token'), 'the-token\n');
  writeFileSync(join(dir, 'namespace'), 'beamline-ns\n');
  writeFileSync(join(dir, 'ca.crt'), ca);
  return dir;
}

interface Outcome {
  kubernetesClient: boolean;
  log: { level: string; fields: Record<string, string>; message: string }[];
}

/** publishOpenApiWhenAsked in a fresh process (so nothing is loaded before it), with `env`. */
function publishWhenAsked(env: Record<string, string>): Promise<Outcome> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'fixtures/publish-when-asked.ts'), JSON.stringify(env)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`fixture exited ${code}: ${out}`)),
    ),
  );
}

describe('the in-cluster access', () => {
  const cert = selfSignedCertificate();

  it('is read from the service-account files and the in-cluster variables', () => {
    const dir = serviceAccountDir(cert.ca);
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', OPHYD_SERVICE_SERVICE_ACCOUNT_DIR: dir };
    assert.deepEqual(inClusterAccess(env), {
      host: '10.0.0.1',
      port: '443',
      token: 'the-token',
      namespace: 'beamline-ns',
      ca: readFileSync(cert.certfile),
    });
    assert.equal(inClusterAccess({ ...env, KUBERNETES_SERVICE_PORT: '6443' }).port, '6443');
  });

  it('is refused outside a pod, naming the missing variable', () => {
    assert.throws(() => inClusterAccess({}), /KUBERNETES_SERVICE_HOST is not set/);
  });

  it('becomes a KubeConfig on HTTPS that verifies the API server and carries the token', () => {
    const access = { host: 'fd00::1', port: '443', token: 't0k', namespace: 'ns', ca: cert.ca };
    const config = kubeConfigOf(access);
    const cluster = config.getCurrentCluster();
    assert.equal(cluster?.server, 'https://[fd00::1]:443');
    assert.equal(cluster?.skipTLSVerify, false);
    assert.equal(Buffer.from(cluster?.caData ?? '', 'base64').toString(), cert.ca.toString());
    assert.equal(config.getCurrentUser()?.token, 't0k');
    assert.equal(
      kubeConfigOf({ ...access, host: '10.0.0.1' }).getCurrentCluster()?.server,
      'https://10.0.0.1:443',
    );
  });
});

describe('publishing when asked', () => {
  const cert = selfSignedCertificate();

  it('does nothing, and loads no Kubernetes client, when the operator did not ask', async () => {
    assert.deepEqual(await publishWhenAsked({}), { kubernetesClient: false, log: [] });
  });

  it('logs why outside a pod, without loading the Kubernetes client', async () => {
    const { kubernetesClient, log } = await publishWhenAsked({
      OPHYD_SERVICE_OPENAPI_CONFIGMAP: 'bl-openapi',
    });
    assert.equal(kubernetesClient, false);
    assert.equal(log.length, 1);
    assert.deepEqual(
      [log[0].level, log[0].message, log[0].fields.configMap],
      ['warn', 'OpenAPI not published', 'bl-openapi'],
    );
    assert.match(log[0].fields.err, /KUBERNETES_SERVICE_HOST is not set/);
  });

  it('logs why when the API server cannot be reached', async () => {
    const { kubernetesClient, log } = await publishWhenAsked({
      OPHYD_SERVICE_OPENAPI_CONFIGMAP: 'bl-openapi',
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(await freePort()),
      OPHYD_SERVICE_SERVICE_ACCOUNT_DIR: serviceAccountDir(cert.ca),
    });
    assert.equal(kubernetesClient, true);
    assert.deepEqual([log.length, log[0].level, log[0].message], [1, 'warn', 'OpenAPI not published']);
    assert.match(log[0].fields.err, /^publishing OpenAPI to ConfigMap bl-openapi: .*ECONNREFUSED/);
  });
});

describe('a service asked to publish where it cannot', () => {
  const cert = selfSignedCertificate();
  let port: number;
  let service: ReturnType<typeof run>;
  before(async () => {
    port = await freePort();
    service = run(BIN, ['direct-control', '--port', String(port)], {
      LOG_LEVEL: 'info',
      DIRECT_CONTROL_HOST: '127.0.0.1',
      DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
      DIRECT_CONTROL_REGISTRY_FILE_PATH: REGISTRY,
      EPICS_CA_ADDR_LIST: '127.0.0.1',
      EPICS_CA_AUTO_ADDR_LIST: 'NO',
      EPICS_CA_SERVER_PORT: String(await freePort()),
      EPICS_CA_REPEATER_PORT: String(await freePort()),
      OPHYD_SERVICE_OPENAPI_CONFIGMAP: 'bl-direct-control-openapi',
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(await freePort()),
      OPHYD_SERVICE_SERVICE_ACCOUNT_DIR: serviceAccountDir(cert.ca),
    });
  });
  after(async () => {
    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exit(), { code: 0, signal: null }, service.output());
  });

  it('listens first, logs the failure with its reason, and keeps serving', async () => {
    const failure = (await service.waitFor(/"msg":"OpenAPI not published"/)).input ?? '';
    const lines = service.output().split('\n');
    const listening = lines.findIndex((l) => l.includes('"msg":"direct_control listening on '));
    assert.ok(listening >= 0 && listening < lines.indexOf(failure), service.output());
    const fields = JSON.parse(failure);
    assert.equal(fields.level, 40);
    assert.equal(fields.configMap, 'bl-direct-control-openapi');
    assert.match(fields.err, /ECONNREFUSED/);
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(res.status, 200);
  });
});
