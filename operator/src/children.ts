/**
 * What a Beamline becomes: the desired child objects, as a pure function of the resource. The
 * reconciler applies them with server-side apply; nothing here talks to the API server, so every
 * rule is unit-tested.
 *
 * Per Beamline `<bl>`:
 * - per simulated IOC: Deployment + Service `<bl>-ioc-<name>` (CA on its port, TCP and UDP);
 * - ConfigMap `<bl>-epics`: the CA settings every client container reads (address list of the IOC
 *   Services, TCP name servers, auto list off);
 * - configuration service: Deployment + Service `<bl>-configuration` (HTTP), a PVC for SQLite or
 *   the PostgreSQL URL from a Secret, the seed ConfigMap mounted when given, a NetworkPolicy that lets
 *   only this beamline's pods (and pods labelled as registry clients) reach it;
 * - direct control: Deployment + Service `<bl>-direct-control` (HTTP);
 * - ServiceAccount + Role + RoleBinding `<bl>-services` letting the two services write their OpenAPI
 *   into the ConfigMaps `<bl>-<service>-openapi` (created here, data left to the services);
 * - with `queueServer.enabled`, the queue server (queueserver-children.ts);
 * - with `webUi.enabled`, the web UI (web-ui-children.ts).
 *
 * Every port and readiness path comes from @ophyd-service/endpoints, where the CLI reads them too.
 */
import { CA_SERVER_PORT, ENDPOINTS, httpUrl } from '@ophyd-service/endpoints';
import { ALL_INTERFACES, buildersFor, type K8sObject, type Resources } from './builders.ts';
import { type Beamline, IOC_KINDS } from './crd/beamline.ts';
import { queueServerChildren } from './queueserver-children.ts';
import { webUiChildren } from './web-ui-children.ts';

export { FIELD_MANAGER, type K8sObject, MANAGED_BY, names } from './builders.ts';
export const REGISTRY_CLIENT_LABEL = 'ophyd-service.dev/registry-client';

type Ioc = Beamline['spec']['iocs'][number];

const CONFIGURATION = ENDPOINTS.configuration;
const DIRECT_CONTROL = ENDPOINTS['direct-control'];
const CA_PORT = ENDPOINTS.ioc.port;

