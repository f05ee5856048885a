import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR, ECA } from '@ophyd-service/epics-ca';
import { type RawChannel, RawCircuit } from '../../packages/epics-ca/test/raw-circuit.ts';
import { until } from '../../packages/epics-ca/test/waits.ts';
import { simulate } from './harness.ts';

/**
 * The motor records against the EPICS motor record's rules (motorRecord.cc): limits published on
 * VAL/RBV (HLM/LLM), DRBV (DHLM/DLLM) and VELO (VBAS..VMAX); a move past the soft limits sets LVIO
 * and does not move, its put completing normally; every put to VAL blinks DMOV 1 → 0 → 1.
 * Limits expected here are the spec's (mtr1 0..10, mtr2 −10..20, mtr3 0..30) and the README's VMAX.
 */
describe('motor records: limits, refusals and null moves', () => {
  let sim: Awaited<ReturnType<typeof simulate>>;
  let raw: RawCircuit;
  before(async () => {
    sim = await simulate([{ name: 'motors' }]);
    raw = await RawCircuit.open(sim.server.tcpPort);
  });
  after(async () => {
    raw.close();
    await sim.close();
  });

  const ctrl = (name: string) => sim.client.get(name, { type: 'ctrl' });
  const gr = (name: string) => sim.client.get(name, { type: 'gr' });

  /** Advances the clock in ticks until `predicate` holds (at most 60 simulated seconds). */
  async function runUntil(predicate: () => boolean) {
    for (let i = 0; i < 600 && !predicate(); i++) await sim.clock.advance(0.1);
    assert.ok(predicate(), 'condition not reached within 60 simulated seconds');
  }

  /** Collects a field's monitor updates (the first is its value when subscribed). */
  async function watch(name: string) {
    const seen: number[] = [];
    const stop = sim.client.monitor(name, (r) => seen.push(r.value as number));
    await until(() => seen.length === 1, `the first update of ${name}`);
    return { seen, stop };
  }

  async function moveAndWait(name: string, target: number) {
    const put = sim.client.put(name, target, { wait: true, timeoutMs: 60_000 });
    await runUntil(
      () => sim.server.get(`${name}.DMOV`)!.value === 1 && sim.server.get(`${name}.RBV`)!.value === target,
    );
    await put;
  }

  it('publishes HLM/LLM as the control and display limits of VAL and RBV', async () => {
    for (const [motor, low, high] of [
      ['sim:mtr1', 0, 10],
      ['sim:mtr2', -10, 20],
      ['sim:mtr3', 0, 30],
    ] as const) {
      for (const field of ['', '.RBV']) {
        const reading = await ctrl(`${motor}${field}`);
        assert.deepEqual(
          [reading.limits?.controlLow, reading.limits?.controlHigh],
          [low, high],
          `${motor}${field} control limits`,
        );
        const graphic = await gr(`${motor}${field}`);
        assert.deepEqual(
          [graphic.limits?.displayLow, graphic.limits?.displayHigh],
          [low, high],
          `${motor}${field} display limits`,
        );
      }
      assert.deepEqual([await sim.value(`${motor}.DLLM`), await sim.value(`${motor}.DHLM`)], [low, high]);
      const dial = await ctrl(`${motor}.DRBV`);
      assert.deepEqual([dial.limits?.controlLow, dial.limits?.controlHigh], [low, high]);
      assert.equal(dial.units, 'mm');
    }
    // Raw steps of 1e-6 mm: the dial limits over MRES.
    const steps = await ctrl('sim:mtr2.RRBV');
    assert.deepEqual([steps.limits?.controlLow, steps.limits?.controlHigh], [-10_000_000, 20_000_000]);
  });

  it('publishes VELO’s range VBAS..VMAX and clamps VELO into it', async () => {
    const velo = await ctrl('sim:mtr1.VELO');
    assert.deepEqual([velo.limits?.controlLow, velo.limits?.controlHigh], [0, 5]);
    assert.equal(velo.units, 'mm/sec');
    assert.deepEqual([await sim.value('sim:mtr2.VBAS'), await sim.value('sim:mtr2.VMAX')], [0, 10]);
    await sim.client.put('sim:mtr1.VELO', 50, { wait: true });
    assert.equal(await sim.value('sim:mtr1.VELO'), 5);
    await sim.client.put('sim:mtr1.VELO', -2, { wait: true });
    assert.equal(await sim.value('sim:mtr1.VELO'), 0);
    await sim.client.put('sim:mtr1.VELO', 1, { wait: true });
    assert.equal(await sim.value('sim:mtr1.VELO'), 1);
  });

  it('moves the user limits with OFF and DIR; a write to HLM sets the dial limit behind it', async () => {
    const properties: [number | undefined, number | undefined][] = [];
    const stop = sim.client.monitor(
      'sim:mtr3',
      (r) => properties.push([r.limits?.controlLow, r.limits?.controlHigh]),
      { type: 'ctrl', mask: 8 /* DBE_PROPERTY */ },
    );
    await until(() => properties.length === 1, 'the first property update');
    await sim.client.put('sim:mtr3.OFF', 5, { wait: true });
    // The dial position (0) stays: user positions and limits shift by the offset.
    assert.deepEqual([await sim.value('sim:mtr3.LLM'), await sim.value('sim:mtr3.HLM')], [5, 35]);
    assert.deepEqual([await sim.value('sim:mtr3'), await sim.value('sim:mtr3.RBV')], [5, 5]);
    await until(() => properties.at(-1)?.[1] === 35, 'the new limits to be posted');
    assert.deepEqual(properties.at(-1), [5, 35]);
    await sim.client.put('sim:mtr3.DIR', 'Neg', { wait: true });
    // user = −dial + 5: dial 0..30 becomes user −25..5.
    assert.deepEqual([await sim.value('sim:mtr3.LLM'), await sim.value('sim:mtr3.HLM')], [-25, 5]);
    const limits = (await ctrl('sim:mtr3')).limits;
    assert.deepEqual([limits?.controlLow, limits?.controlHigh], [-25, 5]);
    // With DIR = Neg the user high limit is the dial low limit: HLM 4 ⇒ DLLM = −(4 − 5) = 1.
    await sim.client.put('sim:mtr3.HLM', 4, { wait: true });
    assert.deepEqual([await sim.value('sim:mtr3.DLLM'), await sim.value('sim:mtr3.DHLM')], [1, 30]);
    assert.deepEqual([await sim.value('sim:mtr3.LLM'), await sim.value('sim:mtr3.HLM')], [-25, 4]);
    // Back to the defaults.
    await sim.client.put('sim:mtr3.DIR', 'Pos', { wait: true });
    await sim.client.put('sim:mtr3.OFF', 0, { wait: true });
    await sim.client.put('sim:mtr3.LLM', 0, { wait: true });
    assert.deepEqual([await sim.value('sim:mtr3.DLLM'), await sim.value('sim:mtr3.DHLM')], [0, 30]);
    assert.deepEqual([await sim.value('sim:mtr3.LLM'), await sim.value('sim:mtr3.HLM')], [0, 30]);
    stop();
  });

  it('refuses a move past HLM or below LLM: LVIO = 1, no motion, VAL kept, the put completes', async () => {
    const mtr1: RawChannel = await raw.channel('sim:mtr1');
    const dmov = await watch('sim:mtr1.DMOV');
    const before = await sim.value('sim:mtr1');
    // The real motor record completes the put normally (process() returns OK): the refusal shows in
    // LVIO and in VAL, which goes back to the last accepted target.
    assert.equal(await raw.writeNotify(mtr1, DBR.DOUBLE, [20]), ECA.NORMAL);
    assert.equal(await sim.value('sim:mtr1.LVIO'), 1);
    assert.equal(await sim.value('sim:mtr1'), before);
    await until(() => dmov.seen.length >= 3, 'DMOV to blink');
    assert.deepEqual(dmov.seen, [1, 0, 1]);
    await sim.clock.advance(1);
    assert.equal(await sim.value('sim:mtr1.RBV'), before, 'did not move');
    assert.equal(await sim.value('sim:mtr1.MOVN'), 0);
    dmov.stop();

    const mtr3 = await raw.channel('sim:mtr3');
    assert.equal(await raw.writeNotify(mtr3, DBR.DOUBLE, [-1]), ECA.NORMAL);
    assert.equal(await sim.value('sim:mtr3.LVIO'), 1);
    assert.equal(await sim.value('sim:mtr3'), 0);
    // An accepted move clears LVIO.
    await moveAndWait('sim:mtr3', 1);
    assert.equal(await sim.value('sim:mtr3.LVIO'), 0);
  });

  it('refuses a non-finite target with ECA_PUTFAIL and keeps VAL', async () => {
    const mtr2 = await raw.channel('sim:mtr2');
    const before = await sim.value('sim:mtr2');
    assert.equal(await raw.writeNotify(mtr2, DBR.DOUBLE, [Number.NaN]), ECA.PUTFAIL);
    assert.equal(await sim.value('sim:mtr2'), before);
    assert.equal(await sim.value('sim:mtr2.DMOV'), 1);
  });

  it('lets a motor outside its limits move back towards them, not further away', async () => {
    await moveAndWait('sim:mtr2', 15);
    await sim.client.put('sim:mtr2.HLM', 10, { wait: true });
    const mtr2 = await raw.channel('sim:mtr2');
    assert.equal(await raw.writeNotify(mtr2, DBR.DOUBLE, [18]), ECA.NORMAL);
    assert.equal(await sim.value('sim:mtr2.LVIO'), 1, 'further away: refused');
    assert.equal(await sim.value('sim:mtr2'), 15);
    await moveAndWait('sim:mtr2', 12);
    assert.equal(await sim.value('sim:mtr2.LVIO'), 0, 'towards the range: allowed');
    await sim.client.put('sim:mtr2.HLM', 20, { wait: true });
    await moveAndWait('sim:mtr2', 0);
  });

  it('answers a null move with DMOV 1 → 0 → 1 and completes its put (issue 12)', async () => {
    await moveAndWait('sim:mtr1', 3);
    const dmov = await watch('sim:mtr1.DMOV');
    const movn = await watch('sim:mtr1.MOVN');
    // No clock advance: the put completes although nothing moves.
    await sim.client.put('sim:mtr1', 3, { wait: true, timeoutMs: 60_000 });
    await until(() => dmov.seen.length >= 3, 'DMOV to blink');
    assert.deepEqual(dmov.seen, [1, 0, 1]);
    assert.deepEqual(movn.seen, [0], 'MOVN never rose');
    assert.equal(await sim.value('sim:mtr1.RBV'), 3);
    dmov.stop();
    movn.stop();
  });

  it('answers a move below one motor step the same way, without moving', async () => {
    const dmov = await watch('sim:mtr1.DMOV');
    await sim.client.put('sim:mtr1', 3 + 4e-7, { wait: true, timeoutMs: 60_000 }); // MRES is 1e-6
    await until(() => dmov.seen.length >= 3, 'DMOV to blink');
    assert.deepEqual(dmov.seen, [1, 0, 1]);
    assert.equal(await sim.value('sim:mtr1.RBV'), 3);
    dmov.stop();
  });

  it('moves inside the retry deadband (RDBD) with DMOV 1 → 0 → 1 and completes at the next tick', async () => {
    assert.equal(await sim.value('sim:mtr1.RDBD'), 0.001);
    const dmov = await watch('sim:mtr1.DMOV');
    let done = false;
    const put = sim.client.put('sim:mtr1', 3.0005, { wait: true, timeoutMs: 60_000 }).then(() => {
      done = true;
    });
    await until(() => dmov.seen.length >= 2, 'DMOV to fall');
    assert.equal(done, false, 'the move waits for the motion loop');
    await runUntil(() => dmov.seen.at(-1) === 1);
    await put;
    assert.deepEqual(dmov.seen, [1, 0, 1]);
    assert.equal(await sim.value('sim:mtr1.RBV'), 3.0005);
    dmov.stop();
  });
});
