/** Components from the PV maps, and address resolution over the class catalog (spec §1.4.37–1.4.39). */

import type { components as schemas } from '@ophyd-service/api-types/configuration';
import { resolvePath } from '@ophyd-service/devices';
import { derivePrefix, isSettable } from '../model.ts';
import type { ConfigurationState } from '../state.ts';

type Component = schemas['schemas']['NestedDeviceComponent'];
type Resolved = schemas['schemas']['PathResolveResultItem'];

/** A device (`cam1`) or one of its components (`cam1.stats.total`) by dotted path. */
export function component(state: ConfigurationState, path: string): Component {
  const [head, ...rest] = path.split('.');
  const metadata = state.device(head);
  if (rest.length === 0) {
    return {
      name: head,
      device_path: path,
      parent_device: head,
      component_type: metadata.ophyd_class,
      pv: null,
      is_readable: metadata.is_readable,
      is_settable: metadata.is_movable,
    };
  }
  const name = rest.join('.');
  // Own keys only: a component called `constructor` or `__proto__` is not inherited from Object.
  const pv = Object.hasOwn(metadata.pvs, name) ? metadata.pvs[name] : null;
  return {
    name,
    device_path: path,
    parent_device: head,
    component_type: 'Signal',
    pv,
    is_readable: true,
    is_settable: isSettable(name, pv),
  };
}

/** A device's components from its PV map, those at most `maxDepth` levels deep (0: all). */
export function components(state: ConfigurationState, deviceName: string, maxDepth: number): Component[] {
  const metadata = state.device(deviceName);
  return Object.entries(metadata.pvs)
    .filter(([name]) => maxDepth === 0 || name.split('.').length <= maxDepth)
    .map(([name, pv]) => ({
      name,
      device_path: `${metadata.name}.${name}`,
      parent_device: metadata.name,
      component_type: 'Signal',
      pv,
      is_readable: true,
      is_settable: isSettable(name, pv),
    }));
}

/** One result per address, in order; each is resolved or says why not (never a refusal of the whole). */
export function resolveAddresses(state: ConfigurationState, addresses: string[]): { resolved: Resolved[] } {
  return {
    resolved: addresses.map((address) => {
      const r = resolveAddress(state, address);
      return {
        address,
        outcome: r.outcome,
        pv_name: r.pv_name,
        message: r.message,
        ok: r.outcome === 'resolved',
      };
    }),
  };
}

function resolveAddress(state: ConfigurationState, address: string) {
  const [head, ...rest] = address.split('.');
  const metadata = state.registry.devices.get(head);
  if (!metadata)
    return {
      outcome: 'device_not_found' as const,
      pv_name: null,
      message: `no device named '${head}' in registry`,
    };
  const spec = state.registry.specs.get(head);
  if (!spec?.device_class) {
    return {
      outcome: 'import_failed' as const,
      pv_name: null,
      message: `device '${head}' has no instantiation spec (can't resolve class to walk)`,
    };
  }
  const prefix = derivePrefix(metadata, spec);
  if (prefix === null) {
    return {
      outcome: 'import_failed' as const,
      pv_name: null,
      message: `device '${head}' has no derivable prefix (checked pvs['prefix'], spec.args[0], longest common PV prefix)`,
    };
  }
  return resolvePath(state.catalog, spec.device_class, prefix, rest, state.allowlist);
}
