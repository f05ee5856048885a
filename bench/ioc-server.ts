/**
 * The IOC of bench/ioc.ts, run as its own process: a CaServer on 127.0.0.1 serving N double PVs
 * `ioc:<i>`, with a timer (absolute schedule, 100 Hz unless told) that posts every PV each tick
 * (`pv.post` stamps the current time, which the client turns into a latency). Argv: <count> [hz].
 * Prints `{"port": udpPort}` once serving.
 * Stdin lines: `mark` starts the measurement window (CPU and tick counters), `stats` prints
 * `{"cpu_s", "wall_s", "ticks", "posts"}` for the window; exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { pv } from '../packages/epics-ca/src/index.ts';
import { startServer } from '../packages/epics-ca/test/loopback.ts';

const count = Number(process.argv[2] ?? '100');
const periodMs = 1000 / Number(process.argv[3] ?? '100');
const pvs = Array.from({ length: count }, (_, i) => pv.double(`ioc:${i}`, 0));
const server = await startServer({ pvs });

let ticks = 0;
let value = 0;
// Each tick is scheduled against an absolute deadline: setInterval(period) re-arms from when its callback
// ran and drifts to ~98 Hz, which would read as lag. When behind, carry on at the period (no burst).
let next = performance.now();
let timer: NodeJS.Timeout;
const tick = () => {
  value++;
  for (const p of pvs) p.post(value);
  ticks++;
  next += periodMs;
  const now = performance.now();
  if (next < now) next = now;
  timer = setTimeout(tick, next - now);
};
timer = setTimeout(tick, 0);

let cpu0 = process.cpuUsage();
let t0 = performance.now();
let ticks0 = 0;
let dropped0 = 0;
const droppedNow = () => server.stats().reduce((a, s) => a + s.dropped, 0);
process.stdout.write(`${JSON.stringify({ port: server.udpPort })}\n`);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = line.trim();
    if (command === 'mark') {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      ticks0 = ticks;
      dropped0 = droppedNow();
    } else if (command === 'stats') {
      const cpu = process.cpuUsage(cpu0);
      const stats = server.stats();
      process.stdout.write(
        `${JSON.stringify({
          cpu_s: (cpu.user + cpu.system) / 1e6,
          wall_s: (performance.now() - t0) / 1000,
          ticks: ticks - ticks0,
          posts: (ticks - ticks0) * count,
          dropped: droppedNow() - dropped0,
          queued: stats.reduce((a, s) => a + s.queuedUpdates, 0),
        })}\n`,
      );
    }
  })
  .on('close', async () => {
    clearTimeout(timer);
    await server.stop();
    process.exit(0);
  });
