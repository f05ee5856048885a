/**
 * Interop: the same fly-scanning plans run by bluesky 1.15's RunEngine (py/stream_asset_runs.py,
 * over Python twins of these devices) and by ours emit the same documents in the same order —
 * StreamResource/StreamDatum with their run, descriptor, indices and seq_nums (a detector prepared
 * first too); event pages of page-collectable and old-style flyers; descriptors of flyers sharing
 * a stream; the collect of a flyer the plan forgot; a step scan of a detector streaming a frame per
 * read; a collect refused for a missing StreamDatum — and hand the plan the same collect results.
 * Uids and times are compared by the documents they point to, not by value. Needs
 * scripts/peers.sh's venv.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeStreamResource, type Document, type DocumentName } from '../../src/documents.ts';
import { RunEngine } from '../../src/engine/run-engine.ts';
import type { SyncPlan } from '../../src/msg.ts';
import { count } from '../../src/plans/plans.ts';
import {
  close_run,
  collect,
  complete,
  complete_all,
  declare_stream,
  kickoff,
  kickoff_all,
  open_run,
  prepare,
} from '../../src/plans/stubs.ts';
import type { DataKey } from '../../src/protocols.ts';
import { SimStreamDetector } from '../../src/sim/stream-detector.ts';
import { DeviceStatus } from '../../src/status.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

interface Outcome {
  docs: [string, unknown][];
  returns: unknown[];
  error: string | null;
}

function blueskyRuns(cases: string[]): Promise<Record<string, Outcome>> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [join(import.meta.dirname, 'py/stream_asset_runs.py'), ...cases],
      { maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`stream_asset_runs.py failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
      },
    );
  });
}

const dataKey = (source: string, extra: Partial<DataKey> = {}): DataKey => ({
  source,
  dtype: 'number',
  shape: [],
  ...extra,
});

/** The twin of py/stream_asset_runs.py's Flyer. */
function flyer(name: string, described: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name,
    kickoff: () => DeviceStatus.done(),
    complete: () => DeviceStatus.done(),
    describe_collect: () => described,
    read_configuration: () => ({}),
    describe_configuration: () => ({}),
    ...extra,
  };
}

const PAGES = [
  { data: { x: [1, 2], y: [10, 20] }, timestamps: { x: [5, 6], y: [5, 6] } },
  { data: { x: [3, 4, 5], y: [30, 40, 50] }, timestamps: { x: [7, 8, 9], y: [7, 8, 9] } },
];
const events = (key: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ data: { [key]: i }, timestamps: { [key]: i }, time: i }));

/** The twin of py/stream_asset_runs.py's StepDet: a StreamDatum per read, one frame each. */
function stepDetector(name: string) {
  let frames = 0;
  let stream: ReturnType<typeof composeStreamResource> | null = null;
  let announced = false;
  return {
    name,
    stage() {
      stream = composeStreamResource({
        uid: crypto.randomUUID(),
        data_key: name,
        mimetype: 'application/x-npy',
        uri: 'file://localhost/nowhere/step.npy',
        parameters: {},
      });
      frames = 0;
      announced = false;
      return [this];
    },
    unstage() {
      return [this];
    },
    trigger() {
      frames++;
      return DeviceStatus.done();
    },
    read: () => ({ [`${name}_stat`]: { value: frames * 10, timestamp: frames } }),
    describe: () => ({
      [name]: dataKey('sim://step', { dtype: 'array', shape: [2, 2], external: 'STREAM:' }),
      [`${name}_stat`]: dataKey('sim://step/stat'),
    }),
    get_index: () => frames,
    collect_asset_docs() {
      const docs: unknown[] = [];
      if (!announced) {
        announced = true;
        docs.push(['stream_resource', stream!.resource]);
      }
      docs.push(['stream_datum', stream!.datum({ start: frames - 1, stop: frames })]);
      return docs;
    },
  };
}

type Case = (returns: unknown[], save_path: string) => SyncPlan<void>;

function* collected(returns: unknown[], plan: SyncPlan<unknown>): SyncPlan<void> {
  returns.push(yield* plan);
}

