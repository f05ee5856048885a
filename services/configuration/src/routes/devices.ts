/** Device registry reads and device changes (spec §1.4.3–1.4.7, 1.4.10–1.4.11, 1.4.19–1.4.23): thin handlers over operations/devices.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import type { Handler } from '@ophyd-service/service-kit';
import * as devices from '../operations/devices.ts';
import type { ConfigurationState } from '../state.ts';
import { globParam } from './params.ts';

/**
 * @openapi
 * /api/v1/devices:
 *   get:
 *     tags: [Device Registry]
 *     operationId: list_devices_api_v1_devices_get
 *     summary: Sorted device names, optionally filtered (all filters AND-combined; pattern is a glob)
 *     parameters:
 *       - { in: query, name: device_label, schema: { $ref: '#/components/schemas/DeviceLabel' } }
 *       - { in: query, name: pattern, description: 'fnmatch glob (*, ?, [set], [!set]); at most 8192 characters', schema: { type: string, maxLength: 8192 } }
 *       - { in: query, name: ophyd_class, schema: { type: string } }
 *       - { in: query, name: readable, schema: { type: boolean } }
 *       - { in: query, name: movable, schema: { type: boolean } }
 *       - { in: query, name: flyable, schema: { type: boolean } }
 *     responses:
 *       '200': { description: Device names, content: { application/json: { schema: { type: array, items: { type: string } } } } }
 *       '422': { description: Invalid filter or glob pattern, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const list =
  (state: ConfigurationState): Handler<operations['list_devices_api_v1_devices_get']> =>
  ({ query }) =>
    devices.listDevices(state, { ...query, pattern: globParam(query.pattern) });

/**
 * @openapi
 * /api/v1/devices-info:
 *   get:
 *     tags: [Device Registry]
 *     operationId: get_all_devices_info_api_v1_devices_info_get
 *     summary: Every device's metadata, keyed by name
 *     responses:
 *       '200': { description: Metadata by name, content: { application/json: { schema: { type: object, additionalProperties: { $ref: '#/components/schemas/DeviceMetadata' } } } } }
 * /api/v1/devices/classes:
 *   get:
 *     tags: [Device Registry]
 *     operationId: get_device_classes_api_v1_devices_classes_get
 *     summary: Sorted distinct ophyd classes
 *     responses:
 *       '200': { description: Class names, content: { application/json: { schema: { type: array, items: { type: string } } } } }
 * /api/v1/devices/types:
 *   get:
 *     tags: [Device Registry]
 *     operationId: get_device_labels_api_v1_devices_types_get
 *     summary: Sorted distinct device labels present
 *     responses:
 *       '200': { description: Labels, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/DeviceLabel' } } } } }
 */
export const info =
  (state: ConfigurationState): Handler<operations['get_all_devices_info_api_v1_devices_info_get']> =>
  () =>
    devices.devicesInfo(state);
export const classes =
  (state: ConfigurationState): Handler<operations['get_device_classes_api_v1_devices_classes_get']> =>
  () =>
    devices.deviceClasses(state);
export const labels =
  (state: ConfigurationState): Handler<operations['get_device_labels_api_v1_devices_types_get']> =>
  () =>
    devices.deviceLabels(state);

