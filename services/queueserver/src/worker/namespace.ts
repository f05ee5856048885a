/**
 * The worker's namespace: what startup code (a startup directory, the built-in simulated profile,
 * uploaded scripts) defines, sorted into plans, devices, functions and the RunEngine `RE`, as the
 * reference collects them from its Python namespace (spec §11.1 step 5).
 */
import {
  BUILTIN_PLANS,
  describeDevices,
  describePlan,
  isFlyable,
  isMovable,
  isReadable,
  type PlanSpec,
  RunEngine,
} from '@ophyd-service/run-engine';

export type NamespaceFunction = (...args: unknown[]) => unknown;

export interface Namespace {
  /** Plans by the name clients submit them under. */
  plans: Record<string, PlanSpec>;
  devices: Record<string, unknown>;
  /** Callables for `function_execute` (plans are not among them). */
  functions: Record<string, NamespaceFunction>;
  RE: RunEngine | undefined;
  /** Every name startup code exported, as exported: what later scripts import (`queueserver:namespace`). */
  values: Record<string, unknown>;
}

/** A namespace with nothing in it. */
export function emptyNamespace(): Namespace {
  return { plans: {}, devices: {}, functions: {}, RE: undefined, values: {} };
}

/** Whether `value` is a plan description (a PlanSpec, e.g. from `definePlan` or BUILTIN_PLANS). */
export function isPlanSpec(value: unknown): value is PlanSpec {
  const spec = value as PlanSpec;
  return (
    typeof spec === 'object' &&
    spec !== null &&
    typeof spec.name === 'string' &&
    Array.isArray(spec.parameters) &&
    typeof spec.plan === 'function'
  );
}

/** Whether `value` is a device: anything the run engine can read, move or fly. */
export function isDevice(value: unknown): boolean {
  return isReadable(value) || isMovable(value) || isFlyable(value);
}

const isGeneratorFunction = (fn: NamespaceFunction): boolean =>
  fn.constructor?.name === 'GeneratorFunction' || fn.constructor?.name === 'AsyncGeneratorFunction';
const isClass = (fn: NamespaceFunction): boolean => /^class[\s{]/.test(Function.prototype.toString.call(fn));

/** The built-in plans by generator, so a re-exported `count` keeps its full description. */
const BUILTIN_BY_GENERATOR = new Map<unknown, PlanSpec>(
  Object.values(BUILTIN_PLANS).map((spec) => [spec.plan, spec]),
);

/**
 * A generator exported without a declaration: a plan taking `*args, **kwargs`, whose strings that
 * name devices become devices. bindPlan always passes the options object last; an empty one is
 * dropped so the generator's own defaults apply.
 */
function undeclaredPlan(name: string, generator: NamespaceFunction): PlanSpec {
  return {
    name,
    module: '__main__',
    description: '',
    is_generator: true,
    parameters: [
      { name: 'args', kind: 'VAR_POSITIONAL' },
      { name: 'kwargs', kind: 'VAR_KEYWORD' },
    ],
    plan: ((...call: unknown[]) => {
      const options = call.pop() as Record<string, unknown>;
      return Object.keys(options).length ? generator(...call, options) : generator(...call);
    }) as PlanSpec['plan'],
  };
}

/**
 * Sorts a module's exports into the namespace; a later definition of a name replaces an earlier
 * one, as in a Python namespace. `RE` is taken only when `updateRe` (script uploads keep theirs).
 */
export function addExports(ns: Namespace, exports: Record<string, unknown>, updateRe = true): void {
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'default') continue;
    if (name === 'RE' && !updateRe) continue;
    for (const kind of [ns.plans, ns.devices, ns.functions]) delete kind[name];
    ns.values[name] = value;
    if (name === 'RE') {
      ns.RE = value instanceof RunEngine ? value : undefined;
      if (ns.RE) continue;
    }
    if (isPlanSpec(value)) ns.plans[name] = value.name === name ? value : { ...value, name };
    else if (typeof value === 'function') {
      const fn = value as NamespaceFunction;
      const builtin = BUILTIN_BY_GENERATOR.get(fn);
      if (builtin) ns.plans[name] = builtin.name === name ? builtin : { ...builtin, name };
      else if (isGeneratorFunction(fn)) ns.plans[name] = undeclaredPlan(name, fn);
      else if (!isClass(fn)) ns.functions[name] = fn;
    } else if (isDevice(value)) ns.devices[name] = value;
  }
}

/** Removes a name from the namespace, whatever it held (as `del` in a Python namespace). */
export function removeExport(ns: Namespace, name: string): void {
  for (const kind of [ns.plans, ns.devices, ns.functions, ns.values]) delete kind[name];
}

/** The namespace's plans and devices in the formats of plans_existing and devices_existing (§9.2, §9.3). */
export function describeNamespace(ns: Namespace): {
  plans_existing: Record<string, unknown>;
  devices_existing: Record<string, unknown>;
} {
  return {
    plans_existing: Object.fromEntries(
      Object.entries(ns.plans).map(([name, spec]) => [name, describePlan(spec)]),
    ),
    devices_existing: describeDevices(ns.devices) as Record<string, unknown>,
  };
}

/** What `ready` and `lists` carry: the descriptions, whether there is an RE, the function names. */
export function namespaceLists(ns: Namespace) {
  return {
    ...describeNamespace(ns),
    re_present: ns.RE !== undefined,
    functions: Object.keys(ns.functions).sort(),
  };
}

/**
 * The device a (possibly dotted) name refers to: `sim_bundle_A.dets.det_A` walks the components
 * of `sim_bundle_A`, as attributes or through a `components` map. Undefined when there is none.
 */
export function findDevice(ns: Namespace, dottedName: string): unknown {
  const [root, ...path] = dottedName.split('.');
  let obj: unknown = Object.hasOwn(ns.devices, root) ? ns.devices[root] : undefined;
  for (const part of path) {
    if (typeof obj !== 'object' || obj === null) return undefined;
    const holder = obj as Record<string, unknown> & { components?: Record<string, unknown> };
    const next = Object.hasOwn(holder, part) || part in holder ? holder[part] : holder.components?.[part];
    const named = typeof (next as { name?: unknown } | null)?.name === 'string';
    obj = typeof next === 'object' && next !== null && (named || isDevice(next)) ? next : undefined;
  }
  return obj;
}
