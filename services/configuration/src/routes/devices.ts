/** Device registry reads and device CRUD (spec §1.4.3–1.4.11, 1.4.19–1.4.23). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import { normalizeMetadata, normalizeSpec } from '../model.ts';
import type { DeviceLabel, DeviceMetadata, DeviceSpec } from '../schemas.ts';
import type { ConfigurationState } from '../state.ts';
import { boolParam, globParam, stringParam } from './params.ts';

const CRUD = (device_name: string, operation: string, message: string) => ({
  success: true,
  device_name,
  operation,
  message,
});
const LABELS = new Set(['motor', 'detector', 'signal', 'flyer', 'readable', 'device']);

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
export const listDevices = (state: ConfigurationState) => (ctx: Context) => {
  const label = stringParam(ctx.query, 'device_label');
  if (label !== undefined && !LABELS.has(label)) {
    throw new HttpError(422, [
      {
        type: 'enum',
        loc: ['query', 'device_label'],
        msg: `Input should be one of ${[...LABELS].join(', ')}`,
        input: label,
      },
    ]);
  }
  const glob = globParam(ctx.query);
  const ophydClass = stringParam(ctx.query, 'ophyd_class');
  const flags = {
    is_readable: boolParam(ctx.query, 'readable'),
    is_movable: boolParam(ctx.query, 'movable'),
    is_flyable: boolParam(ctx.query, 'flyable'),
  };
  ctx.body = [...state.registry.devices.values()]
    .filter(
      (d) =>
        (label === undefined || d.device_label === label) &&
        (!glob || glob.test(d.name)) &&
        (!ophydClass || d.ophyd_class === ophydClass),
    )
    .filter((d) =>
      Object.entries(flags).every(
        ([flag, want]) => want === undefined || d[flag as keyof typeof flags] === want,
      ),
    )
    .map((d) => d.name)
    .sort();
};

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
export const devicesInfo = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = Object.fromEntries(state.registry.devices);
};
export const deviceClasses = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = [
    ...new Set([...state.registry.devices.values()].map((d) => d.ophyd_class).filter(Boolean)),
  ].sort();
};
export const deviceTypes = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = [...new Set([...state.registry.devices.values()].map((d) => d.device_label))].sort();
};

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
export const listInstantiations = (state: ConfigurationState) => (ctx: Context) => {
  const activeOnly = boolParam(ctx.query, 'active_only') ?? true;
  ctx.body = Object.fromEntries([...state.registry.specs].filter(([, spec]) => !activeOnly || spec.active));
};

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
export const getDevice = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = state.device(ctx.params.device_name);
};

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
export const devicePvs = (state: ConfigurationState) => (ctx: Context) => {
  const metadata = state.device(ctx.params.device_name);
  const pvs = Object.fromEntries(
    Object.entries(metadata.pvs).map(([component, pv]) => [
      component,
      { pv_name: pv, connected: state.registry.index.has(pv) ? false : null, dtype: null },
    ]),
  );
  ctx.body = {
    device_name: metadata.name,
    device_label: metadata.device_label,
    pvs,
    count: Object.keys(pvs).length,
  };
};
export const deviceInstantiation = (state: ConfigurationState) => (ctx: Context) => {
  const name = state.device(ctx.params.device_name).name;
  const spec = state.registry.specs.get(name);
  if (!spec) throw new HttpError(404, `Instantiation spec not found for device: ${name}`);
  ctx.body = spec;
};

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
export const createDevice = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const body = ctx.request.body as { metadata: DeviceMetadata; instantiation_spec: DeviceSpec };
  const metadata = normalizeMetadata(body.metadata);
  const spec = normalizeSpec(body.instantiation_spec);
  if (metadata.name !== spec.name) {
    throw new HttpError(
      400,
      `Name mismatch: metadata.name='${metadata.name}' != instantiation_spec.name='${spec.name}'`,
    );
  }
  state.checkAllowed(spec.device_class);
  await state.mutex.run(async () => {
    if (state.registry.devices.has(metadata.name))
      throw new HttpError(409, `Device already exists: ${metadata.name}`);
    await state.write((store) =>
      store.upsertDevice(
        { name: metadata.name, metadata: metadata as never, spec: spec as never },
        {
          deviceName: metadata.name,
          operation: 'add',
          details: { device_label: metadata.device_label, ophyd_class: metadata.ophyd_class },
        },
      ),
    );
    state.registry.add(metadata, spec);
  });
  ctx.status = 201;
  ctx.body = CRUD(metadata.name, 'create', `Device '${metadata.name}' created successfully`);
};

export const updateDevice = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const name = ctx.params.device_name as string;
  const body = (ctx.request.body ?? {}) as {
    metadata?: Record<string, unknown> | null;
    instantiation_spec?: Record<string, unknown> | null;
  };
  const sentMeta = body.metadata ?? null;
  const sentSpec = body.instantiation_spec ?? null;
  if (sentMeta?.name != null && sentMeta.name !== name)
    throw new HttpError(400, `Name in body '${sentMeta.name}' does not match path '${name}'`);
  if (sentSpec?.name != null && sentSpec.name !== name)
    throw new HttpError(400, `Spec name '${sentSpec.name}' does not match path '${name}'`);
  if (typeof sentSpec?.device_class === 'string') state.checkAllowed(sentSpec.device_class);
  await state.mutex.run(async () => {
    const current = state.device(name);
    if (state.locks.live(name)) {
      throw new HttpError(
        409,
        `Device '${name}' is locked and cannot be updated; unlock it (or wait for the plan to finish) first`,
      );
    }
    const currentSpec = state.registry.specs.get(name) ?? null;
    const metadata = sentMeta
      ? merge(state, 'DeviceMetadata', current, sentMeta, 'Invalid metadata update')
      : current;
    let spec = currentSpec;
    if (sentSpec) {
      spec = currentSpec
        ? merge(state, 'DeviceInstantiationSpec', currentSpec, sentSpec, 'Invalid instantiation spec update')
        : merge(
            state,
            'DeviceInstantiationSpec',
            { name } as DeviceSpec,
            sentSpec,
            'Invalid instantiation spec',
          );
    }
    const changed = [...Object.keys(sentMeta ?? {}), ...Object.keys(sentSpec ?? {}).map((k) => `spec.${k}`)];
    const nextMeta = normalizeMetadata(metadata as DeviceMetadata);
    const nextSpec = spec ? normalizeSpec(spec) : null;
    await state.write((store) =>
      store.upsertDevice(
        { name, metadata: nextMeta as never, spec: nextSpec as never },
        {
          deviceName: name,
          operation: 'update',
          details: changed.length ? { changed_fields: changed } : null,
        },
      ),
    );
    state.registry.replace(nextMeta, nextSpec);
  });
  ctx.body = CRUD(name, 'update', `Device '${name}' updated successfully`);
};

/** Overlays the sent keys on the stored record and validates the result as the full model. */
function merge<T extends object>(
  state: ConfigurationState,
  schema: string,
  current: T,
  sent: Record<string, unknown>,
  what: string,
): T {
  const merged = { ...current, ...sent } as Record<string, unknown>;
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const issues = state.book.check('body', schema, merged);
  if (issues.length > 0) {
    const text = issues.map((i) => `${i.loc.slice(1).join('.') || 'body'}: ${i.msg}`).join('; ');
    throw new HttpError(422, `${what}: ${text}`);
  }
  return merged as T;
}

