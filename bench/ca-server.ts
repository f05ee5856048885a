/**
 * Benchmark CA server, run as a child of bench/ca.ts: serves N double PVs `bench:<i>` on 127.0.0.1
 * and posts them in one of two modes:
 *   flood   — post every PV, yield with setImmediate, repeat (as fast as the event loop allows)
 *   rate:HZ — post every PV HZ times a second
 *   idle    — never post (for the connect and get figures)
 * Argv: <mode> <count>. Prints `{"port": udpPort}` on stdout once serving; on a `stats` line on
 * stdin prints a JSON line of its own figures; exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { pv } from '../packages/epics-ca/src/index.ts';
import { startServer } from '../packages/epics-ca/test/loopback.ts';

const [mode = 'flood', countArg = '1000'] = process.argv.slice(2);
const count = Number(countArg);
const pvs = Array.from({ length: count }, (_, i) => pv.double(`bench:${i}`, 0));
const server = await startServer({ pvs });

let posts = 0;
let value = 0;
let timer: NodeJS.Timeout | undefined;
let running = true;
const postAll = () => {
  value++;
  for (const p of pvs) p.post(value);
  posts += pvs.length;
};
if (mode === 'flood') {
  const pass = () => {
    if (!running) return;
    postAll();
    setImmediate(pass);
  };
  setImmediate(pass);
} else if (mode.startsWith('rate:')) {
  timer = setInterval(postAll, 1000 / Number(mode.slice(5)));
} else if (mode !== 'idle') {
  throw new Error(`unknown mode ${mode}`);
}

// Circuits close when their client exits, taking their counters along: keep the last snapshot.
const seen = new Map<string, ReturnType<typeof server.stats>[number]>();
const snapshot = () => {
  for (const c of server.stats()) seen.set(c.peer, c);
};
setInterval(snapshot, 200).unref();

const cpu0 = process.cpuUsage();
const t0 = performance.now();
process.stdout.write(`${JSON.stringify({ port: server.udpPort })}\n`);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() !== 'stats') return;
    const cpu = process.cpuUsage(cpu0);
    snapshot();
    const stats = [...seen.values()];
    process.stdout.write(
      `${JSON.stringify({
        posts,
        wall_s: (performance.now() - t0) / 1000,
        cpu_s: (cpu.user + cpu.system) / 1e6,
        dropped: stats.reduce((a, s) => a + s.dropped, 0),
        queued: stats.reduce((a, s) => a + s.queuedUpdates, 0),
        circuits: stats.length,
      })}\n`,
    );
  })
  .on('close', async () => {
    running = false;
    if (timer) clearInterval(timer);
    await server.stop();
    process.exit(0);
  });
