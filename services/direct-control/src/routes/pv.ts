/** PV reads and writes over REST (spec §1.3–1.7). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context, Next } from 'koa';
import { arrayBytes, arrayMeta, isoNaive, jsonValue, negotiate } from '../envelope.ts';
import { asHttpError, requireValidName } from '../failures.ts';
import { gateForPv } from '../gates.ts';
import { outageAs503 } from '../registry/provider.ts';
import { MAX_TIMEOUT_S } from '../schemas.ts';
import type { DirectControl } from '../state.ts';

interface SetRequest {
  pv_name: string;
  value: unknown;
  wait?: boolean;
  timeout?: number | null;
  connection_timeout?: number | null;
  check_limits?: boolean | null;
}

export const READ_ONLY_MESSAGE =
  'The direct-control service is in read-only mode (DIRECT_CONTROL_GLOBAL_READ_ONLY=true): control and writes are disabled; monitoring is still available.';

/** Seconds a PV may take to connect when the request does not say (the reference's 5 s). */
const CONNECT_TIMEOUT_S = 5;

/** Write routes answer 403 in read-only mode, before looking at the request's fields. */
export const writable = (dc: DirectControl) => async (_ctx: Context, next: Next) => {
  if (dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) throw new HttpError(403, READ_ONLY_MESSAGE);
  await next();
};

/**
 * 422 for a name no registry could hold (the registry's own rule), 404 for a PV the registry does
 * not know, 503 when the registry cannot be asked.
 */
export async function requireRegisteredPv(dc: DirectControl, pv: string): Promise<void> {
  requireValidName('pv', pv);
  const exists = await dc.registry.pvExists(pv).catch(outageAs503);
  if (!exists) throw new HttpError(404, `PV '${pv}' not found in the registry`);
}

/**
 * One write through every gate; throws an HttpError with the status the single route answers.
 * The value is checked against the PV's type, element count, enum states and (unless turned off)
 * control limits before anything is sent, and the IOC's verdict comes back: with `wait` after
 * completion, without it once the IOC has taken or refused the value. REST writes report PV health
 * to the registry; socket writes do not (`report: false`).
 */
export async function setPv(dc: DirectControl, request: SetRequest, options: { report?: boolean } = {}) {
  const report = options.report ?? true;
  const pv = request.pv_name;
  await requireRegisteredPv(dc, pv);
  try {
    await gateForPv(dc.registry, pv, dc.coordination);
  } catch (err) {
    throw asHttpError(err, `Cannot set PV ${pv}`);
  }
  const wait = request.wait ?? false;
  try {
    await dc.client.put(pv, request.value, {
      wait,
      timeoutMs: (request.timeout || dc.config.DIRECT_CONTROL_COMMAND_TIMEOUT) * 1000,
      connectTimeoutMs: (request.connection_timeout || CONNECT_TIMEOUT_S) * 1000,
      checkLimits: request.check_limits ?? dc.config.DIRECT_CONTROL_CHECK_CTRL_LIMITS,
      metadataTimeoutMs: dc.config.DIRECT_CONTROL_CTRL_LIMIT_READ_TIMEOUT * 1000,
    });
  } catch (err) {
    const failure = asHttpError(err, `Failed to set PV ${pv}`);
    // Only what the IOC or the network did is PV health; a refused request says nothing of the PV.
    if (report && failure.status >= 500) void dc.registry.reportHealth(pv, false, String(failure.detail));
    throw failure;
  }
  if (report) void dc.registry.reportHealth(pv, true);
  return {
    pv_name: pv,
    success: true,
    value_set: request.value,
    timestamp: isoNaive(new Date()),
    coordination_checked: true,
    mode: wait ? 'put-completion' : 'fire-and-forget',
    message: wait
      ? 'PV set confirmed (put-completion)'
      : 'Write accepted by the IOC (not awaiting completion). Monitor PV readback for the outcome.',
  };
}

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
export const set = (dc: DirectControl) => async (ctx: Context) => {
  ctx.body = await setPv(dc, ctx.request.body as SetRequest);
};

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
export const batch = (dc: DirectControl) => async (ctx: Context) => {
  const { caputs } = ctx.request.body as { caputs: SetRequest[] };
  const results: Record<string, unknown>[] = [];
  for (const item of caputs) {
    try {
      results.push({ ...(await setPv(dc, item)), error_type: null, status_code: 200 });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      results.push({
        pv_name: item.pv_name,
        success: false,
        value_set: null,
        timestamp: isoNaive(new Date()),
        coordination_checked:
          status !== 404 &&
          !(status === 503 && /Configuration service unavailable/.test(String((err as Error).message))),
        mode: null,
        message: err instanceof HttpError ? String(err.detail) : (err as Error).message,
        error_type: ERROR_TYPES[status] ?? 'ControlError',
        status_code: status,
      });
      break;
    }
  }
  const applied = results.filter((r) => r.success).length;
  ctx.body = { ok: applied === caputs.length, applied, requested: caputs.length, results };
};

