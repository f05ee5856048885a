/**
 * Channel Access fuzz, time-bounded (FUZZ_SECONDS, default 60; FUZZ_SEED to replay a run).
 *
 * (a) Decoders, about 30 % of the time: fast-check properties in the spirit of
 *     packages/epics-ca/test/fuzz.test.ts with far more runs, each interrupted at its share of time:
 *       - random byte chunks through FrameReader, decodeRequest, decodeResponse and splitDatagram;
 *       - streams of header-shaped frames (plain and extended headers, any command, type, count and
 *         parameters, declared sizes off by a little or a lot) cut at random points, also decoding
 *         each frame's payload with decodeDbr as a client or server would;
 *       - decodeDbr of any type, count and payload;
 *       - decodeDbr of valid encodeDbr output, mutated; unmutated it must round-trip.
 *     Only ProtocolError and DbrError may be thrown; frames never exceed the limit.
 * (b) A live CaServer on loopback (bench/fuzz-ca-server.ts, in a child process so that its RSS is its
 *     own; it reports its warnings and any crash over IPC), the rest of the time: FUZZ_CONNECTIONS (default 12)
 *     workers each open TCP connection after connection and send random bytes, or request streams
 *     (VERSION, HOST/CLIENT_NAME, CREATE_CHAN, READ_NOTIFY, WRITE, WRITE_NOTIFY, EVENT_ADD,
 *     EVENT_CANCEL, CLEAR_CHANNEL, EVENTS_OFF/ON, SEARCH, ECHO, unknown commands; random types, counts,
 *     ids, masks and payloads), sent as is or mutated (bytes changed, inserted, deleted, duplicated,
 *     header fields set to extremes, truncated), in random pieces; some read the replies, some never
 *     read; they close gracefully or abruptly. A few random and mutated SEARCH datagrams go to UDP.
 *     Meanwhile one good CaClient keeps getting two canary PVs (a double and a 64-element waveform)
 *     that nobody else names, and monitors them, while the fuzzed PVs are posted every 10 ms.
 *     Checks, during the run: every get of a canary returns its value; the canary monitors see no
 *     update after the first; every byte the server sends decodes as responses (and DBR payloads
 *     of successful reads and monitor updates decode to as many values as the header counts); a
 *     well-formed request stream that reads its replies gets its trailing ECHO answered; the
 *     server closes a circuit only for an oversized frame (any other reason it logs is a failure);
 *     no uncaught exception or unhandled rejection in either process.
 *     At the end: the canaries are intact (good client and a fresh one), the server answers a fresh
 *     client's put and get, only the good client's circuit remains, no fuzzed PV keeps a
 *     subscriber, and the server's RSS (after a forced GC) grew by less than FUZZ_RSS_GROWTH_MB
 *     (default 100; it settles some 60 MB above the start as the allocator keeps its high-water
 *     mark, while the JS heap stays flat).
 * Failures of one kind (same message, numbers aside) are printed in full once and then counted;
 * `failures` in the JSON counts them all.
 *
 * Progress goes to stderr; the last line of stdout is the JSON result. On any failure the failing
 * input is printed in hex on stderr (for live failures, the connection's whole input, else the
 * last few connections' inputs) and the exit code is 1.
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  CaClient,
  DBR,
  DbrError,
  decodeDbr,
  encodeDbr,
  nativeType,
  toNative,
} from '../packages/epics-ca/src/index.ts';
import {
  CMD,
  decodeRequest,
  decodeResponse,
  encode,
  frame,
  ProtocolError,
} from '../packages/epics-ca/src/messages.ts';
import { ECA } from '../packages/epics-ca/src/status.ts';
import { type Frame, FrameReader, splitDatagram } from '../packages/epics-ca/src/stream.ts';
import { clientEnv } from '../packages/epics-ca/test/loopback.ts';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const WORKERS = Number(process.env.FUZZ_CONNECTIONS ?? 12);
const RSS_GROWTH_MB = Number(process.env.FUZZ_RSS_GROWTH_MB ?? 100);
const MAX_PAYLOAD = 16384 + 1024; // what the server's FrameReader allows with the default EPICS_CA_MAX_ARRAY_BYTES

const log = (message: string) => process.stderr.write(`[fuzz ca] ${message}\n`);
const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 2));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));
const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const expected = (err: unknown) => err instanceof ProtocolError || err instanceof DbrError;

interface Failure {
  what: string;
  /** Failures with the same signature are one finding: only the first is printed in full. */
  signature?: string;
  /** Inputs that provoke it, labelled, printed in hex. */
  inputs: { label: string; bytes: Uint8Array }[];
  detail?: string;
}
const failures: Failure[] = [];
const fail = (failure: Failure) => {
  const key = failure.signature ?? failure.what;
  if (!failures.some((f) => (f.signature ?? f.what) === key)) log(`FAILURE: ${failure.what}`);
  failures.push(failure);
};

