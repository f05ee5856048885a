/**
 * The client of bench/ioc.ts, run as its own process: our CaClient subscribes (DBR_TIME) to
 * `ioc:<i>` for i < count on the server at <port>, waits 1 s, prints `{"ready": true}`, and on a
 * line on stdin counts updates for <seconds>. Latency of an update = receive time − its EPICS
 * timestamp (same host, same clock; receive time to the µs), kept in a 10 µs histogram so that millions of samples are cheap.
 * Argv: <port> <count> <seconds>. Prints one JSON line: updates, wall_s, updates_per_s, p50_ms,
 * p99_ms, max_ms, cpu_s (this process, over the window), connect_ms.
 */
import { createInterface } from 'node:readline';
import { CaClient } from '../packages/epics-ca/src/index.ts';
import { clientEnv } from '../packages/epics-ca/test/loopback.ts';

const [portArg, countArg, secondsArg = '5'] = process.argv.slice(2);
const count = Number(countArg);
const seconds = Number(secondsArg);
const names = Array.from({ length: count }, (_, i) => `ioc:${i}`);
const client = new CaClient({ env: clientEnv(Number(portArg)), timeoutMs: 60_000, repeater: false });

const BIN_MS = 0.01;
const BINS = 1_000_000; // 10 s; later is counted in the last bin
const histogram = new Uint32Array(BINS);
let counting = false;
let updates = 0;
let negative = 0;
const onUpdate = (reading: { timestamp?: number }) => {
  if (!counting) return;
  updates++;
  const ms = performance.timeOrigin + performance.now() - (reading.timestamp ?? 0) * 1000;
  if (ms < 0) negative++;
  histogram[Math.min(BINS - 1, Math.max(0, Math.floor(ms / BIN_MS)))]++;
};
const percentile = (q: number) => {
  if (!updates) return Number.NaN;
  const rank = Math.ceil(q * updates);
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += histogram[i];
    if (seen >= rank) return (i + 1) * BIN_MS;
  }
  return BINS * BIN_MS;
};

const t0 = performance.now();
await Promise.all(names.map((n) => client.info(n)));
const connectMs = performance.now() - t0;
for (const n of names) client.monitor(n, onUpdate, { type: 'time' });
await new Promise((resolve) => setTimeout(resolve, 1000));

const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once('line', resolve));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
await go;
lines.close();

const cpu0 = process.cpuUsage();
const w0 = performance.now();
counting = true;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
counting = false;
const wall = (performance.now() - w0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    updates,
    wall_s: wall,
    updates_per_s: updates / wall,
    p50_ms: percentile(0.5),
    p99_ms: percentile(0.99),
    max_ms: percentile(1),
    negative_latencies: negative,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    connect_ms: connectMs,
  })}\n`,
);
process.exit(0); // skip closing thousands of channels: not part of any figure
