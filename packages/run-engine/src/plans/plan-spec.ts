/**
 * Plan descriptions and binding: the parameters of a plan in the format of the queue server's
 * plan descriptions (spec §9.2: kinds, Python annotation text, defaults as Python literals), and a
 * binder that checks a queue item's args/kwargs against them, turns device names into devices and
 * calls the plan with this package's calling convention.
 */
import type { SyncPlan } from '../msg.ts';

export type ParamKind =
  | 'POSITIONAL_ONLY'
  | 'POSITIONAL_OR_KEYWORD'
  | 'VAR_POSITIONAL'
  | 'KEYWORD_ONLY'
  | 'VAR_KEYWORD';
const KIND_VALUE: Record<ParamKind, number> = {
  POSITIONAL_ONLY: 0,
  POSITIONAL_OR_KEYWORD: 1,
  VAR_POSITIONAL: 2,
  KEYWORD_ONLY: 3,
  VAR_KEYWORD: 4,
};

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** Python typing text, with the queue server's placeholders (__READABLE__, __MOVABLE__…). */
  annotation?: string;
  /** A Python literal; absent means required. */
  default?: string;
  description?: string;
  convert_device_names?: boolean;
  /**
   * Custom device types used in `annotation` (`typing.List[DetList]`): their allowed device names,
   * or name patterns of the queue server's syntax (`:+^sim_bundle:?.*$`) to expand against existing devices.
   */
  devices?: Record<string, string[]>;
  /** Bounds on the numbers in the value, as Python literals (`'-10'`, `'0.01'`). */
  min?: string;
  max?: string;
  step?: string;
  /** The default came from the plan's annotation decorator: the engine, not the plan, applies it. */
  default_defined_in_decorator?: boolean;
  /** The value of a decorator-defined default (device names are converted like arguments). */
  defaultValue?: unknown;
}

export interface PlanSpec {
  name: string;
  module: string;
  description: string;
  is_generator: boolean;
  parameters: ParamSpec[];
  /** Calls the plan: positional-or-keyword values in order, then *args, then keyword-only/**kwargs as one options object. */
  plan: (...args: never[]) => SyncPlan<unknown>;
}

/** A name pattern of the queue server's device lists (regular expressions start with ':'). */
export const isNamePattern = (item: string): boolean => item.includes(':');

export interface DescribeOptions {
  /**
   * Names of existing devices that the patterns of a custom device type match. Without it a
   * pattern matches nothing, as bluesky-queueserver's expansion does with no devices.
   */
  expandDevices?: (patterns: string[]) => string[];
}

/** Python's `sorted(names, key=lambda n: (n.upper(), n[0].islower()))`, the order of expanded lists. */
function sortNames(names: string[]): string[] {
  const key = (n: string) =>
    [n.toUpperCase(), n[0] === n[0].toLowerCase() && n[0] !== n[0].toUpperCase()] as const;
  return [...names].sort((a, b) => {
    const [ua, la] = key(a);
    const [ub, lb] = key(b);
    if (ua !== ub) return ua < ub ? -1 : 1;
    return Number(la) - Number(lb);
  });
}

function annotationOf(param: ParamSpec, options: DescribeOptions): Record<string, unknown> {
  const annotation: Record<string, unknown> = { type: param.annotation };
  if (param.devices) {
    annotation.devices = Object.fromEntries(
      Object.entries(param.devices).map(([type, items]) => {
        const patterns = items.filter(isNamePattern);
        const names = items.filter((i) => !isNamePattern(i));
        const expanded = patterns.length && options.expandDevices ? options.expandDevices(patterns) : [];
        return [type, sortNames([...new Set([...names, ...expanded])])];
      }),
    );
  }
  return annotation;
}

/** A plan's description in the queue server's format (spec §9.2). */
export function describePlan(spec: PlanSpec, options: DescribeOptions = {}): Record<string, unknown> {
  return {
    name: spec.name,
    properties: { is_generator: spec.is_generator },
    parameters: spec.parameters.map((param) => ({
      name: param.name,
      kind: { name: param.kind, value: KIND_VALUE[param.kind] },
      ...(param.description ? { description: param.description } : {}),
      ...(param.annotation ? { annotation: annotationOf(param, options) } : {}),
      ...(param.convert_device_names ? { convert_device_names: true } : {}),
      ...(param.default !== undefined ? { default: param.default } : {}),
      ...(param.default_defined_in_decorator ? { default_defined_in_decorator: true } : {}),
      ...(param.min !== undefined ? { min: param.min } : {}),
      ...(param.max !== undefined ? { max: param.max } : {}),
      ...(param.step !== undefined ? { step: param.step } : {}),
    })),
    module: spec.module,
    ...(spec.description ? { description: spec.description } : {}),
  };
}

export class PlanValidationError extends Error {
  override name = 'PlanValidationError';
}

/**
 * Checks a queue item's arguments against the plan's parameters and returns the plan, ready to
 * run. Device names become the devices of `devices`, where the parameter asks for it (or has no
 * annotation, as the queue server converts unannotated arguments too).
 */