export function desiredChildren(beamline: Beamline): K8sObject[] {
  const { name: bl, namespace } = beamline.metadata;
  const spec = beamline.spec;
  const builders = buildersFor(beamline);
  const { n, meta, selector, container, deployment, service, claim, httpProbes } = builders;
  const hostNetwork = spec.caNetwork?.mode === 'hostNetwork';

  const children: K8sObject[] = [];

  // IOCs and the CA settings that point at them.
  const caEndpoints: string[] = [];
  for (const ioc of spec.iocs as Ioc[]) {
    if (ioc.external) {
      caEndpoints.push(`${ioc.external.host}:${ioc.external.port ?? CA_SERVER_PORT}`);
      continue;
    }
    const sim = ioc.simulated!;
    const name = n.ioc(ioc.name);
    const component = `ioc-${ioc.name}`;
    caEndpoints.push(`${name}:${CA_PORT}`);
    const args = ['ioc', sim.kind, ...(sim.prefix ? ['--prefix', sim.prefix] : [])];
    // Ready once the CA server listens (it starts after its PVs exist): a TCP connect from the
    // kubelet, every 5 s. Alive while a Channel Access read answers, which a stuck event loop would
    // not: `ophyd-service healthcheck` starts a Node process, so only every 20 s.
    const liveness = { exec: { command: ['node', '/app/bin/ophyd-service.ts', 'healthcheck'] } };
    children.push(
      deployment(
        name,
        component,
        container(
          'ioc',
          args,
          {
            ports: [
              { name: 'ca-tcp', containerPort: CA_PORT, protocol: 'TCP' },
              { name: 'ca-udp', containerPort: CA_PORT, protocol: 'UDP' },
            ],
            readinessProbe: { tcpSocket: { port: CA_PORT }, periodSeconds: 5 },
            livenessProbe: { ...liveness, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
          },
          ioc.resources as Resources | undefined,
        ),
        { hostNetwork },
      ),
      service(
        name,
        component,
        [
          { name: 'ca-tcp', port: CA_PORT, targetPort: CA_PORT, protocol: 'TCP' },
          { name: 'ca-udp', port: CA_PORT, targetPort: CA_PORT, protocol: 'UDP' },
        ],
        hostNetwork,
      ),
    );
  }
  children.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(n.epics, 'epics'),
    data: {
      EPICS_CA_ADDR_LIST: caEndpoints.join(' '),
      EPICS_CA_NAME_SERVERS: caEndpoints.join(' '),
      EPICS_CA_AUTO_ADDR_LIST: 'NO',
      EPICS_CA_MAX_ARRAY_BYTES: '10000000',
    },
  });

  // RBAC for the services' own OpenAPI publication, and the ConfigMaps they write into.
  const openapiMaps = [n.openapi('configuration'), n.openapi('direct-control')];
  for (const map of openapiMaps)
    children.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(map, 'openapi') });
  children.push(
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(n.serviceAccount, 'services'),
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(n.serviceAccount, 'services'),
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: openapiMaps,
          verbs: ['get', 'patch', 'update'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(n.serviceAccount, 'services'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n.serviceAccount },
      subjects: [{ kind: 'ServiceAccount', name: n.serviceAccount, namespace }],
    },
  );

  // The configuration service and its storage.
  const storage = spec.registry?.storage ?? { sqlite: {} };
  const seed = spec.registry?.seed;
  const configEnv: unknown[] = [
    { name: 'OPHYD_SERVICE_OPENAPI_CONFIGMAP', value: n.openapi('configuration') },
  ];
  const configVolumes: unknown[] = [];
  const configMounts: unknown[] = [];
  if (storage.postgres) {
    configEnv.push({
      name: 'CONFIG_DATABASE_URL',
      valueFrom: { secretKeyRef: { name: storage.postgres.secretName, key: storage.postgres.key ?? 'url' } },
    });
  } else {
    configEnv.push({ name: 'CONFIG_DATABASE_URL', value: 'sqlite:////data/registry.db' });
    configVolumes.push({ name: 'data', persistentVolumeClaim: { claimName: n.registryData } });
    configMounts.push({ name: 'data', mountPath: '/data' });
    children.push(
      claim(n.registryData, 'configuration', storage.sqlite?.size ?? '1Gi', storage.sqlite?.storageClassName),
    );
  }
  const seedKey = seed?.key ?? 'happi_db.json';
  if (seed) {
    configVolumes.push({ name: 'seed', configMap: { name: seed.configMap } });
    configMounts.push({ name: 'seed', mountPath: '/etc/ophyd-service/seed', readOnly: true });
  }
  // The services default to 127.0.0.1; in a pod they serve the pod's network (kubelet probes, the
  // Service, NetworkPolicy-admitted peers), as the reference's `--host 0.0.0.0`.
  const configArgs = [
    'configuration',
    ...ALL_INTERFACES,
    ...(seed
      ? ['--load-strategy', 'happi', '--profile-path', `/etc/ophyd-service/seed/${seedKey}`]
      : ['--load-strategy', 'empty']),
  ];
  children.push(
    deployment(
      n.configuration,
      'configuration',
      container(
        'configuration',
        configArgs,
        {
          ports: [{ name: 'http', containerPort: CONFIGURATION.port }],
          env: configEnv,
          volumeMounts: configMounts,
          ...httpProbes(CONFIGURATION),
        },
        spec.registry?.resources as Resources | undefined,
      ),
      { volumes: configVolumes, recreate: !storage.postgres, serviceAccount: true },
    ),
    service(n.configuration, 'configuration', [
      { name: 'http', port: CONFIGURATION.port, targetPort: CONFIGURATION.port },
    ]),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(n.configuration, 'configuration'),
      spec: {
        podSelector: { matchLabels: selector('configuration') },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { 'app.kubernetes.io/instance': bl } } },
              { podSelector: { matchLabels: { [REGISTRY_CLIENT_LABEL]: 'true' } } },
            ],
            ports: [{ port: CONFIGURATION.port, protocol: 'TCP' }],
          },
        ],
      },
    },
  );

  // Direct control.
  const dc = spec.directControl ?? {};
  children.push(
    deployment(
      n.directControl,
      'direct-control',
      container(
        'direct-control',
        ['direct-control', ...ALL_INTERFACES],
        {
          ports: [{ name: 'http', containerPort: DIRECT_CONTROL.port }],
          envFrom: [{ configMapRef: { name: n.epics } }],
          env: [
            {
              name: 'DIRECT_CONTROL_CONFIGURATION_SERVICE_URL',
              value: httpUrl(CONFIGURATION, n.configuration),
            },
            { name: 'DIRECT_CONTROL_GLOBAL_READ_ONLY', value: String(dc.readOnly ?? true) },
            { name: 'DIRECT_CONTROL_CHECK_CTRL_LIMITS', value: String(dc.checkControlLimits ?? true) },
            { name: 'DIRECT_CONTROL_WS_MAX_CONNECTIONS', value: String(dc.maxWebSocketConnections ?? 100) },
            { name: 'OPHYD_SERVICE_OPENAPI_CONFIGMAP', value: n.openapi('direct-control') },
          ],
          ...httpProbes(DIRECT_CONTROL),
        },
        dc.resources as Resources | undefined,
      ),
      { serviceAccount: true },
    ),
    service(n.directControl, 'direct-control', [
      { name: 'http', port: DIRECT_CONTROL.port, targetPort: DIRECT_CONTROL.port },
    ]),
  );

  if (spec.queueServer?.enabled) children.push(...queueServerChildren(beamline, builders));
  if (spec.webUi?.enabled) children.push(...webUiChildren(beamline, builders));
  return children;
}

/** Kinds the operator owns and watches (a child of another kind is never created). */
export const CHILD_API_VERSIONS = {
  Deployment: 'apps/v1',
  Service: 'v1',
  ConfigMap: 'v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  PersistentVolumeClaim: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
} as const;
export type ChildKind = keyof typeof CHILD_API_VERSIONS;
export const CHILD_KINDS = Object.keys(CHILD_API_VERSIONS) as ChildKind[];

export const isIocKind = (kind: string) => (IOC_KINDS as readonly string[]).includes(kind);
