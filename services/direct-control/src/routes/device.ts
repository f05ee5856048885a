/** Device commanding over REST (spec §1.8–1.12): verbs, stop, nested components, resolve. */
import { derivePrefix, resolvePath } from '@ophyd-service/devices';
import { HttpError } from '@ophyd-service/service-kit';
import type { Context } from 'koa';
import { runCommand, WRITE_METHODS } from '../devices/commands.ts';
import { isoNaive } from '../envelope.ts';
import { RegistryUnavailable } from '../registry/provider.ts';
import type { DirectControl } from '../state.ts';
import { READ_ONLY_MESSAGE } from './pv.ts';

const FRAMEWORK = 'ophyd-sync';

interface CommandRequest {
  device_name: string;
  method: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  timeout?: number | null;
  use_put?: boolean;
}

/** One verb on a registry device, answered as `DeviceCommandResponse`. */
async function command(dc: DirectControl, request: CommandRequest) {
  const usePut = request.use_put ?? false;
  const { result, awaited } = await runCommand(dc, {
    path: request.device_name,
    method: request.method,
    args: request.args,
    kwargs: request.kwargs,
    timeout: request.timeout,
    usePut,
    lockGate: true,
  });
  return {
    device_name: request.device_name,
    method: request.method,
    success: true,
    result,
    timestamp: isoNaive(new Date()),
    coordination_checked: true,
    message: awaited
      ? `${request.method} completed via ${FRAMEWORK}`
      : `${request.method} initiated (not awaited) via ${FRAMEWORK}`,
    use_put: usePut,
  };
}

/** Device stop, shared with the sockets. */
export const stopDevice = (dc: DirectControl, device: string) =>
  command(dc, { device_name: device, method: 'stop' });

/**
 * @openapi
 * /api/v1/device/execute:
 *   post:
 *     tags: [Device Control]
 *     operationId: execute_device_command_api_v1_device_execute_post
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
export const execute = (dc: DirectControl) => async (ctx: Context) => {
  ctx.body = await command(dc, ctx.request.body as CommandRequest);
};

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
export const stop = (dc: DirectControl) => async (ctx: Context) => {
  ctx.body = await stopDevice(dc, ctx.params.device_name as string);
};

/**
 * A verb on a component path; writes pass the read-only and lock gates. `set`/`put` take the
 * body's `value`; a value given to any other verb is refused, not ignored.
 */
export async function nestedCommand(
  dc: DirectControl,
  path: string,
  body: { method?: string; value?: unknown; timeout?: number | null },
) {
  const method = body.method ?? 'read';
  const write = WRITE_METHODS.has(method);
  if (write && dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) throw new HttpError(403, READ_ONLY_MESSAGE);
  const { result } = await runCommand(dc, {
    path,
    method,
    args: 'value' in body ? [body.value] : [],
    timeout: body.timeout,
    usePut: method === 'put',
    lockGate: write,
  });
  return result;
}

