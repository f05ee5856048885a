/**
 * Device use cases (spec §1.8–1.12, §3.11.3): the gate order (name, registry, allowlist,
 * arguments, lock, spec, live object, component walk), the invoke semantics including
 * stop-on-timeout, and dotted-address resolution. Every refusal is a DomainError; routes and
 * sockets share these.
 */

import type { components } from '@ophyd-service/api-types/direct-control';
import {
  Device,
  derivePrefix,
  EpicsSignal,
  type Part,
  resolvePath,
  Status,
  StatusTimeout,
  UnsupportedVerb,
} from '@ophyd-service/devices';
import { DomainError } from '@ophyd-service/service-kit';
import { isoNaive } from '../envelope.ts';
import { RegistryUnavailable } from '../registry/provider.ts';
import type { DirectControl } from '../state.ts';
import { asDomainError, outage, requireValidName } from './errors.ts';
import { checkAvailability, requireAvailable } from './gates.ts';
import { requireWritable } from './pvs.ts';

type Schemas = components['schemas'];

export const ALLOWED_METHODS = [
  'describe',
  'describe_configuration',
  'get',
  'put',
  'read',
  'read_configuration',
  'set',
  'stop',
  'trigger',
] as const;
export type Method = (typeof ALLOWED_METHODS)[number];

/** Methods that take the value to write as their one argument. */
const VALUE_METHODS = new Set(['set', 'put']);

/** Methods that move or change hardware: the lock gate applies to them on nested paths. */
export const WRITE_METHODS = new Set(['set', 'put', 'trigger', 'stop']);

export interface Command {
  /** `device` or `device.component.sub`. */
  path: string;
  method: string;
  args?: unknown[];
  /** Keyword arguments: no verb takes any, so any given are refused. */
  kwargs?: Record<string, unknown>;
  /** Seconds; null/0 means the configured command timeout. */
  timeout?: number | null;
  usePut?: boolean;
  /** Check the device's lock before running (execute: always; nested: writes only). */
  lockGate: boolean;
}

export interface CommandResult {
  result: unknown;
  /** Whether the verb's completion was awaited. */
  awaited: boolean;
}

export async function runCommand(dc: DirectControl, command: Command): Promise<CommandResult> {
  const [head, ...sub] = command.path.split('.');
  requireValidName('device', head);
  const exists = await dc.registry.deviceExists(head).catch(outage);
  if (!exists) throw new DomainError('not_found', `Device '${head}' not found in the registry`);
  if (!(ALLOWED_METHODS as readonly string[]).includes(command.method)) {
    throw new DomainError(
      'bad_request',
      `Method '${command.method}' is not allowed. Allowed methods: ${ALLOWED_METHODS.join(', ')}`,
    );
  }
  const arity = VALUE_METHODS.has(command.method) ? 1 : 0;
  const args = command.args ?? [];
  const extra = Object.keys(command.kwargs ?? {});
  if (args.length > arity || extra.length > 0) {
    const takes = arity ? 'one positional argument, the value' : 'no arguments';
    const given = [
      args.length > arity && `${args.length} positional`,
      extra.length > 0 && `keyword ${extra.map((k) => `'${k.slice(0, 40)}'`).join(', ')}`,
    ].filter(Boolean);
    throw new DomainError('invalid', `Method '${command.method}' takes ${takes}; got ${given.join(' and ')}`);
  }
  if (arity && args.length === 0)
    throw new DomainError('bad_request', `Method '${command.method}' on ${command.path} requires a value`);
  if (command.lockGate && dc.coordination) requireAvailable(await checkAvailability(dc.registry, head));
  const spec = await dc.registry.spec(head).catch(outage);
  if (!spec) {
    throw new DomainError(
      'invalid',
      `Device '${head}' has no instantiation spec in the registry (class path + constructor args). Add one to command it.`,
    );
  }
  const pvs = (await dc.registry.componentMap(head).catch(outage)) ?? {};
  const root = await dc.devices.get(spec, pvs);
  const target = walk(root, head, sub);
  const timeoutS = command.timeout || dc.config.DIRECT_CONTROL_COMMAND_TIMEOUT;
  return invoke(dc, target, command.method as Method, command.args ?? [], timeoutS, command.usePut ?? false);
}

function walk(root: Part, head: string, sub: string[]): Part {
  let current = root;
  for (const [i, segment] of sub.entries()) {
    const next = current instanceof Device ? current.parts.get(segment) : undefined;
    if (!next) {
      const at = [head, ...sub.slice(0, i)].join('.');
      const why =
        current instanceof Device
          ? `${current.spec.name} '${at}' has no attribute '${segment}'`
          : `'${at}' is a signal and has no attribute '${segment}'`;
      throw new DomainError('not_found', `Device '${head}' has no component '${sub.join('.')}': ${why}`);
    }
    current = next;
  }
  return current;
}

const typeName = (part: Part) =>
  part instanceof Device ? part.spec.name : part.writable ? 'EpicsSignal' : 'EpicsSignalRO';

