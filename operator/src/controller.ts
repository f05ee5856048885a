/**
 * The controller: informers on Beamlines and on every kind of child (children map back to their
 * owning Beamline), a work queue, and workers running `reconcile`. client-node informers stop on a
 * watch error and can go quiet, so each one is restarted after an error, and on a timer the
 * Beamline cache is checked against a fresh list; every Beamline is also re-queued on each resync (level-triggered: cheap when
 * nothing changed, since the reconciler then makes no request).
 * Resync never drops a cache: a reconcile that saw a half-filled cache would re-apply children.
 */
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  makeInformer,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { CHILD_API_VERSIONS, CHILD_KINDS, type ChildKind, MANAGED_BY } from './children.ts';
import { type Beamline, GROUP, KIND, PLURAL, VERSION } from './crd/beamline.ts';
import type { Metrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { type Caches, describe, Reconciler } from './reconciler.ts';
import { toWire } from './wire.ts';

type AnyInformer = ReturnType<typeof makeInformer<KubernetesObject>>;

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  metrics: Metrics;
  workers?: number;
  resyncMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const selector = Object.entries(MANAGED_BY)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export class Controller {
  readonly queue = new WorkQueue();
  private readonly informers = new Map<string, AnyInformer>();
  private readonly reconciler: Reconciler;
  private readonly options: ControllerOptions;
  private readonly log: NonNullable<ControllerOptions['log']>;
  private resync?: NodeJS.Timeout;
  private stopped = false;
  private synced = false;
  private readonly listBeamlines: () => Promise<KubernetesListObject<KubernetesObject>>;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.log = options.log ?? (() => {});
    const kc = options.kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const networking = kc.makeApiClient(NetworkingV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const lists: Record<ChildKind, [string, () => Promise<KubernetesListObject<KubernetesObject>>]> = {
      Deployment: [
        '/apis/apps/v1/deployments',
        () => apps.listDeploymentForAllNamespaces({ labelSelector: selector }),
      ],
      Service: ['/api/v1/services', () => core.listServiceForAllNamespaces({ labelSelector: selector })],
      ConfigMap: [
        '/api/v1/configmaps',
        () => core.listConfigMapForAllNamespaces({ labelSelector: selector }),
      ],
      ServiceAccount: [
        '/api/v1/serviceaccounts',
        () => core.listServiceAccountForAllNamespaces({ labelSelector: selector }),
      ],
      PersistentVolumeClaim: [
        '/api/v1/persistentvolumeclaims',
        () => core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: selector }),
      ],
      Role: [
        '/apis/rbac.authorization.k8s.io/v1/roles',
        () => rbac.listRoleForAllNamespaces({ labelSelector: selector }),
      ],
      RoleBinding: [
        '/apis/rbac.authorization.k8s.io/v1/rolebindings',
        () => rbac.listRoleBindingForAllNamespaces({ labelSelector: selector }),
      ],
      NetworkPolicy: [
        '/apis/networking.k8s.io/v1/networkpolicies',
        () => networking.listNetworkPolicyForAllNamespaces({ labelSelector: selector }),
      ],
    };
    this.listBeamlines = () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL }) as Promise<
        KubernetesListObject<KubernetesObject>
      >;
    const beamlines = makeInformer<KubernetesObject>(
      kc,
      `/apis/${GROUP}/${VERSION}/${PLURAL}`,
      this.listBeamlines,
    );
    this.watch(KIND, beamlines, (o) => this.queue.add(keyOf(o)));
    for (const kind of CHILD_KINDS) {
      const [path, typedList] = lists[kind];
      // The cache holds wire-format JSON, as watch events bring it, whatever the list returned.
      const list = async () => {
        const result = await typedList();
        return { ...result, items: result.items.map((o) => toWire(o, CHILD_API_VERSIONS[kind], kind)) };
      };
      this.watch(kind, makeInformer<KubernetesObject>(kc, path, list, selector), (o) => {
        const owner = o.metadata?.ownerReferences?.find((r) => r.kind === KIND && r.controller);
        if (owner && o.metadata?.namespace) this.queue.add(`${o.metadata.namespace}/${owner.name}`);
      });
    }
    const caches: Caches = {
      beamline: (namespace, name) => beamlines.get(name, namespace) as Beamline | undefined,
      children: (kind, namespace) => this.informers.get(kind)?.list(namespace) ?? [],
    };
    this.reconciler = new Reconciler({
      apis: { objects: KubernetesObjectApi.makeApiClient(kc), custom, core },
      caches,
      metrics: options.metrics,
      log: this.log,
    });
  }

  /** True once every informer has listed at least once. */
  get ready(): boolean {
    return this.synced;
  }

  /** A check that the CRD is installed, with a message that says what to do when it is not. */
  static async requireCrd(kc: KubeConfig): Promise<void> {
    try {
      await kc.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
    } catch (err) {
      throw new Error(
        `the Beamline CRD ${PLURAL}.${GROUP} is not installed (${describe(err)}): kubectl apply -f crds/ (or helm install the chart)`,
      );
    }
  }

  async start(): Promise<void> {
    await Promise.all(
      [...this.informers.entries()].map(([kind, informer]) => this.startInformer(kind, informer)),
    );
    this.synced = true;
    const workers = this.options.workers ?? 4;
    for (let i = 0; i < workers; i++) void this.work();
    const resyncMs = this.options.resyncMs ?? 5 * 60_000;
    this.resync = setInterval(() => this.relist(), resyncMs);
    this.resync.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resync);
    this.queue.shutDown();
    await Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => {})));
  }

  private watch(kind: string, informer: AnyInformer, enqueue: (o: KubernetesObject) => void): void {
    this.informers.set(kind, informer);
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, enqueue);
    informer.on('error', (err) => {
      if (this.stopped) return;
      this.options.metrics.informerRestarts.inc({ kind });
      this.log('informer stopped; restarting', { kind, err: describe(err) });
      setTimeout(() => void this.startInformer(kind, informer), 1000).unref();
    });
  }

  private async startInformer(kind: string, informer: AnyInformer): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await informer.start();
        return;
      } catch (err) {
        this.log('informer could not list; retrying', { kind, err: describe(err) });
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  }

  /**
   * The periodic resync: re-queue every Beamline (level-triggered, so a no-op when nothing changed),
   * and check the Beamline informer against a fresh list: an informer whose watch went silent holds
   * stale resourceVersions, and is restarted. Only reads; caches are never dropped.
   */
  private async relist(): Promise<void> {
    const informer = this.informers.get(KIND);
    try {
      const live = (await this.listBeamlines()).items ?? [];
      const cached = new Map((informer?.list() ?? []).map((o) => [keyOf(o), o.metadata?.resourceVersion]));
      const stale = live.some((o: KubernetesObject) => cached.get(keyOf(o)) !== o.metadata?.resourceVersion);
      if (stale && informer && live.length > 0) {
        this.options.metrics.informerRestarts.inc({ kind: KIND });
        this.log('Beamline informer is behind the API server; restarting it');
        await informer.stop().catch(() => {});
        await this.startInformer(KIND, informer);
      }
    } catch (err) {
      this.log('resync list failed', { err: describe(err) });
    }
    for (const o of informer?.list() ?? []) this.queue.add(keyOf(o));
  }

  private async work(): Promise<void> {
    const m = this.options.metrics;
    for (;;) {
      const key = await this.queue.get();
      if (key === null) return;
      m.queueDepth.set(this.queue.depth);
      const end = m.duration.startTimer();
      try {
        await this.reconciler.reconcile(key);
        this.queue.forget(key);
      } catch (err) {
        m.errors.inc();
        const delay = this.queue.addRateLimited(key);
        this.log('reconcile failed; will retry', { key, delayMs: delay, err: describe(err) });
      } finally {
        end();
        m.reconciles.inc();
        this.queue.done(key);
      }
    }
  }
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
