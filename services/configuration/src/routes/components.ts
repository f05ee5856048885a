/** Component listing and address resolution over the class catalog (spec §1.4.37–1.4.39). */
import type { Context } from 'koa';
import { isSettable } from '../model.ts';
import type { ConfigurationState } from '../state.ts';
import { intParam } from './params.ts';

/**
 * @openapi
 * /api/v1/devices/{device_path}/component:
 *   get:
 *     tags: [Device Components]
 *     operationId: get_nested_device_component_api_v1_devices__device_path__component_get
 *     summary: A device or one of its components by dotted path (device.component.sub)
 *     parameters: [{ in: path, name: device_path, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Component, content: { application/json: { schema: { $ref: '#/components/schemas/NestedDeviceComponent' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const component = (state: ConfigurationState) => (ctx: Context) => {
  const path = (ctx.params.device_path as string | undefined) ?? '';
  const [head, ...rest] = path.split('.');
  const metadata = state.device(head);
  if (rest.length === 0) {
    ctx.body = {
      name: head,
      device_path: path,
      parent_device: head,
      component_type: metadata.ophyd_class,
      pv: null,
      is_readable: metadata.is_readable,
      is_settable: metadata.is_movable,
    };
    return;
  }
  const name = rest.join('.');
  // Own keys only: a component called `constructor` or `__proto__` is not inherited from Object.
  const pv = Object.hasOwn(metadata.pvs, name) ? metadata.pvs[name] : null;
  ctx.body = {
    name,
    device_path: path,
    parent_device: head,
    component_type: 'Signal',
    pv,
    is_readable: true,
    is_settable: isSettable(name, pv),
  };
};

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
export const resolve = (state: ConfigurationState) => (ctx: Context) => {
  const { addresses } = ctx.request.body as { addresses: string[] };
  ctx.body = {
    resolved: addresses.map((address) => {
      const r = state.resolve(address);
      return {
        address,
        outcome: r.outcome,
        pv_name: r.pv_name,
        message: r.message,
        ok: r.outcome === 'resolved',
      };
    }),
  };
};

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
export const components = (state: ConfigurationState) => (ctx: Context) => {
  const metadata = state.device(ctx.params.device_name);
  const maxDepth = intParam(ctx.query, 'max_depth', { min: 0 }) ?? 0;
  ctx.body = Object.entries(metadata.pvs)
    .filter(([name]) => maxDepth === 0 || name.split('.').length <= maxDepth)
    .map(([name, pv]) => ({
      name,
      device_path: `${metadata.name}.${name}`,
      parent_device: metadata.name,
      component_type: 'Signal',
      pv,
      is_readable: true,
      is_settable: isSettable(name, pv),
    }));
};