log(`seed ${SEED}, ${SECONDS} s (replay with FUZZ_SEED=${SEED})`);
const started = performance.now();

// ---------------------------------------------------------------- (a) decoders

/** JSON with every byte array as hex, for printing fast-check counterexamples. */
const hexJson = (value: unknown) =>
  JSON.stringify(value, (_, v) =>
    v instanceof Uint8Array
      ? `hex:${hex(v)}`
      : v?.type === 'Buffer' && Array.isArray(v.data)
        ? `hex:${Buffer.from(v.data).toString('hex')}`
        : v,
  );

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const anyCount = fc.oneof(
  fc.constantFrom(0, 1, 2, 0xfffe, 0xffff, 0x10000, 0xffffffff),
  fc.nat({ max: 100 }),
  fc.nat({ max: 100_000 }),
  u32,
);

/** A frame-shaped byte string: a header (plain or extended) and a payload, sizes right or not. */
const frameArb = fc
  .record({
    command: fc.oneof(fc.integer({ min: 0, max: 30 }), u16),
    dataType: fc.oneof(fc.integer({ min: 0, max: 40 }), u16),
    dataCount: anyCount,
    param1: u32,
    param2: u32,
    payload: fc.uint8Array({ maxLength: 800 }),
    extended: fc.boolean(),
    sizeError: fc.oneof(
      { weight: 6, arbitrary: fc.constant(0) },
      { weight: 3, arbitrary: fc.integer({ min: -24, max: 24 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(0xfffe, 0xffff, 0x10000, MAX_PAYLOAD, MAX_PAYLOAD + 1, 0xffffffff),
      },
    ),
  })
  .map((f) => {
    const size = Math.max(0, Math.min(0xffffffff, f.payload.length + f.sizeError));
    const extended = f.extended || size >= 0xffff || f.dataCount >= 0xffff;
    const head = Buffer.alloc(extended ? 24 : 16);
    head.writeUInt16BE(f.command, 0);
    head.writeUInt16BE(extended ? 0xffff : size, 2);
    head.writeUInt16BE(f.dataType, 4);
    head.writeUInt16BE(extended ? 0 : f.dataCount, 6);
    head.writeUInt32BE(f.param1, 8);
    head.writeUInt32BE(f.param2, 12);
    if (extended) {
      head.writeUInt32BE(size, 16);
      head.writeUInt32BE(f.dataCount, 20);
    }
    return Buffer.concat([head, f.payload]);
  });

/** Cuts `bytes` at the given fractions (a TCP stream arriving in pieces). */
const cut = (bytes: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) pieces.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return pieces;
};

/** Every frame of `chunks` through both decoders (and decodeDbr where the command carries a DBR). */
function decodeStream(chunks: Buffer[], withDbr: boolean): void {
  const reader = new FrameReader(MAX_PAYLOAD);
  try {
    let biggest = 0;
    for (const chunk of chunks) {
      biggest = Math.max(biggest, chunk.length);
      for (const f of reader.push(chunk)) {
        if (f.payload.length !== f.header.payloadSize || f.payload.length > MAX_PAYLOAD)
          throw new Error(`frame payload ${f.payload.length} bytes, header says ${f.header.payloadSize}`);
        decodeRequest(f.header, f.payload);
        decodeResponse(f.header, f.payload);
        const c = f.header.command;
        if (
          withDbr &&
          (c === CMD.EVENT_ADD || c === CMD.READ_NOTIFY || c === CMD.WRITE_NOTIFY || c === CMD.WRITE)
        ) {
          try {
            const data = decodeDbr(f.header.dataType, f.payload, f.header.dataCount);
            if (data.values.length > f.header.dataCount) throw new Error('more values than the count');
          } catch (err) {
            if (!expected(err)) throw err;
          }
        }
      }
    }
    if (reader.pending > MAX_PAYLOAD + 24 + biggest) throw new Error(`reader holds ${reader.pending} bytes`);
  } catch (err) {
    if (!expected(err)) throw err;
  }
  try {
    splitDatagram(Buffer.concat(chunks));
  } catch (err) {
    if (!expected(err)) throw err;
  }
}

const valuesFor = (native: number) =>
  native === DBR.STRING
    ? fc.array(fc.string({ unit: 'binary', maxLength: 50 }), { maxLength: 12 })
    : fc.array(fc.oneof(fc.double(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 40 });

const mutation = fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  truncate: fc.option(fc.nat(), { nil: undefined }),
  extra: fc.uint8Array({ maxLength: 16 }),
  countDelta: fc.oneof(
    fc.constant(0),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(1000, 0xffff, 0xffffffff),
  ),
});

