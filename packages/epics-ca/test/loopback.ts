/** A server and clients wired together over loopback on free ports, for the tests and benchmarks. */
import { createSocket } from 'node:dgram';
import { CaClient, type CaClientOptions } from '../src/client/client.ts';
import { readCaEnv } from '../src/env.ts';
import { CaServer, type CaServerOptions } from '../src/server/server.ts';

export const serverEnv = (extra: Record<string, string> = {}) =>
  readCaEnv({ EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO', ...extra });

export function clientEnv(port: number, extra: Record<string, string> = {}) {
  return readCaEnv({
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_SERVER_PORT: String(port),
    ...extra,
  });
}

export async function startServer(options: CaServerOptions = {}): Promise<CaServer> {
  const server = new CaServer({
    port: 0,
    interfaces: ['127.0.0.1'],
    beaconAddresses: [],
    env: serverEnv(),
    ...options,
  });
  await server.start();
  return server;
}

export const clientFor = (
  server: CaServer,
  options: CaClientOptions = {},
  extra: Record<string, string> = {},
) => new CaClient({ env: clientEnv(server.udpPort, extra), timeoutMs: 60_000, repeater: false, ...options });

/** A UDP port that is free right now (for a repeater). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}
