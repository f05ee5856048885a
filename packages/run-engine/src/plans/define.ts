/**
 * User plans with queue-server descriptions: `definePlan` takes the plan's Python-style signature,
 * written next to the generator, and gives the plan the parameter list of spec §9.2 (kinds,
 * annotation text, defaults as Python literals), so a plan written in a startup directory is
 * described and bound exactly like a built-in one.
 *
 *   export const dwell_scan = definePlan(
 *     'dwell_scan(detectors: list[__READABLE__], motor: __MOVABLE__, start: float, stop: float, num: int, dwell: float = 0.5, md=None)',
 *     function* (detectors, motor, start, stop, num, dwell = 0.5, md = null) { … },
 *   );
 */
import type { ParamKind, ParamSpec, PlanSpec } from './catalog.ts';

export interface DefinePlanOptions {
  /** What the plan does (the description's `description`). */
  description?: string;
  /** The description's `module`; startup code runs as `__main__` in the reference. */
  module?: string;
  /** Per-parameter descriptions, by parameter name. */
  parameters?: Record<string, string>;
}

export class SignatureError extends Error {
  override name = 'SignatureError';
}

/** Placeholders whose strings the queue server turns into devices (spec §9.2). */
const DEVICE_PLACEHOLDER = /__(READABLE|MOVABLE|FLYABLE|DEVICE|PLAN_OR_DEVICE)__/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `text` at top-level occurrences of `separator` (outside brackets and quotes). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The first top-level `=` that is a default's, not part of `==`, `<=`, `>=` or `!=`. */
function defaultSplit(text: string): [string, string | undefined] {
  const parts = splitTopLevel(text, '=');
  for (let i = 0; i < parts.length - 1; i++) {
    const before = parts[i].at(-1);
    const after = parts[i + 1][0];
    if (after === '=' || (before && '=<>!'.includes(before))) continue;
    return [
      parts.slice(0, i + 1).join('='),
      parts
        .slice(i + 1)
        .join('=')
        .trim(),
    ];
  }
  return [text, undefined];
}

/** Parses `name(a, b: int = 1, *args, c=None, **kwargs)` into the plan name and its parameters. */
export function parseSignature(signature: string): { name: string; parameters: ParamSpec[] } {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)\s*$/.exec(signature);
  if (!match)
    throw new SignatureError(`Not a plan signature 'name(parameters)': ${JSON.stringify(signature)}`);
  const [, name, list] = match;
  const fail = (why: string): never => {
    throw new SignatureError(`Signature of '${name}': ${why}`);
  };
  const parameters: ParamSpec[] = [];
  let kind: ParamKind = 'POSITIONAL_OR_KEYWORD';
  let sawDefault = false;
  for (const raw of splitTopLevel(list, ',')) {
    const text = raw.trim();
    if (!text) continue;
    if (text === '/') {
      if (kind !== 'POSITIONAL_OR_KEYWORD' || !parameters.length)
        fail("'/' must follow positional parameters");
      for (const p of parameters) p.kind = 'POSITIONAL_ONLY';
      continue;
    }
    if (text === '*') {
      if (kind !== 'POSITIONAL_OR_KEYWORD') fail("'*' may appear only once, before keyword-only parameters");
      kind = 'KEYWORD_ONLY';
      continue;
    }
    const stars = /^\*{0,2}/.exec(text)![0].length;
    const [head, def] = defaultSplit(text.slice(stars));
    const [paramName, ...annotationParts] = splitTopLevel(head, ':');
    const param: ParamSpec = { name: paramName.trim(), kind };
    const annotation = annotationParts.join(':').trim();
    if (!IDENTIFIER.test(param.name)) fail(`${JSON.stringify(param.name)} is not a parameter name`);
    if (parameters.some((p) => p.name === param.name)) fail(`duplicate parameter '${param.name}'`);
    if (parameters.some((p) => p.kind === 'VAR_KEYWORD')) fail('no parameter may follow **kwargs');
    if (stars === 2) param.kind = 'VAR_KEYWORD';
    if (stars === 1) {
      if (kind !== 'POSITIONAL_OR_KEYWORD') fail('only one *args or bare * is allowed');
      param.kind = 'VAR_POSITIONAL';
      kind = 'KEYWORD_ONLY';
    }
    if (annotation) param.annotation = annotation;
    if (def !== undefined) {
      if (stars) fail(`*${param.name} can not have a default`);
      if (!def) fail(`empty default for '${param.name}'`);
      param.default = def;
    }
    if (param.kind === 'POSITIONAL_OR_KEYWORD') {
      if (def !== undefined) sawDefault = true;
      else if (sawDefault) fail(`parameter without a default follows a parameter with one: '${param.name}'`);
    }
    if (annotation && DEVICE_PLACEHOLDER.test(annotation)) param.convert_device_names = true;
    parameters.push(param);
  }
  return { name, parameters };
}

/**
 * A plan for the queue server from its Python-style signature and its generator. The generator is
 * called as `bindPlan` calls built-ins: positional parameters in order, then *args, then one
 * options object holding the keyword-only parameters and **kwargs (when the signature has any).
 */
export function definePlan(
  signature: string,
  plan: (...args: never[]) => unknown,
  options: DefinePlanOptions = {},
): PlanSpec {
  if (typeof plan !== 'function')
    throw new SignatureError(`definePlan('${signature}'): the plan must be a function`);
  const { name, parameters } = parseSignature(signature);
  for (const [param, description] of Object.entries(options.parameters ?? {})) {
    const found = parameters.find((p) => p.name === param);
    if (!found) throw new SignatureError(`Signature of '${name}': no parameter '${param}' to describe`);
    found.description = description;
  }
  return {
    name,
    module: options.module ?? '__main__',
    description: options.description ?? '',
    is_generator: true,
    parameters,
    plan: plan as PlanSpec['plan'],
  };
}