const properties: { name: string; property: fc.IPropertyWithHooks<never> }[] = [
  {
    name: 'random chunks → FrameReader, decodeRequest/Response, splitDatagram',
    property: fc.property(fc.array(fc.uint8Array({ maxLength: 1200 }), { maxLength: 10 }), (chunks) =>
      decodeStream(
        chunks.map((c) => Buffer.from(c)),
        false,
      ),
    ) as never,
  },
  {
    name: 'header-shaped frame streams cut anywhere → decoders and decodeDbr',
    property: fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 8 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      fc.uint8Array({ maxLength: 40 }),
      (frames, cuts, tail) => decodeStream(cut(Buffer.concat([...frames, tail]), cuts), true),
    ) as never,
  },
  {
    name: 'decodeDbr of any type, count and payload',
    property: fc.property(
      fc.integer({ min: -2, max: 70 }),
      anyCount,
      fc.uint8Array({ maxLength: 2500 }),
      (type, count, bytes) => {
        try {
          const data = decodeDbr(type, Buffer.from(bytes), count);
          if (data.values.length > count) throw new Error(`${data.values.length} values for count ${count}`);
        } catch (err) {
          if (!expected(err)) throw err;
        }
      },
    ) as never,
  },
  {
    name: 'decodeDbr of mutated encodeDbr output (round trip when unmutated)',
    property: fc.property(
      fc
        .integer({ min: 0, max: DBR.CLASS_NAME })
        .chain((type) => fc.tuple(fc.constant(type), valuesFor(nativeType(type)))),
      fc.record({
        status: fc.integer({ min: -32768, max: 32767 }),
        severity: fc.integer({ min: -32768, max: 32767 }),
        precision: fc.integer({ min: -32768, max: 32767 }),
        units: fc.string({ maxLength: 10 }),
        enumStrings: fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }),
        stamp: fc.record({ secondsPastEpoch: u32, nanoseconds: u32 }),
      }),
      fc.option(mutation, { nil: undefined }),
      ([type, raw], meta, mutate) => {
        const native = nativeType(type);
        const values = toNative(native, raw as number[]);
        const encoded = encodeDbr(type, { ...meta, values });
        let bytes = encoded;
        let count = values.length;
        if (mutate) {
          bytes = Buffer.from(encoded);
          for (const [at, b] of mutate.flips) if (bytes.length) bytes[at % bytes.length] = b;
          if (mutate.truncate !== undefined) bytes = bytes.subarray(0, mutate.truncate % (bytes.length + 1));
          bytes = Buffer.concat([bytes, mutate.extra]);
          count = Math.max(0, Math.min(0xffffffff, count + mutate.countDelta));
        }
        let data: ReturnType<typeof decodeDbr>;
        try {
          data = decodeDbr(type, bytes, count);
        } catch (err) {
          if (!mutate)
            throw new Error(`valid encoding of type ${type} did not decode: ${(err as Error).message}`);
          if (!expected(err)) throw err;
          return;
        }
        if (data.values.length > count) throw new Error(`${data.values.length} values for count ${count}`);
        if (!mutate) {
          if (data.values.length !== values.length)
            throw new Error(`type ${type}: ${values.length} values encoded, ${data.values.length} decoded`);
          if (native !== DBR.STRING) {
            for (let i = 0; i < values.length; i++)
              if (!Object.is(data.values[i], values[i]))
                throw new Error(`type ${type}: value ${i} was ${values[i]}, decoded ${data.values[i]}`);
          }
        }
      },
    ) as never,
  },
];

let decoderCases = 0;
const decoderMs = (SECONDS * 1000 * 0.3) / properties.length;
for (const [i, { name, property }] of properties.entries()) {
  const details = fc.check(property, {
    numRuns: 1e9,
    interruptAfterTimeLimit: decoderMs,
    markInterruptAsFailure: false,
    seed: SEED + i,
  });
  decoderCases += details.numRuns;
  log(`decoders: ${name}: ${details.numRuns} cases${details.failed ? ' FAILED' : ''}`);
  if (details.failed) {
    fail({
      what: `decoder property "${name}": ${(details.errorInstance as Error)?.stack ?? details.errorInstance}`,
      inputs: [],
      detail:
        `counterexample (byte arrays as hex): ${hexJson(details.counterexample)}\n` +
        `replay: fc.check(..., { seed: ${details.seed}, path: "${details.counterexamplePath}" })`,
    });
  }
}

// ---------------------------------------------------------------- (b) live server