/**
 * @openapi
 * /api/v1/device/{device_path}:
 *   post:
 *     tags: [Device Control]
 *     operationId: nested_device_access_api_v1_device__device_path__post
 *     summary: Run a verb on a component (`m1.user_setpoint`); writes are refused in read-only mode
 *     parameters:
 *       - { in: path, name: device_path, required: true, schema: { type: string } }
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
export const nested = (dc: DirectControl) => async (ctx: Context) => {
  const path = ctx.params.device_path as string;
  const body = (ctx.request.body ?? {}) as { method?: string; value?: unknown; timeout?: number | null };
  const result = await nestedCommand(dc, path, body);
  ctx.body = {
    device_path: path,
    method: body.method ?? 'read',
    success: true,
    result,
    timestamp: isoNaive(new Date()),
    message: null,
  };
};

/**
 * @openapi
 * /api/v1/device/{device_path}/value:
 *   get:
 *     tags: [Device Control]
 *     operationId: get_device_value_api_v1_device__device_path__value_get
 *     summary: read() of a device or component (no lock gate; allowed in read-only mode)
 *     parameters:
 *       - { in: path, name: device_path, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: 'The reading', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceValue' } } } }
 *       '404': { description: 'Unknown device or component', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'A device name no registry could hold, no instantiation spec, or an inactive device', content: { application/json: { schema: { $ref: '#/components/schemas/UnprocessableError' } } } }
 *       '500': { description: 'Build, connect or read failure', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'Registry unreachable', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'A PV of the device did not connect in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export const value = (dc: DirectControl) => async (ctx: Context) => {
  const path = ctx.params.device_path as string;
  const result = await nestedCommand(dc, path, { method: 'read' });
  ctx.body = { device_path: path, value: result, timestamp: isoNaive(new Date()) };
};

type Row = { address: string; outcome: string; pv_name: string | null; message: string | null; ok: boolean };
type Head = { fail: Omit<Row, 'address' | 'ok' | 'pv_name'> } | { deviceClass: string; prefix: string };

/**
 * @openapi
 * /api/v1/devices/resolve:
 *   post:
 *     tags: [Device Control]
 *     operationId: resolve_device_addresses_api_v1_devices_resolve_post
 *     summary: Dotted device addresses to PV names through the class catalog, one row per address in order
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceResolveRequest' } } } }
 *     responses:
 *       '200': { description: 'One row per address', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceResolveResponse' } } } }
 *       '422': { description: 'Invalid body', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export const resolve = (dc: DirectControl) => async (ctx: Context) => {
  const { addresses } = ctx.request.body as { addresses: string[] };
  const heads = new Map<string, Promise<Head>>(); // one registry lookup per device per request
  const resolved: Row[] = [];
  for (const address of addresses) {
    const [head, ...sub] = address.split('.');
    if (!heads.has(head)) heads.set(head, lookupHead(dc, head));
    const found = await heads.get(head)!;
    if ('fail' in found) {
      resolved.push({ address, pv_name: null, ok: false, ...found.fail });
      continue;
    }
    const r = resolvePath(dc.catalog, found.deviceClass, found.prefix, sub);
    const row = (outcome: string, pv: string | null, message: string | null): Row => ({
      address,
      outcome,
      pv_name: pv,
      message,
      ok: outcome === 'resolved',
    });
    if (r.outcome === 'resolved' && r.leaf) resolved.push(row('resolved', r.pv_name, null));
    else if (r.outcome === 'resolved')
      resolved.push(
        row(
          'not_a_pv_leaf',
          null,
          `NotAPVLeaf: leaf at '${sub.join('.')}' is a device, not a PV-bearing signal`,
        ),
      );
    else if (r.outcome === 'no_such_attr')
      resolved.push(row('no_such_attr', null, `NoSuchAttr: walking '${sub.join('.')}': ${r.message}`));
    else resolved.push(row('instantiation_failed', null, `InstantiationFailed: ${r.message}`));
  }
  ctx.body = { resolved };
};

async function lookupHead(dc: DirectControl, head: string): Promise<Head> {
  try {
    const [spec, pvs] = await Promise.all([dc.registry.spec(head), dc.registry.componentMap(head)]);
    if (!spec && pvs === null)
      return { fail: { outcome: 'device_not_found', message: `device '${head}' not found in registry` } };
    if (!spec) {
      return {
        fail: {
          outcome: 'no_instantiation_spec',
          message: `device '${head}' has no instantiation spec; class-based resolution is unavailable for it`,
        },
      };
    }
    const prefix = derivePrefix(pvs ?? {}, spec.args);
    if (prefix === null) {
      return {
        fail: {
          outcome: 'no_prefix',
          message: `device '${head}' has no derivable prefix (checked pvs['prefix'], spec.args[0], longest common PV prefix)`,
        },
      };
    }
    return { deviceClass: spec.device_class, prefix };
  } catch (err) {
    const message = err instanceof RegistryUnavailable ? err.message : String(err);
    return { fail: { outcome: 'registry_unavailable', message } };
  }
}
