/**
 * What a service does with the Kubernetes cluster it runs in: publish its OpenAPI document into the
 * ConfigMap the operator made for it. The Kubernetes client is imported only when a publication
 * happens, so a service outside a cluster never loads it (nor pays its memory).
 */
import { type ClusterAccess, inClusterAccess } from './access.ts';

export { type ClusterAccess, inClusterAccess } from './access.ts';

/** The variable the operator sets on a service's container: the ConfigMap its OpenAPI goes into. */
export const OPENAPI_CONFIGMAP_VARIABLE = 'OPHYD_SERVICE_OPENAPI_CONFIGMAP';

/**
 * Applies `doc` as `openapi.json` of ConfigMap `configMap`, with the field manager
 * `ophyd-service-<service>`; rejects with the reason (`HTTP 403 …` when the API server refuses).
 */
export async function publishOpenApi(
  doc: unknown,
  configMap: string,
  service: string,
  access?: ClusterAccess,
): Promise<void> {
  const resolved = access ?? inClusterAccess();
  const { applyOpenApiConfigMap } = await import('./openapi-configmap.ts');
  await applyOpenApiConfigMap(doc, configMap, service, resolved);
}

export interface PublishingService {
  openapi: unknown;
  logger: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
}

/**
 * After `listen`: publishes the service's document when the operator asked for it (the variable is
 * set). Best effort: a service that cannot publish still serves, and its log says why.
 */
export async function publishOpenApiWhenAsked(
  service: PublishingService,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const configMap = env[OPENAPI_CONFIGMAP_VARIABLE];
  if (!configMap) return;
  try {
    await publishOpenApi(service.openapi, configMap, name, inClusterAccess(env));
    service.logger.info({ configMap }, 'OpenAPI published to its ConfigMap');
  } catch (err) {
    service.logger.warn({ configMap, err: (err as Error).message }, 'OpenAPI not published');
  }
}