/** Deterministic randomness for the live part (mulberry32), so a seed replays the same inputs. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    u32: () => int(0x100000000),
    bytes: (n: number) => {
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) b[i] = int(256);
      return b;
    },
  };
}
type Rng = ReturnType<typeof rng>;

interface Ready {
  tcpPort: number;
  udpPort: number;
  names: string[];
  canary: number;
  canaryWf: number[];
}
interface Check {
  circuits: {
    peer: string;
    channels: number;
    subscriptions: number;
    queuedUpdates: number;
    dropped: number;
  }[];
  subscribers: Record<string, number>;
  rssMb: number;
  heapMb: number;
  canary: number;
  canaryWf: number[];
}

let stopping = false;

interface Attempt {
  id: number;
  kind: string;
  input: Buffer;
}
const recent: Attempt[] = [];
const byPort = new Map<number, Attempt>();
const remember = (a: Attempt) => {
  recent.push(a);
  if (recent.length > 8) recent.shift();
};
const recentInputs = () => recent.map((a) => ({ label: `connection ${a.id} (${a.kind})`, bytes: a.input }));

// The server, in its child: warnings and crashes arrive as messages, checks are asked for.
const serverWarnings: string[] = [];
const child = fork(join(import.meta.dirname, 'fuzz-ca-server.ts'), [String(SEED)], { stdio: 'inherit' });
process.on('exit', () => child.kill('SIGKILL'));
let onCheck: ((check: Check) => void) | undefined;
const ready = new Promise<Ready>((resolve, reject) => {
  child.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'ready') resolve(m as unknown as Ready);
    else if (m.type === 'warn') serverWarnings.push(m.message!);
    else if (m.type === 'check') onCheck?.(m as unknown as Check);
    else if (m.type === 'crash')
      fail({ what: `server process: ${m.message}`, signature: `crash ${m.message}`, inputs: recentInputs() });
  });
  child.once('exit', (code, signal) => reject(new Error(`fuzz server exited with ${code ?? signal}`)));
});
let serverExited = false;
child.once('exit', (code, signal) => {
  serverExited = true;
  if (!stopping)
    fail({ what: `the server process exited (${code ?? signal}) during the fuzz`, inputs: recentInputs() });
});
/** The server's own view (answers come in the order asked). */
const checks: ((check: Check) => void)[] = [];
onCheck = (c) => checks.shift()?.(c);
const check = () =>
  new Promise<Check>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not answer a check in 10 s')), 10_000);
    checks.push((c) => {
      clearTimeout(timer);
      resolve(c);
    });
    child.send({ type: 'check' });
  });
const server = await ready;
const FUZZ_NAMES = server.names.filter((n) => !n.startsWith('fuzz:canary'));
const served = new Set(server.names);

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) =>
    fail({ what: `${event} in the fuzzer: ${(err as Error)?.stack ?? err}`, inputs: recentInputs() }),
  );
}

const describeFrame = (f: Frame) => `frame ${JSON.stringify(f.header)} payload ${hex(f.payload)}`;

/** Checks the server's bytes on one connection: they must decode as responses. */
function responseChecker(attempt: () => Attempt) {
  const reader = new FrameReader(1 << 24);
  const all: Buffer[] = [];
  let broken = false;
  let badFrame = false;
  let echoed = false;
  return {
    get echoed() {
      return echoed;
    },
    push(chunk: Buffer) {
      if (broken) return;
      all.push(chunk);
      const report = (message: string, current?: Frame) => {
        const a = attempt();
        fail({
          what: `server sent bytes that do not decode on connection ${a.id} (${a.kind}): ${message}`,
          // One report per kind of problem (numbers aside): the same bug tends to recur.
          signature: `output ${message.replace(/\d+/g, 'N')}`,
          detail: current ? `offending ${describeFrame(current)}` : undefined,
          inputs: [
            { label: 'input', bytes: a.input },
            { label: 'server output', bytes: Buffer.concat(all) },
          ],
        });
      };
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        broken = true; // the stream cannot be followed any further
        return report((err as Error).message);
      }
      for (const f of frames) {
        try {
          const m = decodeResponse(f.header, f.payload);
          if (m?.kind === 'echo') echoed = true;
          if (
            (m?.kind === 'readNotifyReply' || m?.kind === 'eventAddReply') &&
            m.status === ECA.NORMAL &&
            m.data.length > 0
          ) {
            const data = decodeDbr(m.dataType, m.data, m.count);
            if (data.values.length !== m.count)
              throw new Error(
                `${m.kind} of type ${m.dataType} announces ${m.count} values, its ${m.data.length}-byte payload holds ${data.values.length}`,
              );
          }
        } catch (err) {
          // A bad frame is reported once per connection; the frames after it are still followed.
          if (!badFrame) report((err as Error).message, f);
          badFrame = true;
        }
      }
    },
  };
}

