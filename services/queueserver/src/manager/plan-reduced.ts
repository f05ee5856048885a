/**
 * The simplified plan descriptions the HTTP routes return for `reduced=true` (spec §9.2, last
 * bullet; the reference's `simplify_plan_descriptions`): per parameter its type as
 * `int|float|str`, enum values, whether it takes a list, the decoded default and bounds.
 */
import type { PlanDescription } from './plan-validation.ts';
import { literalEval, strToNumber } from './python-text.ts';

export interface ReducedParameter {
  name: string;
  kind: { name: string; value: number };
  description?: string;
  type?: 'int' | 'float' | 'str';
  enum?: string[];
  is_list?: boolean;
  default?: unknown;
  is_optional: boolean;
  min?: number;
  max?: number;
  step?: number;
}

export interface ReducedPlanDescription {
  name: string;
  description?: string;
  parameters?: ReducedParameter[];
}

function simpleType(text: string): ReducedParameter['type'] {
  const lower = text.toLowerCase();
  if (/\bfloat\b/.test(lower)) return 'float';
  if (/\bint\b/.test(lower)) return 'int';
  if (/\bstr\b/.test(lower)) return 'str';
  return undefined;
}

/** A number from a bound string, or undefined when it is not one (the reference logs and skips it). */
function bound(value: unknown): number | undefined {
  try {
    return strToNumber(value);
  } catch {
    return undefined;
  }
}

function reduceParameter(param: PlanDescription['parameters'][number]): ReducedParameter {
  const out: Partial<ReducedParameter> & Pick<ReducedParameter, 'name' | 'kind'> = {
    name: param.name,
    kind: param.kind,
  };
  if (param.description !== undefined) out.description = param.description;
  const annotation = param.annotation;
  if (annotation) {
    const enumValues = [annotation.devices, annotation.plans, annotation.enums].flatMap((lists) =>
      Object.values(lists ?? {}).flatMap((names) => (Array.isArray(names) ? names : [names])),
    );
    if (enumValues.length > 0) {
      out.type = 'str';
      out.enum = enumValues;
    } else if (annotation.type) {
      const type = simpleType(annotation.type);
      if (type) out.type = type;
    }
    if (annotation.type) out.is_list = /^(typing.)?list\[.+]$/.test(annotation.type.toLowerCase());
  }
  if (param.default !== undefined) {
    try {
      out.default = literalEval(param.default);
    } catch {
      // A default that is not a literal is left out, and the parameter is then not optional.
    }
  }
  out.is_optional = 'default' in out;
  for (const key of ['min', 'max', 'step'] as const) {
    if (param[key] === undefined) continue;
    const value = bound(param[key]);
    if (value !== undefined) out[key] = value;
  }
  return out as ReducedParameter;
}

/** The `reduced=true` form of one plan description. */
export function reducedPlanDescription(desc: PlanDescription): ReducedPlanDescription {
  const out: ReducedPlanDescription = { name: desc.name };
  if (desc.description !== undefined) out.description = desc.description;
  if (Array.isArray(desc.parameters) && desc.parameters.length > 0)
    out.parameters = desc.parameters.map(reduceParameter);
  return out;
}
