/**
 * Interop: the documents our count and scan produce validate against Python's event_model schemas
 * and load back through its RunRouter/DocumentRouter unchanged. Needs the peers venv (scripts/peers.sh).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDevice, createCatalog, type Device, type EpicsSignal } from '@ophyd-service/devices';
import { CaClient } from '@ophyd-service/epics-ca';
import { serveIocs } from '../../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../../epics-ca/test/loopback.ts';
import { RunEngine } from '../../src/engine/run-engine.ts';
import { fromEpics } from '../../src/epics.ts';
import { JsonlWriter } from '../../src/jsonl.ts';
import { count, fly, grid_scan, rel_scan, scan } from '../../src/plans/plans.ts';
import {
  close_run,
  collect,
  complete_all,
  declare_stream,
  kickoff_all,
  open_run,
} from '../../src/plans/stubs.ts';
import { hw } from '../../src/sim/hw.ts';
import { SimStreamDetector } from '../../src/sim/stream-detector.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

interface Verdict {
  counts: Record<string, number>;
  routed: Record<string, number>;
  runs: string[];
  problems: string[];
  /** Per filled event field of external data: [key, shape, sum of the values]. */
  filled: [string, number[], number][];
  /** Per StreamDatum, what numpy reads at its indices: [data key, seq_nums, shape, sum per frame]. */
  streamed: [string, [number, number], number[], number[]][];
}