// Request streams with random fields.
const TYPES_ODD = [35, 36, 37, 38, 39, 40, 0xffff];
const COUNTS = [
  0, 1, 2, 3, 10, 64, 100, 256, 2000, 2001, 4000, 0xfffe, 0xffff, 0x10000, 1_000_000, 0xffffffff,
];
const typeOf = (r: Rng) => (r.chance(0.75) ? r.int(39) : r.chance(0.5) ? r.pick(TYPES_ODD) : r.int(0x10000));
const countOf = (r: Rng) => (r.chance(0.4) ? r.int(4) : r.pick(COUNTS));
const nameOf = (r: Rng) =>
  r.chance(0.8)
    ? r.pick(FUZZ_NAMES)
    : r.pick([
        '',
        'fuzz:nope',
        'x'.repeat(r.int(3000)),
        r.bytes(r.int(60)).toString('latin1').replaceAll('\0', ''),
        `${r.pick(FUZZ_NAMES)}.DESC`,
      ]);

function requestStream(r: Rng): Buffer[] {
  const out: Buffer[] = [];
  if (r.chance(0.9))
    out.push(
      encode({
        kind: 'version',
        priority: r.chance(0.8) ? 0 : r.int(0x10000),
        minorVersion: r.chance(0.8) ? 13 : r.int(0x10000),
      }),
    );
  if (r.chance(0.5))
    out.push(encode({ kind: 'hostName', name: r.chance(0.9) ? 'fuzzhost' : 'h'.repeat(r.int(2000)) }));
  if (r.chance(0.5)) out.push(encode({ kind: 'clientName', name: 'fuzzer' }));
  let sids = 0;
  const subs: number[] = [];
  const sid = () => (sids > 0 && r.chance(0.85) ? 1 + r.int(sids) : r.pick([0, r.u32(), sids + 1]));
  const n = 1 + r.int(40);
  for (let i = 0; i < n; i++) {
    const what = r.pick([
      'create',
      'create',
      'create',
      'read',
      'read',
      'read',
      'write',
      'write',
      'add',
      'add',
      'cancel',
      'clear',
      'off',
      'on',
      'echo',
      'sync',
      'search',
      'unknown',
    ]);
    switch (what) {
      case 'create': {
        let name = nameOf(r);
        if (name.startsWith('fuzz:canary')) name = 'fuzz:d'; // nobody but the good client names a canary
        out.push(
          encode({
            kind: 'createChan',
            cid: r.u32(),
            minorVersion: r.chance(0.9) ? 13 : r.int(0x10000),
            name,
          }),
        );
        if (served.has(name)) sids++;
        break;
      }
      case 'read':
        out.push(
          encode({ kind: 'readNotify', dataType: typeOf(r), count: countOf(r), sid: sid(), ioid: r.u32() }),
        );
        break;
      case 'write': {
        const dataType = r.chance(0.8) ? r.int(7) : typeOf(r);
        let data: Buffer;
        let count: number;
        if (r.chance(0.6) && dataType < 7) {
          // Whole streams stay under the server's frame limit (2,000 doubles, 300 strings).
          const k = r.pick([0, 1, 1, 1, 2, 3, 10, 300, dataType === DBR.STRING ? 300 : 2000]);
          const raw = Array.from({ length: k }, () =>
            r.chance(0.9) ? r.next() * 1e6 - 5e5 : r.pick([Number.NaN, Infinity, -0, 1e308]),
          );
          const values = toNative(dataType, dataType === DBR.STRING ? raw.map(String) : raw);
          data = encodeDbr(dataType, { values });
          count = r.chance(0.8) ? k : countOf(r);
        } else {
          data = r.bytes(r.int(r.chance(0.9) ? 200 : 16000));
          count = countOf(r);
        }
        out.push(
          encode({
            kind: r.chance(0.8) ? 'writeNotify' : 'write',
            dataType,
            count,
            sid: sid(),
            ioid: r.u32(),
            data,
          }),
        );
        break;
      }
      case 'add': {
        const id = r.chance(0.8) ? r.int(20) : r.u32();
        subs.push(id);
        const dataType = typeOf(r);
        const count = countOf(r);
        const mask = r.pick([0, 1, 4, 5, 8, 15, r.int(0x10000)]);
        if (r.chance(0.85)) {
          out.push(
            encode({
              kind: 'eventAdd',
              dataType,
              count,
              sid: sid(),
              subscriptionId: id,
              mask,
              low: r.next(),
              high: r.next() * 1e40,
              to: r.next(),
            }),
          );
        } else {
          out.push(frame(CMD.EVENT_ADD, dataType, count, sid(), id, r.bytes(r.pick([0, 8, 13, 14, 24]))));
        }
        break;
      }
      case 'cancel':
        out.push(
          encode({
            kind: 'eventCancel',
            dataType: typeOf(r),
            count: countOf(r),
            sid: sid(),
            subscriptionId: subs.length && r.chance(0.8) ? r.pick(subs) : r.u32(),
          }),
        );
        break;
      case 'clear':
        out.push(encode({ kind: 'clearChannel', sid: sid(), cid: r.u32() }));
        break;
      case 'off':
        out.push(encode({ kind: 'eventsOff' }));
        break;
      case 'on':
        out.push(encode({ kind: 'eventsOn' }));
        break;
      case 'echo':
        out.push(encode({ kind: 'echo' }));
        break;
      case 'sync':
        out.push(encode({ kind: 'readSync' }));
        break;
      case 'search': {
        let name = nameOf(r);
        if (name.startsWith('fuzz:canary')) name = 'fuzz:e';
        out.push(encode({ kind: 'search', name, cid: r.u32(), reply: r.chance(0.5), minorVersion: 13 }));
        break;
      }
      default:
        out.push(
          frame(
            r.pick([5, 7, 16, 25, 28, 29, 30, r.int(0x10000)]),
            r.int(0x10000),
            r.int(0x10000),
            r.u32(),
            r.u32(),
            r.chance(0.5) ? r.bytes(8 * r.int(4)) : undefined,
          ),
        );
    }
  }
  return out;
}

