/**
 * Plan validation at submission (spec §9.4), working only on the JSON plan descriptions of §9.2,
 * so any described plan is checked the same way: built-ins, user plans, lists loaded from YAML.
 * The arguments are bound to the parameters like a Python call, then checked against the
 * annotations (with the enum lists narrowed to what the group may use), the `min`/`max` bounds and
 * the form of `meta`.
 */

import { pythonClassRepr, pythonRepr, pythonTypeName } from '../zmq/python-repr.ts';
import { type EnumTypes, readAnnotationType, typeMismatch } from './plan-annotation.ts';
import { pformat, pyStr, strToNumber } from './python-text.ts';
import { Refusal } from './types.ts';

export type ParameterKindName =
  | 'POSITIONAL_ONLY'
  | 'POSITIONAL_OR_KEYWORD'
  | 'VAR_POSITIONAL'
  | 'KEYWORD_ONLY'
  | 'VAR_KEYWORD';

export interface ParameterAnnotation {
  /** Python typing text, e.g. `collections.abc.Sequence[__READABLE__]`. */
  type: string;
  /** Custom enum types: a type name used in `type` → the names it may take. */
  devices?: Record<string, string[]>;
  plans?: Record<string, string[]>;
  enums?: Record<string, string[]>;
}

export interface PlanParameter {
  name: string;
  kind: { name: ParameterKindName; value: 0 | 1 | 2 | 3 | 4 };
  description?: string;
  annotation?: ParameterAnnotation;
  /** A Python literal as text; absent means required. */
  default?: string;
  default_defined_in_decorator?: boolean;
  /** Numeric bounds, as strings (`"-10"`, `"0.01"`). */
  min?: string;
  max?: string;
  step?: string;
  convert_plan_names?: boolean;
  convert_device_names?: boolean;
  eval_expressions?: boolean;
}

/** A plan as `plans_allowed`/`plans_existing` describe it (spec §9.2). */
export interface PlanDescription {
  name: string;
  module?: string;
  description?: string;
  properties?: { is_generator?: boolean; [key: string]: unknown };
  parameters: PlanParameter[];
}

/** What validation reads of a queue item. */
export interface PlanItem {
  name?: unknown;
  args?: unknown;
  kwargs?: unknown;
  meta?: unknown;
}

const KIND_BY_VALUE: ParameterKindName[] = [
  'POSITIONAL_ONLY',
  'POSITIONAL_OR_KEYWORD',
  'VAR_POSITIONAL',
  'KEYWORD_ONLY',
  'VAR_KEYWORD',
];

function kindOf(param: PlanParameter): ParameterKindName {
  return KIND_BY_VALUE[param.kind?.value] ?? param.kind?.name ?? 'POSITIONAL_OR_KEYWORD';
}

/** A refusal of the plan, with the reason as the reference words it. */
class Invalid extends Error {}

