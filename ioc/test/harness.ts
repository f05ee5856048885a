/** IOCs on a manual clock behind a loopback CA server, and a client for them. */
import { CaClient } from '@ophyd-service/epics-ca';
import { clientEnv, serverEnv } from '../../packages/epics-ca/test/loopback.ts';
import { type IocRequest, ManualClock, serveIocs } from '../src/index.ts';

export async function simulate(requests: IocRequest[], seed = 1234) {
  const clock = new ManualClock();
  const running = await serveIocs(requests, {
    clock,
    seed,
    server: {
      port: 0,
      interfaces: ['127.0.0.1'],
      beaconAddresses: [],
      env: serverEnv({ EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
    },
  });
  const client = new CaClient({
    env: clientEnv(running.server.udpPort, { EPICS_CA_MAX_ARRAY_BYTES: '10000000' }),
    timeoutMs: 60_000,
    repeater: false,
  });
  const value = async (name: string) => (await client.get(name)).value as number;
  return {
    clock,
    client,
    server: running.server,
    value,
    async close() {
      await client.close();
      await running.stop();
    },
  };
}
