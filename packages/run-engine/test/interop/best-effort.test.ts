/**
 * Interop: bluesky's BestEffortCallback, fed our documents, prints what ours prints (headings,
 * streams, tables with their dimensions first and a header every 50 rows, baseline readings) and
 * computes the same peak statistics to the last bit. Needs the peers venv (scripts/peers.sh).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BestEffortCallback, type PeakResults } from '../../src/best-effort.ts';
import { RunEngine } from '../../src/engine/run-engine.ts';
import { JsonlWriter } from '../../src/jsonl.ts';
import { count, fly, grid_scan, list_scan, rel_scan, scan } from '../../src/plans/plans.ts';
import { SupplementalData } from '../../src/plans/preprocessors.ts';
import { mv } from '../../src/plans/stubs.ts';
import { MockFlyer } from '../../src/sim/flyer.ts';
import { hw } from '../../src/sim/hw.ts';
import { DeviceStatus } from '../../src/status.ts';

/**
 * A flyer handing over a peak sampled off the grid (x, y) in pages of a few rows, in the stream
 * its describe_collect names.
 */
function pagingFlyer(stream: string, rows: number, perPage: number) {
  const x = Array.from({ length: rows }, (_, i) => -2.05 + (4.5 * i) / (rows - 1));
  const y = x.map((v, i) => Math.exp(-((v - 0.3) ** 2) / 0.8) + ((i * 7) % 5) * 0.013);
  const pages: { data: Record<string, number[]>; timestamps: Record<string, number[]> }[] = [];
  for (let i = 0; i < rows; i += perPage) {
    const stamps = x.slice(i, i + perPage).map((_, k) => 1700000000.25 + i + k);
    pages.push({
      data: { x: x.slice(i, i + perPage), y: y.slice(i, i + perPage) },
      timestamps: { x: stamps, y: stamps },
    });
  }
  return {
    name: 'pager',
    kickoff: () => DeviceStatus.done(),
    complete: () => DeviceStatus.done(),
    describe_collect: () => ({
      [stream]: {
        x: { source: 'sim:x', dtype: 'number', shape: [] },
        y: { source: 'sim:y', dtype: 'number', shape: [], precision: 4 },
      },
    }),
    collect_pages: () => pages,
  };
}

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

function blueskyBec(path: string): Promise<{ text: string; peaks: PeakResults[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [join(import.meta.dirname, 'py/best_effort.py'), path],
      { maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`best_effort.py failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
      },
    );
  });
}

describe("our BestEffortCallback against bluesky's", () => {
  let dir: string;
  before(async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    dir = await mkdtemp(join(tmpdir(), 'run-engine-bec-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the same text and finds the same peaks for 1-D, 2-D, one-point and baseline runs', async () => {
    const h = hw({ seed: 11 });
    const RE = new RunEngine({ md: { beamline: 'TST' } });
    const path = join(dir, 'docs.jsonl');
    const writer = new JsonlWriter(path);
    const printed: string[] = [];
    const bec = new BestEffortCallback({ print: (t) => printed.push(`${t}\n`), warn: () => {} });
    const peaks: PeakResults[] = [];
    RE.subscribe(writer.callback);
    RE.subscribe(bec.callback);
    RE.subscribe((name) => {
      if (name === 'stop') peaks.push(structuredClone(bec.peaks));
    });
    // Off whole numbers, which JSON would hand to Python as ints (printed without `.0`).
    await RE.run(mv(h.motor2, 0.25));
    const plans = [
      scan([h.noisy_det, h.det], h.motor, -2, 2.5, 55), // more rows than the header's interval
      count([h.det1, h.det2], 3),
      grid_scan([h.det4], h.motor1, -1, 1, 3, h.motor2, -1, 1.5, 3),
      list_scan([h.det3], h.motor3, [0.5]),
    ];
    for (const plan of plans) assert.equal((await RE.run(plan)).exitStatus, 'success');
    await RE.run(mv(h.motor2, 0.25));
    RE.preprocessors.push(new SupplementalData({ baseline: [h.motor2, h.det2] }));
    assert.equal((await RE.run(rel_scan([h.det1], h.motor1, -1, 1.5, 7))).exitStatus, 'success');
    await writer.close();

    const theirs = await blueskyBec(path);
    assert.equal(printed.join(''), theirs.text);
    // The mv runs print nothing and leave peaks empty, in both.
    assert.deepEqual(peaks, theirs.peaks);
    assert.ok(peaks.some((p) => typeof p.cen.noisy_det === 'number' && typeof p.fwhm.det === 'number'));
  });

  it("prints the same text and finds the same peaks for fly scans (flyers' event pages)", async () => {
    const h = hw({ seed: 5 });
    const RE = new RunEngine({ md: { beamline: 'TST' } });
    const path = join(dir, 'fly.jsonl');
    const writer = new JsonlWriter(path);
    const printed: string[] = [];
    const bec = new BestEffortCallback({ print: (t) => printed.push(`${t}\n`), warn: () => {} });
    const peaks: PeakResults[] = [];
    const docNames = new Set<string>();
    RE.subscribe(writer.callback);
    RE.subscribe(bec.callback);
    RE.subscribe((name) => {
      docNames.add(name);
      if (name === 'stop') peaks.push(structuredClone(bec.peaks));
    });
    const alongMotor = { hints: { dimensions: [[['motor'], 'primary']] } };
    const alongX = { hints: { dimensions: [[['x'], 'primary']] } };
    const flyRun = async (plan: ReturnType<typeof fly>) =>
      assert.equal((await RE.run(plan, { planName: 'fly' })).exitStatus, 'success');
    // The dimensions' stream: a table row per event, the peak of noisy_det along the motor.
    await flyRun(fly([new MockFlyer('primary', h.noisy_det, h.motor, -2.1, 2.4, 25)], { md: alongMotor }));
    // A device's own pages, more rows than the header's interval of 50.
    await flyRun(fly([pagingFlyer('primary', 61, 7)], { md: alongX }));
    await RE.run(mv(h.motor2, 0.25)); // off whole numbers (JSON would give Python ints)
    RE.preprocessors.push(new SupplementalData({ baseline: [h.motor2, h.det2] }));
    await flyRun(fly([pagingFlyer('primary', 9, 4)], { md: alongX }));
    // A stream of its own (flyer1), plotted against time. Its start has no hints, so the next
    // run's primary descriptor looks up 'motor' as an object, fails, and gets neither a table nor
    // plots, in bluesky and in ours.
    await flyRun(fly([h.flyer1]));
    await flyRun(fly([pagingFlyer('primary', 9, 4)], { md: alongX }));
    await writer.close();
    assert.ok(docNames.has('event_page'), 'the flyers were collected as event pages');

    const theirs = await blueskyBec(path);
    assert.equal(printed.join(''), theirs.text);
    assert.deepEqual(peaks, theirs.peaks);
    assert.equal(peaks.length, 5);
    assert.ok(
      [peaks[0].cen.noisy_det, peaks[1].cen.y, peaks[2].cen.y].every((cen) => typeof cen === 'number'),
      'each run along a motor or x found its peak',
    );
    assert.deepEqual(peaks[4].cen, {}, 'the run after the unhinted one has no plots');
  });
});
