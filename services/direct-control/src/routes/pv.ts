/** PV reads and writes over REST (spec §1.3–1.7): thin handlers over `operations/pvs.ts`. */

import type { operations } from '@ophyd-service/api-types/direct-control';
import type { Reading } from '@ophyd-service/epics-ca';
import { type Handler, HttpError } from '@ophyd-service/service-kit';
import type { Context, Next } from 'koa';
import { arrayBytes, arrayMeta, isoNaive, jsonValue, negotiate } from '../envelope.ts';
import { connectedPvs, monitoredPv, readPv, requireWritable, setPv, setPvBatch } from '../operations/pvs.ts';
import type { DirectControl } from '../state.ts';

/** Write routes refuse in read-only mode before looking at the request's fields (spec §1.3). */
export const readOnlyGate = (dc: DirectControl) => async (_ctx: Context, next: Next) => {
  requireWritable(dc);
  await next();
};

/**
 * @openapi
 * /api/v1/pv/set:
 *   post:
 *     tags: [PV Control]
 *     operationId: set_pv_api_v1_pv_set_post
 *     summary: Write one PV through the registry, lock and limit gates
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PVSetRequest' } } } }
 *     responses:
 *       '200': { description: 'Written', content: { application/json: { schema: { $ref: '#/components/schemas/PVSetResponse' } } } }
 *       '403': { description: 'Read-only mode, or the IOC denies write access to the PV', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'PV not in the registry', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Owning device disabled or unavailable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '413': { description: 'The value is over the array limit (EPICS_CA_MAX_ARRAY_BYTES)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: "Invalid body; a PV name no registry could hold; a value the PV cannot hold (type, element count, enum state, control limits); or the IOC refused it", content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '423': { description: 'Owning device locked by a plan', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'The write failed', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry or lock authority unreachable, or the IOC connection was lost', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'The PV did not connect, or the write did not complete, in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const set =
  (dc: DirectControl): Handler<operations['set_pv_api_v1_pv_set_post']> =>
  ({ body }) =>
    setPv(dc, body);

/**
 * @openapi
 * /api/v1/pv/set/batch:
 *   post:
 *     tags: [PV Control]
 *     operationId: set_pv_batch_api_v1_pv_set_batch_post
 *     summary: Ordered writes that stop at the first failure (earlier writes stay)
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PVSetBatchRequest' } } } }
 *     responses:
 *       '200': { description: 'What was applied', content: { application/json: { schema: { $ref: '#/components/schemas/PVSetBatchResponse' } } } }
 *       '403': { description: 'Read-only mode', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid body', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const batch =
  (dc: DirectControl): Handler<operations['set_pv_batch_api_v1_pv_set_batch_post']> =>
  ({ body }) =>
    setPvBatch(dc, body.caputs);

/**
 * @openapi
 * /api/v1/pv/{pv_name}/value:
 *   get:
 *     tags: [PV Control]
 *     operationId: get_pv_value_from_controller_api_v1_pv__pv_name__value_get
 *     summary: A fresh read of a registered PV, as JSON or raw little-endian bytes
 *     parameters:
 *       - { in: path, name: pv_name, required: true, schema: { type: string } }
 *       - { in: query, name: format, schema: { type: string } }
 *       - { in: query, name: as_string, description: 'The string form: an enum state name, a CHAR waveform as text, numbers formatted by the IOC', schema: { type: boolean, default: false } }
 *       - { in: query, name: count, description: 'At most this many elements', schema: { type: integer, minimum: 1 } }
 *       - { in: query, name: as_numpy, description: 'false: arrays as plain JSON lists only (no binary form)', schema: { type: boolean, default: true } }
 *       - { in: query, name: use_monitor, description: 'Read from the shared monitor (installed on first use) instead of a fresh CA get', schema: { type: boolean, default: false } }
 *       - { in: query, name: timeout, description: 'Seconds for the get', schema: { type: number, exclusiveMinimum: 0, maximum: 86400, default: 5 } }
 *       - { in: query, name: connection_timeout, description: 'Seconds to connect', schema: { type: number, exclusiveMinimum: 0, maximum: 86400, default: 5 } }
 *       - { in: query, name: ftype, description: 'Force the DBR request type (0-34)', schema: { type: integer, minimum: 0, maximum: 34 } }
 *     responses:
 *       '200': { description: 'The value', content: { application/json: { schema: { $ref: '#/components/schemas/PVValue' } }, application/octet-stream: { schema: { type: string, format: binary } } } }
 *       '403': { description: 'The IOC denies read access', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'Not registered, or no value', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '406': { description: 'No supported format requested', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '413': { description: 'The value is over the array limit (EPICS_CA_MAX_ARRAY_BYTES)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid query, or a PV name no registry could hold', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const read =
  (dc: DirectControl): Handler<operations['get_pv_value_from_controller_api_v1_pv__pv_name__value_get']> =>
  async ({ params, query, ctx }) => {
    const format = pickFormat(ctx, query.format);
    if (format === 'binary' && (query.as_numpy === false || query.as_string))
      throw new HttpError(
        406,
        'as_numpy=false and as_string=true answer JSON only; request application/json instead.',
      );
    const reading = await readPv(dc, params.pv_name, {
      timeoutS: query.timeout ?? 5,
      connectTimeoutS: query.connection_timeout ?? 5,
      count: query.count,
      ftype: query.ftype,
      asString: query.as_string ?? false,
      useMonitor: query.use_monitor ?? false,
    });
    respond(ctx, format, params.pv_name, reading, isoNaive(new Date()), {});
  };

/**
 * @openapi
 * /api/v1/pvs/{pv_name}/value:
 *   get:
 *     tags: [PV Monitoring]
 *     operationId: get_monitored_pv_value_api_v1_pvs__pv_name__value_get
 *     summary: The latest value from the shared monitor, with alarm state and metadata
 *     parameters:
 *       - { in: path, name: pv_name, required: true, schema: { type: string } }
 *       - { in: query, name: format, schema: { type: string } }
 *     responses:
 *       '200': { description: 'The value', content: { application/json: { schema: { $ref: '#/components/schemas/PVValue' } }, application/octet-stream: { schema: { type: string, format: binary } } } }
 *       '404': { description: 'Not registered, or not connected', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '406': { description: 'No supported format requested', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid query, or a PV name no registry could hold', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const cached =
  (dc: DirectControl): Handler<operations['get_monitored_pv_value_api_v1_pvs__pv_name__value_get']> =>
  async ({ params, query, ctx }) => {
    const format = pickFormat(ctx, query.format);
    const { reading, meta, connected } = await monitoredPv(dc, params.pv_name);
    const stamp = reading.timestamp === undefined ? new Date() : new Date(reading.timestamp * 1000);
    respond(ctx, format, params.pv_name, reading, isoNaive(stamp), {
      status: reading.status ?? null,
      severity: reading.severity ?? null,
      connected,
      units: meta?.units ?? null,
      precision: meta?.precision ?? null,
      enum_strs: meta?.enumStrings?.length ? meta.enumStrings : null,
      lower_ctrl_limit: meta?.limits?.controlLow ?? null,
      upper_ctrl_limit: meta?.limits?.controlHigh ?? null,
      lower_disp_limit: meta?.limits?.displayLow ?? null,
      upper_disp_limit: meta?.limits?.displayHigh ?? null,
      read_access: meta !== undefined,
      write_access: meta?.writable ?? false,
    });
  };

/**
 * @openapi
 * /api/v1/pvs/connected:
 *   get:
 *     tags: [PV Monitoring]
 *     operationId: get_connected_pvs_api_v1_pvs_connected_get
 *     summary: PVs whose shared monitor is connected now
 *     responses:
 *       '200': { description: 'PV names', content: { application/json: { schema: { type: array, items: { type: string } } } } }
 */
