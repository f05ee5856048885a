/**
 * The queue server of a Beamline with `queueServer.enabled`: Deployment and Service
 * `<bl>-queueserver` (HTTP+WebSocket 60610, 0MQ CONTROL 60615 and INFO 60625), its store (SQLite on
 * the PVC `<bl>-queueserver`, or PostgreSQL from a Secret), its API key from a Secret when given,
 * and its startup modules from a ConfigMap when given. Its settings are environment variables: the
 * CA settings of `<bl>-epics`, so plans reach the beamline's IOCs, and the `QSERVER_*` ones, with
 * the beamline's configuration service as its registry unless `registry.enabled` is false.
 */
import { ENDPOINTS, httpUrl, portsOf } from '@ophyd-service/endpoints';
import { ALL_INTERFACES, type Builders, type K8sObject, type Resources } from './builders.ts';
import type { Beamline } from './crd/beamline.ts';

const QUEUE_SERVER = ENDPOINTS.queueserver;
const [HTTP_PORT, CONTROL_PORT, INFO_PORT] = portsOf(QUEUE_SERVER);

/** The worker's heap below the container's default 1Gi limit: a plan that exhausts it ends the environment, not the pod. */
const WORKER_HEAP_MB = '512';
const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { memory: '1Gi' },
};
/** Where the startup ConfigMap is mounted, and the plain copy the queue server reads. */
const STARTUP_SOURCE = '/etc/ophyd-service/startup';
const STARTUP_DIR = '/startup';

export function queueServerChildren(beamline: Beamline, b: Builders): K8sObject[] {
  const qs = beamline.spec.queueServer ?? {};
  const { n } = b;
  const storage = qs.storage ?? { sqlite: {} };
  const children: K8sObject[] = [];
  const env: unknown[] = [{ name: 'QSERVER_WORKER_HEAP_MB', value: WORKER_HEAP_MB }];
  if (qs.registry?.enabled ?? true)
    env.push(
      { name: 'QSERVER_CONFIG_SERVICE_ENABLED', value: 'true' },
      { name: 'QSERVER_CONFIG_SERVICE_URL', value: httpUrl(ENDPOINTS.configuration, n.configuration) },
      { name: 'QSERVER_CONFIG_SERVICE_LOCK_SCOPE', value: qs.registry?.lockScope ?? 'plan' },
    );
  const volumes: unknown[] = [];
  const mounts: unknown[] = [];
  const initContainers: unknown[] = [];

  if (qs.apiKey)
    env.push({
      name: 'QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY',
      valueFrom: { secretKeyRef: { name: qs.apiKey.secretName, key: qs.apiKey.key ?? 'api-key' } },
    });
  if (storage.postgres) {
    env.push({
      name: 'QSERVER_QUEUE_STORE_URI',
      valueFrom: { secretKeyRef: { name: storage.postgres.secretName, key: storage.postgres.key ?? 'url' } },
    });
  } else {
    env.push({ name: 'QSERVER_QUEUE_STORE_URI', value: 'sqlite:////data/queueserver.db' });
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: n.queueData } });
    mounts.push({ name: 'data', mountPath: '/data' });
    children.push(
      b.claim(n.queueData, 'queueserver', storage.sqlite?.size ?? '1Gi', storage.sqlite?.storageClassName),
    );
  }

  const args = [
    'queueserver',
    ...ALL_INTERFACES,
    '--zmq-control-addr',
    `tcp://*:${CONTROL_PORT}`,
    '--zmq-info-addr',
    `tcp://*:${INFO_PORT}`,
  ];
  if (qs.startup) {
    // A ConfigMap volume's files are symlinks into a hidden directory; the startup directory takes
    // plain files, so an init container copies them into a writable emptyDir (where the queue
    // server also writes its existing_plans_and_devices.yaml).
    volumes.push(
      { name: 'startup-source', configMap: { name: qs.startup.configMap } },
      { name: 'startup', emptyDir: {} },
    );
    mounts.push({ name: 'startup', mountPath: STARTUP_DIR });
    initContainers.push({
      ...b.container(
        'startup',
        [],
        {
          command: ['sh', '-c', `cp -L ${STARTUP_SOURCE}/* ${STARTUP_DIR}/`],
          volumeMounts: [
            { name: 'startup-source', mountPath: STARTUP_SOURCE, readOnly: true },
            { name: 'startup', mountPath: STARTUP_DIR },
          ],
        },
        { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
      ),
    });
    args.push('--startup-dir', STARTUP_DIR);
  }

  children.push(
    b.deployment(
      n.queueServer,
      'queueserver',
      b.container(
        'queueserver',
        args,
        {
          ports: [
            { name: 'http', containerPort: HTTP_PORT },
            { name: 'zmq-control', containerPort: CONTROL_PORT },
            { name: 'zmq-info', containerPort: INFO_PORT },
          ],
          envFrom: [{ configMapRef: { name: n.epics } }],
          env,
          volumeMounts: mounts,
          ...b.httpProbes(QUEUE_SERVER),
        },
        (qs.resources as Resources | undefined) ?? DEFAULT_RESOURCES,
      ),
      // One manager runs the beamline's plans: never two pods at once, whatever the store.
      { volumes, recreate: true, ...(initContainers.length ? { initContainers } : {}) },
    ),
    b.service(n.queueServer, 'queueserver', [
      { name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT },
      { name: 'zmq-control', port: CONTROL_PORT, targetPort: CONTROL_PORT },
      { name: 'zmq-info', port: INFO_PORT, targetPort: INFO_PORT },
    ]),
  );
  return children;
}
