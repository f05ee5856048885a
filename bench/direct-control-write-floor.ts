/**
 * The floor under direct control's fan-out: what one write per client per batch costs by itself.
 * BENCH_CLIENTS (default 100) loopback TCP connections to a reader process that only drains them;
 * at each rate this process writes every connection one batch of BENCH_PVS (default 10) shared
 * 300-byte buffers, corked into one writev, as the service writes its WebSocket clients (with
 * Nagle off, as ws sets it). No JSON, no WebSocket framing, no queues: the CPU left is Node's
 * stream write and the kernel's send (on loopback the sender also runs the receive path and wakes
 * the reader). Per rate: this process's CPU per client write and per 300-byte message, idle CPU
 * subtracted, over BENCH_SECONDS (default 10).
 */
import { fork } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const MESSAGES = Number(process.env.BENCH_PVS ?? 10);
const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 10));
const RATES = (process.env.BENCH_RATES ?? '1.64,10,100').split(',').map(Number);
const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => process.stderr.write(`[write-floor] ${message}\n`);

if (process.argv[2] === 'reader') {
  // The clients' side: connect, drain, say when all are up.
  const port = Number(process.argv[3]);
  let open = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const socket = connect(port, '127.0.0.1', () => {
      if (++open === CLIENTS) process.send?.('ready');
    });
    socket.on('data', () => {});
  }
  process.on('disconnect', () => process.exit(0));
} else {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const reader = fork(import.meta.filename, ['reader', String(port)], { env: process.env });
  await new Promise<void>((resolve) => reader.once('message', () => resolve()));
  while (sockets.length < CLIENTS) await sleep(10);
  log(`${CLIENTS} connections, ${MESSAGES} messages of 300 bytes per batch`);

  const messages = Array.from({ length: MESSAGES }, () => Buffer.alloc(300, 'x'));
  const cpuOver = async (ms: number) => {
    const before = process.cpuUsage();
    await sleep(ms);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000; // ms
  };
  await sleep(1000);
  const idleMsPerS = (await cpuOver(SECONDS * 1000)) / SECONDS;
  const figures: Record<string, number> = { clients: CLIENTS, idle_cpu_pct: round(idleMsPerS / 10) };
  for (const rate of RATES) {
    let batches = 0;
    const batch = () => {
      for (const socket of sockets) {
        socket.cork();
        for (const message of messages) socket.write(message);
        socket.uncork();
      }
      batches++;
    };
    const timer = setInterval(batch, 1000 / rate);
    await sleep(1000); // warm-up
    batches = 0;
    const started = performance.now();
    const cpuMs = await cpuOver(SECONDS * 1000);
    const wallS = (performance.now() - started) / 1000;
    clearInterval(timer);
    const writes = batches * CLIENTS;
    const usPerWrite = ((cpuMs - idleMsPerS * wallS) * 1000) / writes;
    figures[`rate${rate}_us_per_client_write`] = round(usPerWrite);
    figures[`rate${rate}_us_per_message`] = round(usPerWrite / MESSAGES);
    log(`${rate} batches/s: ${round(usPerWrite)} µs per client write`);
    await sleep(500);
  }
  reader.disconnect();
  server.close();
  for (const socket of sockets) socket.destroy();
  console.log(JSON.stringify({ bench: 'direct-control-write-floor', figures }, null, 2));
  process.exit(0);
}