const CASES: Record<string, Case> = {
  *single(returns, save_path) {
    const det = new SimStreamDetector('det', { save_path, shape: [2, 3], frames: 5, exposure: 0 });
    yield* open_run();
    yield* declare_stream([det], { name: 'primary', collect: true });
    yield* kickoff(det, { wait: true });
    yield* complete(det, { wait: true });
    yield* collected(returns, collect(det, { name: 'primary' }));
    yield* close_run();
  },
  *prepared(returns, save_path) {
    // prepare sets the frame count before the stream is declared: the descriptor's configuration
    // and the StreamDatums show 3 frames, not 10.
    const det = new SimStreamDetector('det', { save_path, shape: [2, 2], frames: 10, exposure: 0 });
    yield* open_run();
    yield* prepare(det, { frames: 3 }, { wait: true });
    yield* declare_stream([det], { name: 'primary', collect: true });
    yield* kickoff(det, { wait: true });
    yield* complete(det, { wait: true });
    yield* collected(returns, collect(det, { name: 'primary' }));
    yield* close_run();
  },
  *two_detectors(returns, save_path) {
    const a = new SimStreamDetector('a', { save_path, shape: [3, 4], frames: 4, exposure: 0 });
    const b = new SimStreamDetector('b', { save_path, shape: [2, 2], frames: 3, exposure: 0 });
    yield* open_run();
    yield* declare_stream([a, b], { name: 'primary', collect: true });
    yield* kickoff_all([a, b]);
    yield* complete_all([a, b], { wait: true });
    yield* collected(returns, collect([a, b], { name: 'primary' }));
    yield* collected(returns, collect([a, b]));
    yield* close_run();
  },
  *forgotten(_returns, save_path) {
    const det = new SimStreamDetector('det', { save_path, frames: 3, exposure: 0 });
    yield* open_run();
    yield* declare_stream([det], { name: 'primary', collect: true });
    yield* kickoff(det, { wait: true });
    throw new Error('the plan broke mid-scan');
  },
  *pages(returns) {
    const f = flyer('pager', { scan: { x: dataKey('x'), y: dataKey('y') } }, { collect_pages: () => PAGES });
    yield* open_run();
    yield* kickoff(f, { wait: true });
    yield* complete(f, { wait: true });
    yield* collected(returns, collect(f));
    yield* close_run();
  },
  *shared(returns) {
    const f1 = flyer('f1', { shared: { a: dataKey('a') } }, { collect: () => events('a', 2) });
    const f2 = flyer('f2', { shared: { a: dataKey('a') } }, { collect: () => events('a', 3) });
    yield* open_run();
    yield* kickoff_all([f1, f2]);
    yield* collected(returns, collect(f1));
    yield* collected(returns, collect(f2));
    yield* collected(returns, collect(f1));
    yield* close_run();
  },
  *shared_other_keys(returns) {
    const f1 = flyer('f1', { shared: { a: dataKey('a') } }, { collect: () => events('a', 2) });
    const f2 = flyer('f2', { shared: { b: dataKey('b') } }, { collect: () => events('b', 3) });
    yield* open_run();
    yield* collected(returns, collect(f1));
    yield* collected(returns, collect(f2));
    yield* close_run();
  },
  *flyer_assets(returns) {
    const f = flyer(
      'imager',
      { frames: { img: dataKey('img', { external: 'FILESTORE:', dtype: 'array' }) } },
      {
        collect: () => [
          { data: { img: 'r1/0' }, timestamps: { img: 1 }, filled: { img: false } },
          { data: { img: 'r1/1' }, timestamps: { img: 2 }, filled: { img: false } },
        ],
        collect_asset_docs: () => [
          ['resource', { uid: 'r1', spec: 'NPY_SEQ', root: '/', resource_path: 'x', resource_kwargs: {} }],
          ['datum', { datum_id: 'r1/0', resource: 'r1', datum_kwargs: { index: 0 } }],
          ['datum', { datum_id: 'r1/1', resource: 'r1', datum_kwargs: { index: 1 } }],
        ],
      },
    );
    yield* open_run();
    yield* collected(returns, collect(f));
    yield* close_run();
  },
  *step_scan() {
    yield* count([stepDetector('step')], 2);
  },
  *refused_datums(returns) {
    const stream = (key: string) =>
      composeStreamResource({
        uid: crypto.randomUUID(),
        data_key: key,
        mimetype: 'm',
        uri: `file://localhost/${key}`,
        parameters: {},
      });
    const [x, y] = [stream('x'), stream('y')];
    const det = {
      name: 'partial',
      describe_collect: () => ({
        x: dataKey('x', { external: 'STREAM:' }),
        y: dataKey('y', { external: 'STREAM:' }),
      }),
      get_index: () => 1,
      collect_asset_docs: () => [
        ['stream_resource', x.resource],
        ['stream_resource', y.resource],
        ['stream_datum', x.datum({ start: 0, stop: 1 })],
      ],
    };
    yield* open_run();
    yield* declare_stream([det], { name: 'primary', collect: true });
    yield* collected(returns, collect(det));
    yield* close_run();
  },
};