/** Binds args/kwargs to the parameters as `inspect.Signature.bind` does, with its messages. */
function bindArguments(
  params: readonly PlanParameter[],
  args: readonly unknown[],
  kwargsIn: Readonly<Record<string, unknown>>,
): Map<PlanParameter, unknown> {
  const bound = new Map<PlanParameter, unknown>();
  const kwargs = new Map(Object.entries(kwargsIn));
  const required = (p: PlanParameter) => p.default === undefined;
  let next = 0;
  const positionalOnlyByName: PlanParameter[] = [];
  const rest: PlanParameter[] = [];
  let takenByVarPositional = false;
  // Positional arguments fill the parameters in order.
  for (let i = 0; i < args.length; i++) {
    const param = params[next++];
    const kind = param && kindOf(param);
    if (!param || kind === 'KEYWORD_ONLY' || kind === 'VAR_KEYWORD')
      throw new Invalid('too many positional arguments');
    if (kind === 'VAR_POSITIONAL') {
      bound.set(param, args.slice(i));
      takenByVarPositional = true;
      break;
    }
    if (kwargs.has(param.name) && kind !== 'POSITIONAL_ONLY')
      throw new Invalid(`multiple values for argument ${pythonRepr(param.name)}`);
    bound.set(param, args[i]);
  }
  // The first parameter the positional arguments did not reach decides how binding goes on.
  for (; !takenByVarPositional && next < params.length; next++) {
    const param = params[next];
    const kind = kindOf(param);
    if (kind === 'VAR_POSITIONAL') {
      next++;
      break;
    }
    if (kind === 'POSITIONAL_ONLY' && kwargs.has(param.name)) {
      if (required(param))
        throw new Invalid(`missing a required positional-only argument: ${pythonRepr(param.name)}`);
      positionalOnlyByName.push(param);
      continue;
    }
    if (kwargs.has(param.name) || kind === 'VAR_KEYWORD' || !required(param)) {
      rest.push(param);
      next++;
      break;
    }
    const keywordOnly = kind === 'KEYWORD_ONLY' ? ' keyword-only' : '';
    throw new Invalid(`missing a required${keywordOnly} argument: ${pythonRepr(param.name)}`);
  }
  // The remaining parameters take keyword arguments.
  let varKeyword: PlanParameter | undefined;
  for (const param of [...rest, ...params.slice(next)]) {
    const kind = kindOf(param);
    if (kind === 'VAR_KEYWORD') varKeyword = param;
    if (kind === 'VAR_KEYWORD' || kind === 'VAR_POSITIONAL' || bound.has(param)) continue;
    if (kwargs.has(param.name) && kind !== 'POSITIONAL_ONLY') {
      bound.set(param, kwargs.get(param.name));
      kwargs.delete(param.name);
    } else if (required(param)) throw new Invalid(`missing a required argument: ${pythonRepr(param.name)}`);
  }
  if (kwargs.size > 0) {
    if (varKeyword) bound.set(varKeyword, Object.fromEntries(kwargs));
    else if (positionalOnlyByName.length > 0)
      throw new Invalid(
        `got some positional-only arguments passed as keyword arguments: ${pythonRepr(positionalOnlyByName.map((p) => p.name).join(', '))}`,
      );
    else throw new Invalid(`got an unexpected keyword argument ${pythonRepr([...kwargs.keys()][0])}`);
  }
  return bound;
}

/** Whether `name` (`det1`, `det1.val`) reaches a non-excluded node of the allowed tree (`_is_object_name_in_list`). */
export function isNameInTree(name: string, tree: Readonly<Record<string, unknown>>): boolean {
  const parts = name.split('.');
  if (name.startsWith(':') || parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return false;
  let level: Record<string, unknown> | undefined = tree as Record<string, unknown>;
  for (const part of parts) {
    const node =
      level && Object.hasOwn(level, part) ? (level[part] as Record<string, unknown> | null) : undefined;
    if (!node || typeof node !== 'object' || node.excluded === true) return false;
    level = node.components as Record<string, unknown> | undefined;
  }
  return true;
}

/** The annotation's enum types, each list narrowed to the devices and plans the group may use. */
function enumTypes(
  annotation: ParameterAnnotation,
  allowedPlans: Readonly<Record<string, unknown>>,
  allowedDevices: Readonly<Record<string, unknown>>,
): EnumTypes {
  const types: Record<string, readonly string[]> = {};
  const add = (lists: Record<string, unknown> | undefined, tree?: Readonly<Record<string, unknown>>) => {
    for (const [typeName, names] of Object.entries(lists ?? {})) {
      const list = (Array.isArray(names) ? names : []).filter((n): n is string => typeof n === 'string');
      types[typeName] = tree ? list.filter((n) => isNameInTree(n, tree)) : list;
    }
  };
  add(annotation.devices, allowedDevices);
  add(annotation.plans, allowedPlans);
  add(annotation.enums);
  return types;
}

function typeErrors(
  bound: Map<PlanParameter, unknown>,
  allowedPlans: Readonly<Record<string, unknown>>,
  allowedDevices: Readonly<Record<string, unknown>>,
): string[] {
  const errors: string[] = [];
  for (const [param, value] of bound) {
    if (!param.annotation || typeof param.annotation.type !== 'string') continue;
    const node = readAnnotationType(
      param.annotation.type,
      enumTypes(param.annotation, allowedPlans, allowedDevices),
    );
    const kind = kindOf(param);
    // *args and **kwargs: each value has the annotated type.
    const values =
      kind === 'VAR_POSITIONAL'
        ? (value as unknown[])
        : kind === 'VAR_KEYWORD'
          ? Object.values(value as Record<string, unknown>)
          : [value];
    const why = values.map((v) => typeMismatch(node, v)).find((w) => w !== null);
    if (why)
      errors.push(
        `Incorrect parameter type: key=${pythonRepr(param.name)}, value='${pyStr(value)}' (${pythonClassRepr(value)}): ${why}`,
      );
  }
  return errors;
}

/** The first number in `value` outside [min, max], searched breadth-first like `_check_ranges`. */
function outOfRange(value: unknown, min: number | null, max: number | null): number | null {
  const queue: unknown[] = [value];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current === 'number') {
      if ((min !== null && current < min) || (max !== null && current > max)) return current;
    } else if (Array.isArray(current)) queue.push(...current);
    else if (current !== null && typeof current === 'object') queue.push(...Object.values(current));
  }
  return null;
}

