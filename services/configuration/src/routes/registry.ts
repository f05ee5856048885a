/** Registry administration: reset, clear and export (spec §1.4.24–1.4.26): thin handlers over operations/registry.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import type { Handler } from '@ophyd-service/service-kit';
import * as registry from '../operations/registry.ts';
import type { ConfigurationState } from '../state.ts';

/**
 * @openapi
 * /api/v1/registry/reset:
 *   post:
 *     tags: [Registry Admin]
 *     operationId: reset_registry_api_v1_registry_reset_post
 *     summary: Rebuild the registry from the profile, dropping runtime changes and every lock
 *     responses:
 *       '200': { description: Reset, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '500': { description: The profile could not be loaded; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 * /api/v1/registry/clear:
 *   post:
 *     tags: [Registry Admin]
 *     operationId: clear_registry_api_v1_registry_clear_post
 *     summary: Empty the registry (standalone PVs stay) and drop every lock
 *     responses:
 *       '200': { description: Cleared, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const reset =
  (state: ConfigurationState): Handler<operations['reset_registry_api_v1_registry_reset_post']> =>
  () =>
    registry.resetRegistry(state);
export const clear =
  (state: ConfigurationState): Handler<operations['clear_registry_api_v1_registry_clear_post']> =>
  () =>
    registry.clearRegistry(state);

/**
 * @openapi
 * /api/v1/registry/export:
 *   get:
 *     tags: [Registry Admin]
 *     operationId: export_registry_api_v1_registry_export_get
 *     summary: The stored registry as a happi JSON database or a BITS devices.yml
 *     parameters: [{ in: query, name: format, description: 'happi or bits; any other value is a 400', schema: { type: string, default: happi } }]
 *     responses:
 *       '200':
 *         description: The export
 *         content:
 *           application/json: { schema: { type: object } }
 *           application/x-yaml:
 *             schema:
 *               description: BITS devices.yml, one list of devices per class (or factory module)
 *               type: object
 *               additionalProperties:
 *                 type: array
 *                 items:
 *                   type: object
 *                   required: [name]
 *                   properties:
 *                     name: { type: string }
 *                     creator: { type: string }
 *                     prefix: { type: string }
 *                     read_pv: { type: string }
 *                     labels: { type: array }
 *       '400': { description: Unsupported format, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: A stored device has no spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const exportRegistry =
  (state: ConfigurationState): Handler<operations['export_registry_api_v1_registry_export_get']> =>
  async ({ query, ctx }) => {
    const exported = await registry.exportRegistry(state, query.format ?? 'happi');
    if (exported.format === 'happi') return exported.devices;
    // YAML is not JSON: the body and its type are set here.
    ctx.type = 'application/x-yaml';
    ctx.body = exported.yaml;
  };
