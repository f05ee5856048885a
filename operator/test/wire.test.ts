import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { desiredChildren } from '../src/children.ts';
import type { Beamline } from '../src/crd/beamline.ts';
import { toModel, toWire } from '../src/wire.ts';

const root = join(import.meta.dirname, '../..');
const example = parse(readFileSync(join(root, 'examples/mini-beamline.yaml'), 'utf8'));
const children = (spec: Partial<Beamline['spec']>) =>
  desiredChildren({
    ...example,
    metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation: 1 },
    spec: { ...example.spec, ...spec },
  });

describe('children through client-node models', () => {
  it('every field of every child survives the request body conversion (nothing dropped or renamed)', () => {
    const variants = [
      children({}),
      children({ caNetwork: { mode: 'hostNetwork' } }),
      children({
        registry: {
          storage: { postgres: { secretName: 'db', key: 'url' } },
          seed: { configMap: 'seed', key: 'happi.json' },
        },
      }),
    ];
    for (const child of variants.flat()) {
      const model = toModel(child);
      assert.deepEqual(
        toWire(model, child.apiVersion, child.kind),
        child,
        `${child.kind} ${child.metadata.name}`,
      );
    }
  });

  it("keeps a NetworkPolicy's peers, which the model calls _from", () => {
    const policy = children({}).find((c) => c.kind === 'NetworkPolicy')!;
    const model = toModel(policy) as any;
    assert.equal(model.spec.ingress[0].from, undefined);
    assert.equal(model.spec.ingress[0]._from.length, 2, 'the model holds them under its own name');
    const wire = toWire(model, 'networking.k8s.io/v1', 'NetworkPolicy') as any;
    assert.deepEqual(wire.spec.ingress[0].from[0], {
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'mini' } },
    });
  });
});