export const deleteDevice = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const name = ctx.params.device_name as string;
  await state.mutex.run(async () => {
    const metadata = state.device(name);
    if (state.locks.live(name)) {
      throw new HttpError(
        409,
        `Device '${name}' is locked and cannot be deleted; unlock it (or wait for the plan to finish) first`,
      );
    }
    await state.write((store) =>
      store.deleteDevice(name, {
        deviceName: name,
        operation: 'delete',
        details: { ophyd_class: metadata.ophyd_class, device_label: metadata.device_label as DeviceLabel },
      }),
    );
    state.registry.remove(name);
  });
  ctx.body = CRUD(name, 'delete', `Device '${name}' deleted successfully`);
};

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
export const setEnabled = (state: ConfigurationState, enable: boolean) => async (ctx: Context) => {
  state.requireStore();
  const name = ctx.params.device_name as string;
  const word = enable ? 'enable' : 'disable';
  const message = await state.mutex.run(async () => {
    const metadata = state.device(name);
    const spec = state.registry.specs.get(name);
    if (!spec) throw new HttpError(404, `No instantiation spec for device: ${name}`);
    if (spec.active === enable) return `Device '${name}' is already ${word}d`;
    const next = { ...spec, active: enable };
    await state.write((store) =>
      store.upsertDevice(
        { name, metadata: metadata as never, spec: next as never },
        { deviceName: name, operation: word, details: { field: 'active', old: spec.active, new: enable } },
      ),
    );
    state.registry.specs.set(name, next);
    return `Device '${name}' ${word}d`;
  });
  ctx.body = CRUD(name, word, message);
};
