/** Components and address resolution (spec §1.4.37–1.4.39): thin handlers over operations/components.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import type { Handler } from '@ophyd-service/service-kit';
import * as components from '../operations/components.ts';
import type { ConfigurationState } from '../state.ts';

/**
 * @openapi
 * /api/v1/devices/{device_path}/component:
 *   get:
 *     tags: [Device Components]
 *     operationId: get_nested_device_component_api_v1_devices__device_path__component_get
 *     summary: A device or one of its components by dotted path (device.component.sub)
 *     parameters: [{ in: path, name: device_path, required: true, schema: { type: string }, x-rest-of-path: true }]
 *     responses:
 *       '200': { description: Component, content: { application/json: { schema: { $ref: '#/components/schemas/NestedDeviceComponent' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const component =
  (
    state: ConfigurationState,
  ): Handler<operations['get_nested_device_component_api_v1_devices__device_path__component_get']> =>
  ({ params }) =>
    components.component(state, params.device_path);

/**
 * @openapi
 * /api/v1/devices/resolve:
 *   post:
 *     tags: [Device Components]
 *     operationId: resolve_device_paths_api_v1_devices_resolve_post
 *     summary: Resolve dotted device addresses to PVs by walking the class catalog (best effort per item)
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PathResolveRequest' } } } }
 *     responses:
 *       '200': { description: 'One result per address, in order', content: { application/json: { schema: { $ref: '#/components/schemas/PathResolveResponse' } } } }
 *       '422': { description: No addresses or more than 200, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const resolve =
  (state: ConfigurationState): Handler<operations['resolve_device_paths_api_v1_devices_resolve_post']> =>
  ({ body }) =>
    components.resolveAddresses(state, body.addresses);

/**
 * @openapi
 * /api/v1/devices/{device_name}/components:
 *   get:
 *     tags: [Device Components]
 *     operationId: list_device_components_api_v1_devices__device_name__components_get
 *     summary: A device's components from its PV map, optionally to a depth
 *     parameters:
 *       - { in: path, name: device_name, required: true, schema: { type: string } }
 *       - { in: query, name: max_depth, schema: { type: integer, minimum: 0 } }
 *     responses:
 *       '200': { description: Components, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/NestedDeviceComponent' } } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Negative depth, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const list =
  (
    state: ConfigurationState,
  ): Handler<operations['list_device_components_api_v1_devices__device_name__components_get']> =>
  ({ params, query }) =>
    components.components(state, params.device_name, query.max_depth ?? 0);
