/**
 * `reconcile(namespace/name)`: level-triggered and idempotent. It reads the Beamline and its
 * children from the informer caches, applies (server-side apply, one field manager, forced) each
 * child that is missing, whose desired content changed since the last apply, or whose fields of
 * ours were edited by hand (drift.ts), deletes children the spec no longer wants, and writes the
 * status only when it differs. In a steady state it makes no API request at all.
 */
import { createHash } from 'node:crypto';
import {
  type CoreV1Api,
  type CustomObjectsApi,
  type KubernetesObject,
  type KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import {
  CHILD_API_VERSIONS,
  CHILD_KINDS,
  type ChildKind,
  desiredChildren,
  FIELD_MANAGER,
  type K8sObject,
} from './children.ts';
import { type Beamline, GROUP, KIND, PLURAL, VERSION } from './crd/beamline.ts';
import { applyNeeded } from './drift.ts';
import type { Metrics } from './metrics.ts';
import { type DeploymentState, deploymentState, nextStatus } from './status.ts';
import { toModel } from './wire.ts';

/**
 * The hash of the desired content last applied. Comparing fields alone would miss a field we
 * stopped wanting (a seed mount removed from the spec): the live object still has it and no desired
 * field differs. The hash changes then, and the apply lets server-side apply remove it.
 */
export const APPLIED_ANNOTATION = 'ophyd-service.dev/applied';

/** What the reconciler reads: the informer caches. */
export interface Caches {
  beamline(namespace: string, name: string): Beamline | undefined;
  /** Children of a kind in a namespace carrying the managed-by label. */
  children(kind: ChildKind, namespace: string): readonly KubernetesObject[];
}

export interface ReconcilerApis {
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
  core: CoreV1Api;
}

const fingerprint = (object: K8sObject) =>
  createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);

export class Reconciler {
  private readonly apis: ReconcilerApis;
  private readonly caches: Caches;
  private readonly metrics: Metrics;
  private readonly log: (message: string, fields?: Record<string, unknown>) => void;

  constructor(options: {
    apis: ReconcilerApis;
    caches: Caches;
    metrics: Metrics;
    log?: (message: string, fields?: Record<string, unknown>) => void;
  }) {
    this.apis = options.apis;
    this.caches = options.caches;
    this.metrics = options.metrics;
    this.log = options.log ?? (() => {});
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const beamline = this.caches.beamline(namespace, name);
    // Gone or going: owner references let the garbage collector remove the children.
    if (!beamline || beamline.metadata.deletionTimestamp) return;
    const desired = desiredChildren(beamline);
    let applyError: string | null = null;
    try {
      await this.applyChanged(beamline, desired);
      await this.deleteUnwanted(beamline, desired);
    } catch (err) {
      applyError = `applying children failed: ${describe(err)}`;
    }
    await this.writeStatus(beamline, desired, applyError);
    if (applyError) throw new Error(applyError);
  }

  private current(kind: ChildKind, namespace: string, name: string) {
    return this.caches.children(kind, namespace).find((o) => o.metadata?.name === name);
  }

  private async applyChanged(beamline: Beamline, desired: K8sObject[]): Promise<void> {
    for (const child of desired) {
      const body = {
        ...child,
        metadata: { ...child.metadata, annotations: { [APPLIED_ANNOTATION]: fingerprint(child) } },
      };
      const live = this.current(child.kind as ChildKind, beamline.metadata.namespace, child.metadata.name);
      const needed = applyNeeded(body, live, APPLIED_ANNOTATION);
      if (!needed) continue;
      if (needed.reason === 'edited') {
        this.metrics.driftCorrections.inc({ kind: child.kind });
        this.log('putting back fields edited by hand', {
          child: `${child.kind}/${beamline.metadata.namespace}/${child.metadata.name}`,
          fields: needed.fields.slice(0, 10),
        });
      }
      try {
        await this.apply(body);
      } catch (err) {
        if (needed.reason === 'absent' || (err as { code?: number }).code !== 422) throw err;
        await this.replaceLists(body, err);
      }
    }
  }