function validate(path: string): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [join(import.meta.dirname, 'py/validate_documents.py'), path],
      { maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`validate_documents.py failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
      },
    );
  });
}

describe("our documents in Python's event_model", () => {
  let dir: string;
  before(async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    dir = await mkdtemp(join(tmpdir(), 'run-engine-interop-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function documentsOf(
    file: string,
    plans: (h: ReturnType<typeof hw>) => Generator<never, unknown, unknown>[] | unknown[],
  ) {
    const RE = new RunEngine({ md: { beamline: 'TST' } });
    const writer = new JsonlWriter(join(dir, file));
    RE.subscribe(writer.callback);
    const h = hw({ seed: 3 });
    for (const plan of plans(h)) {
      const result = await RE.run(plan as Generator<never, unknown, unknown>);
      assert.equal(result.exitStatus, 'success');
    }
    await writer.close();
    return join(dir, file);
  }

  it("img's Resource and Datum validate, route, and event_model's Filler loads its frames from our .npy files", async () => {
    const frames = join(dir, 'frames');
    const RE = new RunEngine({});
    const writer = new JsonlWriter(join(dir, 'img.jsonl'));
    RE.subscribe(writer.callback);
    const h = hw({ save_path: frames });
    const result = await RE.run(count([h.img, h.det], 3));
    assert.equal(result.exitStatus, 'success');
    await writer.close();
    const verdict = await validate(join(dir, 'img.jsonl'));
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.counts, { start: 1, descriptor: 1, resource: 1, datum: 3, event: 3, stop: 1 });
    assert.deepEqual(verdict.routed, verdict.counts);
    // ophyd.sim's img: a 10x10 frame of ones per event.
    assert.deepEqual(verdict.filled, [
      ['img', [10, 10], 100],
      ['img', [10, 10], 100],
      ['img', [10, 10], 100],
    ]);
  });

  it("two streaming detectors in one stream: StreamResource/StreamDatum validate, route, and numpy reads each datum's frames", async () => {
    const save_path = join(dir, 'streams');
    // Frame n of an acquisition holds n + 1 in every pixel (SimStreamDetector's documented pattern).
    const a = new SimStreamDetector('a', { save_path, shape: [3, 4], frames: 4, exposure: 0 });
    const b = new SimStreamDetector('b', { save_path, shape: [2, 2], frames: 3, exposure: 0 });
    const RE = new RunEngine({});
    const path = join(dir, 'streams.jsonl');
    const writer = new JsonlWriter(path);
    RE.subscribe(writer.callback);
    const result = await RE.run(
      (function* () {
        yield* open_run();
        yield* declare_stream([a, b], { name: 'primary', collect: true });
        yield* kickoff_all([a, b]);
        yield* complete_all([a, b], { wait: true });
        yield* collect([a, b], { name: 'primary' });
        yield* close_run();
      })(),
    );
    assert.equal(result.exitStatus, 'success', String(result.error));
    await writer.close();
    const verdict = await validate(path);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.counts, {
      start: 1,
      descriptor: 1,
      stream_resource: 4,
      stream_datum: 4,
      stop: 1,
    });
    assert.deepEqual(verdict.routed, verdict.counts);
    // Both are collected up to the 3 frames b has: seq_nums 1 to 3 for every key.
    const levels = [1, 2, 3];
    assert.deepEqual(verdict.streamed, [
      ['a', [1, 4], [3, 3, 4], levels.map((n) => n * 12)],
      ['a_sum', [1, 4], [3], levels.map((n) => n * 12)],
      ['b', [1, 4], [3, 2, 2], levels.map((n) => n * 4)],
      ['b_sum', [1, 4], [3], levels.map((n) => n * 4)],
    ]);
  });

  it('count validates and routes: one run, one descriptor, every event', async () => {
    const path = await documentsOf('count.jsonl', (h) => [count([h.det1, h.det2, h.noisy_det], 5)]);
    const verdict = await validate(path);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.counts, { start: 1, descriptor: 1, event: 5, stop: 1 });
    assert.deepEqual(verdict.routed, verdict.counts);
    assert.equal(verdict.runs.length, 1);
  });

  it('scan, rel_scan and grid_scan validate and route, run after run', async () => {
    const path = await documentsOf('scans.jsonl', (h) => [
      scan([h.det], h.motor, -1, 1, 7),
      scan([h.det1, h.det2], h.motor1, 0, 2, h.motor2, 2, 0, 4),
      rel_scan([h.det], h.motor, -1, 1, 3),
      grid_scan([h.det4], h.motor1, 0, 1, 2, h.motor2, 0, 1, 3, { snake_axes: true }),
    ]);
    const verdict = await validate(path);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.counts, { start: 4, descriptor: 4, event: 20, stop: 4 });
    assert.deepEqual(verdict.routed, verdict.counts);
    assert.equal(verdict.runs.length, 4);
  });

  it('fly over a flyer: its event pages validate and route', async () => {
    const path = await documentsOf('fly.jsonl', (h) => [fly([h.trivial_flyer])]);
    const verdict = await validate(path);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.counts, { start: 1, descriptor: 1, event_page: 1, stop: 1 });
    // The router unpacks the page into the flyer's 100 events.
    assert.deepEqual(verdict.routed, { start: 1, descriptor: 1, event: 100, stop: 1 });
  });

  it('a scan over the simulated IOCs (EpicsMotor, EpicsSignalRO with CA CTRL metadata) validates and routes', async () => {
    const iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
      seed: 7,
      server: { port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv() },
    });
    const client = new CaClient({ env: clientEnv(iocs.server.udpPort), timeoutMs: 60_000, repeater: false });
    try {
      const catalog = createCatalog();
      const motor = fromEpics(
        buildDevice(catalog, client, {
          name: 'm1',
          deviceClass: 'ophyd.EpicsMotor',
          prefix: 'sim:mtr1',
        }) as Device,
      );
      const current = fromEpics(
        buildDevice(catalog, client, {
          name: 'ring_current',
          deviceClass: 'ophyd.EpicsSignalRO',
          prefix: 'mini:current',
        }) as EpicsSignal,
      );
      const RE = new RunEngine();
      const path = join(dir, 'epics.jsonl');
      const writer = new JsonlWriter(path);
      RE.subscribe(writer.callback);
      const result = await RE.run(scan([current], motor, 0, 0.2, 3));
      assert.equal(result.exitStatus, 'success', String(result.error));
      await writer.close();
      const verdict = await validate(path);
      assert.deepEqual(verdict.problems, []);
      assert.deepEqual(verdict.counts, { start: 1, descriptor: 1, event: 3, stop: 1 });
    } finally {
      await client.close();
      await iocs.stop();
    }
  });

  it('the validator does reject a malformed document (so the checks above can fail)', async () => {
    const path = await documentsOf('broken.jsonl', (h) => [count([h.det], 1)]);
    const { readFile, writeFile } = await import('node:fs/promises');
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    delete lines.find((l) => l.name === 'event').doc.seq_num;
    lines.find((l) => l.name === 'descriptor').doc.data_keys.det.dtype = 'float64';
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n'));
    const verdict = await validate(path);
    assert.equal(
      verdict.problems.filter((p) => p.includes('ValidationError')).length,
      2,
      verdict.problems.join('\n'),
    );
    assert.match(verdict.problems.join('\n'), /seq_num/);
  });
});