export const connected =
  (dc: DirectControl): Handler<operations['get_connected_pvs_api_v1_pvs_connected_get']> =>
  () =>
    connectedPvs(dc);

function pickFormat(ctx: Context, requested: string | undefined) {
  const format = negotiate(requested, ctx.get('accept') || undefined);
  if (format === null) {
    throw new HttpError(
      406,
      `No supported media types in Accept: ${ctx.get('accept')}. Supported: application/json, application/octet-stream.`,
    );
  }
  if (typeof format === 'object')
    throw new HttpError(406, `Unsupported format: ${format.unsupportedFormat}. Supported: json, binary.`);
  return format;
}

function respond(
  ctx: Context,
  format: 'json' | 'binary',
  pv: string,
  reading: Reading,
  timestamp: string,
  extra: Record<string, unknown>,
) {
  const meta = arrayMeta(reading);
  if (format === 'json') {
    ctx.body = { pv_name: pv, value: jsonValue(reading), timestamp, ...meta, ...extra };
    return;
  }
  const bytes = meta.dtype ? arrayBytes(reading) : null;
  if (!bytes) {
    throw new HttpError(
      406,
      'Value is not a numeric array/scalar with known dtype; cannot serve as binary. Request application/json instead.',
    );
  }
  ctx.type = 'application/octet-stream';
  ctx.set({
    'X-PV-Name': pv,
    'X-PV-Shape': meta.shape.join(','),
    'X-PV-Dtype': meta.dtype!,
    'X-PV-Ndim': String(meta.ndim),
    'X-PV-Nbytes': String(meta.nbytes),
    'X-PV-Timestamp': timestamp,
  });
  ctx.body = bytes;
}
