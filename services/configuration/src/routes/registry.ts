/** Registry administration: reset, clear and export (spec §1.4.24–1.4.26). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import { stringify as toYaml } from 'yaml';
import { LoadError, type LoadedDevice } from '../loaders/index.ts';
import type { DeviceMetadata, DeviceSpec } from '../schemas.ts';
import { type ConfigurationState, fromStored } from '../state.ts';

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
export const reset = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const count = await state.mutex.run(async () => {
    let devices: LoadedDevice[];
    try {
      devices = state.load();
    } catch (err) {
      if (err instanceof LoadError) throw new HttpError(500, `Registry reset failed: ${err.message}`);
      throw err;
    }
    await state.reseed(devices);
    return devices.length;
  });
  ctx.body = {
    success: true,
    device_name: '*',
    operation: 'reset',
    message: `Registry reset and re-seeded with ${count} devices from profile`,
  };
};

export const clear = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  await state.mutex.run(() => state.reseed([]));
  ctx.body = {
    success: true,
    device_name: '*',
    operation: 'clear',
    message: 'Registry cleared. 0 devices. Use CRUD or EE sync to populate.',
  };
};

/**
 * @openapi
 * /api/v1/registry/export:
 *   get:
 *     tags: [Registry Admin]
 *     operationId: export_registry_api_v1_registry_export_get
 *     summary: The stored registry as a happi JSON database or a BITS devices.yml
 *     parameters: [{ in: query, name: format, schema: { type: string, enum: [happi, bits], default: happi } }]
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
export const exportRegistry = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore();
  const format = (ctx.query.format as string | undefined) ?? 'happi';
  if (format !== 'happi' && format !== 'bits')
    throw new HttpError(400, `Unsupported export format: '${format}'. Supported: happi, bits`);
  const stored = (await state.write((store) => store.loadDevices())).map(fromStored);
  const devices = stored.map(({ metadata, spec }) => {
    if (!spec)
      throw new HttpError(500, `Cannot export device '${metadata.name}': it has no instantiation spec`);
    return { metadata, spec };
  });
  if (format === 'happi') {
    ctx.body = Object.fromEntries(
      devices.map(({ metadata, spec }) => [metadata.name, happiEntry(metadata, spec)]),
    );
    return;
  }
  ctx.type = 'application/x-yaml';
  ctx.body = bitsDocument(devices);
};

export function happiEntry(metadata: DeviceMetadata, spec: DeviceSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    _id: metadata.name,
    name: metadata.name,
    device_class: spec.device_class,
    args: spec.args,
    kwargs: spec.kwargs,
    type: spec.device_class,
    active: spec.active,
  };
  for (const key of ['beamline', 'functional_group', 'location_group', 'documentation'] as const) {
    if (metadata[key]) entry[key] = metadata[key];
  }
  if (spec.framework) entry.framework = spec.framework;
  const first = spec.args[0];
  if (typeof first === 'string' && first.includes(':')) entry.prefix = first;
  return entry;
}

export function bitsDocument(devices: { metadata: DeviceMetadata; spec: DeviceSpec }[]): string {
  // Keyed by device class, which is client input: a Map, so `constructor` is a class like any other.
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const { metadata, spec } of devices) {
    const dot = spec.device_class.lastIndexOf('.');
    const last = spec.device_class.slice(dot + 1);
    const factory = dot > 0 && !/^[A-Z]/.test(last);
    const key = factory ? spec.device_class.slice(0, dot) : spec.device_class;
    const entry: Record<string, unknown> = factory
      ? { name: metadata.name, creator: last }
      : { name: metadata.name };
    if (typeof spec.args[0] === 'string' && spec.args[0]) entry.prefix = spec.args[0];
    if (typeof spec.kwargs.read_pv === 'string' && spec.kwargs.read_pv) entry.read_pv = spec.kwargs.read_pv;
    const labels = metadata.labels.length
      ? metadata.labels
      : Array.isArray(spec.kwargs.labels)
        ? spec.kwargs.labels
        : [];
    if (labels.length) entry.labels = labels;
    const group = groups.get(key) ?? [];
    group.push(entry);
    groups.set(key, group);
  }
  return toYaml(groups, { sortMapEntries: true });
}
