/**
 * Address → PV resolution and component walking over the class catalog, replacing the reference's
 * Python class import: `det1.channels.chan3` → prefix + `.S3`, `sample_x.user_setpoint` → `….VAL`.
 */
import type { Catalog, ComponentSpec, DeviceClassSpec } from './catalog-types.ts';

export type Outcome = 'resolved' | 'device_not_found' | 'import_failed' | 'no_such_attr' | 'needs_enrichment';

export interface Resolution {
  outcome: Outcome;
  pv_name: string | null;
  message: string | null;
  /** On success: whether the address names a signal (a PV leaf) rather than a sub-device's prefix. */
  leaf?: boolean;
}

const fail = (outcome: Outcome, message: string): Resolution => ({ outcome, pv_name: null, message });
const ok = (pv: string, leaf = true): Resolution => ({
  outcome: 'resolved',
  pv_name: pv,
  message: null,
  leaf,
});

/** Looks a class path up, with the reference's import-style messages on failure. */
export function findClass(
  catalog: Catalog,
  deviceClass: string,
  allowlist: readonly string[] = [],
): { spec: DeviceClassSpec } | { error: string } {
  if (allowlist.length > 0 && !allowlist.some((prefix) => deviceClass.startsWith(prefix))) {
    return {
      error: `ImportError: device_class '${deviceClass}' is not in the configured allowlist of importable module prefixes`,
    };
  }
  const dot = deviceClass.lastIndexOf('.');
  if (dot <= 0) return { error: `ImportError: device_class '${deviceClass}' has no module prefix` };
  const spec = catalog.byPath(deviceClass);
  if (!spec) {
    const module = deviceClass.slice(0, dot);
    const name = deviceClass.slice(dot + 1);
    return {
      error: `ImportError: cannot import name '${name}' from '${module}' (class not in the device catalog)`,
    };
  }
  return { spec };
}

/** True when a suffix holds a real `{…}` placeholder (`{{`/`}}` are escaped braces). */
export function hasPlaceholder(suffix: string): boolean {
  const stripped = suffix.replaceAll('{{', '').replaceAll('}}', '');
  return stripped.includes('{') || stripped.includes('}');
}

const unescapeBraces = (suffix: string) => suffix.replaceAll('{{', '{').replaceAll('}}', '}');

// Children maps are built once per class and per dynamic container: resolve runs them per address.
const childrenCache = new WeakMap<object, Map<string, ComponentSpec>>();

/** The generated children of a dynamic container, by name. */
function dynamicChildren(component: ComponentSpec): Map<string, ComponentSpec> {
  const cached = childrenCache.get(component);
  if (cached) return cached;
  const children = new Map<string, ComponentSpec>();
  childrenCache.set(component, children);
  const d = component.dynamic!;
  for (let n = d.from; n <= d.to; n++) {
    children.set(d.names.replace('{n}', String(n)), {
      suffix: d.suffix.replace('{n}', String(n)),
      class: d.class ?? 'EpicsSignal',
      kind: component.kind,
    });
  }
  return children;
}

const NO_CHILDREN = new Map<string, ComponentSpec>();

function childrenOf(spec: DeviceClassSpec | undefined): Map<string, ComponentSpec> {
  if (!spec) return NO_CHILDREN;
  let children = childrenCache.get(spec);
  if (!children) {
    children = new Map(Object.entries(spec.components ?? {}));
    childrenCache.set(spec, children);
  }
  return children;
}

/**
 * The PV prefix of a registry device (first hit wins): a component literally named `prefix`, a first
 * constructor argument that looks like a PV (`:`), else the longest common prefix of its PVs.
 */
export function derivePrefix(
  pvs: Record<string, string>,
  args: readonly unknown[] | undefined,
): string | null {
  if ('prefix' in pvs) return pvs.prefix;
  const first = args?.[0];
  if (typeof first === 'string' && first.includes(':')) return first;
  const values = Object.values(pvs);
  if (values.length === 0) return null;
  let common = values[0];
  for (const value of values.slice(1)) {
    let i = 0;
    while (i < common.length && i < value.length && common[i] === value[i]) i++;
    common = common.slice(0, i);
  }
  return common || null;
}

/**
 * Resolves `subPath` (the address after the device name, possibly empty) of a device of
 * `deviceClass` at `prefix`.
 */