function rangeErrors(bound: Map<PlanParameter, unknown>): string[] {
  const errors: string[] = [];
  for (const [param, value] of bound) {
    const given = (v: unknown) => v !== undefined && v !== null;
    if (!given(param.min) && !given(param.max)) continue;
    const min = given(param.min) ? strToNumber(param.min) : null;
    const max = given(param.max) ? strToNumber(param.max) : null;
    const bad = outOfRange(value, min, max);
    if (bad !== null)
      errors.push(
        `Parameter value is out of range: key=${pythonRepr(param.name)}, value='${pyStr(value)}': ` +
          `Value ${bad} is out of range [${min ?? '-inf'}, ${max ?? 'inf'}]`,
      );
  }
  return errors;
}

function checkPlan(
  item: PlanItem,
  allowedPlans: Readonly<Record<string, PlanDescription>>,
  allowedDevices: Readonly<Record<string, unknown>>,
): void {
  if (!('name' in item)) throw new Invalid("'name'");
  const name = item.name;
  if (typeof name !== 'string' || !Object.hasOwn(allowedPlans, name))
    throw new Invalid(`Plan '${pyStr(name)}' is not in the list of allowed plans.`);
  const args = 'args' in item ? item.args : [];
  const kwargs = 'kwargs' in item ? item.kwargs : {};
  if (!Array.isArray(args))
    throw new Invalid(`argument after * must be an iterable, not ${pythonTypeName(args)}`);
  if (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs))
    throw new Invalid(`argument after ** must be a mapping, not ${pythonTypeName(kwargs)}`);
  const params = Array.isArray(allowedPlans[name].parameters) ? allowedPlans[name].parameters : [];
  const bound = bindArguments(params, args, kwargs as Record<string, unknown>);
  const types = typeErrors(bound, allowedPlans, allowedDevices);
  if (types.length > 0) throw new Invalid(`Error in argument types: ${types.join('\n')}`);
  const ranges = rangeErrors(bound);
  if (ranges.length > 0) throw new Invalid(`Argument values are out of range: ${ranges.join('\n')}`);
}

/**
 * Checks a plan item against the group's allowed plans and devices (spec §9.4 rules 1–5); throws
 * a Refusal `Plan validation failed: <reason>\nPlan: <the item, pretty-printed>`.
 */
export function validatePlan(
  item: PlanItem,
  allowedPlans: Readonly<Record<string, PlanDescription>>,
  allowedDevices: Readonly<Record<string, unknown>>,
): void {
  try {
    checkPlan(item, allowedPlans, allowedDevices);
    if ('meta' in item) {
      const meta = item.meta;
      const isDict = (m: unknown) => m !== null && typeof m === 'object' && !Array.isArray(m);
      if (Array.isArray(meta) ? !meta.every(isDict) : !isDict(meta))
        throw new Invalid("Plan parameter 'meta' must be a dictionary or a list of dictionaries");
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Refusal(`Plan validation failed: ${reason}\nPlan: ${pformat(item)}`);
  }
}

export { type ReducedPlanDescription, reducedPlanDescription } from './plan-reduced.ts';
