/**
 * The shapes every child of a Beamline shares, bound to one Beamline: names, labels and owner
 * reference, the hardened container, the Deployment and Service around it, HTTP probes. children.ts
 * and queueserver-children.ts build from these.
 */
import { API_VERSION, type Beamline, KIND } from './crd/beamline.ts';

export const FIELD_MANAGER = 'ophyd-service-operator';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': FIELD_MANAGER };

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

export type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };

/** The HTTP services' flag for listening on every interface of their pod. */
export const ALL_INTERFACES = ['--host', '0.0.0.0'];

export const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { memory: '512Mi' },
};

export const names = (bl: string) => ({
  epics: `${bl}-epics`,
  configuration: `${bl}-configuration`,
  directControl: `${bl}-direct-control`,
  queueServer: `${bl}-queueserver`,
  webUi: `${bl}-web-ui`,
  serviceAccount: `${bl}-services`,
  registryData: `${bl}-registry`,
  queueData: `${bl}-queueserver`,
  openapi: (service: 'configuration' | 'direct-control') => `${bl}-${service}-openapi`,
  ioc: (ioc: string) => `${bl}-ioc-${ioc}`,
});

export interface DeploymentOptions {
  volumes?: unknown[];
  hostNetwork?: boolean;
  /** One pod at a time (a ReadWriteOnce volume has one writer). */
  recreate?: boolean;
  serviceAccount?: boolean;
  initContainers?: unknown[];
}

/** The builders of one Beamline's children. */
export function buildersFor(beamline: Beamline) {
  const { name: bl, namespace, uid } = beamline.metadata;
  const spec = beamline.spec;
  const n = names(bl);
  const image = `${spec.image?.repository ?? 'ophyd-service'}:${spec.image?.tag ?? 'latest'}`;
  const pullPolicy = spec.image?.pullPolicy ?? 'IfNotPresent';
  const owner = {
    apiVersion: API_VERSION,
    kind: KIND,
    name: bl,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const labels = (component: string) => ({
    'app.kubernetes.io/name': 'ophyd-service',
    'app.kubernetes.io/instance': bl,
    'app.kubernetes.io/component': component,
    ...MANAGED_BY,
  });
  const meta = (name: string, component: string) => ({
    name,
    namespace,
    labels: labels(component),
    ownerReferences: [owner],
  });
  const selector = (component: string) => ({
    'app.kubernetes.io/instance': bl,
    'app.kubernetes.io/component': component,
  });

  /** A container of the runtime image: uid 1000, read-only root, no capabilities, /tmp an emptyDir. */
  const container = (
    component: string,
    args: string[],
    extra: Record<string, unknown>,
    resources?: Resources,
  ) => ({
    name: component,
    image,
    imagePullPolicy: pullPolicy,
    args,
    resources: resources ?? DEFAULT_RESOURCES,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...((extra.volumeMounts as unknown[]) ?? [])],
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'volumeMounts')),
  });
  const deployment = (
    name: string,
    component: string,
    containerSpec: Record<string, unknown>,
    options: DeploymentOptions = {},
  ): K8sObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, component),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector(component) },
      strategy: options.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate' },
      template: {
        metadata: { labels: labels(component) },
        spec: {
          ...(options.serviceAccount
            ? { serviceAccountName: n.serviceAccount, automountServiceAccountToken: true }
            : { automountServiceAccountToken: false }),
          ...(options.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
          ...(options.initContainers ? { initContainers: options.initContainers } : {}),
          containers: [containerSpec],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...(options.volumes ?? [])],
        },
      },
    },
  });
  const service = (name: string, component: string, ports: unknown[], headless = false): K8sObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, component),
    spec: { ...(headless ? { clusterIP: 'None' } : {}), selector: selector(component), ports },
  });
  /** A PVC of `size` (the storage class's default unless one is named). */
  const claim = (name: string, component: string, size: string, storageClassName?: string): K8sObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(name, component),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  });
  const httpProbes = ({ port, probe }: { port: number; probe: { path: string } }) => ({
    readinessProbe: { httpGet: { path: probe.path, port }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { tcpSocket: { port }, periodSeconds: 10, failureThreshold: 6 },
    startupProbe: { tcpSocket: { port }, periodSeconds: 2, failureThreshold: 60 },
  });
  return { n, image, meta, selector, container, deployment, service, claim, httpProbes };
}

export type Builders = ReturnType<typeof buildersFor>;
