import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BIN, requireBinaries } from './cluster.ts';

const root = join(import.meta.dirname, '../../..');
const skaffold = (...args: string[]) =>
  spawnSync(join(BIN, 'skaffold'), args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, SKAFFOLD_UPDATE_CHECK: 'false' },
    timeout: 120_000,
  });

describe('skaffold.yaml', () => {
  before(requireBinaries);

  it('parses and validates (skaffold diagnose)', () => {
    const r = skaffold('diagnose', '--yaml-only');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dockerfile: integration\/images\/runtime\/Dockerfile/);
    assert.match(r.stdout, /chartPath: .*charts\/ophyd-service/);
  });

  it('renders the chart with the example Beamline and the image it would build (skaffold render)', () => {
    const r = skaffold('render', '--digest-source=tag', '--offline=true', '--default-repo=');
    assert.equal(r.status, 0, r.stderr);
    const kinds = [...r.stdout.matchAll(/^kind: (\w+)/gm)].map((m) => m[1]);
    for (const kind of ['Beamline', 'Deployment', 'ClusterRole', 'ServiceAccount'])
      assert.ok(kinds.includes(kind), kind);
    assert.match(r.stdout, /name: mini\b/);
    assert.match(r.stdout, /image: "?ophyd-service:/);
  });
});
