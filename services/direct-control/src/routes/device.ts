/** Device commanding over REST (spec §1.8–1.12): thin handlers over `operations/devices.ts`. */

import type { operations } from '@ophyd-service/api-types/direct-control';
import type { Handler } from '@ophyd-service/service-kit';
import { isoNaive } from '../envelope.ts';
import { executeCommand, nestedCommand, resolveAddresses, stopDevice } from '../operations/devices.ts';
import type { DirectControl } from '../state.ts';

/**
 * @openapi
 * /api/v1/device/execute:
 *   post:
 *     tags: [Device Control]
 *     operationId: execute_device_method_api_v1_device_execute_post
 *     summary: Run an allowed verb on a registry device (read, set, stop…), through the lock gate
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCommandRequest' } } } }
 *     responses:
 *       '200': { description: 'Done (or initiated with use_put)', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCommandResponse' } } } }
 *       '400': { description: 'Method not allowed or not supported by the device', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '403': { description: 'Read-only mode, or the target is read-only', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'Device not in the registry', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Device disabled or unavailable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid body or arguments, a device name no registry could hold, no instantiation spec, or an inactive device', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '423': { description: 'Device locked by a plan', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'Build, connect or verb failure, or a timeout (with what was done to stop it)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry or lock authority unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'A PV of the device did not connect in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const execute =
  (dc: DirectControl): Handler<operations['execute_device_method_api_v1_device_execute_post']> =>
  ({ body }) =>
    executeCommand(dc, body);

/**
 * @openapi
 * /api/v1/device/{device_name}/stop:
 *   post:
 *     tags: [Device Control]
 *     operationId: stop_device_api_v1_device__device_name__stop_post
 *     summary: Stop a device (as execute with method stop)
 *     parameters:
 *       - { in: path, name: device_name, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: 'Stopped', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCommandResponse' } } } }
 *       '400': { description: 'The device has no stop', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '403': { description: 'Read-only mode, or the target is read-only', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'Device not in the registry', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Device disabled or unavailable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'A device name no registry could hold, no instantiation spec, or an inactive device', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '423': { description: 'Device locked by a plan', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'Stop failed', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'A PV of the device did not connect in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const stop =
  (dc: DirectControl): Handler<operations['stop_device_api_v1_device__device_name__stop_post']> =>
  ({ params }) =>
    stopDevice(dc, params.device_name);

/**
 * @openapi
 * /api/v1/device/{device_path}:
 *   post:
 *     tags: [Device Control]
 *     operationId: access_nested_device_api_v1_device__device_path__post
 *     summary: Run a verb on a component (`m1.user_setpoint`); writes are refused in read-only mode
 *     parameters:
 *       - { in: path, name: device_path, required: true, schema: { type: string }, x-rest-of-path: true }
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/NestedDeviceRequest' } } } }
 *     responses:
 *       '200': { description: 'Result', content: { application/json: { schema: { $ref: '#/components/schemas/NestedDeviceResponse' } } } }
 *       '400': { description: 'Method not allowed or not supported, or a write without a value', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '403': { description: 'A write in read-only mode, or to a read-only component', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'Unknown device or component', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Device disabled (writes)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid body, a device name no registry could hold, no instantiation spec, or an inactive device', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '423': { description: 'Device locked (writes)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'Build, connect or verb failure', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'A PV of the device did not connect in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const nested =
  (dc: DirectControl): Handler<operations['access_nested_device_api_v1_device__device_path__post']> =>
  async ({ params, body }) => {
    const request = body ?? {};
    return {
      device_path: params.device_path,
      method: request.method ?? 'read',
      success: true,
      result: await nestedCommand(dc, params.device_path, request),
      timestamp: isoNaive(new Date()),
      message: null,
    };
  };

/**
 * @openapi
 * /api/v1/device/{device_path}/value:
 *   get:
 *     tags: [Device Control]
 *     operationId: get_nested_device_value_api_v1_device__device_path__value_get
 *     summary: read() of a device or component (no lock gate; allowed in read-only mode)
 *     parameters:
 *       - { in: path, name: device_path, required: true, schema: { type: string }, x-rest-of-path: true }
 *     responses:
 *       '200': { description: 'The reading', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceValue' } } } }
 *       '404': { description: 'Unknown device or component', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'A device name no registry could hold, no instantiation spec, or an inactive device', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '500': { description: 'Build, connect or read failure', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'A PV of the device did not connect in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const value =
  (dc: DirectControl): Handler<operations['get_nested_device_value_api_v1_device__device_path__value_get']> =>
  async ({ params }) => ({
    device_path: params.device_path,
    value: await nestedCommand(dc, params.device_path, { method: 'read' }),
    timestamp: isoNaive(new Date()),
  });

/**
 * @openapi
 * /api/v1/devices/resolve:
 *   post:
 *     tags: [Device Control]
 *     operationId: resolve_device_paths_api_v1_devices_resolve_post
 *     summary: Dotted device addresses to PV names through the class catalog, one row per address in order
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceResolveRequest' } } } }
 *     responses:
 *       '200': { description: 'One row per address', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceResolveResponse' } } } }
 *       '422': { description: 'Invalid body', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const resolve =
  (dc: DirectControl): Handler<operations['resolve_device_paths_api_v1_devices_resolve_post']> =>
  ({ body }) =>
    resolveAddresses(dc, body.addresses);
