/**
 * Device commanding (spec §1.8–1.11, §3.11.3): the gate order (registry, allowlist, lock, spec,
 * live object, component walk) and the invoke semantics, including stop-on-timeout. Every refusal is
 * an HttpError carrying the status the REST routes answer; the sockets reuse the same path.
 */
import {
  Device,
  EpicsSignal,
  type Part,
  Status,
  StatusTimeout,
  UnsupportedVerb,
} from '@ophyd-service/devices';
import { HttpError } from '@ophyd-service/service-kit';
import { asHttpError, requireValidName } from '../failures.ts';
import { checkAvailability, GateRefusal, requireAvailable } from '../gates.ts';
import { outageAs503 } from '../registry/provider.ts';
import type { DirectControl } from '../state.ts';

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
  const exists = await dc.registry.deviceExists(head).catch(outageAs503);
  if (!exists) throw new HttpError(404, `Device '${head}' not found in the registry`);
  if (!(ALLOWED_METHODS as readonly string[]).includes(command.method)) {
    throw new HttpError(
      400,
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
    throw new HttpError(422, `Method '${command.method}' takes ${takes}; got ${given.join(' and ')}`);
  }
  if (arity && args.length === 0)
    throw new HttpError(400, `Method '${command.method}' on ${command.path} requires a value`);
  if (command.lockGate && dc.coordination) {
    try {
      requireAvailable(await checkAvailability(dc.registry, head));
    } catch (err) {
      if (err instanceof GateRefusal) throw new HttpError(err.status, err.message);
      throw err;
    }
  }
  const spec = await dc.registry.spec(head).catch(outageAs503);
  if (!spec) {
    throw new HttpError(
      422,
      `Device '${head}' has no instantiation spec in the registry (class path + constructor args). Add one to command it.`,
    );
  }
  const pvs = (await dc.registry.componentMap(head).catch(outageAs503)) ?? {};
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
      throw new HttpError(404, `Device '${head}' has no component '${sub.join('.')}': ${why}`);
    }
    current = next;
  }
  return current;
}

const typeName = (part: Part) =>
  part instanceof Device ? part.spec.name : part.writable ? 'EpicsSignal' : 'EpicsSignalRO';

function unsupported(part: Part, method: string): never {
  throw new HttpError(400, `${typeName(part)} object '${part.name}' does not support method '${method}'`);
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
    if (err instanceof UnsupportedVerb) throw new HttpError(400, err.message);
    if (err instanceof StatusTimeout)
      throw new HttpError(500, `${part.name}.${method} did not complete within ${timeoutS}s.`);
    throw asHttpError(err, `${part.name}.${method} failed`);
  }
  if (!(outcome instanceof Status)) return { result: jsonSafe(outcome), awaited: true };
  if (usePut) return { result: { initiated: true, done: outcome.done }, awaited: false };
  try {
    await outcome.wait(timeoutS * 1000);
  } catch (err) {
    if (!(err instanceof StatusTimeout)) throw asHttpError(err, `${part.name}.${method} failed`);
    const note = await stopAfterTimeout(dc, part);
    throw new HttpError(500, `${part.name}.${method} did not complete within ${timeoutS}s.${note}`);
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
