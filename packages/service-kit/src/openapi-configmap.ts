/**
 * In a Kubernetes pod, a service publishes its OpenAPI document into the ConfigMap named by
 * OPHYD_SERVICE_OPENAPI_CONFIGMAP (the operator creates it and grants this pod's service account
 * patch rights on it alone). Server-side apply with the service's own field manager writes only
 * `data`, so it never fights the operator, which owns the metadata.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { openApiText } from './openapi.ts';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterAccess {
  host: string;
  port: string;
  token: string;
  namespace: string;
  ca: Buffer;
}

/** The pod's own API access: the in-cluster variables and the mounted service-account files. */
export function inClusterAccess(env: NodeJS.ProcessEnv = process.env): ClusterAccess {
  const dir = env.OPHYD_SERVICE_SERVICE_ACCOUNT_DIR ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod');
  return {
    host,
    port: env.KUBERNETES_SERVICE_PORT ?? '443',
    token: readFileSync(join(dir, 'token'), 'utf8').trim(),
    namespace: readFileSync(join(dir, 'namespace'), 'utf8').trim(),
    ca: readFileSync(join(dir, 'ca.crt')),
  };
}

export function publishOpenApiConfigMap(
  doc: unknown,
  configMap: string,
  service: string,
  access: ClusterAccess = inClusterAccess(),
): Promise<void> {
  const body = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMap, namespace: access.namespace },
    data: { 'openapi.json': openApiText(doc) },
  });
  const path = `/api/v1/namespaces/${encodeURIComponent(access.namespace)}/configmaps/${encodeURIComponent(configMap)}?fieldManager=${encodeURIComponent(`ophyd-service-${service}`)}&force=true`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: access.host,
        port: access.port,
        path,
        method: 'PATCH',
        ca: access.ca,
        headers: {
          authorization: `Bearer ${access.token}`,
          'content-type': 'application/apply-patch+yaml',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          if (res.statusCode && res.statusCode < 300) resolve();
          else
            reject(
              new Error(
                `publishing OpenAPI to ConfigMap ${configMap}: HTTP ${res.statusCode} ${text.slice(0, 300)}`,
              ),
            );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) =>
      reject(new Error(`publishing OpenAPI to ConfigMap ${configMap}: ${err.message}`)),
    );
    req.end(body);
  });
}
