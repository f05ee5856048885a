import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import type { Beamline, BeamlineStatus } from '../src/crd/beamline.ts';
import {
  computeStatus,
  type DeploymentState,
  deploymentState,
  nextStatus,
  sameStatus,
} from '../src/status.ts';

const beamline = (generation: number, status?: BeamlineStatus): Beamline =>
  ({
    apiVersion: 'ophyd-service.dev/v1alpha1',
    kind: 'Beamline',
    metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation },
    spec: { iocs: [{ name: 'camera', simulated: { kind: 'camera' } }] },
    ...(status ? { status } : {}),
  }) as Beamline;
const available = (name: string): DeploymentState => ({
  name,
  generation: 1,
  observedGeneration: 1,
  replicas: 1,
  availableReplicas: 1,
  updatedReplicas: 1,
});
const states = (...list: DeploymentState[]) => new Map(list.map((d) => [d.name, d]));
const condition = (status: BeamlineStatus | null, type: string) => {
  const found = status?.conditions?.find((c) => c.type === type);
  assert.ok(found, type);
  return [found.status, found.reason, found.message];
};
const T1 = new Date('2026-01-01T00:00:00.123Z');
const T2 = new Date('2026-01-02T00:00:00Z');
const T3 = new Date('2026-01-03T00:00:00Z');

describe('Beamline conditions', () => {
  it('Degraded with reason ApplyFailed, and Ready ApplyFailed, when applying a child failed', () => {
    const status = computeStatus(
      beamline(4),
      ['a'],
      states(available('a')),
      'applying children failed: Service "x" is invalid',
      T1,
    );
    assert.equal(status.ready, false);
    assert.deepEqual(condition(status, 'Degraded'), [
      'True',
      'ApplyFailed',
      'applying children failed: Service "x" is invalid',
    ]);
    assert.deepEqual(condition(status, 'Ready'), [
      'False',
      'ApplyFailed',
      'applying children failed: Service "x" is invalid',
    ]);
    assert.deepEqual(condition(status, 'Progressing'), ['False', 'Blocked', '1 of 1 components available']);
  });

  it("Degraded with reason ComponentFailing naming each Deployment's ReplicaFailure", () => {
    const failing = { ...available('b'), availableReplicas: 0, failure: 'pods "b-1" is forbidden: quota' };
    const status = computeStatus(beamline(1), ['a', 'b'], states(available('a'), failing), null, T1);
    assert.deepEqual(condition(status, 'Degraded'), [
      'True',
      'ComponentFailing',
      'b: pods "b-1" is forbidden: quota',
    ]);
    assert.deepEqual(condition(status, 'Ready'), ['False', 'ComponentsNotReady', 'waiting for b']);
    assert.deepEqual(condition(status, 'Progressing'), ['True', 'RollingOut', '1 of 2 components available']);
    assert.equal(status.components, '1/2');
  });

  it('not Degraded (AsExpected) while components roll out or once all are ready', () => {
    const rolling = computeStatus(beamline(1), ['a', 'b'], states(available('a')), null, T1);
    assert.deepEqual(condition(rolling, 'Degraded'), ['False', 'AsExpected', 'no failures']);
    const ready = computeStatus(beamline(1), ['a', 'b'], states(available('a'), available('b')), null, T1);
    assert.equal(ready.ready, true);
    assert.equal(ready.components, '2/2');
    assert.deepEqual(condition(ready, 'Degraded'), ['False', 'AsExpected', 'no failures']);
    assert.deepEqual(condition(ready, 'Ready'), [
      'True',
      'AllComponentsReady',
      'every component is available',
    ]);
    assert.deepEqual(condition(ready, 'Progressing'), [
      'False',
      'RolloutComplete',
      'every Deployment has rolled out',
    ]);
  });

  it('a Deployment whose controller has not seen its latest generation is not ready', () => {
    const stale = { ...available('a'), generation: 2, observedGeneration: 1 };
    const status = computeStatus(beamline(1), ['a'], states(stale), null, T1);
    assert.deepEqual(condition(status, 'Ready'), ['False', 'ComponentsNotReady', 'waiting for a']);
  });

  it('stamps the status and every condition with the Beamline generation it describes', () => {
    const status = computeStatus(beamline(7), ['a'], states(available('a')), null, T1);
    assert.equal(status.observedGeneration, 7);
    assert.deepEqual(
      status.conditions?.map((c) => c.observedGeneration),
      [7, 7, 7],
    );
  });

  it('moves lastTransitionTime only for conditions whose status flips (to whole seconds)', () => {
    const first = computeStatus(beamline(1), ['a'], states(available('a')), null, T1);
    assert.deepEqual(
      first.conditions?.map((c) => c.lastTransitionTime),
      ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    );
    const failed = computeStatus(beamline(1, first), ['a'], states(available('a')), 'boom', T2);
    const times = Object.fromEntries(failed.conditions!.map((c) => [c.type, c.lastTransitionTime]));
    assert.deepEqual(times, {
      Ready: '2026-01-02T00:00:00Z',
      Progressing: '2026-01-01T00:00:00Z',
      Degraded: '2026-01-02T00:00:00Z',
    });
    // A second, different failure: Degraded stays True, so its transition time stays.
    const again = computeStatus(beamline(1, failed), ['a'], states(available('a')), 'bang', T3);
    assert.deepEqual(condition(again, 'Degraded'), ['True', 'ApplyFailed', 'bang']);
    assert.equal(
      again.conditions?.find((c) => c.type === 'Degraded')?.lastTransitionTime,
      '2026-01-02T00:00:00Z',
    );
    const recovered = computeStatus(beamline(1, again), ['a'], states(available('a')), null, T3);
    assert.deepEqual(condition(recovered, 'Degraded'), ['False', 'AsExpected', 'no failures']);
    assert.equal(
      recovered.conditions?.find((c) => c.type === 'Degraded')?.lastTransitionTime,
      '2026-01-03T00:00:00Z',
    );
  });
});