export function resolvePath(
  catalog: Catalog,
  deviceClass: string,
  prefix: string,
  subPath: string[],
  allowlist: readonly string[] = [],
): Resolution {
  const found = findClass(catalog, deviceClass, allowlist);
  if ('error' in found) return fail('import_failed', found.error);
  const top = found.spec;
  if (top.framework === 'ophyd-async') return resolveAsync(catalog, top, prefix, subPath);
  if (subPath.length === 0) return ok(prefix, top.signal !== undefined);
  let children = childrenOf(top);
  let currentPrefix = prefix;
  let inContainer: string | undefined;
  let leaf = true;
  const walked: string[] = [];
  for (const [i, segment] of subPath.entries()) {
    const component = children.get(segment);
    const where = walked.length === 0 ? 'top-level class' : `'${walked.join('.')}'`;
    if (!component) {
      return fail(
        'no_such_attr',
        inContainer
          ? `no Component '${segment}' in dynamic component '${inContainer}'`
          : `no Component '${segment}' on ${where}`,
      );
    }
    walked.push(segment);
    const last = i === subPath.length - 1;
    if (component.dynamic) {
      if (last)
        return fail(
          'no_such_attr',
          `'${walked.join('.')}' is a container of generated components, not a signal`,
        );
      children = dynamicChildren(component);
      inContainer = segment;
      continue;
    }
    inContainer = undefined;
    if (component.suffix === undefined)
      return fail('no_such_attr', `Component '${walked.join('.')}' has no PV suffix`);
    if (component.formatted && hasPlaceholder(component.suffix)) {
      return fail(
        'needs_enrichment',
        `at '${walked.join('.')}': FmtCpt suffix has placeholders: '${component.suffix}'`,
      );
    }
    const suffix = component.formatted ? unescapeBraces(component.suffix) : component.suffix;
    currentPrefix = component.absolute ? suffix : currentPrefix + suffix;
    const child = catalog.byName(component.class ?? 'EpicsSignal');
    leaf = !child || child.signal !== undefined;
    children = childrenOf(child);
  }
  return ok(currentPrefix, leaf);
}

function resolveAsync(catalog: Catalog, top: DeviceClassSpec, prefix: string, subPath: string[]): Resolution {
  if (subPath.length === 0) {
    return fail(
      'no_such_attr',
      `'${top.name}' is an ophyd-async device: address a sub-attribute (a leaf signal), not the device`,
    );
  }
  let spec: DeviceClassSpec | undefined = top;
  let pv = prefix;
  const walked: string[] = [];
  for (const segment of subPath) {
    const where = walked.length === 0 ? top.name : walked.join('.');
    // Own properties only: a path segment such as `constructor` or `__proto__` is no component.
    const components = spec?.components;
    const component = components && Object.hasOwn(components, segment) ? components[segment] : undefined;
    if (!component || component.suffix === undefined)
      return fail('no_such_attr', `${segment} (at '${where}')`);
    walked.push(segment);
    pv = component.absolute ? component.suffix : pv + component.suffix;
    spec = catalog.byName(component.class ?? 'EpicsSignal');
  }
  if (spec && !spec.signal) {
    return fail(
      'no_such_attr',
      `'${walked.at(-1)}' is not a leaf signal (no .source attribute) (at '${walked.join('.')}')`,
    );
  }
  return ok(pv);
}

export class CatalogCycleError extends Error {
  override name = 'CatalogCycleError';
}

/**
 * Every leaf signal of a class under `prefix`, keyed by dotted component path. Formatted components
 * with placeholders and dynamic containers are left out (they need a live device to expand).
 */
export function walkLeaves(catalog: Catalog, spec: DeviceClassSpec, prefix: string): Record<string, string> {
  const leaves: Record<string, string> = {};
  const visit = (current: DeviceClassSpec, at: string, path: string[], stack: string[]) => {
    if (stack.includes(current.name))
      throw new CatalogCycleError(`class ${current.name} contains itself via ${stack.join(' → ')}`);
    for (const [name, component] of Object.entries(current.components ?? {})) {
      if (component.dynamic || component.suffix === undefined) continue;
      if (component.formatted && hasPlaceholder(component.suffix)) continue;
      const suffix = component.formatted ? unescapeBraces(component.suffix) : component.suffix;
      const pv = component.absolute ? suffix : at + suffix;
      const child = catalog.byName(component.class ?? 'EpicsSignal');
      if (!child || child.signal) leaves[[...path, name].join('.')] = pv;
      else visit(child, pv, [...path, name], [...stack, current.name]);
    }
  };
  visit(spec, prefix, [], []);
  return leaves;
}