/** A handful of changes to a byte stream: bytes set, bits flipped, ranges inserted, deleted, duplicated… */
function mutate(r: Rng, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const edits = 1 + r.int(8);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const at = r.int(b.length);
    switch (r.int(8)) {
      case 0:
        b[at] = r.int(256);
        break;
      case 1:
        b[at] ^= 1 << r.int(8);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), r.bytes(1 + r.int(32)), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(32)))]);
        break;
      case 4: {
        const len = 1 + r.int(64);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 5: {
        // A header-ish field (16-bit, aligned) set to an extreme.
        const off = at & ~1;
        if (off + 2 <= b.length) b.writeUInt16BE(r.pick([0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff]), off);
        break;
      }
      case 6: {
        const off = at & ~3;
        if (off + 4 <= b.length)
          b.writeUInt32BE(r.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, r.u32()]), off);
        break;
      }
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}

let liveConnections = 0;
let liveBytes = 0;
let datagrams = 0;
let echoChecks = 0;
let nextId = 0;

async function fuzzConnection(r: Rng): Promise<void> {
  const kind = r.pick(['random', 'valid', 'valid', 'mutated', 'mutated', 'mutated', 'garbage-tail']);
  let input: Buffer;
  if (kind === 'random') {
    input = r.bytes(1 + r.int(r.chance(0.9) ? 2048 : 40000));
    if (r.chance(0.3))
      input = Buffer.concat([encode({ kind: 'version', priority: 0, minorVersion: 13 }), input]);
  } else if (kind === 'valid') {
    input = Buffer.concat([...requestStream(r), encode({ kind: 'echo' })]);
  } else if (kind === 'mutated') {
    input = mutate(r, Buffer.concat(requestStream(r)));
  } else {
    input = Buffer.concat([...requestStream(r), r.bytes(1 + r.int(200))]);
  }
  const reads = r.chance(0.8);
  const attempt: Attempt = { id: nextId++, kind: `${kind}${reads ? '' : ', not reading'}`, input };
  remember(attempt);
  const checker = responseChecker(() => attempt);
  const socket: Socket = connect(server.tcpPort, '127.0.0.1');
  socket.on('error', () => {}); // resets are expected: the server closes circuits it cannot parse
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', resolve);
  });
  if (socket.destroyed) return;
  liveConnections++;
  const port = socket.localPort!;
  byPort.set(port, attempt);
  if (reads) socket.on('data', (chunk: Buffer) => checker.push(chunk));
  else socket.pause();
  // Send in random pieces, yielding now and then so that the server sees partial frames.
  for (let at = 0; at < input.length && !socket.destroyed; ) {
    const piece = input.subarray(at, at + 1 + r.int(r.chance(0.5) ? 16 : 4096));
    at += piece.length;
    liveBytes += piece.length;
    socket.write(piece);
    if (r.chance(0.3)) await tick();
  }
  if (kind === 'valid' && reads) {
    // A well-formed stream whose replies are read must get its trailing ECHO answered.
    const end = Date.now() + 5000;
    while (!checker.echoed && !socket.destroyed && Date.now() < end) await sleep(2);
    echoChecks++;
    if (!checker.echoed) {
      fail({
        what: `connection ${attempt.id} (valid request stream, reading): ECHO not answered (${socket.destroyed ? 'server closed the circuit' : 'no reply in 5 s'})`,
        inputs: [{ label: 'input', bytes: input }],
      });
    }
  } else {
    await sleep(r.int(60));
  }
  if (r.chance(0.5)) socket.destroy();
  else {
    socket.end();
    setTimeout(() => socket.destroy(), 300).unref();
  }
  await closed;
  // Keep the port's attempt a little: the server may log about it after we let go.
  setTimeout(() => {
    if (byPort.get(port) === attempt) byPort.delete(port);
  }, 2000).unref();
}