describe('Beamline status writes', () => {
  it('nothing to write when nothing changed, however much later', () => {
    const first = nextStatus(beamline(1), ['a'], states(available('a')), null, T1);
    assert.ok(first);
    assert.equal(nextStatus(beamline(1, first), ['a'], states(available('a')), null, T3), null);
    const failing = nextStatus(beamline(1, first), ['a'], states(available('a')), 'boom', T2);
    assert.ok(failing, 'a failure is written');
    assert.equal(nextStatus(beamline(1, failing), ['a'], states(available('a')), 'boom', T3), null);
  });

  it('written for a new generation even when the components did not change', () => {
    const first = nextStatus(beamline(1), ['a'], states(available('a')), null, T1)!;
    const next = nextStatus(beamline(2, first), ['a'], states(available('a')), null, T2);
    assert.equal(next?.observedGeneration, 2);
    assert.equal(
      next?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime,
      '2026-01-01T00:00:00Z',
    );
  });

  it('is the same status whatever the key order (the API server returns its own)', () => {
    const status = computeStatus(beamline(1), ['a', 'b'], states(available('a')), null, T1);
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v;
    const reordered = reverseKeys(status) as BeamlineStatus;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(status));
    assert.ok(sameStatus(reordered, status));
    assert.equal(nextStatus(beamline(1, reordered), ['a', 'b'], states(available('a')), null, T2), null);
  });
});

describe("a Deployment's state for the status", () => {
  it('takes the rollout counters and a True ReplicaFailure message, nothing from other conditions', () => {
    const d: V1Deployment = {
      metadata: { name: 'mini-ioc-camera', generation: 3 },
      spec: { replicas: 2, selector: {}, template: {} },
      status: {
        observedGeneration: 2,
        availableReplicas: 1,
        updatedReplicas: 1,
        conditions: [
          { type: 'Progressing', status: 'True', message: 'ReplicaSet is progressing' },
          { type: 'ReplicaFailure', status: 'True', message: 'exceeded quota' },
        ],
      },
    };
    assert.deepEqual(deploymentState(d), {
      name: 'mini-ioc-camera',
      generation: 3,
      observedGeneration: 2,
      replicas: 2,
      availableReplicas: 1,
      updatedReplicas: 1,
      failure: 'exceeded quota',
    });
    d.status!.conditions![1].status = 'False';
    assert.equal(deploymentState(d).failure, undefined);
  });
});
