/**
 * The service of bench/direct-control.ts, in its own process: direct control in standalone mode
 * (a registry file listing the bench IOC's PVs, written to a temp dir), its CA client pointed at
 * the IOC's UDP port (argv[2]), listening on 127.0.0.1. Prints `{"url", "idle_rss_mb"}` when serving
 * (after the heap settling the CLI does). Stdin lines:
 * `mark` starts a window, `stats` prints `{"cpu_s", "wall_s", "rss_mb", "coalesced"}` for it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import { settleHeap } from '../cli/settle-heap.ts';
import { createDirectControlService } from '../services/direct-control/src/app.ts';
import { readConfig } from '../services/direct-control/src/config.ts';
import { FileRegistry } from '../services/direct-control/src/registry/file-registry.ts';

const COUNT = Number(process.env.BENCH_PVS ?? 100);
const udpPort = process.argv[2];
const file = join(mkdtempSync(join(tmpdir(), 'dcbench-')), 'registry.json');
writeFileSync(
  file,
  JSON.stringify({ standalone_pvs: Array.from({ length: COUNT }, (_, i) => `dcbench:pv${i}`) }),
);
const client = new CaClient({
  env: readCaEnv({ EPICS_CA_ADDR_LIST: `127.0.0.1:${udpPort}`, EPICS_CA_AUTO_ADDR_LIST: 'NO' }),
  repeater: false,
});
const service = createDirectControlService({
  config: readConfig({
    DIRECT_CONTROL_REGISTRY_BACKEND: 'file',
    DIRECT_CONTROL_REGISTRY_FILE_PATH: file,
    DIRECT_CONTROL_WS_MAX_CONNECTIONS: '1000',
  }),
  client,
  registry: FileRegistry.load(file),
  logger: createLogger('direct_control', 'silent'),
});
const { url } = await service.listen(0, '127.0.0.1');
// What the CLI does once a service has started (cli/settle-heap.ts), so idle RSS is as `up` shows it.
settleHeap();
console.log(JSON.stringify({ url, idle_rss_mb: process.memoryUsage().rss / 2 ** 20 }));

let cpu = process.cpuUsage();
let wall = performance.now();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'mark') {
      cpu = process.cpuUsage();
      wall = performance.now();
    } else if (line === 'stats') {
      const used = process.cpuUsage(cpu);
      const connections = (
        service.sockets.gateway as unknown as { connections: Set<{ queue: { coalesced: number } }> }
      ).connections;
      let coalesced = 0;
      for (const c of connections) coalesced += c.queue.coalesced;
      console.log(
        JSON.stringify({
          cpu_s: (used.user + used.system) / 1e6,
          wall_s: (performance.now() - wall) / 1000,
          rss_mb: process.memoryUsage().rss / 2 ** 20,
          coalesced,
        }),
      );
    }
  })
  .on('close', async () => {
    await service.close();
    await client.close();
    process.exit(0);
  });