const udp = createSocket('udp4');
udp.on('message', (msg) => {
  try {
    for (const f of splitDatagram(msg)) decodeResponse(f.header, f.payload);
  } catch (err) {
    fail({
      what: `server sent a datagram that does not decode: ${(err as Error).message}`,
      inputs: [{ label: 'datagram', bytes: msg }],
    });
  }
});
await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));

function fuzzDatagram(r: Rng): void {
  const search = Buffer.concat([
    encode({ kind: 'version', priority: 0, minorVersion: 13 }),
    ...Array.from({ length: 1 + r.int(5) }, () =>
      encode({
        kind: 'search',
        name: r.pick([...FUZZ_NAMES, 'fuzz:nope']),
        cid: r.u32(),
        reply: r.chance(0.5),
        minorVersion: 13,
      }),
    ),
  ]);
  const datagram = r.chance(0.3) ? r.bytes(1 + r.int(1400)) : r.chance(0.5) ? mutate(r, search) : search;
  if (datagram.length === 0) return;
  datagrams++;
  liveBytes += datagram.length;
  udp.send(datagram, server.udpPort, '127.0.0.1');
}

async function worker(index: number): Promise<void> {
  const r = rng(SEED * 31 + index + 1);
  while (!stopping) {
    await fuzzConnection(r);
    if (r.chance(0.2)) fuzzDatagram(r);
  }
}

// The good client: gets and monitors of the canaries, which nobody else names.
const newClient = (timeoutMs: number) => new CaClient({ env: clientEnv(server.udpPort), timeoutMs });
const good = newClient(10_000);
let canaryGets = 0;
let canaryUpdates = 0;
let maxGetMs = 0;
const sameWaveform = (v: unknown) =>
  v instanceof Float64Array &&
  v.length === server.canaryWf.length &&
  v.every((x, i) => Object.is(x, server.canaryWf[i]));
const checkCanaries = async (client: CaClient, who: string) => {
  const a = await client.get('fuzz:canary');
  if (a.value !== server.canary)
    throw new Error(`${who}: fuzz:canary reads ${a.value}, not ${server.canary}`);
  const b = await client.get('fuzz:canary-wf');
  if (!sameWaveform(b.value))
    throw new Error(`${who}: fuzz:canary-wf reads ${String(b.value).slice(0, 200)}`);
};
for (const name of ['fuzz:canary', 'fuzz:canary-wf']) good.monitor(name, () => canaryUpdates++);
await checkCanaries(good, 'good client');
const liveStart = performance.now();
const liveMs = Math.max(2000, SECONDS * 1000 - (liveStart - started));
const first = await check();
const rssStart = first.rssMb;
log(
  `live: ${WORKERS} connection workers for ${round(liveMs / 1000)} s; server rss ${round(rssStart)} MB, ` +
    `heap ${round(first.heapMb)} MB`,
);

const canaryLoop = (async () => {
  while (!stopping) {
    const t = performance.now();
    try {
      await checkCanaries(good, 'good client');
    } catch (err) {
      fail({ what: `canary get failed during the fuzz: ${(err as Error).message}`, inputs: recentInputs() });
      return;
    }
    maxGetMs = Math.max(maxGetMs, (performance.now() - t) / 2);
    canaryGets += 2;
  }
})();
const progress = setInterval(async () => {
  const c = await check().catch(() => undefined);
  log(
    `live: ${liveConnections} connections, ${round(liveBytes / 2 ** 20)} MB sent, ${datagrams} datagrams, ` +
      `${canaryGets} canary gets (max ${round(maxGetMs)} ms), ${failures.length} failures; server: ` +
      (c
        ? `${c.circuits.length} circuits, rss ${round(c.rssMb)} MB, heap ${round(c.heapMb)} MB`
        : 'no answer'),
  );
}, 5000);
const workers = Array.from({ length: WORKERS }, (_, i) => worker(i));
await Promise.race([sleep(liveMs), canaryLoop]);
stopping = true;
await Promise.all(workers);
await canaryLoop;
clearInterval(progress);

// ---------------------------------------------------------------- end checks

