/**
 * The `Beamline` custom resource, written once: its structural OpenAPI v3 schema (with defaults,
 * enums and CEL rules) is the source of the CRD in `crds/` and of the TypeScript types the
 * controller uses (`FromSchema`).
 */
import type { FromSchema } from 'json-schema-to-ts';

export const GROUP = 'ophyd-service.dev';
export const VERSION = 'v1alpha1';
export const KIND = 'Beamline';
export const PLURAL = 'beamlines';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A quantity: `100m`, `1Gi` or a plain number (Kubernetes' int-or-string). */
const quantity = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
} as const;

const resources = {
  type: 'object',
  description: 'Kubernetes resource requests and limits for one container',
  properties: {
    requests: {
      type: 'object',
      additionalProperties: quantity,
      default: { cpu: '50m', memory: '128Mi' },
    },
    limits: {
      type: 'object',
      additionalProperties: quantity,
      default: { memory: '512Mi' },
    },
  },
  default: {},
} as const;

export const IOC_KINDS = ['mini_beamline', 'camera', 'motors', 'random_walk', 'thermo'] as const;

export const beamlineSpecSchema = {
  type: 'object',
  description: 'One beamline: its IOCs, registry, direct control and queue server',
  required: ['iocs'],
  properties: {
    image: {
      type: 'object',
      description: 'The ophyd-service runtime image every component runs',
      properties: {
        repository: { type: 'string', default: 'ophyd-service', minLength: 1 },
        tag: { type: 'string', default: 'latest', minLength: 1 },
        pullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' },
      },
      default: {},
    },
    caNetwork: {
      type: 'object',
      description:
        'How Channel Access crosses the cluster: cluster (a Service per IOC, clients search the Services by name and by TCP name server) or hostNetwork (IOCs on the node network, as epics-containers runs them)',
      properties: {
        mode: { type: 'string', enum: ['cluster', 'hostNetwork'], default: 'cluster' },
      },
      default: {},
    },
    iocs: {
      type: 'array',
      description: 'Simulated IOCs to run, or external IOCs to reach',
      minItems: 1,
      maxItems: 32,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: {
            type: 'string',
            pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
            maxLength: 40,
            description: 'DNS label; the Service is <beamline>-ioc-<name>',
          },
          simulated: {
            type: 'object',
            required: ['kind'],
            properties: {
              kind: { type: 'string', enum: IOC_KINDS },
              prefix: {
                type: 'string',
                minLength: 1,
                description: "PV prefix (default: the IOC kind's own)",
              },
            },
          },
          external: {
            type: 'object',
            required: ['host'],
            properties: {
              host: { type: 'string', minLength: 1 },
              port: { type: 'integer', minimum: 1, maximum: 65535, default: 5064 },
            },
          },
          resources,
        },
        'x-kubernetes-validations': [
          {
            rule: 'has(self.simulated) != has(self.external)',
            message: 'each IOC is either simulated or external (exactly one of the two)',
          },
        ],
      },
    },
    registry: {
      type: 'object',
      description: 'The configuration service and where it keeps the registry',
      properties: {
        storage: {
          type: 'object',
          properties: {
            sqlite: {
              type: 'object',
              description: 'SQLite on a PersistentVolumeClaim',
              properties: {
                size: { type: 'string', default: '1Gi' },
                storageClassName: { type: 'string' },
              },
            },
            postgres: {
              type: 'object',
              description: 'PostgreSQL: the connection URL in a Secret',
              required: ['secretName'],
              properties: {
                secretName: { type: 'string', minLength: 1 },
                key: { type: 'string', default: 'url' },
              },
            },
          },
          default: { sqlite: {} },
          'x-kubernetes-validations': [
            {
              rule: 'has(self.sqlite) != has(self.postgres)',
              message: 'registry storage is either sqlite or postgres (exactly one)',
            },
          ],
        },
        seed: {
          type: 'object',
          description: 'A ConfigMap holding a happi JSON registry to load on first start',
          required: ['configMap'],
          properties: {
            configMap: { type: 'string', minLength: 1 },
            key: { type: 'string', default: 'happi_db.json' },
          },
        },
        resources,
      },
      default: {},
    },
    directControl: {
      type: 'object',
      properties: {
        readOnly: { type: 'boolean', default: true, description: 'Refuse every write (the safe default)' },
        checkControlLimits: { type: 'boolean', default: true },
        maxWebSocketConnections: { type: 'integer', minimum: 1, maximum: 100000, default: 100 },
        resources,
      },
      default: {},
    },
    queueServer: {
      type: 'object',
      description:
        "The queue server (bluesky-queueserver's wire protocol): 0MQ CONTROL 60615 and INFO 60625, HTTP and WebSockets 60610",
      properties: {
        enabled: { type: 'boolean', default: false },
        apiKey: {
          type: 'object',
          description:
            'The single-user API key, from a Secret (without one the queue server makes a random key and prints it in its log)',
          required: ['secretName'],
          properties: {
            secretName: { type: 'string', minLength: 1 },
            key: { type: 'string', default: 'api-key' },
          },
        },
        registry: {
          type: 'object',
          description:
            "Coordination with this beamline's configuration service: its devices join the environment when it opens, and a running plan locks the registered devices it uses (direct control refuses writes to them)",
          properties: {
            enabled: { type: 'boolean', default: true },
            lockScope: {
              type: 'string',
              enum: ['plan', 'environment'],
              default: 'plan',
              description:
                "plan: a plan's devices while it runs; environment: every registered device while open",
            },
          },
          default: {},
        },
        startup: {
          type: 'object',
          description:
            'A ConfigMap of TypeScript/JavaScript startup modules (and user_group_permissions.yaml) to run plans from; without one, the built-in simulated profile',
          required: ['configMap'],
          properties: { configMap: { type: 'string', minLength: 1 } },
        },
        storage: {
          type: 'object',
          description: 'Where the queue, the history and the lock are kept',
          properties: {
            sqlite: {
              type: 'object',
              description: 'SQLite on a PersistentVolumeClaim',
              properties: {
                size: { type: 'string', default: '1Gi' },
                storageClassName: { type: 'string' },
              },
            },
            postgres: {
              type: 'object',
              description: 'PostgreSQL: the connection URL in a Secret',
              required: ['secretName'],
              properties: {
                secretName: { type: 'string', minLength: 1 },
                key: { type: 'string', default: 'url' },
              },
            },
          },
          default: { sqlite: {} },
          'x-kubernetes-validations': [
            {
              rule: 'has(self.sqlite) != has(self.postgres)',
              message: 'queue server storage is either sqlite or postgres (exactly one)',
            },
          ],
        },
        resources: {
          ...resources,
          description:
            'Resources of the queue server container (its plans run in a worker process inside it)',
          properties: {
            requests: { ...resources.properties.requests, default: { cpu: '100m', memory: '256Mi' } },
            limits: { ...resources.properties.limits, default: { memory: '1Gi' } },
          },
        },
      },
      default: {},
    },
    webUi: {
      type: 'object',
      description:
        "The web UI on 5173: the page built into the image, and /config.json telling it where this beamline's services are (and the queue server's API key, when it comes from a Secret)",
      properties: {
        enabled: { type: 'boolean', default: false },
        serviceUrls: {
          type: 'object',
          description:
            "URLs the browser uses for the services (an ingress, a proxy); each one not given is the host the page was reached on with the service's own port, as `kubectl port-forward` of each Service gives",
          properties: {
            configuration: { type: 'string', minLength: 1 },
            directControl: { type: 'string', minLength: 1 },
            queueServer: { type: 'string', minLength: 1 },
          },
        },
        resources: {
          ...resources,
          description: 'Resources of the web UI container (a static file server)',
          properties: {
            requests: { ...resources.properties.requests, default: { cpu: '10m', memory: '64Mi' } },
            limits: { ...resources.properties.limits, default: { memory: '256Mi' } },
          },
        },
      },
      default: {},
    },
  },
} as const;

export const conditionSchema = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: { type: 'integer' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    reason: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const beamlineStatusSchema = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer' },
    components: { type: 'string', description: 'ready/total Deployments, e.g. 3/4' },
    ready: { type: 'boolean' },
    conditions: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      items: conditionSchema,
    },
  },
} as const;

// Defaults are filled by the API server, but objects built in code (tests, examples) may omit them.
export type BeamlineSpec = FromSchema<typeof beamlineSpecSchema, { keepDefaultedPropertiesOptional: true }>;
export type BeamlineStatus = FromSchema<typeof beamlineStatusSchema>;
export type Condition = FromSchema<typeof conditionSchema>;

export interface Beamline {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: BeamlineSpec;
  status?: BeamlineStatus;
}

/** The CustomResourceDefinition, as applied to a cluster and committed under crds/. */
export function beamlineCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: 'beamline',
        shortNames: ['bl'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].status',
            },
            { name: 'Components', type: 'string', jsonPath: '.status.components' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: beamlineSpecSchema,
                status: beamlineStatusSchema,
              },
            },
          },
        },
      ],
    },
  };
}
