/**
 * The CaServer that bench/fuzz-ca.ts fuzzes, run as its child (with an IPC channel) so that its RSS
 * and its CPU are its own. Argv: <seed>.
 *
 * Serves two canaries (`fuzz:canary`, `fuzz:canary-wf`) that only the fuzzer's good client names,
 * and the fuzzed PVs (every type, scalars and arrays, one larger than EPICS_CA_MAX_ARRAY_BYTES,
 * one read-only, one whose put handler refuses, one whose put completes after 20 ms), some of
 * which it posts every 10 ms. Messages to the parent:
 *   {type:'ready', tcpPort, udpPort, names, canary, canaryWf}   once serving
 *   {type:'warn', message}                                      whatever the server logs as a warning
 *   {type:'crash', message}                                     an uncaught exception or unhandled rejection
 *   {type:'check', circuits, subscribers, rssMb, heapMb, canary, canaryWf}   in answer to {type:'check'}
 *     (rssMb after a forced GC; subscribers: listeners per PV; canary values as the server holds them)
 * On {type:'stop'} it stops the server and exits.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DBR, ECA, ProcessVariable, PutError, pv } from '../packages/epics-ca/src/index.ts';
import { startServer } from '../packages/epics-ca/test/loopback.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const send = (message: Record<string, unknown>) => process.send?.(message);
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) =>
    send({ type: 'crash', message: `${event}: ${(err as Error)?.stack ?? err}` }),
  );
}

const CANARY = 271828.18284;
const CANARY_WF = Array.from({ length: 64 }, (_, i) => i * 1.5 - 7);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pvs: ProcessVariable[] = [
  pv.double('fuzz:canary', CANARY),
  pv.double('fuzz:canary-wf', CANARY_WF),
  pv.double('fuzz:d', 0, { units: 'mm', precision: 3, limits: { displayLow: -10, displayHigh: 10 } }),
  pv.float('fuzz:f', 1.5),
  pv.long('fuzz:l', 7),
  pv.short('fuzz:sh', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  pv.char('fuzz:c', Buffer.from('hello fuzz'), { count: 256 }),
  pv.string('fuzz:s', 'text'),
  pv.string('fuzz:sa', ['a', 'b', 'c'], { count: 8 }),
  pv.enum('fuzz:e', ['Off', 'On', 'Fault'], 0),
  pv.double('fuzz:wf', new Float64Array(2000), { count: 2000 }),
  pv.double('fuzz:big', new Float64Array(4000), { count: 4000 }), // over EPICS_CA_MAX_ARRAY_BYTES
  pv.double('fuzz:ro', 3, { writable: false }),
  new ProcessVariable('fuzz:refuses', {
    type: DBR.LONG,
    value: 0,
    onPut: () => {
      throw new PutError('refused', ECA.PUTFAIL);
    },
  }),
  new ProcessVariable('fuzz:slow', {
    type: DBR.DOUBLE,
    value: 0,
    onPut: async (values, p) => {
      await sleep(20);
      p.post(values);
    },
  }),
];
const byName = new Map(pvs.map((p) => [p.name, p]));
const server = await startServer({
  pvs,
  logger: { debug() {}, info() {}, warn: (message) => send({ type: 'warn', message }) },
});

// Posts keep monitor traffic flowing to the fuzz connections, readers and non-readers alike.
let a = Number(process.argv[2] ?? 1) >>> 0;
const next = () => {
  a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
  return a / 2 ** 32;
};
const poster = setInterval(() => {
  const v = next() * 100;
  byName.get('fuzz:d')!.post(v);
  byName.get('fuzz:wf')!.post(Float64Array.from({ length: 2000 }, (_, i) => v + i));
  byName.get('fuzz:e')!.post(Math.floor(next() * 3));
  byName.get('fuzz:s')!.post(`s${v.toFixed(2)}`);
  byName.get('fuzz:sh')!.alarm(Math.floor(next() * 3), Math.floor(next() * 3));
}, 10);

process.on('message', async (message: { type: string }) => {
  if (message.type === 'check') {
    gc();
    gc();
    const memory = process.memoryUsage();
    send({
      type: 'check',
      circuits: server.stats(),
      subscribers: Object.fromEntries(pvs.map((p) => [p.name, p.subscriberCount])),
      rssMb: memory.rss / 2 ** 20,
      heapMb: memory.heapUsed / 2 ** 20,
      canary: byName.get('fuzz:canary')!.state.values[0],
      canaryWf: Array.from(byName.get('fuzz:canary-wf')!.state.values as Float64Array),
    });
  } else if (message.type === 'stop') {
    clearInterval(poster);
    await server.stop();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
send({
  type: 'ready',
  tcpPort: server.tcpPort,
  udpPort: server.udpPort,
  names: pvs.map((p) => p.name),
  canary: CANARY,
  canaryWf: CANARY_WF,
});