const ERROR_TYPES: Record<number, string> = {
  403: 'WriteAccessError',
  404: 'RegistryValidationError',
  409: 'DeviceUnavailableError',
  422: 'ValueLimitError',
  423: 'DeviceLockedError',
  503: 'CoordinationCheckError',
  504: 'ConnectionTimeoutError',
};

/**
 * @openapi
 * /api/v1/pv/{pv_name}/value:
 *   get:
 *     tags: [PV Control]
 *     operationId: get_pv_value_api_v1_pv__pv_name__value_get
 *     summary: A fresh read of a registered PV, as JSON or raw little-endian bytes
 *     parameters:
 *       - { in: path, name: pv_name, required: true, schema: { type: string } }
 *       - { in: query, name: format, schema: { type: string } }
 *       - { in: query, name: timeout, schema: { type: number, exclusiveMinimum: 0, maximum: 86400, default: 5 } }
 *     responses:
 *       '200': { description: 'The value', content: { application/json: { schema: { $ref: '#/components/schemas/PVValue' } }, application/octet-stream: { schema: { type: string, format: binary } } } }
 *       '403': { description: 'The IOC denies read access', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'Not registered, or no value', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '406': { description: 'No supported format requested', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '413': { description: 'The value is over the array limit (EPICS_CA_MAX_ARRAY_BYTES)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid query, or a PV name no registry could hold', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const read = (dc: DirectControl) => async (ctx: Context) => {
  const pv = ctx.params.pv_name as string;
  const format = pickFormat(ctx);
  await requireRegisteredPv(dc, pv);
  const timeout = Number(ctx.query.timeout ?? 5);
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_S))
    throw new HttpError(422, [
      {
        type: timeout > 0 ? 'less_than_equal' : 'greater_than',
        loc: ['query', 'timeout'],
        msg:
          timeout > 0
            ? `Input should be less than or equal to ${MAX_TIMEOUT_S}`
            : 'Input should be greater than 0',
        input: ctx.query.timeout,
      },
    ]);
  let reading: Awaited<ReturnType<typeof dc.client.get>>;
  try {
    reading = await dc.client.get(pv, { timeoutMs: timeout * 1000 });
  } catch (err) {
    const failure = asHttpError(err, `PV ${pv}`);
    // The reference's answer for a PV that gave no value is a 404; what we know better (a value
    // over the array limit, no read access) keeps its own status.
    if (failure.status === 413 || failure.status === 403) throw failure;
    throw new HttpError(
      404,
      `PV ${pv}: caget returned no value within ${timeout}s (${(err as Error).message})`,
    );
  }
  respond(ctx, format, pv, reading, isoNaive(new Date()), {});
};

/**
 * @openapi
 * /api/v1/pvs/{pv_name}/value:
 *   get:
 *     tags: [PV Monitoring]
 *     operationId: get_cached_pv_value_api_v1_pvs__pv_name__value_get
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
export const cached = (dc: DirectControl) => async (ctx: Context) => {
  const pv = ctx.params.pv_name as string;
  const format = pickFormat(ctx);
  await requireRegisteredPv(dc, pv);
  let latest: Awaited<ReturnType<typeof dc.hub.latest>>;
  try {
    latest = await dc.hub.latest(pv);
  } catch (err) {
    throw new HttpError(404, `PV ${pv} subscription failed: ${(err as Error).message}`);
  }
  const { reading, meta } = latest;
  const stamp = reading.timestamp === undefined ? new Date() : new Date(reading.timestamp * 1000);
  respond(ctx, format, pv, reading, isoNaive(stamp), {
    status: reading.status ?? null,
    severity: reading.severity ?? null,
    connected: dc.hub.isConnected(pv),
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
export const connected = (dc: DirectControl) => (ctx: Context) => {
  ctx.body = dc.hub.connectedPvs();
};

function pickFormat(ctx: Context) {
  const format = negotiate(ctx.query.format as string | undefined, ctx.get('accept') || undefined);
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
  reading: Parameters<typeof arrayMeta>[0],
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
