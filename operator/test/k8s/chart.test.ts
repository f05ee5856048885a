import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, type Cluster, requireBinaries, startCluster } from './cluster.ts';

const root = join(import.meta.dirname, '../../..');
const chart = join(root, 'charts/ophyd-service');
const helm = (...args: string[]) => spawnSync(join(BIN, 'helm'), args, { encoding: 'utf8' });

describe('the Helm chart', () => {
  let cluster: Cluster;
  before(async () => {
    requireBinaries();
    cluster = await startCluster();
  });
  after(() => cluster?.stop());

  it('lints clean', () => {
    const lint = helm('lint', chart, '--strict');
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  });

  it('refuses values outside its schema', () => {
    const bad = helm('template', 't', chart, '--kube-version', '1.36.0', '--set', 'operator.replicas=0');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /replicas/);
  });

  it('renders manifests the API server accepts (CRD, RBAC, operator, example Beamline)', async () => {
    const rendered = helm(
      'template',
      'ophyd-service',
      chart,
      '--kube-version',
      '1.36.0',
      '--namespace',
      'default',
      '--include-crds',
      '--set',
      'exampleBeamline.enabled=true',
    );
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.match(
      rendered.stdout,
      /^ {2}queueServer:\n {4}enabled: true$/m,
      'the example has its queue server',
    );
    const kinds = [...rendered.stdout.matchAll(/^kind: (\w+)/gm)].map((m) => m[1]).sort();
    for (const kind of [
      'Beamline',
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'Deployment',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ])
      assert.ok(kinds.includes(kind), `renders a ${kind}`);
    // The CRD first (the Beamline needs it), then everything else for real.
    const crd = await cluster.kubectl(['apply', '-f', join(chart, 'crds')]);
    assert.equal(crd.code, 0, crd.stderr);
    for (let i = 0; i < 50; i++) {
      if ((await cluster.kubectl(['get', 'beamlines'])).code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const applied = await cluster.kubectl(['apply', '-f', '-'], rendered.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /beamline.ophyd-service.dev\/mini created/);
  });
});
