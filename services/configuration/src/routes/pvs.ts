/** The PV index, standalone PVs and PV health (spec §1.4.18, 1.4.27–1.4.36). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import { derivePrefix } from '../model.ts';
import { type ConfigurationState, STANDALONE_OFF } from '../state.ts';
import type { StoredStandalonePv } from '../store/store.ts';
import { globParam, stringParam } from './params.ts';

const pvParam = (ctx: Context) => (ctx.params.pv_name as string | undefined) ?? '';

/**
 * @openapi
 * /api/v1/pvs:
 *   get:
 *     tags: [PV Registry]
 *     operationId: list_pvs_api_v1_pvs_get
 *     summary: Every PV in the index (device-owned and standalone), sorted
 *     parameters: [{ in: query, name: pattern, description: 'fnmatch glob (*, ?, [set], [!set]); at most 8192 characters', schema: { type: string, maxLength: 8192 } }]
 *     responses:
 *       '200': { description: PV names, content: { application/json: { schema: { type: object } } } }
 *       '422': { description: Invalid glob pattern, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *   post:
 *     tags: [Standalone PVs]
 *     operationId: create_standalone_pv_api_v1_pvs_post
 *     summary: Register a PV that belongs to no device
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVCreateRequest' } } } }
 *     responses:
 *       '201': { description: Registered, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVCRUDResponse' } } } }
 *       '409': { description: Already in the registry, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: Database unavailable; nothing changed, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const listPvs = (state: ConfigurationState) => (ctx: Context) => {
  const glob = globParam(ctx.query);
  const pvs = [...state.registry.index.keys()].filter((pv) => !glob || glob.test(pv)).sort();
  ctx.body = { success: true, pvs, count: pvs.length };
};

export const createStandalone = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore(STANDALONE_OFF);
  const body = ctx.request.body as Omit<
    StoredStandalonePv,
    'source' | 'created_by' | 'created_at' | 'updated_at'
  >;
  const pv = body.pv_name;
  await state.mutex.run(async () => {
    if (state.registry.index.has(pv)) throw new HttpError(409, `PV already exists in registry: ${pv}`);
    await state.write(async (store) => {
      if (await store.getStandalone(pv)) throw new HttpError(409, `Standalone PV already registered: ${pv}`);
      await store.upsertStandalone({
        pv_name: pv,
        description: body.description ?? null,
        protocol: body.protocol,
        access_mode: body.access_mode,
        labels: body.labels,
        source: 'runtime',
        created_by: null,
      });
    }, STANDALONE_OFF);
    state.registry.addStandalone(pv);
  });
  ctx.status = 201;
  ctx.body = {
    success: true,
    pv_name: pv,
    operation: 'create',
    message: `Standalone PV '${pv}' registered successfully`,
  };
};

/**
 * @openapi
 * /api/v1/pvs/standalone:
 *   get:
 *     tags: [Standalone PVs]
 *     operationId: list_standalone_pvs_api_v1_pvs_standalone_get
 *     summary: Standalone PVs, optionally those carrying all the given labels (comma-separated)
 *     parameters: [{ in: query, name: labels, schema: { type: string } }]
 *     responses:
 *       '200': { description: Standalone PVs, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/StandalonePV' } } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 * /api/v1/pvs/labels:
 *   get:
 *     tags: [Standalone PVs]
 *     operationId: list_standalone_pv_labels_api_v1_pvs_labels_get
 *     summary: Labels used by standalone PVs, sorted
 *     responses:
 *       '200': { description: Labels, content: { application/json: { schema: { type: array, items: { type: string } } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const listStandalone = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore(STANDALONE_OFF);
  const wanted = (stringParam(ctx.query, 'labels') ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const all = await state.write((store) => store.listStandalone(), STANDALONE_OFF);
  ctx.body = all
    .filter((pv) => wanted.every((label) => pv.labels.includes(label)))
    .sort((a, b) => (a.pv_name < b.pv_name ? -1 : 1));
};
export const standaloneLabels = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore(STANDALONE_OFF);
  const all = await state.write((store) => store.listStandalone(), STANDALONE_OFF);
  ctx.body = [...new Set(all.flatMap((pv) => pv.labels))].sort();
};

/**
 * @openapi
 * /api/v1/pvs/standalone/{pv_name}:
 *   put:
 *     tags: [Standalone PVs]
 *     operationId: update_standalone_pv_api_v1_pvs_standalone__pv_name__put
 *     summary: Update a standalone PV's description, protocol, access mode or labels (sent keys only)
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVUpdateRequest' } } } }
 *     responses:
 *       '200': { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVCRUDResponse' } } } }
 *       '404': { description: Not registered, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *   delete:
 *     tags: [Standalone PVs]
 *     operationId: delete_standalone_pv_api_v1_pvs_standalone__pv_name__delete
 *     summary: Remove a standalone registration (a device that lists the PV keeps it)
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Removed, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVCRUDResponse' } } } }
 *       '404': { description: Not registered, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const updateStandalone = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore(STANDALONE_OFF);
  const pv = pvParam(ctx);
  const body = ctx.request.body as Partial<StoredStandalonePv>;
  await state.mutex.run(() =>
    state.write(async (store) => {
      const current = await store.getStandalone(pv);
      if (!current) throw new HttpError(404, `Standalone PV not found: ${pv}`);
      await store.upsertStandalone({
        ...current,
        ...('description' in body ? { description: body.description ?? null } : {}),
        ...(body.protocol ? { protocol: body.protocol } : {}),
        ...(body.access_mode ? { access_mode: body.access_mode } : {}),
        ...('labels' in body ? { labels: body.labels ?? [] } : {}),
      });
    }, STANDALONE_OFF),
  );
  ctx.body = {
    success: true,
    pv_name: pv,
    operation: 'update',
    message: `Standalone PV '${pv}' updated successfully`,
  };
};
export const deleteStandalone = (state: ConfigurationState) => async (ctx: Context) => {
  state.requireStore(STANDALONE_OFF);
  const pv = pvParam(ctx);
  await state.mutex.run(async () => {
    const existed = await state.write((store) => store.deleteStandalone(pv), STANDALONE_OFF);
    if (!existed) throw new HttpError(404, `Standalone PV not found: ${pv}`);
    state.registry.removeStandalone(pv);
  });
  ctx.body = {
    success: true,
    pv_name: pv,
    operation: 'delete',
    message: `Standalone PV '${pv}' deleted successfully`,
  };
};

/**
 * @openapi
 * /api/v1/pvs/detailed:
 *   get:
 *     tags: [PV Registry]
 *     operationId: get_pvs_detailed_api_v1_pvs_detailed_get
 *     summary: Component → PV maps of every device that has PVs
 *     responses:
 *       '200': { description: Maps, content: { application/json: { schema: { type: object } } } }
 * /api/v1/pvs/lookup:
 *   get:
 *     tags: [PV Registry]
 *     operationId: lookup_device_pvs_by_pv_api_v1_pvs_lookup_get
 *     summary: The device that owns a PV, its prefix and its other PVs
 *     parameters: [{ in: query, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Owner and siblings, content: { application/json: { schema: { type: object } } } }
 *       '404': { description: Unknown PV, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: pv_name missing, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '500': { description: The owner has no metadata, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const pvsDetailed = (state: ConfigurationState) => (ctx: Context) => {
  const devices = Object.fromEntries(
    [...state.registry.devices]
      .filter(([, d]) => Object.keys(d.pvs).length > 0)
      .map(([name, d]) => [name, d.pvs]),
  );
  ctx.body = {
    success: true,
    devices,
    device_count: Object.keys(devices).length,
    pv_count: Object.values(devices).reduce((n, pvs) => n + Object.keys(pvs).length, 0),
  };
};
export const lookupPv = (state: ConfigurationState) => (ctx: Context) => {
  const pv = stringParam(ctx.query, 'pv_name', true)!;
  const entry = state.pvEntry(pv);
  if (entry.device_name === null) {
    ctx.body = {
      pv_name: pv,
      device_name: null,
      device_label: null,
      prefix: null,
      sibling_pvs: {},
      count: 0,
    };
    return;
  }
  const metadata = state.registry.devices.get(entry.device_name);
  if (!metadata)
    throw new HttpError(
      500,
      `Registry inconsistency: PV '${pv}' references device '${entry.device_name}' which has no metadata`,
    );
  ctx.body = {
    pv_name: pv,
    device_name: metadata.name,
    device_label: metadata.device_label,
    prefix: derivePrefix(metadata, state.registry.specs.get(metadata.name)),
    sibling_pvs: metadata.pvs,
    count: Object.keys(metadata.pvs).length,
  };
};

/**
 * @openapi
 * /api/v1/pvs/{pv_name}:
 *   get:
 *     tags: [PV Registry]
 *     operationId: get_pv_api_v1_pvs__pv_name__get
 *     summary: A PV's index entry (PV names may contain '/')
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: PV, content: { application/json: { schema: { $ref: '#/components/schemas/PVMetadata' } } } }
 *       '404': { description: Unknown PV, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const getPv = (state: ConfigurationState) => (ctx: Context) => {
  const pv = pvParam(ctx);
  const entry = state.pvEntry(pv);
  ctx.body = {
    pv,
    connected: false,
    dtype: null,
    units: null,
    precision: null,
    enum_strs: null,
    upper_ctrl_limit: null,
    lower_ctrl_limit: null,
    device_name: entry.device_name,
    component_name: entry.component_name,
  };
};

/**
 * @openapi
 * /api/v1/pvs/{pv_name}/failure:
 *   post:
 *     tags: [PV Health]
 *     operationId: report_pv_failure_api_v1_pvs__pv_name__failure_post
 *     summary: Report a failed write or read of a registered PV
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthReport' } } } }
 *     responses:
 *       '200': { description: The PV's record, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthRecord' } } } }
 *       '404': { description: PV not registered, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 * /api/v1/pvs/{pv_name}/success:
 *   post:
 *     tags: [PV Health]
 *     operationId: report_pv_success_api_v1_pvs__pv_name__success_post
 *     summary: Report a successful operation on a registered PV
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthReport' } } } }
 *     responses:
 *       '200': { description: The PV's record, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthRecord' } } } }
 *       '404': { description: PV not registered, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: Invalid body, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 * /api/v1/pvs/{pv_name}/health:
 *   get:
 *     tags: [PV Health]
 *     operationId: get_pv_health_api_v1_pvs__pv_name__health_get
 *     summary: A PV's health record (only PVs that ever failed have one)
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Record, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthRecord' } } } }
 *       '404': { description: No record; treat as healthy, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *   delete:
 *     tags: [PV Health]
 *     operationId: clear_pv_health_api_v1_pvs__pv_name__health_delete
 *     summary: Forget a PV's health record
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string } }]
 *     responses:
 *       '200': { description: Cleared count, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthClearResponse' } } } }
 * /api/v1/admin/pv-health:
 *   delete:
 *     tags: [PV Health]
 *     operationId: clear_all_pv_health_api_v1_admin_pv_health_delete
 *     summary: Forget every PV health record
 *     responses:
 *       '200': { description: Cleared count, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthClearResponse' } } } }
 * /api/v1/admin/pv-health/stats:
 *   get:
 *     tags: [PV Health]
 *     operationId: get_pv_health_stats_api_v1_admin_pv_health_stats_get
 *     summary: Counts of PV health records by state
 *     responses:
 *       '200': { description: Counts, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthStats' } } } }
 */
export const reportHealth = (state: ConfigurationState, ok: boolean) => (ctx: Context) => {
  const pv = pvParam(ctx);
  if (!state.registry.index.has(pv)) throw new HttpError(404, `PV not registered: ${pv}`);
  const message = (ctx.request.body as { message?: string | null }).message ?? null;
  ctx.body = ok ? state.health.success(pv) : state.health.failure(pv, message);
};
export const getHealth = (state: ConfigurationState) => (ctx: Context) => {
  const pv = pvParam(ctx);
  const record = state.health.get(pv);
  if (!record)
    throw new HttpError(404, `No health record for PV '${pv}'. No failures recorded; treat as healthy.`);
  ctx.body = record;
};
export const clearHealth = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = { cleared: state.health.clear(pvParam(ctx)) };
};
export const clearAllHealth = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = { cleared: state.health.clearAll() };
};
export const healthStats = (state: ConfigurationState) => (ctx: Context) => {
  ctx.body = state.health.stats();
};
