/**
 * Consume mode (spec §11.1 step 4, §12): the configuration service's instantiation specs become
 * devices of the namespace, replacing same-named profile objects. A spec is built when the device
 * catalog (packages/devices, plus OPHYD_DEVICE_CATALOG) knows its `device_class`, as direct control
 * builds registry devices; one we cannot build is a console line, never a failed startup.
 */
import { buildDevice, type Catalog, findClass, loadCatalog } from '@ophyd-service/devices';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { fromEpics } from '@ophyd-service/run-engine';
import { addExports, type Namespace } from './namespace.ts';

/** pyepics's array limit when EPICS_CA_MAX_ARRAY_BYTES is unset, as direct control uses. */
const DEFAULT_MAX_ARRAY_BYTES = 16 * 1024 * 1024;

interface Spec {
  device_class?: unknown;
  args?: unknown;
  kwargs?: unknown;
  active?: unknown;
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

/** Builds the registry's devices into `ns`; returns the names added. */
export function overlayRegistryDevices(
  ns: Namespace,
  specs: Record<string, unknown>,
  options: OverlayOptions = {},
): string[] {
  const print = options.print ?? ((line: string) => console.log(line));
  const catalog = options.catalog ?? loadCatalog();
  let client: CaClient | undefined;
  const added: string[] = [];
  const replaced: string[] = [];
  for (const [name, value] of Object.entries(specs)) {
    const spec = (value ?? {}) as Spec;
    if (spec.active === false) continue;
    const built = buildRegistryDevice(catalog, name, spec, () => {
      client ??= (options.client ?? workerCaClient)();
      return client;
    });
    if (typeof built === 'string') {
      print(`Registry device '${name}' is not instantiated: ${built}`);
      continue;
    }
    if (Object.hasOwn(ns.values, name)) replaced.push(name);
    addExports(ns, { [name]: built });
    added.push(name);
  }
  if (added.length) {
    const note = replaced.length ? ` (replacing the profile's ${replaced.join(', ')})` : '';
    print(`Registry devices added to the environment: ${added.join(', ')}${note}`);
  }
  return added;
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