  private async apply(body: K8sObject): Promise<void> {
    await this.apis.objects.patch(
      toModel(body),
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
    this.metrics.writes.inc({ verb: 'apply', kind: body.kind });
  }

  /**
   * Server-side apply merges keyed lists item by item, so some hand edits it cannot undo: a Service
   * port renumbered by hand keeps its name, which the port we apply then duplicates (422). A JSON
   * merge patch of the same body replaces each list whole, which puts the object back; our apply
   * owns the fields again on the next change.
   */
  private async replaceLists(body: K8sObject, applyError: unknown): Promise<void> {
    this.log('apply refused; replacing the lists edited by hand', {
      child: `${body.kind}/${body.metadata.namespace}/${body.metadata.name}`,
      err: describe(applyError),
    });
    await this.apis.objects.patch(
      toModel(body),
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
    this.metrics.writes.inc({ verb: 'patch', kind: body.kind });
  }

  /** Children this Beamline owns that the spec no longer produces (an IOC removed, say). */
  private async deleteUnwanted(beamline: Beamline, desired: K8sObject[]): Promise<void> {
    const wanted = new Set(desired.map((c) => `${c.kind}/${c.metadata.name}`));
    for (const kind of CHILD_KINDS) {
      for (const object of this.caches.children(kind, beamline.metadata.namespace)) {
        const owned = object.metadata?.ownerReferences?.some(
          (r) => r.uid === beamline.metadata.uid && r.controller,
        );
        if (!owned || wanted.has(`${kind}/${object.metadata?.name}`)) continue;
        await this.apis.objects.delete({
          ...object,
          kind,
          apiVersion: object.apiVersion ?? CHILD_API_VERSIONS[kind],
        });
        this.metrics.writes.inc({ verb: 'delete', kind });
      }
    }
  }

  private async writeStatus(
    beamline: Beamline,
    desired: K8sObject[],
    applyError: string | null,
  ): Promise<void> {
    const { namespace, name } = beamline.metadata;
    const deployments = new Map<string, DeploymentState>();
    for (const d of this.caches.children('Deployment', namespace) as V1Deployment[]) {
      const state = deploymentState(d);
      deployments.set(state.name, state);
    }
    const wanted = desired.filter((c) => c.kind === 'Deployment').map((c) => c.metadata.name);
    const status = nextStatus(beamline, wanted, deployments, applyError, new Date());
    if (!status) return;
    await this.apis.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    this.metrics.writes.inc({ verb: 'status', kind: KIND });
    const wasReady = beamline.status?.ready ?? false;
    if (wasReady !== status.ready)
      await this.event(beamline, status.ready === true, status.conditions?.[0]?.message ?? '');
  }

  /** A Kubernetes Event on the Beamline when it becomes ready or stops being ready. */
  private async event(beamline: Beamline, ready: boolean, message: string): Promise<void> {
    const { namespace, name, uid } = beamline.metadata;
    const now = new Date().toISOString();
    try {
      await this.apis.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, name, namespace, uid },
          reason: ready ? 'Ready' : 'NotReady',
          message,
          type: ready ? 'Normal' : 'Warning',
          source: { component: FIELD_MANAGER },
          firstTimestamp: now as unknown as Date,
          lastTimestamp: now as unknown as Date,
          count: 1,
        },
      });
      this.metrics.writes.inc({ verb: 'create', kind: 'Event' });
    } catch (err) {
      this.log('could not record an event', { beamline: `${namespace}/${name}`, err: describe(err) });
    }
  }
}

export function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
  const message = (() => {
    try {
      return (JSON.parse(body) as { message?: string }).message;
    } catch {
      return undefined;
    }
  })();
  return message ?? e.message ?? String(err);
}
