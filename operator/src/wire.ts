/**
 * The operator speaks the API server's JSON (the wire format) everywhere: children.ts builds it, the
 * informer caches hold it, and drift.ts compares it. client-node's typed models differ from it in a
 * few renamed fields (a NetworkPolicy rule's `from` is `_from`), and it serialises a request body
 * through the model, silently dropping a wire-format field it does not recognise. So objects are
 * converted at the two edges: a body becomes a model before a request, and a typed list result
 * becomes wire JSON before it enters a cache (watch events already are).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';

/** A wire-format object as the client-node model of its kind, for a request body. */
export function toModel<T extends KubernetesObject>(object: KubernetesObject): T {
  return ObjectSerializer.deserialize(object, getSerializationType(object.apiVersion, object.kind)) as T;
}

/** A client-node model (from a typed list or read) as wire-format JSON, unset fields left out. */
export function toWire(model: KubernetesObject, apiVersion: string, kind: string): KubernetesObject {
  return JSON.parse(
    JSON.stringify(ObjectSerializer.serialize(model, getSerializationType(apiVersion, kind))),
  );
}
