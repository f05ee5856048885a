/**
 * Writes a service's OpenAPI document into its ConfigMap by server-side apply. The operator creates
 * the ConfigMap and owns its metadata; the service applies only `data`, under its own field manager
 * (`ophyd-service-<service>`), so the two never fight over a field.
 */
import {
  CoreV1Api,
  Observable,
  type ObservableMiddleware,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { openApiText } from '@ophyd-service/service-kit';
import type { ClusterAccess } from './access.ts';
import { kubeConfigOf } from './kube-config.ts';

/** How long the apply may take before it counts as failed. */
const TIMEOUT_MS = 10_000;

/** Aborts a request still unanswered after TIMEOUT_MS (the generated client has no timeout). */
const deadline: ObservableMiddleware = {
  pre: (request) => {
    request.setSignal(AbortSignal.timeout(TIMEOUT_MS));
    return new Observable(Promise.resolve(request));
  },
  post: (response) => new Observable(Promise.resolve(response)),
};

export async function applyOpenApiConfigMap(
  doc: unknown,
  configMap: string,
  service: string,
  access: ClusterAccess,
): Promise<void> {
  const core = kubeConfigOf(access).makeApiClient(CoreV1Api);
  try {
    await core.patchNamespacedConfigMap(
      {
        name: configMap,
        namespace: access.namespace,
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: configMap, namespace: access.namespace },
          data: { 'openapi.json': openApiText(doc) },
        },
        fieldManager: `ophyd-service-${service}`,
        force: true,
      },
      // The generated client would send a JSON patch type; an apply has its own.
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply, {
        middleware: [deadline],
        middlewareMergeStrategy: 'append',
      }),
    );
  } catch (err) {
    throw new Error(`publishing OpenAPI to ConfigMap ${configMap}: ${reason(err)}`);
  }
}

/** An API refusal as `HTTP <code> <the API server's message>`; anything else by its own message and cause. */
function reason(err: unknown): string {
  const e = err as { code?: unknown; body?: unknown; message?: string; cause?: { message?: string } };
  if (typeof e.code === 'number') {
    const body = typeof e.body === 'string' ? parseJson(e.body) : e.body;
    const message = (body as { message?: string } | undefined)?.message;
    return `HTTP ${e.code} ${message ?? String(e.body ?? '')}`.trim().slice(0, 300);
  }
  return e.cause?.message ? `${e.message}: ${e.cause.message}` : (e.message ?? String(err));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
