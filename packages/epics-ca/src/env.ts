/**
 * The EPICS environment variables this library honours, read once into a typed object.
 * Names and defaults follow EPICS base so existing site settings keep working.
 */
export interface CaEnv {
  /** Client search destinations, `host[:port]` (EPICS_CA_ADDR_LIST). */
  addrList: string[];
  /** Add the interfaces' broadcast addresses to the search list (EPICS_CA_AUTO_ADDR_LIST). */
  autoAddrList: boolean;
  /** TCP name servers, `host[:port]` (EPICS_CA_NAME_SERVERS). */
  nameServers: string[];
  /** Default server port for searches and circuits (EPICS_CA_SERVER_PORT). */
  serverPort: number;
  /** Repeater (beacon) port (EPICS_CA_REPEATER_PORT). */
  repeaterPort: number;
  /** Seconds of silence before a circuit is probed and then dropped (EPICS_CA_CONN_TMO). */
  connTimeout: number;
  /**
   * Largest array payload accepted or sent (EPICS_CA_MAX_ARRAY_BYTES). A client fails the one get or
   * monitor whose reply is larger and keeps its circuit (client/size-limit.ts).
   */
  maxArrayBytes: number;
  /** Server: UDP/TCP port (EPICS_CAS_SERVER_PORT, falling back to EPICS_CA_SERVER_PORT). */
  casServerPort: number;
  /** Server: interfaces to listen on (EPICS_CAS_INTF_ADDR_LIST). */
  casIntfAddrList: string[];
  /** Server: beacon destinations (EPICS_CAS_BEACON_ADDR_LIST). */
  casBeaconAddrList: string[];
  /** Server: add broadcast addresses to the beacon list (EPICS_CAS_AUTO_BEACON_ADDR_LIST). */
  casAutoBeaconAddrList: boolean;
  /** Server: longest beacon period, seconds (EPICS_CAS_BEACON_PERIOD, or EPICS_CA_BEACON_PERIOD). */
  beaconPeriod: number;
}

export class CaEnvError extends Error {
  override name = 'CaEnvError';
}

const list = (value: string | undefined) => (value ?? '').split(/\s+/).filter(Boolean);

function yesNo(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (/^(yes|y|true|1)$/i.test(value)) return true;
  if (/^(no|n|false|0)$/i.test(value)) return false;
  throw new CaEnvError(`${name} must be YES or NO, got ${JSON.stringify(value)}`);
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new CaEnvError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function readCaEnv(env: NodeJS.ProcessEnv = process.env): CaEnv {
  const serverPort = number(env, 'EPICS_CA_SERVER_PORT', 5064, 1, 65535);
  const casServerPort = number(env, 'EPICS_CAS_SERVER_PORT', serverPort, 0, 65535);
  return {
    addrList: list(env.EPICS_CA_ADDR_LIST),
    autoAddrList: yesNo(env, 'EPICS_CA_AUTO_ADDR_LIST', true),
    nameServers: list(env.EPICS_CA_NAME_SERVERS),
    serverPort,
    repeaterPort: number(env, 'EPICS_CA_REPEATER_PORT', 5065, 1, 65535),
    connTimeout: number(env, 'EPICS_CA_CONN_TMO', 30, 0.1, 86400),
    maxArrayBytes: number(env, 'EPICS_CA_MAX_ARRAY_BYTES', 16384, 16384, 2 ** 31),
    casServerPort,
    casIntfAddrList: list(env.EPICS_CAS_INTF_ADDR_LIST),
    casBeaconAddrList: list(env.EPICS_CAS_BEACON_ADDR_LIST),
    casAutoBeaconAddrList: yesNo(env, 'EPICS_CAS_AUTO_BEACON_ADDR_LIST', true),
    beaconPeriod: number(
      env,
      'EPICS_CAS_BEACON_PERIOD',
      number(env, 'EPICS_CA_BEACON_PERIOD', 15, 0.1, 3600),
      0.1,
      3600,
    ),
  };
}

/** Splits `host[:port]`, defaulting the port. */
export function hostPort(entry: string, defaultPort: number): { host: string; port: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(entry.trim())!;
  const port = match[2] ? Number(match[2]) : defaultPort;
  if (!match[1] || port < 1 || port > 65535) throw new CaEnvError(`bad address ${JSON.stringify(entry)}`);
  return { host: match[1], port };
}
