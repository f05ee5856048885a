/**
 * Which registered devices a plan uses (spec §12, lock_scope=plan): the strings of its args and
 * kwargs (also inside lists and dicts) that name a registered device, a dotted name standing for
 * its root device, plus the devices a decorator default names when that parameter is not given.
 */
import type { QueueItem } from '../manager/types.ts';

interface ParameterDescription {
  name?: string;
  kind?: { name?: string };
  default?: unknown;
  default_defined_in_decorator?: boolean;
}

const POSITIONAL = new Set(['POSITIONAL_ONLY', 'POSITIONAL_OR_KEYWORD']);

/** The registered device names `item` refers to, in first-use order, without repeats. */
export function devicesNamedByPlan(
  item: Pick<QueueItem, 'args' | 'kwargs'>,
  registered: ReadonlySet<string>,
  planDescription?: unknown,
): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const root = value.split('.')[0];
      if (registered.has(root)) found.add(root);
    } else if (Array.isArray(value)) {
      for (const element of value) visit(element);
    } else if (typeof value === 'object' && value !== null) {
      for (const element of Object.values(value)) visit(element);
    }
  };
  visit(item.args ?? []);
  visit(item.kwargs ?? {});
  for (const text of decoratorDefaultsLeftOut(item, planDescription)) {
    for (const name of quotedStrings(text)) visit(name);
  }
  return [...found];
}

/** The Python-literal defaults of decorator-defaulted parameters the item does not set. */
function decoratorDefaultsLeftOut(item: Pick<QueueItem, 'args' | 'kwargs'>, description: unknown): string[] {
  const parameters = (description as { parameters?: ParameterDescription[] } | undefined)?.parameters;
  if (!Array.isArray(parameters)) return [];
  const given = item.args?.length ?? 0;
  const kwargs = item.kwargs ?? {};
  const defaults: string[] = [];
  let position = 0;
  for (const parameter of parameters) {
    const positional = POSITIONAL.has(parameter.kind?.name ?? '');
    const index = positional ? position++ : -1;
    if (!parameter.default_defined_in_decorator || typeof parameter.default !== 'string') continue;
    const setByPosition = positional && index < given;
    const setByName = parameter.name !== undefined && Object.hasOwn(kwargs, parameter.name);
    if (!setByPosition && !setByName) defaults.push(parameter.default);
  }
  return defaults;
}

/** The string literals inside a Python literal (`"['det1', 'det2']"` → det1, det2). */
function quotedStrings(text: string): string[] {
  return [...text.matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2]);
}
