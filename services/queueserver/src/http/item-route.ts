/**
 * `GET /api/queue/item/{item_uid}` (spec §10.3): only a canonical UUID is an item uid, so the
 * literal paths beside it (`/add`, `/get`, …) stay theirs: a wrong method on one of them is a 405
 * naming its methods, and any other segment a 404, as the reference's UUID path converter gives.
 */
import { HttpError } from '@ophyd-service/service-kit';
import type Koa from 'koa';

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Lets only canonical UUIDs through to the item route; anything else answers as if it were absent. */
export function onlyItemUids(openapi: { paths?: Record<string, Record<string, unknown>> }): Koa.Middleware {
  return async (ctx, next) => {
    const segment = String(ctx.params?.item_uid ?? '');
    if (CANONICAL_UUID.test(segment)) return next();
    const sibling = openapi.paths?.[`/api/queue/item/${segment}`];
    if (!sibling) throw new HttpError(404, 'Not Found');
    const allow = Object.keys(sibling).map((method) => method.toUpperCase());
    throw new HttpError(405, 'Method Not Allowed', { Allow: allow.join(', ') });
  };
}