let rssEnd = Number.NaN;
if (!serverExited) {
  const expectedWarning = /declares \d+ payload bytes, over the limit/;
  let oversized = 0;
  const settle = Date.now() + 5000;
  let last = await check();
  while (last.circuits.length > 1 && Date.now() < settle) {
    await sleep(50);
    last = await check();
  }
  for (const warning of serverWarnings) {
    if (expectedWarning.test(warning)) {
      oversized++;
      continue;
    }
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(warning)?.[1]);
    const attempt = byPort.get(port);
    fail({
      what: `server closed a circuit for a reason other than an oversized frame: ${warning}`,
      signature: `warn ${warning.replace(/\d+/g, 'N')}`,
      inputs: attempt
        ? [{ label: `connection ${attempt.id} (${attempt.kind})`, bytes: attempt.input }]
        : recentInputs(),
    });
  }
  log(
    `server closed ${oversized} circuits for oversized frames, ${serverWarnings.length - oversized} for other reasons`,
  );
  if (last.circuits.length !== 1) {
    fail({
      what: `${last.circuits.length} circuits still open once every fuzz connection closed (only the good client's should be): ${JSON.stringify(last.circuits)}`,
      inputs: [],
    });
  }
  for (const [name, count] of Object.entries(last.subscribers)) {
    const want = name.startsWith('fuzz:canary') ? 1 : 0; // the good client's channel
    if (count !== want)
      fail({ what: `${name} keeps ${count} subscribers after the fuzz (expected ${want})`, inputs: [] });
  }
  if (last.canary !== server.canary || !sameWaveform(Float64Array.from(last.canaryWf)))
    fail({
      what: `the server's canary PVs changed: ${last.canary}, [${last.canaryWf.join(', ')}]`,
      inputs: recentInputs(),
    });
  if (canaryUpdates !== 2)
    fail({
      what: `the canary monitors saw ${canaryUpdates} updates (expected 2, the initial ones)`,
      inputs: [],
    });

  const fresh = newClient(5000);
  try {
    await checkCanaries(good, 'good client after the fuzz');
    await checkCanaries(fresh, 'fresh client after the fuzz');
    await fresh.put('fuzz:d', 42.5, { wait: true });
    const d = await fresh.get('fuzz:d');
    if (d.value !== 42.5) throw new Error(`fuzz:d reads ${d.value} after a put of 42.5`);
  } catch (err) {
    fail({ what: `server check after the fuzz failed: ${(err as Error).message}`, inputs: recentInputs() });
  }
  await fresh.close();
  await good.close();
  await sleep(300);
  const end = await check();
  rssEnd = end.rssMb;
  log(
    `server rss ${round(rssStart)} → ${round(rssEnd)} MB, heap ${round(first.heapMb)} → ${round(end.heapMb)} MB`,
  );
  if (rssEnd - rssStart > RSS_GROWTH_MB) {
    fail({
      what: `server RSS grew from ${round(rssStart)} MB to ${round(rssEnd)} MB (limit +${RSS_GROWTH_MB} MB)`,
      inputs: [],
    });
  }
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
} else {
  await good.close();
}
udp.close();

log(
  `live: ${liveConnections} connections (${echoChecks} ECHO checks), ${round(liveBytes / 2 ** 20)} MB and ` +
    `${datagrams} datagrams sent, ${canaryGets} canary gets (max ${round(maxGetMs)} ms); ` +
    `done in ${round((performance.now() - started) / 1000)} s`,
);
// The first failure of each kind in full; later ones of the same kind only counted.
const shown = new Map<string, number>();
for (const f of failures) {
  const key = f.signature ?? f.what;
  shown.set(key, (shown.get(key) ?? 0) + 1);
  if (shown.get(key)! > 1) continue;
  process.stderr.write(`\nFAILURE: ${f.what}\n`);
  if (f.detail) process.stderr.write(`${f.detail}\n`);
  for (const input of f.inputs)
    process.stderr.write(`  ${input.label} (${input.bytes.length} bytes, hex):\n  ${hex(input.bytes)}\n`);
}
for (const [key, n] of shown) if (n > 1) process.stderr.write(`\n(${n - 1} more like: ${key})\n`);
if (failures.length) process.stderr.write(`\n${failures.length} failure(s); replay with FUZZ_SEED=${SEED}\n`);

process.stdout.write(
  `${JSON.stringify({
    bench: 'fuzz-ca',
    machine: { cpus: availableParallelism(), node: process.version },
    figures: {
      decoder_cases: decoderCases,
      live_connections: liveConnections,
      live_bytes: liveBytes,
      rss_mb_start: round(rssStart),
      rss_mb_end: round(rssEnd),
      failures: failures.length,
    },
    peers: {},
    ratios: {},
  })}\n`,
);
process.exit(failures.length ? 1 : 0);