function unsupported(part: Part, method: string): never {
  throw new DomainError(
    'bad_request',
    `${typeName(part)} object '${part.name}' does not support method '${method}'`,
  );
}

async function invoke(
  dc: DirectControl,
  part: Part,
  method: Method,
  args: unknown[],
  timeoutS: number,
  usePut: boolean,
): Promise<CommandResult> {
  let outcome: unknown;
  try {
    switch (method) {
      case 'read':
      case 'describe':
        outcome = await part[method]();
        break;
      case 'read_configuration':
      case 'describe_configuration':
        outcome = part instanceof Device ? await part[method]() : unsupported(part, method);
        break;
      case 'get':
        outcome = await part.get();
        break;
      case 'put':
        if (!(part instanceof EpicsSignal)) unsupported(part, method);
        await part.put(args[0]);
        return { result: null, awaited: false };
      case 'set':
        outcome = part.set(args[0]);
        break;
      case 'trigger':
        outcome = part instanceof Device ? part.trigger() : unsupported(part, method);
        break;
      case 'stop':
        if (!(part instanceof Device)) unsupported(part, method);
        await withTimeout(part.stop(), timeoutS);
        return { result: null, awaited: true };
    }
  } catch (err) {
    if (err instanceof UnsupportedVerb) throw new DomainError('bad_request', err.message);
    if (err instanceof StatusTimeout)
      throw new DomainError('failed', `${part.name}.${method} did not complete within ${timeoutS}s.`);
    throw asDomainError(err, `${part.name}.${method} failed`);
  }
  if (!(outcome instanceof Status)) return { result: jsonSafe(outcome), awaited: true };
  if (usePut) return { result: { initiated: true, done: outcome.done }, awaited: false };
  try {
    await outcome.wait(timeoutS * 1000);
  } catch (err) {
    if (!(err instanceof StatusTimeout)) throw asDomainError(err, `${part.name}.${method} failed`);
    const note = await stopAfterTimeout(dc, part);
    throw new DomainError('failed', `${part.name}.${method} did not complete within ${timeoutS}s.${note}`);
  }
  return { result: outcome.toJSON(), awaited: true };
}

/** What happened to a device whose command timed out (the reference's wording). */
async function stopAfterTimeout(dc: DirectControl, part: Part): Promise<string> {
  if (!dc.config.DIRECT_CONTROL_STOP_ON_COMMAND_TIMEOUT)
    return ' Hardware may still be in motion (stop-on-timeout disabled).';
  if (!(part instanceof Device) || !part.verbs.includes('stop'))
    return ` ${part.name} exposes no stop(); it may still be in motion.`;
  try {
    await withTimeout(part.stop(), 10);
    return ' A stop() was issued to halt the device.';
  } catch (err) {
    if (err instanceof StatusTimeout)
      return ' A stop() was issued but did not confirm within 10.0s; hardware may still be in motion.';
    return ` A stop() was attempted but failed (${(err as Error).message}); hardware may still be in motion.`;
  }
}

const withTimeout = (work: Promise<unknown>, seconds: number) => new Status(work).wait(seconds * 1000);

/** Plain JSON for a verb's result: typed arrays as lists, Status as {done, success}, NaN as null. */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Status) return value.toJSON();
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, jsonSafe);
  if (Array.isArray(value) || value instanceof Set) return [...value].map(jsonSafe);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
}

const FRAMEWORK = 'ophyd-sync';

export type CommandRequest = Pick<Schemas['DeviceCommandRequest'], 'device_name' | 'method'> &
  Partial<Schemas['DeviceCommandRequest']>;

/** One verb on a registry device (`/device/execute`), through the lock gate. */
export async function executeCommand(
  dc: DirectControl,
  request: CommandRequest,
): Promise<Schemas['DeviceCommandResponse']> {
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

/** Stops a device (as execute with method stop). */
export const stopDevice = (dc: DirectControl, device: string) =>
  executeCommand(dc, { device_name: device, method: 'stop' });

/**
 * A verb on a component path; writes pass the read-only and lock gates. `set`/`put` take the
 * body's `value`; a value given to any other verb is refused, not ignored.
 */
export async function nestedCommand(
  dc: DirectControl,
  path: string,
  body: { method?: string; value?: unknown; timeout?: number | null },
): Promise<unknown> {
  const method = body.method ?? 'read';
  const write = WRITE_METHODS.has(method);
  if (write) requireWritable(dc);
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

type Row = Schemas['DeviceResolveResultItem'];
type Head = { fail: Pick<Row, 'outcome' | 'message'> } | { deviceClass: string; prefix: string };

/** Dotted device addresses to PV names through the class catalog, one row per address in order. */
export async function resolveAddresses(
  dc: DirectControl,
  addresses: string[],
): Promise<Schemas['DeviceResolveResponse']> {
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
    const row = (outcome: Row['outcome'], pv: string | null, message: string | null): Row => ({
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
  return { resolved };
}

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