export function bindPlan(
  spec: PlanSpec,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  devices: Record<string, unknown> = {},
): SyncPlan<unknown> {
  const params = spec.parameters;
  const positional = params.filter((q) => q.kind === 'POSITIONAL_OR_KEYWORD' || q.kind === 'POSITIONAL_ONLY');
  const varPositional = params.find((q) => q.kind === 'VAR_POSITIONAL');
  const keywordOnly = params.filter((q) => q.kind === 'KEYWORD_ONLY');
  const varKeyword = params.find((q) => q.kind === 'VAR_KEYWORD');
  const fail = (why: string): never => {
    throw new PlanValidationError(`Plan '${spec.name}': ${why}`);
  };
  if (args.length > positional.length && !varPositional) {
    fail(`takes ${positional.length} positional arguments but ${args.length} were given`);
  }
  const known = new Set(
    params.filter((q) => q.kind !== 'VAR_POSITIONAL' && q.kind !== 'VAR_KEYWORD').map((q) => q.name),
  );
  for (const key of Object.keys(kwargs))
    if (!known.has(key) && !varKeyword) fail(`unexpected keyword argument '${key}'`);

  const convert = (param: ParamSpec | undefined, value: unknown): unknown => {
    if (param?.devices) checkDeviceNames(param, value, devices, fail);
    if (param && (param.convert_device_names || param.devices || !param.annotation))
      value = toDevices(value, devices);
    if (param?.annotation) checkType(param, value, fail);
    if (param) checkBounds(param, value, fail);
    return value;
  };
  const callArgs: unknown[] = positional.map((param, i) => {
    if (i < args.length) {
      if (param.name in kwargs) fail(`got multiple values for argument '${param.name}'`);
      return convert(param, args[i]);
    }
    if (param.name in kwargs) return convert(param, kwargs[param.name]);
    if (param.default === undefined) fail(`missing required argument '${param.name}'`);
    if (param.default_defined_in_decorator) return toDevices(param.defaultValue, devices);
    return undefined; // the plan's own default applies
  });
  const rest = args.slice(positional.length).map((v) => convert(varPositional, v));
  const options: Record<string, unknown> = {};
  for (const param of keywordOnly)
    if (param.name in kwargs) options[param.name] = convert(param, kwargs[param.name]);
  for (const [key, value] of Object.entries(kwargs))
    if (!known.has(key)) options[key] = convert(varKeyword, value);
  const call = [...callArgs, ...rest];
  if (keywordOnly.length || varKeyword) call.push(options);
  return (spec.plan as (...a: unknown[]) => SyncPlan<unknown>)(...call);
}

/** The device a name stands for: a top-level name, or a dotted path to a component (`sim_bundle_A.dets.det_A`). */
export function deviceByName(name: string, devices: Record<string, unknown>): unknown {
  if (Object.hasOwn(devices, name)) return devices[name];
  const [head, ...path] = name.split('.');
  if (!path.length || !Object.hasOwn(devices, head)) return undefined;
  let obj: unknown = devices[head];
  for (const attr of path) {
    if (typeof obj !== 'object' || obj === null || !(attr in obj)) return undefined;
    obj = (obj as Record<string, unknown>)[attr];
  }
  return typeof obj === 'object' && obj !== null ? obj : undefined;
}

function toDevices(value: unknown, devices: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => toDevices(v, devices));
  if (typeof value !== 'string') return value;
  return deviceByName(value, devices) ?? value;
}

/**
 * For a custom device type: each name must be one the type lists (when the list is explicit; a list
 * with patterns is left to the queue server, which checks against its expanded description).
 */
function checkDeviceNames(
  param: ParamSpec,
  value: unknown,
  devices: Record<string, unknown>,
  fail: (why: string) => never,
): void {
  const lists = Object.values(param.devices ?? {});
  const explicit = lists.every((items) => !items.some(isNamePattern));
  const allowed = new Set(lists.flat());
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'string') return;
    if (explicit ? !allowed.has(v) : deviceByName(v, devices) === undefined)
      fail(`'${param.name}': '${v}' is not one of the allowed devices`);
  };
  visit(value);
}

/** min/max bounds, applied to every number in the value (lists included), as the queue server does. */
function checkBounds(param: ParamSpec, value: unknown, fail: (why: string) => never): void {
  if (param.min === undefined && param.max === undefined) return;
  const low = param.min === undefined ? -Infinity : Number(param.min);
  const high = param.max === undefined ? Infinity : Number(param.max);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v === 'number' && (v < low || v > high))
      fail(`'${param.name}': ${v} is outside the range [${param.min ?? '-inf'}, ${param.max ?? 'inf'}]`);
  };
  visit(value);
}

/** The annotation checks the queue server applies before a plan runs, for the types the built-ins use. */
function checkType(param: ParamSpec, value: unknown, fail: (why: string) => never): void {
  const type = param.annotation!;
  const optional = type.includes('| None');
  if (value === null || value === undefined) {
    if (optional || param.default === 'None') return;
    fail(`'${param.name}' must not be None`);
  }
  const isDevice = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
  if (type.startsWith('collections.abc.Sequence[__READABLE__]') || type === 'list[__FLYABLE__]') {
    if (!Array.isArray(value)) fail(`'${param.name}' must be a list of devices`);
    for (const v of value as unknown[])
      if (!isDevice(v)) fail(`'${param.name}': ${JSON.stringify(v)} is not a known device`);
    return;
  }
  if ((type === '__MOVABLE__' || type === '__READABLE__') && !isDevice(value))
    fail(`'${param.name}': ${JSON.stringify(value)} is not a known device`);
  const base = type.replace(' | None', '');
  if (base === 'int' && !Number.isInteger(value))
    fail(`'${param.name}' must be an integer, got ${JSON.stringify(value)}`);
  if (base === 'float' && typeof value !== 'number')
    fail(`'${param.name}' must be a number, got ${JSON.stringify(value)}`);
  if (base === 'bool' && typeof value !== 'boolean')
    fail(`'${param.name}' must be true or false, got ${JSON.stringify(value)}`);
}
