/**
 * A pod's own access to the Kubernetes API: the in-cluster variables and the service-account files
 * the kubelet mounts. Reading it needs no Kubernetes client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the kubelet mounts the service account's token, namespace and the API server's CA. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterAccess {
  host: string;
  port: string;
  token: string;
  namespace: string;
  /** The CA certificate(s) the API server's serving certificate is checked against. */
  ca: Buffer;
}

/** The pod's access; OPHYD_SERVICE_SERVICE_ACCOUNT_DIR moves the mounted files (tests). */
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
