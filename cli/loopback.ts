import { compileCacheEnv } from '@ophyd-service/service-kit/compile-cache';

/**
 * Channel Access settings `ophyd-service up` gives its children, each unless the user's environment
 * sets that variable (even to nothing): the IOCs serve and beacon on loopback only, and the clients
 * search loopback only. `npm start` runs with writes on and no authentication, so nothing of it may
 * be reachable from the machine's network by default; the README says how to open it up.
 */
export const LOOPBACK_CA: Readonly<Record<string, string>> = {
  EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
  EPICS_CAS_BEACON_ADDR_LIST: '127.0.0.1',
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO',
  EPICS_CA_ADDR_LIST: '127.0.0.1',
  EPICS_CA_AUTO_ADDR_LIST: 'NO',
};

/** The environment of a supervised component: the user's, over the loopback defaults and the CLI's compile cache. */
export function componentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...LOOPBACK_CA, ...compileCacheEnv(env), ...env };
}
