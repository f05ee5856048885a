/**
 * Consume mode (spec §11.1 step 4, §12): the configuration service's instantiation specs become
 * devices of the namespace, replacing same-named profile objects. A spec is built when the device
 * catalog (packages/devices, plus OPHYD_DEVICE_CATALOG) knows its `device_class`, as direct control
 * builds registry devices; one we cannot build is a console line, never a failed startup. Before
 * each plan the registry's later changes are applied the same way (`updateRegistryDevices`).
 */
import { buildDevice, type Catalog, findClass, loadCatalog } from '@ophyd-service/devices';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { fromEpics } from '@ophyd-service/run-engine';
import { addExports, type Namespace, removeExport } from './namespace.ts';
import type { RegistryUpdate } from './protocol.ts';

/** pyepics's array limit when EPICS_CA_MAX_ARRAY_BYTES is unset, as direct control uses. */
const DEFAULT_MAX_ARRAY_BYTES = 16 * 1024 * 1024;

export interface Spec {
  device_class?: unknown;
  args?: unknown;
  kwargs?: unknown;
  active?: unknown;
  framework?: unknown;
}

export interface OverlayOptions {
  catalog?: Catalog;
  /** The CA client the devices use; made on first need from the process's EPICS_CA_* settings. */
  client?: () => CaClient;
  /** Where the console lines go. */
  print?: (line: string) => void;
}

/** A CA client from the worker's environment (inherited from the manager). */
export function workerCaClient(): CaClient {
  // One environment's lifetime: a lost channel is searched for again at once, so beacons (and a
  // repeater per worker) would buy little.
  return new CaClient({
    env: readCaEnv({ EPICS_CA_MAX_ARRAY_BYTES: String(DEFAULT_MAX_ARRAY_BYTES), ...process.env }),
    repeater: false,
  });
}

/** The registry spec each device was built from: the registry's own word for it in a diff. */
const builtFrom = new WeakMap<object, Spec>();
/** The names each namespace holds from the registry (a full replace drops those not sent again). */
const fromRegistry = new WeakMap<Namespace, Set<string>>();
/** The CA client of the registry's devices, one per worker process. */
let processClient: CaClient | undefined;

/** The spec a device of the namespace was built from, when the registry gave it. */
export function registrySpecOf(device: unknown): Spec | undefined {
  return typeof device === 'object' && device !== null ? builtFrom.get(device) : undefined;
}

/** Builds the registry's devices into `ns`; returns the names added. */
export function overlayRegistryDevices(
  ns: Namespace,
  specs: Record<string, unknown>,
  options: OverlayOptions = {},
): string[] {
  const print = options.print ?? ((line: string) => console.log(line));
  const { built } = buildSpecs(specs, options, print);
  const replaced = [...built.keys()].filter((name) => Object.hasOwn(ns.values, name));
  addRegistryDevices(ns, built);
  if (built.size) {
    const note = replaced.length ? ` (replacing the profile's ${replaced.join(', ')})` : '';
    print(`Registry devices added to the environment: ${[...built.keys()].join(', ')}${note}`);
  }
  return [...built.keys()];
}

/**
 * Registry changes into a running namespace (spec §12, before each plan). Every spec is built before
 * anything changes; one we cannot build is a console line and its name keeps what it holds, as at
 * environment open. Then, on a full replace, the registry devices not sent again go; the built ones
 * replace same-named objects; a deleted or disabled device goes, a profile one too (the registry is
 * the authority on its devices). True when the namespace's devices changed.
 */
export function updateRegistryDevices(
  ns: Namespace,
  update: RegistryUpdate,
  options: OverlayOptions = {},
): boolean {
  const print = options.print ?? ((line: string) => console.log(line));
  const { built, inactive } = buildSpecs(update.upserts, options, print);
  const held = registryNames(ns);
  const dropped = update.replace ? [...held].filter((name) => !Object.hasOwn(update.upserts, name)) : [];
  const removed: string[] = [];
  for (const name of new Set([...dropped, ...update.deletes, ...inactive])) {
    held.delete(name);
    if (!Object.hasOwn(ns.devices, name)) continue;
    removeExport(ns, name);
    removed.push(name);
  }
  addRegistryDevices(ns, built);
  const parts = [];
  if (built.size) parts.push(`built ${[...built.keys()].join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  if (parts.length) print(`Registry changes applied to the environment: ${parts.join('; ')}`);
  return built.size > 0 || removed.length > 0;
}

function sharedClient(): CaClient {
  processClient ??= workerCaClient();
  return processClient;
}

function registryNames(ns: Namespace): Set<string> {
  const names = fromRegistry.get(ns) ?? new Set<string>();
  fromRegistry.set(ns, names);
  return names;
}

function addRegistryDevices(ns: Namespace, built: Map<string, unknown>): void {
  addExports(ns, Object.fromEntries(built));
  const held = registryNames(ns);
  for (const name of built.keys()) held.add(name);
}

/** The devices of the active specs we can build (the others printed), and the inactive names. */
function buildSpecs(
  specs: Record<string, unknown>,
  options: OverlayOptions,
  print: (line: string) => void,
): { built: Map<string, unknown>; inactive: string[] } {
  const catalog = options.catalog ?? loadCatalog();
  let made: CaClient | undefined;
  const client = () => {
    made ??= options.client ? options.client() : sharedClient();
    return made;
  };
  const built = new Map<string, unknown>();
  const inactive: string[] = [];
  for (const [name, value] of Object.entries(specs)) {
    const spec = (value ?? {}) as Spec;
    if (spec.active === false) {
      inactive.push(name);
      continue;
    }
    const device = buildRegistryDevice(catalog, name, spec, client);
    if (typeof device === 'string') print(`Registry device '${name}' is not instantiated: ${device}`);
    else {
      builtFrom.set(device as object, spec);
      built.set(name, device);
    }
  }
  return { built, inactive };
}

/** The device for one spec, or why there is none. */
function buildRegistryDevice(catalog: Catalog, name: string, spec: Spec, client: () => CaClient): unknown {
  if (typeof spec.device_class !== 'string') return 'its spec has no device_class';
  const found = findClass(catalog, spec.device_class);
  if ('error' in found) return found.error;
  const args = Array.isArray(spec.args) ? spec.args : [];
  const kwargs = (typeof spec.kwargs === 'object' && spec.kwargs !== null ? spec.kwargs : {}) as Record<
    string,
    unknown
  >;
  // ophyd's EPICS classes take the prefix (a signal: its PV) first, or by keyword.
  const prefix = [args[0], kwargs.prefix, kwargs.read_pv].find((v) => typeof v === 'string' && v) as
    | string
    | undefined;
  if (!prefix) return `${spec.device_class} needs a PV prefix (a first argument or a prefix keyword)`;
  const deviceName = typeof kwargs.name === 'string' && kwargs.name ? kwargs.name : name;
  try {
    return fromEpics(
      buildDevice(catalog, client(), { name: deviceName, deviceClass: spec.device_class, prefix }),
    );
  } catch (error) {
    return (error as Error).message;
  }
}
