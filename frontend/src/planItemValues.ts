/**
 * The reverse of `buildItem`: a queued item's args and kwargs back into the plan form's fields, so
 * an item can be edited in the same form that made it.
 */
import type { AxisRow, FieldKind, FieldValue, PlanDescription } from './planForm.ts';

const VAR_POSITIONAL = 2;
const VAR_KEYWORD = 4;

/** How a value is typed into a field of this kind. */
export function formatValue(kind: FieldKind, value: unknown): FieldValue {
  switch (kind.type) {
    case 'int':
    case 'float':
    case 'str':
      return String(value);
    case 'bool':
      return value ? 'True' : 'False';
    case 'choice':
      return kind.multiple ? (Array.isArray(value) ? value.map(String) : [String(value)]) : String(value);
    case 'json':
      // A string that would not read back as JSON is typed as it is (the field takes it as text).
      if (kind.expect === 'any' && typeof value === 'string' && !isJson(value)) return value;
      return JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `*args` values as rows: each device the picker offers starts a row, the values after it follow. */
export function argsToRows(args: unknown[], devices: string[]): AxisRow[] {
  const rows: { device: string; values: unknown[] }[] = [];
  for (const arg of args) {
    if (typeof arg === 'string' && devices.includes(arg)) rows.push({ device: arg, values: [] });
    else if (rows.length) rows[rows.length - 1]?.values.push(arg);
    else rows.push({ device: '', values: [arg] });
  }
  return rows.map(({ device, values }) => ({
    device,
    values: values.map((v) => JSON.stringify(v)).join(', '),
  }));
}

/** The form's fields for a queued item of this plan (parameters bound as a Python call binds them). */
export function itemToValues(
  plan: PlanDescription,
  kinds: Record<string, FieldKind>,
  item: { args?: unknown[]; kwargs?: Record<string, unknown> },
): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  const args = [...(item.args ?? [])];
  const kwargs: Record<string, unknown> = { ...(item.kwargs ?? {}) };
  let extraKwargs: string | undefined;
  for (const param of plan.parameters) {
    const kind = kinds[param.name] ?? { type: 'json', expect: 'any' };
    if (param.kind.value < VAR_POSITIONAL && args.length) {
      values[param.name] = formatValue(kind, args.shift());
    } else if (param.kind.value === VAR_POSITIONAL) {
      values[param.name] = argsToRows(args.splice(0), kind.type === 'axes' ? kind.choices : []);
    } else if (param.kind.value === VAR_KEYWORD) {
      extraKwargs = param.name;
    } else if (param.name in kwargs) {
      values[param.name] = formatValue(kind, kwargs[param.name]);
      delete kwargs[param.name];
    }
  }
  if (extraKwargs && Object.keys(kwargs).length) values[extraKwargs] = JSON.stringify(kwargs);
  return values;
}
