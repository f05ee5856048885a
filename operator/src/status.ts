/**
 * A Beamline's status from what its Deployments report, as a pure function: `components` ready of
 * total, and the conditions Ready, Progressing and Degraded with reasons, each stamped with the
 * generation it describes. A condition keeps its lastTransitionTime while its status holds, so an
 * unchanged world yields an identical status and the reconciler writes nothing.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { Beamline, BeamlineStatus, Condition } from './crd/beamline.ts';

export interface DeploymentState {
  name: string;
  generation?: number;
  observedGeneration?: number;
  replicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  /** The Deployment's own condition messages, e.g. a ReplicaFailure. */
  failure?: string;
}

/** What the status needs of a Deployment: its rollout counters and a ReplicaFailure's message. */
export function deploymentState(d: V1Deployment): DeploymentState {
  const failure = (d.status?.conditions ?? []).find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True',
  )?.message;
  return {
    name: d.metadata?.name ?? '',
    generation: d.metadata?.generation,
    observedGeneration: d.status?.observedGeneration,
    replicas: d.spec?.replicas,
    availableReplicas: d.status?.availableReplicas,
    updatedReplicas: d.status?.updatedReplicas,
    failure,
  };
}

const isReady = (d: DeploymentState | undefined) =>
  d !== undefined &&
  (d.observedGeneration ?? 0) >= (d.generation ?? 1) &&
  (d.availableReplicas ?? 0) >= 1 &&
  (d.updatedReplicas ?? 0) >= (d.replicas ?? 1);

export function computeStatus(
  beamline: Beamline,
  wanted: string[],
  deployments: Map<string, DeploymentState>,
  applyError: string | null,
  now: Date,
): BeamlineStatus {
  const generation = beamline.metadata.generation;
  const ready = wanted.filter((name) => isReady(deployments.get(name)));
  const waiting = wanted.filter((name) => !ready.includes(name));
  const failed = wanted
    .map((name) => deployments.get(name))
    .filter((d): d is DeploymentState => !!d?.failure)
    .map((d) => `${d.name}: ${d.failure}`);
  const allReady = waiting.length === 0 && applyError === null;
  const previous = new Map((beamline.status?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: boolean, reason: string, message: string): Condition => {
    const value = status ? 'True' : 'False';
    const before = previous.get(type);
    return {
      type,
      status: value,
      observedGeneration: generation,
      lastTransitionTime:
        before?.status === value ? before.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z'),
      reason,
      message,
    };
  };
  return {
    observedGeneration: generation,
    components: `${ready.length}/${wanted.length}`,
    ready: allReady,
    conditions: [
      condition(
        'Ready',
        allReady,
        allReady ? 'AllComponentsReady' : applyError ? 'ApplyFailed' : 'ComponentsNotReady',
        allReady ? 'every component is available' : (applyError ?? `waiting for ${waiting.join(', ')}`),
      ),
      condition(
        'Progressing',
        !allReady && applyError === null,
        allReady ? 'RolloutComplete' : applyError ? 'Blocked' : 'RollingOut',
        allReady
          ? 'every Deployment has rolled out'
          : `${ready.length} of ${wanted.length} components available`,
      ),
      condition(
        'Degraded',
        applyError !== null || failed.length > 0,
        applyError ? 'ApplyFailed' : failed.length ? 'ComponentFailing' : 'AsExpected',
        applyError ?? (failed.length ? failed.join('; ') : 'no failures'),
      ),
    ],
  };
}

/** The status to write, or null when the Beamline already carries it (no request at all). */
export function nextStatus(
  beamline: Beamline,
  wanted: string[],
  deployments: Map<string, DeploymentState>,
  applyError: string | null,
  now: Date,
): BeamlineStatus | null {
  const status = computeStatus(beamline, wanted, deployments, applyError, now);
  return sameStatus(beamline.status, status) ? null : status;
}

/**
 * Statuses equal field by field (lastTransitionTime included: computeStatus keeps it when nothing
 * changed). Key order does not count: the API server returns keys in its own order.
 */
export const sameStatus = (a: BeamlineStatus | undefined, b: BeamlineStatus) => canonical(a) === canonical(b);

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
