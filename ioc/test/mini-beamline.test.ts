import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR } from '@ophyd-service/epics-ca';
import { until } from '../../packages/epics-ca/test/waits.ts';
import { simulate } from './harness.ts';
import {
  DOT_BACKGROUND,
  DOT_PIXELS,
  referenceCurrent,
  referenceDetectorMean,
  referenceShapes,
  referenceSpotSum,
} from './reference.ts';

type Sim = Awaited<ReturnType<typeof simulate>>;

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Poisson samples lie within five standard deviations of their mean. */
function assertPoisson(sample: number, mean: number, what: string) {
  assert.ok(
    Math.abs(sample - mean) <= 5 * Math.sqrt(Math.max(mean, 1)),
    `${what}: ${sample} vs mean ${mean.toFixed(1)}`,
  );
}

describe('mini_beamline', () => {
  let sim: Sim;
  before(async () => {
    sim = await simulate([{ name: 'mini_beamline' }]);
  });
  after(() => sim.close());

  it('serves the 25 PVs with the reference types, counts and access', async () => {
    const expected: [string, number, number, boolean][] = [
      ['mini:current', DBR.DOUBLE, 1, false],
      ['mini:ph:mtr', DBR.DOUBLE, 1, true],
      ['mini:edge:mtr_tick_rate', DBR.DOUBLE, 1, true],
      ['mini:slit:det', DBR.DOUBLE, 1, false],
      ['mini:dot:det', DBR.DOUBLE, 307200, false],
      ['mini:dot:shutter_open', DBR.LONG, 1, true],
      ['mini:dot:ArraySize_RBV', DBR.LONG, 2, false],
    ];
    assert.equal(sim.server.names().length, 25);
    for (const [name, type, count, writable] of expected) {
      const info = await sim.client.info(name);
      assert.deepEqual([info.nativeType, info.count, info.writable], [type, count, writable], name);
    }
    assert.deepEqual(
      Array.from((await sim.client.get('mini:dot:ArraySize_RBV')).values as Int32Array),
      [480, 640],
    );
    assert.equal((await sim.client.get('mini:ph:mtr', { type: 'ctrl' })).precision, 3);
    assert.equal((await sim.client.get('mini:ph:mtr_tick_rate', { type: 'ctrl' })).units, 'Hz');
  });

  it("has references that agree with the spec's figures", () => {
    // S at m = 0: pinhole 1, edge ≈ 0.00234 (N ≈ 234), slit ≈ 1; the current spans 475..525.
    assert.equal(referenceShapes.ph(0), 1);
    assert.ok(Math.abs(referenceShapes.edge(0) - 0.0023389) < 1e-6, `${referenceShapes.edge(0)}`);
    assert.ok(Math.abs(referenceShapes.slit(0) - 1) < 1e-4);
    assert.ok(Math.abs(referenceShapes.edge(20) - 1) < 1e-9);
    assert.deepEqual([referenceCurrent(3), referenceCurrent(1)], [475, 525]);
  });

  it('oscillates the beam current: 500 + 25 sin(2πt/4), every 0.1 s', async () => {
    for (let i = 0; i < 5; i++) {
      await sim.clock.advance(0.1);
      assert.ok(Math.abs((await sim.value('mini:current')) - referenceCurrent(sim.clock.now())) < 1e-9);
    }
  });

  it('counts the jitter detectors as Poisson samples of 200·I·exp·S(m)', async () => {
    for (const [group, m] of [
      ['ph', 0],
      ['ph', 3],
      ['edge', 0],
      ['edge', 6],
      ['slit', 0],
      ['slit', 8],
    ] as const) {
      await sim.client.put(`mini:${group}:vel`, 0, { wait: true }); // instant move
      await sim.client.put(`mini:${group}:mtr`, m, { wait: true });
      await sim.clock.advance(0.5);
      const current = await sim.value('mini:current');
      const mean = referenceDetectorMean(group, current, 1, m);
      assertPoisson(await sim.value(`mini:${group}:det`), mean, `${group} at ${m}`);
    }
    await sim.client.put('mini:ph:exp', 0.5, { wait: true });
    await sim.client.put('mini:ph:mtr', 0, { wait: true });
    await sim.clock.advance(0.5);
    assertPoisson(
      await sim.value('mini:ph:det'),
      referenceDetectorMean('ph', await sim.value('mini:current'), 0.5, 0),
      'ph at exp 0.5',
    );
  });

  it('clips a negative exposure to 0', async () => {
    await sim.client.put('mini:edge:exp', -3, { wait: true });
    assert.equal(await sim.value('mini:edge:exp'), 0);
    await sim.clock.advance(0.5);
    assert.equal(await sim.value('mini:edge:det'), 0);
    await sim.client.put('mini:edge:exp', 1, { wait: true });
  });

  it('moves a jitter motor at its speed and completes the put when the move ends', async () => {
    await sim.client.put('mini:slit:vel', 0, { wait: true }); // back to 0 at once
    await sim.client.put('mini:slit:mtr', 0, { wait: true });
    await sim.client.put('mini:slit:vel', 1, { wait: true });
    const positions: number[] = [];
    const stop = sim.client.monitor('mini:slit:mtr', (r) => positions.push(r.value as number));
    let done = false;
    const timers = sim.clock.pendingTimers;
    const move = sim.client.put('mini:slit:mtr', 2, { wait: true, timeoutMs: 60_000 }).then(() => {
      done = true;
    });
    await until(() => sim.clock.pendingTimers > timers, 'the move to start');
    await sim.clock.advance(1.95);
    assert.equal(done, false, 'still moving after 1.95 s of 2 s');
    await sim.clock.advance(0.1);
    await move;
    assert.equal(await sim.value('mini:slit:mtr'), 2);
    await sim.client.get('mini:slit:mtr');
    stop();
    // floor(|2 − 0| / vel / dwell) = 20 steps: P + k·(T − P)/20 for k = 1..20, then T exactly (spec §1.1).
    const expected = [...Array.from({ length: 20 }, (_, k) => ((k + 1) * 2) / 20), 2];
    const moving = positions.slice(1);
    assert.equal(moving.length, expected.length, `one update per tick: ${moving}`);
    for (const [i, p] of moving.entries())
      assert.ok(Math.abs(p - expected[i]) < 1e-12, `step ${i + 1}: ${p}`);
  });

  it('moves instantly when vel <= 0 instead of hanging the write', async () => {
    await sim.client.put('mini:ph:vel', 0, { wait: true });
    await sim.client.put('mini:ph:mtr', 4, { wait: true });
    assert.equal(await sim.value('mini:ph:mtr'), 4);
    await sim.client.put('mini:ph:vel', -2, { wait: true });
    await sim.client.put('mini:ph:mtr', 1, { wait: true });
    assert.equal(await sim.value('mini:ph:mtr'), 1);
  });

  it('lets a second move replace the first rather than interleave', async () => {
    await sim.client.put('mini:edge:vel', 0, { wait: true });
    await sim.client.put('mini:edge:mtr', 0, { wait: true });
    await sim.client.put('mini:edge:vel', 1, { wait: true });
    const first = sim.client.put('mini:edge:mtr', 5, { wait: true, timeoutMs: 60_000 });
    await sim.clock.advance(1);
    const second = sim.client.put('mini:edge:mtr', -1, { wait: true, timeoutMs: 60_000 });
    await first; // superseded: completes without reaching 5
    const positions: number[] = [];
    const stop = sim.client.monitor('mini:edge:mtr', (r) => positions.push(r.value as number));
    await sim.clock.advance(3);
    await second;
    stop();
    assert.equal(await sim.value('mini:edge:mtr'), -1);
    assert.ok(
      positions.slice(1).every((p, i, a) => i === 0 || p <= a[i - 1]),
      'one motion only: monotonic towards -1',
    );
  });

  /**
   * The last frame's sum, drawn with the beam current of its tick (the dot ticks at multiples of
   * 2 s from the start). The current's own tick falls at the same instant and may run just before
   * or just after, so the frame saw the current of that instant or of 0.1 s earlier. The sum is
   * Poisson: within five standard deviations of its mean.
   */
  function assertDrawnWith(sum: number, mean: (current: number) => number, what: string) {
    const tick = Math.floor(sim.clock.now() / 2 + 1e-9) * 2;
    const means = [tick, tick - 0.1].map((at) => mean(referenceCurrent(at)));
    assert.ok(
      means.some((m) => Math.abs(sum - m) <= 5 * Math.sqrt(m)),
      `${what}: ${sum}, expected ${means.map((m) => m.toFixed(0)).join(' or ')}`,
    );
  }

  it('draws the dot image every 2 s: background only with the shutter closed, plus the spot when open', async () => {
    await sim.client.put('mini:dot:shutter_open', 0, { wait: true });
    await sim.clock.advance(2);
    const closed = await sim.value('mini:dot:img_sum');
    const background = DOT_PIXELS * DOT_BACKGROUND;
    assert.ok(Math.abs(closed - background) < 5 * Math.sqrt(background), `background sum ${closed}`);
    await sim.client.put('mini:dot:shutter_open', 1, { wait: true });
    await sim.client.put('mini:dot:mtrx', 0, { wait: true });
    await sim.client.put('mini:dot:mtry', 0, { wait: true });
    await sim.clock.advance(2);
    const open = await sim.value('mini:dot:img_sum');
    assertDrawnWith(open, (current) => background + referenceSpotSum(current, 1, 0, 0), 'open sum');
    const image = (await sim.client.get('mini:dot:det')).values as Float64Array;
    assert.equal(image.length, 307200);
    assert.equal(
      image.reduce((a, b) => a + b, 0),
      open,
    );
    const peak = argmax(image);
    assert.ok(
      Math.abs(Math.floor(peak / 640) - 240) <= 3 && Math.abs((peak % 640) - 320) <= 5,
      `peak at row ${Math.floor(peak / 640)}, column ${peak % 640}`,
    );
    // The spot moves opposite to the motors, and dims as exp(−(mtrx² + mtry²)/100²).
    await sim.client.put('mini:dot:mtrx', 40, { wait: true });
    await sim.clock.advance(2);
    const moved = (await sim.client.get('mini:dot:det')).values as Float64Array;
    const movedPeak = argmax(moved);
    assert.ok(Math.abs((movedPeak % 640) - 280) <= 6, `peak column ${movedPeak % 640}`);
    const dimmed = await sim.value('mini:dot:img_sum');
    assertDrawnWith(dimmed, (current) => background + referenceSpotSum(current, 1, 40, 0), 'sum at mtrx 40');
  });

  it('answers record fields generated from the metadata', async () => {
    assert.equal((await sim.client.get('mini:ph:mtr.RTYP')).value, 'ai');
    assert.equal((await sim.client.get('mini:ph:mtr.DESC')).value, 'Motor');
    assert.equal((await sim.client.get('mini:ph:mtr.PREC')).value, 3);
    assert.equal((await sim.client.get('mini:ph:mtr_tick_rate.EGU')).value, 'Hz');
    assert.equal((await sim.client.get('mini:current.RTYP')).value, 'ai');
    assert.equal((await sim.client.get('mini:dot:det.RTYP')).value, 'waveform');
    assert.equal((await sim.client.get('mini:current.SEVR', { type: DBR.STRING })).value, 'NO_ALARM');
    assert.equal((await sim.client.get('mini:ph:mtr.VAL')).value, await sim.value('mini:ph:mtr'));
    await assert.rejects(sim.client.get('mini:ph:mtr.NOPE', { timeoutMs: 300 }), /not connected/);
  });
});
