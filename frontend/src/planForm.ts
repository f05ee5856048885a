/**
 * The plan form's logic without React: which input each plan parameter gets (from the plan
 * descriptions of `/api/plans/allowed` and the devices of `/api/devices/allowed`), and turning the
 * typed text into a queue item, with a message for every value the server would refuse.
 */

/** One parameter as `/api/plans/allowed` describes it (spec §9.2). */
export interface ParamDescription {
  name: string;
  kind: { name: string; value: number };
  description?: string;
  annotation?: { type?: string } & Partial<Record<'devices' | 'plans' | 'enums', Record<string, string[]>>>;
  /** A Python literal as text; absent when the parameter is required. */
  default?: string;
  min?: string;
  max?: string;
}

/** One plan as `/api/plans/allowed` describes it. */
export interface PlanDescription {
  name: string;
  description?: string;
  parameters: ParamDescription[];
}

/** The top-level fields of one device of `/api/devices/allowed` that choose the pickers. */
export interface DeviceDescription {
  is_readable?: boolean;
  is_movable?: boolean;
  is_flyable?: boolean;
  excluded?: boolean;
}

/** What input a parameter gets and how its text is read. */
export type FieldKind =
  | { type: 'int' | 'float' | 'bool' | 'str' }
  /** JSON text; `any` also takes text that is not JSON as a string (unannotated parameters). */
  | { type: 'json'; expect: 'object' | 'list' | 'json' | 'any' }
  /** A device picker or an enum: one choice, or several. */
  | { type: 'choice'; choices: string[]; multiple: boolean }
  /** `*args`: rows of a device (a motor) followed by values, e.g. `motor, -1, 1`. */
  | { type: 'axes'; choices: string[] }
  /** `**kwargs`: a JSON object merged into the item's kwargs. */
  | { type: 'kwargs' };

/** One row of an `*args` field. */
export interface AxisRow {
  device: string;
  values: string;
}

/** What the form holds for one field: text, the chosen names, or `*args` rows. */
export type FieldValue = string | string[] | AxisRow[];

const VAR_POSITIONAL = 2;
const VAR_KEYWORD = 4;
const LIST_TYPE = /^(typing\.)?(List|list|Sequence|Iterable|collections\.abc\.(Sequence|Iterable))\[/;
const DICT_TYPE = /^(typing\.)?(Dict|dict|Mapping|collections\.abc\.Mapping)\b/;
const PLACEHOLDER = /__(READABLE|MOVABLE|FLYABLE|DEVICE)__/;

/** The names of the allowed devices that fit a placeholder (`__MOVABLE__` → movable ones…). */
export function devicesOfKind(devices: Record<string, DeviceDescription>, placeholder: string): string[] {
  const fits = (d: DeviceDescription) =>
    placeholder === 'READABLE'
      ? d.is_readable
      : placeholder === 'MOVABLE'
        ? d.is_movable
        : placeholder === 'FLYABLE'
          ? d.is_flyable
          : true;
  return Object.entries(devices)
    .filter(([, d]) => !d.excluded && fits(d))
    .map(([name]) => name)
    .sort();
}

/** The input a parameter gets, from its kind and annotation. */
export function fieldKind(param: ParamDescription, devices: Record<string, DeviceDescription>): FieldKind {
  if (param.kind.value === VAR_KEYWORD) return { type: 'kwargs' };
  const type = (param.annotation?.type ?? '')
    .replace(/^typing\.Optional\[(.*)\]$/, '$1')
    .replace(/\s*\|\s*None$/, '');
  if (param.kind.value === VAR_POSITIONAL)
    return { type: 'axes', choices: devicesOfKind(devices, 'MOVABLE') };
  const multiple = LIST_TYPE.test(type);
  const { devices: named, plans, enums } = param.annotation ?? {};
  const custom = [named, plans, enums].flatMap((lists) => Object.values(lists ?? {}).flat());
  if (custom.length) return { type: 'choice', choices: [...new Set(custom)].sort(), multiple };
  const placeholder = PLACEHOLDER.exec(type)?.[1];
  if (placeholder) return { type: 'choice', choices: devicesOfKind(devices, placeholder), multiple };
  if (type === 'int' || type === 'float' || type === 'bool' || type === 'str') return { type };
  if (DICT_TYPE.test(type)) return { type: 'json', expect: 'object' };
  if (multiple) return { type: 'json', expect: 'list' };
  return { type: 'json', expect: type ? 'json' : 'any' };
}

/** Whether the parameter must be given (no default, and not `*args`/`**kwargs`). */
export function isRequired(param: ParamDescription): boolean {
  return (
    param.default === undefined && param.kind.value !== VAR_POSITIONAL && param.kind.value !== VAR_KEYWORD
  );
}

type Parsed = { given: false } | { given: true; value: unknown } | { error: string };

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function parseNumber(param: ParamDescription, text: string, integer: boolean): Parsed {
  const value = Number(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(value))
    return { error: `${param.name}: "${text}" is not a number` };
  if (integer && !Number.isInteger(value)) return { error: `${param.name}: "${text}" is not an integer` };
  if (param.min !== undefined && value < Number(param.min))
    return { error: `${param.name}: must be at least ${param.min}` };
  if (param.max !== undefined && value > Number(param.max))
    return { error: `${param.name}: must be at most ${param.max}` };
  return { given: true, value };
}

function parseRows(name: string, rows: AxisRow[]): Parsed {
  const args: unknown[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.device) args.push(row.device);
    if (!row.values.trim()) continue;
    const values = parseJson(`[${row.values}]`);
    if (!values) return { error: `${name} row ${index + 1}: "${row.values}" is not a list of values` };
    args.push(...(values.value as unknown[]));
  }
  return args.length ? { given: true, value: args } : { given: false };
}

