/** PV reads and writes over REST (spec §1.3–1.7). */

import { HttpError } from '@ophyd-service/service-kit';
import type { Context, Next } from 'koa';
import { arrayBytes, arrayMeta, isoNaive, jsonValue, negotiate } from '../envelope.ts';
import { checkLimits, GateRefusal, gateForPv } from '../gates.ts';
import { outageAs503 } from '../registry/provider.ts';
import type { DirectControl } from '../state.ts';

interface SetRequest {
  pv_name: string;
  value: unknown;
  wait?: boolean;
  timeout?: number | null;
  check_limits?: boolean | null;
}

export const READ_ONLY_MESSAGE =
  'The direct-control service is in read-only mode (DIRECT_CONTROL_GLOBAL_READ_ONLY=true): control and writes are disabled; monitoring is still available.';

/** Write routes answer 403 in read-only mode, before looking at the request's fields. */
export const writable = (dc: DirectControl) => async (_ctx: Context, next: Next) => {
  if (dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) throw new HttpError(403, READ_ONLY_MESSAGE);
  await next();
};

/** 404 for a PV the registry does not know, 503 when the registry cannot be asked. */
export async function requireRegisteredPv(dc: DirectControl, pv: string): Promise<void> {
  const exists = await dc.registry.pvExists(pv).catch(outageAs503);
  if (!exists) throw new HttpError(404, `PV '${pv}' not found in the registry`);
}

/**
 * One write through every gate; throws an HttpError with the status the single route answers.
 * REST writes report PV health to the registry; socket writes do not (`report: false`).
 */
export async function setPv(dc: DirectControl, request: SetRequest, options: { report?: boolean } = {}) {
  const report = options.report ?? true;
  const pv = request.pv_name;
  await requireRegisteredPv(dc, pv);
  try {
    await gateForPv(dc.registry, pv, dc.coordination);
    if (request.check_limits ?? dc.config.DIRECT_CONTROL_CHECK_CTRL_LIMITS)
      await checkLimits(dc.client, pv, request.value);
  } catch (err) {
    if (err instanceof GateRefusal) throw new HttpError(err.status, err.message);
    throw err;
  }
  const timeoutMs = (request.timeout || dc.config.DIRECT_CONTROL_COMMAND_TIMEOUT) * 1000;
  try {
    await dc.client.put(pv, request.value as number, { wait: request.wait ?? false, timeoutMs });
  } catch (err) {
    if (report) void dc.registry.reportHealth(pv, false, (err as Error).message);
    throw new HttpError(500, `Failed to set PV ${pv}: ${(err as Error).message}`);
  }
  if (report) void dc.registry.reportHealth(pv, true);
  return {
    pv_name: pv,
    success: true,
    value_set: request.value,
    timestamp: isoNaive(new Date()),
    coordination_checked: true,
    mode: request.wait ? 'put-completion' : 'fire-and-forget',
    message: request.wait
      ? 'PV set confirmed (put-completion)'
      : 'Write issued (fire-and-forget). Monitor PV readback for confirmation.',
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
 *       '403': { description: 'Read-only mode', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: 'PV not in the registry', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Owning device disabled or unavailable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'Invalid body or value outside the control limits', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '423': { description: 'Owning device locked by a plan', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'The write failed', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry or lock authority unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
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
  404: 'RegistryValidationError',
  409: 'DeviceUnavailableError',
  422: 'ValueLimitError',
  423: 'DeviceLockedError',
  503: 'CoordinationCheckError',
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
 *       - { in: query, name: timeout, schema: { type: number, exclusiveMinimum: 0, default: 5 } }
 *     responses:
 *       '200': { description: 'The value', content: { application/json: { schema: { $ref: '#/components/schemas/PVValue' } }, application/octet-stream: { schema: { type: string, format: binary } } } }
 *       '404': { description: 'Not registered, or no value', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '406': { description: 'No supported format requested', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const read = (dc: DirectControl) => async (ctx: Context) => {
  const pv = ctx.params.pv_name as string;
  const format = pickFormat(ctx);
  await requireRegisteredPv(dc, pv);
  const timeout = Number(ctx.query.timeout ?? 5);
  if (!(timeout > 0))
    throw new HttpError(422, [
      {
        type: 'greater_than',
        loc: ['query', 'timeout'],
        msg: 'Input should be greater than 0',
        input: ctx.query.timeout,
      },
    ]);
  let reading: Awaited<ReturnType<typeof dc.client.get>>;
  try {
    reading = await dc.client.get(pv, { timeoutMs: timeout * 1000 });
  } catch {
    throw new HttpError(404, `PV ${pv}: caget returned no value (connection or timeout)`);
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