/**
 * Left out of the comparison: times, file locations (the twins write no files), and event-model
 * 1.24's `object_classes` (an empty map bluesky adds to every descriptor; ours never has it).
 */
const IGNORED = new Set(['time', 'uri', 'object_classes']);

/** The uids a document introduces, so references to them can be compared by position. */
function ownUids(name: string, doc: Record<string, unknown>): string[] {
  if (name === 'event_page') return doc.uid as string[];
  if (name === 'datum') return [doc.datum_id as string];
  return typeof doc.uid === 'string' ? [doc.uid] : [];
}

/**
 * Documents with every uid replaced by `#n` (n: the order it was introduced in), IGNORED keys left
 * out, and the RunStart reduced to its uid (its metadata differs by engine).
 */
function normalize(docs: [string, unknown][]): [string, unknown][] {
  const tokens = new Map<string, string>();
  for (const [name, doc] of docs)
    for (const uid of ownUids(name, doc as Record<string, unknown>)) tokens.set(uid, `#${tokens.size}`);
  const uids = [...tokens.keys()].sort((a, b) => b.length - a.length);
  const text = (s: string) => uids.reduce((t, uid) => t.split(uid).join(tokens.get(uid)!), s);
  const walk = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (IGNORED.has(k) || (key === 'configuration-entry' && k === 'timestamps')) continue;
        out[k] = walk(v, key === 'configuration' ? 'configuration-entry' : k);
      }
      return out;
    }
    return value;
  };
  return docs.map(([name, doc]) => {
    const d = doc as Record<string, unknown>;
    if (name === 'start') return [name, { uid: text(d.uid as string) }];
    if (name === 'stop') return [name, walk({ ...d, reason: sortedSets(d.reason as string) })];
    return [name, walk(d)];
  });
}

/** A failure's reason with the elements of each Python set literal sorted (set order is arbitrary). */
function sortedSets(reason: string): string {
  return reason.replace(/\{('[^{}]*')\}/g, (_, items: string) => `{${items.split(', ').sort().join(', ')}}`);
}

describe("fly scans with stream assets: our documents are bluesky's", () => {
  let dir: string;
  let theirs: Record<string, Outcome>;
  before(async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    dir = await mkdtemp(join(tmpdir(), 'stream-parity-'));
    theirs = await blueskyRuns(Object.keys(CASES));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [name, plan] of Object.entries(CASES)) {
    it(name, async () => {
      const docs: [DocumentName, Document][] = [];
      const returns: unknown[] = [];
      const RE = new RunEngine({});
      RE.subscribe((n, d) => {
        docs.push([n, structuredClone(d)]);
      });
      const result = await RE.run(plan(returns, dir));
      const bluesky = theirs[name];
      assert.equal(
        result.exitStatus === 'success',
        bluesky.error === null,
        `${result.error} / ${bluesky.error}`,
      );
      if (name === 'forgotten') assert.equal((result.error as Error).message, bluesky.error);
      assert.deepEqual(
        docs.map(([n]) => n),
        bluesky.docs.map(([n]) => n),
      );
      assert.deepEqual(normalize(docs), normalize(bluesky.docs));
      assert.deepEqual(returns, bluesky.returns);
    });
  }
});
