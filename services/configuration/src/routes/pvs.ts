/** The PV index, standalone PVs and PV health (spec §1.4.18, 1.4.27–1.4.36): thin handlers over operations/pvs.ts and operations/health.ts. */

import type { operations } from '@ophyd-service/api-types/configuration';
import type { Handler } from '@ophyd-service/service-kit';
import * as health from '../operations/health.ts';
import * as pvs from '../operations/pvs.ts';
import type { ConfigurationState } from '../state.ts';
import { commaList, globParam } from './params.ts';

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
export const list =
  (state: ConfigurationState): Handler<operations['list_pvs_api_v1_pvs_get']> =>
  ({ query }) =>
    pvs.listPvs(state, globParam(query.pattern));
export const createStandalone =
  (state: ConfigurationState): Handler<operations['create_standalone_pv_api_v1_pvs_post']> =>
  ({ body }) =>
    pvs.createStandalone(state, body);

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
export const listStandalone =
  (state: ConfigurationState): Handler<operations['list_standalone_pvs_api_v1_pvs_standalone_get']> =>
  ({ query }) =>
    pvs.listStandalone(state, commaList(query.labels));
export const standaloneLabels =
  (state: ConfigurationState): Handler<operations['list_standalone_pv_labels_api_v1_pvs_labels_get']> =>
  () =>
    pvs.standaloneLabels(state);

/**
 * @openapi
 * /api/v1/pvs/standalone/{pv_name}:
 *   put:
 *     tags: [Standalone PVs]
 *     operationId: update_standalone_pv_api_v1_pvs_standalone__pv_name__put
 *     summary: Update a standalone PV's description, protocol, access mode or labels (sent keys only)
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
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
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
 *     responses:
 *       '200': { description: Removed, content: { application/json: { schema: { $ref: '#/components/schemas/StandalonePVCRUDResponse' } } } }
 *       '404': { description: Not registered, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: Persistence off, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const updateStandalone =
  (
    state: ConfigurationState,
  ): Handler<operations['update_standalone_pv_api_v1_pvs_standalone__pv_name__put']> =>
  ({ params, body }) =>
    pvs.updateStandalone(state, params.pv_name, body);
export const deleteStandalone =
  (
    state: ConfigurationState,
  ): Handler<operations['delete_standalone_pv_api_v1_pvs_standalone__pv_name__delete']> =>
  ({ params }) =>
    pvs.deleteStandalone(state, params.pv_name);

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
export const detailed =
  (state: ConfigurationState): Handler<operations['get_pvs_detailed_api_v1_pvs_detailed_get']> =>
  () =>
    pvs.pvsDetailed(state);
export const lookup =
  (state: ConfigurationState): Handler<operations['lookup_device_pvs_by_pv_api_v1_pvs_lookup_get']> =>
  ({ query }) =>
    pvs.lookupPv(state, query.pv_name);

/**
 * @openapi
 * /api/v1/pvs/{pv_name}:
 *   get:
 *     tags: [PV Registry]
 *     operationId: get_pv_api_v1_pvs__pv_name__get
 *     summary: A PV's index entry (PV names may contain '/')
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
 *     responses:
 *       '200': { description: PV, content: { application/json: { schema: { $ref: '#/components/schemas/PVMetadata' } } } }
 *       '404': { description: Unknown PV, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const get =
  (state: ConfigurationState): Handler<operations['get_pv_api_v1_pvs__pv_name__get']> =>
  ({ params }) =>
    pvs.getPv(state, params.pv_name);

/**
 * @openapi
 * /api/v1/pvs/{pv_name}/failure:
 *   post:
 *     tags: [PV Health]
 *     operationId: report_pv_failure_api_v1_pvs__pv_name__failure_post
 *     summary: Report a failed write or read of a registered PV
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
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
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
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
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
 *     responses:
 *       '200': { description: Record, content: { application/json: { schema: { $ref: '#/components/schemas/PVHealthRecord' } } } }
 *       '404': { description: No record; treat as healthy, content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *   delete:
 *     tags: [PV Health]
 *     operationId: clear_pv_health_api_v1_pvs__pv_name__health_delete
 *     summary: Forget a PV's health record
 *     parameters: [{ in: path, name: pv_name, required: true, schema: { type: string }, x-rest-of-path: true }]
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
export const reportFailure =
  (state: ConfigurationState): Handler<operations['report_pv_failure_api_v1_pvs__pv_name__failure_post']> =>
  ({ params, body }) =>
    health.reportHealth(state, params.pv_name, false, body.message ?? null);
export const reportSuccess =
  (state: ConfigurationState): Handler<operations['report_pv_success_api_v1_pvs__pv_name__success_post']> =>
  ({ params }) =>
    health.reportHealth(state, params.pv_name, true, null);
export const getHealth =
  (state: ConfigurationState): Handler<operations['get_pv_health_api_v1_pvs__pv_name__health_get']> =>
  ({ params }) =>
    health.getHealth(state, params.pv_name);
export const clearHealth =
  (state: ConfigurationState): Handler<operations['clear_pv_health_api_v1_pvs__pv_name__health_delete']> =>
  ({ params }) =>
    health.clearHealth(state, params.pv_name);
export const clearAllHealth =
  (state: ConfigurationState): Handler<operations['clear_all_pv_health_api_v1_admin_pv_health_delete']> =>
  () =>
    health.clearAllHealth(state);
export const healthStats =
  (state: ConfigurationState): Handler<operations['get_pv_health_stats_api_v1_admin_pv_health_stats_get']> =>
  () =>
    health.healthStats(state);