/** Reads one field's value as its kind says, or says what is wrong with it. */
export function parseField(param: ParamDescription, kind: FieldKind, value: FieldValue | undefined): Parsed {
  if (kind.type === 'axes') return parseRows(param.name, Array.isArray(value) ? (value as AxisRow[]) : []);
  if (kind.type === 'choice' && kind.multiple) {
    const chosen = (Array.isArray(value) ? value : []) as string[];
    return chosen.length ? { given: true, value: chosen } : { given: false };
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return { given: false };
  const name = param.name;
  switch (kind.type) {
    case 'int':
    case 'float':
      return parseNumber(param, text, kind.type === 'int');
    case 'bool':
      return { given: true, value: text === 'True' };
    case 'str':
    case 'choice':
      return { given: true, value: text };
    case 'kwargs':
    case 'json': {
      const parsed = parseJson(text);
      const expect = kind.type === 'kwargs' ? 'object' : kind.expect;
      if (!parsed)
        return expect === 'any' ? { given: true, value: text } : { error: `${name}: not valid JSON` };
      const isObject =
        typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
      if (expect === 'object' && !isObject) return { error: `${name}: must be a JSON object` };
      if (expect === 'list' && !Array.isArray(parsed.value)) return { error: `${name}: must be a JSON list` };
      return { given: true, value: parsed.value };
    }
  }
}

/** A plan item for `/api/queue/item/add` (or `…/update`) as the form holds it. */
export interface PlanItem {
  item_type: 'plan';
  name: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

/**
 * The queue item the form's values make, or every message saying what to fix: positional
 * parameters go in `args` while none is left out, the rest by name in `kwargs`.
 */
export function buildItem(
  plan: PlanDescription,
  kinds: Record<string, FieldKind>,
  values: Record<string, FieldValue>,
): { item: PlanItem; errors: [] } | { errors: string[] } {
  const errors: string[] = [];
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  let missingPositional: string | undefined;
  for (const param of plan.parameters) {
    const parsed = parseField(
      param,
      kinds[param.name] ?? { type: 'json', expect: 'any' },
      values[param.name],
    );
    if ('error' in parsed) {
      errors.push(parsed.error);
      continue;
    }
    const kind = param.kind.value;
    if (!parsed.given) {
      if (isRequired(param)) errors.push(`${param.name}: required`);
      if (kind < VAR_POSITIONAL) missingPositional ??= param.name;
      continue;
    }
    if (kind === VAR_POSITIONAL) {
      if (missingPositional) errors.push(`${param.name}: needs ${missingPositional} before it`);
      args.push(...(parsed.value as unknown[]));
    } else if (kind === VAR_KEYWORD) Object.assign(kwargs, parsed.value);
    else if (kind < VAR_POSITIONAL && !missingPositional) args.push(parsed.value);
    else kwargs[param.name] = parsed.value;
  }
  if (errors.length) return { errors };
  const item: PlanItem = { item_type: 'plan', name: plan.name };
  if (args.length) item.args = args;
  if (Object.keys(kwargs).length) item.kwargs = kwargs;
  return { item, errors: [] };
}
