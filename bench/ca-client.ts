/**
 * Our CaClient as a benchmark client, run as a child of bench/ca.ts so that its CPU time is its own.
 * Argv: <mode> <port> <count> [seconds|gets]. Modes (PVs are `bench:<i>`, i < count):
 *   monitor — connect and subscribe to every PV, wait 1 s (initial values), then count updates over
 *             `seconds`; reports updates, wall and CPU seconds of this process in that window
 *   monitor-go — the same, but after the 1 s prints `{"ready":true}` and starts its window only when
 *             a line arrives on stdin (so that several clients measure the same window)
 *   monitor-in-place — `monitor` with in-place subscriptions (MonitorOptions.inPlace: each update
 *             written into the subscription's one reading, as libca hands a callback its own buffer)
 *   connect — ms from creating the channels to all connected
 *   get     — `gets` sequential gets of bench:0 after a warm-up; latency percentiles in ms
 * Prints one JSON line.
 */
import { createInterface } from 'node:readline';
import { CaClient } from '../packages/epics-ca/src/index.ts';
import { clientEnv } from '../packages/epics-ca/test/loopback.ts';

const [mode, portArg, countArg, extraArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const names = Array.from({ length: count }, (_, i) => `bench:${i}`);
const client = new CaClient({ env: clientEnv(port), timeoutMs: 30_000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

let out: Record<string, unknown>;
if (mode === 'monitor' || mode === 'monitor-go' || mode === 'monitor-in-place') {
  const seconds = Number(extraArg);
  let updates = 0;
  const t0 = performance.now();
  await Promise.all(names.map((n) => client.info(n)));
  const connectMs = performance.now() - t0;
  const inPlace = mode === 'monitor-in-place';
  for (const n of names) client.monitor(n, () => updates++, { inPlace });
  await sleep(1000);
  if (mode === 'monitor-go') {
    const lines = createInterface({ input: process.stdin });
    const go = new Promise((resolve) => lines.once('line', resolve));
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    await go;
    lines.close();
  }
  const start = updates;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  const wall = (performance.now() - w0) / 1000;
  out = { updates: updates - start, wall_s: wall, cpu_s: cpu, connect_ms: connectMs };
} else if (mode === 'connect') {
  const t0 = performance.now();
  await Promise.all(names.map((n) => client.info(n)));
  out = { connect_ms: performance.now() - t0 };
} else if (mode === 'get') {
  const gets = Number(extraArg);
  await client.info(names[0]);
  for (let i = 0; i < 200; i++) await client.get(names[0]);
  const ms: number[] = [];
  for (let i = 0; i < gets; i++) {
    const t = performance.now();
    await client.get(names[0]);
    ms.push(performance.now() - t);
  }
  out = { latencies_ms: ms };
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
await client.close();
process.exit(0);
