/**
 * Whether a live child still holds what the operator applied, as a pure function. The fields
 * compared are the ones server-side apply gives our field manager: every field of the desired
 * object, and nothing else. So a field the API server defaults (a probe's timeoutSeconds, a port's
 * protocol, a strategy's rollingUpdate), or that someone else set (an env var of their own, an
 * annotation), never counts; a field of ours that was edited or removed does, and is put back by
 * the next apply.
 *
 * Lists follow their server-side apply semantics: associative lists (containers by name, env by
 * name, Service ports by port and protocol...) are matched item by item on their keys, and items
 * we did not apply are someone else's; every other list is atomic, owned whole, so its length and
 * each item count. Resource quantities compare by value ("1000m" is "1").
 */

/** Keys of the associative lists among our fields, by schema path (`[]` stands for any item). */
const LIST_MAP_KEYS: Record<string, string[]> = {
  'metadata.ownerReferences': ['uid'],
  'spec.ports': ['port', 'protocol'],
  'spec.template.spec.containers': ['name'],
  'spec.template.spec.initContainers': ['name'],
  'spec.template.spec.volumes': ['name'],
  'spec.template.spec.imagePullSecrets': ['name'],
  'spec.template.spec.containers[].env': ['name'],
  'spec.template.spec.containers[].ports': ['containerPort', 'protocol'],
  'spec.template.spec.containers[].volumeMounts': ['mountPath'],
};

/** What the API server puts in a list key we leave out: ports are TCP unless said otherwise. */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

export type ApplyReason =
  /** The child does not exist yet. */
  | 'absent'
  /** What we want changed since the last apply (the applied-hash annotation differs). */
  | 'changed'
  /** Someone edited or removed fields of ours by hand. */
  | 'edited';

/**
 * Why a child must be applied, or null when the live object already holds every field of the body
 * we would apply. `appliedAnnotation` names the annotation carrying the desired content's hash: a
 * difference there is a change of ours rather than an edit.
 */
export function applyNeeded(
  body: unknown,
  live: unknown,
  appliedAnnotation: string,
): { reason: ApplyReason; fields: string[] } | null {
  if (live === undefined || live === null) return { reason: 'absent', fields: [] };
  const fields = driftedFields(body, live);
  if (fields.length === 0) return null;
  const hashPath = `metadata.annotations.${appliedAnnotation}`;
  return { reason: fields.includes(hashPath) ? 'changed' : 'edited', fields };
}

/** Paths of the desired fields the live object does not hold (empty when it holds them all). */
export function driftedFields(desired: unknown, live: unknown): string[] {
  const out: string[] = [];
  compare(desired, live, [], [], out);
  return out;
}

function compare(desired: unknown, live: unknown, path: string[], schema: string[], out: string[]): void {
  if (desired === undefined) return; // not a field we set
  const where = path.join('.');
  if (isQuantity(schema)) {
    if (!sameQuantity(desired, live)) out.push(where);
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      out.push(where);
      return;
    }
    const keys = LIST_MAP_KEYS[schema.join('.')];
    const itemSchema = [...schema.slice(0, -1), `${schema.at(-1)}[]`];
    if (keys) {
      for (const item of desired) {
        const key = keyOf(item, keys);
        const match = live.find((candidate) => keyOf(candidate, keys) === key);
        const itemPath = [...path.slice(0, -1), `${path.at(-1)}[${key}]`];
        if (match === undefined) out.push(itemPath.join('.'));
        else compare(item, match, itemPath, itemSchema, out);
      }
      return;
    }
    if (live.length !== desired.length) {
      out.push(where);
      return;
    }
    desired.forEach((item, i) => {
      compare(item, live[i], [...path.slice(0, -1), `${path.at(-1)}[${i}]`], itemSchema, out);
    });
    return;
  }
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push(where);
      return;
    }
    for (const [field, value] of Object.entries(desired))
      compare(value, live[field], [...path, field], [...schema, field], out);
    return;
  }
  if (desired !== live) out.push(where);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const keyOf = (item: unknown, keys: string[]) =>
  keys
    .map((k) => {
      const value = isObject(item) ? (item[k] ?? KEY_DEFAULTS[k]) : undefined;
      return `${k}=${value}`;
    })
    .join(',');

/** A value under `resources.requests` or `resources.limits` (a container's, or a PVC's). */
const isQuantity = (schema: string[]) =>
  schema.length >= 3 && schema.at(-3) === 'resources' && ['requests', 'limits'].includes(schema.at(-2)!);

function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return a === b;
  return x.numerator * y.denominator === y.numerator * x.denominator;
}

const SUFFIXES: Record<string, [bigint, bigint]> = {
  n: [1n, 10n ** 9n],
  u: [1n, 10n ** 6n],
  m: [1n, 1000n],
  '': [1n, 1n],
  k: [10n ** 3n, 1n],
  M: [10n ** 6n, 1n],
  G: [10n ** 9n, 1n],
  T: [10n ** 12n, 1n],
  P: [10n ** 15n, 1n],
  E: [10n ** 18n, 1n],
  Ki: [2n ** 10n, 1n],
  Mi: [2n ** 20n, 1n],
  Gi: [2n ** 30n, 1n],
  Ti: [2n ** 40n, 1n],
  Pi: [2n ** 50n, 1n],
  Ei: [2n ** 60n, 1n],
};

/** A Kubernetes quantity ("1.5Gi", "500m", "1e3", or a number) as an exact fraction. */
export function parseQuantity(value: unknown): { numerator: bigint; denominator: bigint } | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const [, sign, whole, fraction = '', exponent, suffix = ''] = m;
  let numerator = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (exponent) {
    const e = Number(exponent.slice(1));
    if (e >= 0) numerator *= 10n ** BigInt(e);
    else denominator *= 10n ** BigInt(-e);
  } else {
    const [times, per] = SUFFIXES[suffix];
    numerator *= times;
    denominator *= per;
  }
  return { numerator, denominator };
}