/**
 * @openapi
 * /api/v1/devices/instantiation:
 *   get:
 *     tags: [Device Instantiation]
 *     operationId: list_device_instantiations_api_v1_devices_instantiation_get
 *     summary: Instantiation specs by device name (active ones unless active_only=false)
 *     parameters: [{ in: query, name: active_only, schema: { type: boolean, default: true } }]
 *     responses:
 *       '200': { description: Specs by name, content: { application/json: { schema: { type: object, additionalProperties: { $ref: '#/components/schemas/DeviceInstantiationSpec' } } } } }
 *       '422': { description: Invalid query, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const instantiations =
  (
    state: ConfigurationState,
  ): Handler<operations['list_device_instantiations_api_v1_devices_instantiation_get']> =>
  ({ query }) =>
    devices.listInstantiations(state, query.active_only ?? true);

/**
 * @openapi
 * /api/v1/devices/{device_name}:
 *   get:
 *     tags: [Device Registry]
 *     operationId: get_device_api_v1_devices__device_name__get
 *     summary: One device's metadata
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Metadata, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceMetadata' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *   put:
 *     tags: [Device Management]
 *     operationId: update_device_api_v1_devices__device_name__put
 *     summary: Partial update; only the keys sent change (explicit null counts as sent)
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceUpdateRequest' } } } }
 *     responses:
 *       '200': { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '400': { description: Name in the body differs from the path, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: The device is locked, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid body, a merged result that is invalid, or a class outside the allowlist', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *   delete:
 *     tags: [Device Management]
 *     operationId: delete_device_api_v1_devices__device_name__delete
 *     summary: Delete a device (refused while it is locked)
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Deleted, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: The device is locked, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const get =
  (state: ConfigurationState): Handler<operations['get_device_api_v1_devices__device_name__get']> =>
  ({ params }) =>
    devices.getDevice(state, params.device_name);
export const update =
  (state: ConfigurationState): Handler<operations['update_device_api_v1_devices__device_name__put']> =>
  ({ params, body }) =>
    devices.updateDevice(state, params.device_name, body);
export const remove =
  (state: ConfigurationState): Handler<operations['delete_device_api_v1_devices__device_name__delete']> =>
  ({ params }) =>
    devices.deleteDevice(state, params.device_name);

/**
 * @openapi
 * /api/v1/devices/{device_name}/pvs:
 *   get:
 *     tags: [PV Registry]
 *     operationId: get_device_pvs_api_v1_devices__device_name__pvs_get
 *     summary: A device's component → PV map with connection placeholders
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: PVs, content: { application/json: { schema: { type: object } } } }
 *       '404': { description: Unknown device, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 * /api/v1/devices/{device_name}/instantiation:
 *   get:
 *     tags: [Device Instantiation]
 *     operationId: get_device_instantiation_api_v1_devices__device_name__instantiation_get
 *     summary: One device's instantiation spec
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Spec, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceInstantiationSpec' } } } }
 *       '404': { description: Unknown device or no spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const pvs =
  (state: ConfigurationState): Handler<operations['get_device_pvs_api_v1_devices__device_name__pvs_get']> =>
  ({ params }) =>
    devices.devicePvs(state, params.device_name);
export const instantiation =
  (
    state: ConfigurationState,
  ): Handler<operations['get_device_instantiation_api_v1_devices__device_name__instantiation_get']> =>
  ({ params }) =>
    devices.deviceInstantiation(state, params.device_name);

/**
 * @openapi
 * /api/v1/devices:
 *   post:
 *     tags: [Device Management]
 *     operationId: create_device_api_v1_devices_post
 *     summary: Create a device (metadata + instantiation spec)
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCreateRequest' } } } }
 *     responses:
 *       '201': { description: Created, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '400': { description: metadata.name differs from instantiation_spec.name, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: The device exists, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body or class outside the allowlist, content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const create =
  (state: ConfigurationState): Handler<operations['create_device_api_v1_devices_post']> =>
  ({ body }) =>
    devices.createDevice(state, body);

/**
 * @openapi
 * /api/v1/devices/{device_name}/enable:
 *   patch:
 *     tags: [Device Management]
 *     operationId: enable_device_api_v1_devices__device_name__enable_patch
 *     summary: Enable a device (its spec's active flag)
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Enabled (or already), content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '404': { description: Unknown device or no spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 * /api/v1/devices/{device_name}/disable:
 *   patch:
 *     tags: [Device Management]
 *     operationId: disable_device_api_v1_devices__device_name__disable_patch
 *     summary: Disable a device (its spec's active flag)
 *     parameters: [{ in: path, name: device_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Disabled (or already), content: { application/json: { schema: { $ref: '#/components/schemas/DeviceCRUDResponse' } } } }
 *       '404': { description: Unknown device or no spec, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const enable =
  (
    state: ConfigurationState,
  ): Handler<operations['enable_device_api_v1_devices__device_name__enable_patch']> =>
  ({ params }) =>
    devices.setEnabled(state, params.device_name, true);
export const disable =
  (
    state: ConfigurationState,
  ): Handler<operations['disable_device_api_v1_devices__device_name__disable_patch']> =>
  ({ params }) =>
    devices.setEnabled(state, params.device_name, false);
