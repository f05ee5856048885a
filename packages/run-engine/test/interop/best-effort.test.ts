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
import { count, grid_scan, list_scan, rel_scan, scan } from '../../src/plans/plans.ts';
import { SupplementalData } from '../../src/plans/preprocessors.ts';
import { mv } from '../../src/plans/stubs.ts';
import { hw } from '../../src/sim/hw.ts';

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
});
