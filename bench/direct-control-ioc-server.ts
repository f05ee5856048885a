/**
 * The IOC of bench/direct-control.ts, in its own process: a CA server with BENCH_PVS doubles
 * `dcbench:pv<i>` whose value is the wall-clock time of the post in milliseconds (performance
 * timeOrigin + now), so a client can tell the latency from post to receipt. Prints
 * `{"udp_port"}` when serving. Stdin lines: `rate <hz>` posts every PV at that rate, `rate max` as
 * fast as the event loop allows (all PVs per turn), `stats` prints `{"posts"}` since the last `stats`.
 */
import { createInterface } from 'node:readline';
import { CaServer, pv } from '@ophyd-service/epics-ca';

const COUNT = Number(process.env.BENCH_PVS ?? 100);
const now = () => performance.timeOrigin + performance.now();
const pvs = Array.from({ length: COUNT }, (_, i) => pv.double(`dcbench:pv${i}`, now()));
const server = new CaServer({ pvs, port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [] });
const { udpPort } = await server.start();
console.log(JSON.stringify({ udp_port: udpPort }));

let posts = 0;
let timer: NodeJS.Timeout | undefined;
let flooding = false;
const postAll = () => {
  for (const p of pvs) p.post(now());
  posts += pvs.length;
};
const flood = () => {
  if (!flooding) return;
  postAll();
  setImmediate(flood);
};

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === 'rate') {
      clearInterval(timer);
      flooding = false;
      if (arg === 'max') {
        flooding = true;
        setImmediate(flood);
      } else if (Number(arg) > 0) timer = setInterval(postAll, 1000 / Number(arg));
    } else if (command === 'stats') {
      console.log(JSON.stringify({ posts }));
      posts = 0;
    }
  })
  .on('close', async () => {
    clearInterval(timer);
    flooding = false;
    await server.stop();
    process.exit(0);
  });
