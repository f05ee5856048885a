import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR } from '@ophyd-service/epics-ca';
import { until } from '../../packages/epics-ca/test/waits.ts';
import { simulate } from './harness.ts';
import { referenceCameraFrame, referenceTemperature } from './reference.ts';

type Sim = Awaited<ReturnType<typeof simulate>>;

/** Pixel by pixel within one count (the floor of nearly equal products can differ by one). */
function assertFrame(actual: Uint8Array, expected: Uint8Array, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= 1, `${what}: a pixel is off by ${worst}`);
}

function assertNear(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);
}

describe('motor records', () => {
  let sim: Sim;
  before(async () => {
    sim = await simulate([{ name: 'motors' }]);
  });
  after(() => sim.close());

  /** Advances the clock in ticks until `predicate` holds (or 60 simulated seconds pass). */
  async function runUntil(predicate: () => boolean) {
    for (let i = 0; i < 600 && !predicate(); i++) await sim.clock.advance(0.1);
    assert.ok(predicate(), 'condition not reached within 60 simulated seconds');
  }

  it('has the fields EpicsMotor connects to, with their types', async () => {
    const fields: [string, number][] = [
      ['', DBR.DOUBLE],
      ['.RBV', DBR.DOUBLE],
      ['.DMOV', DBR.SHORT],
      ['.MOVN', DBR.SHORT],
      ['.VELO', DBR.DOUBLE],
      ['.ACCL', DBR.DOUBLE],
      ['.EGU', DBR.STRING],
      ['.HLM', DBR.DOUBLE],
      ['.LLM', DBR.DOUBLE],
      ['.HLS', DBR.SHORT],
      ['.LLS', DBR.SHORT],
      ['.STOP', DBR.SHORT],
      ['.SPMG', DBR.ENUM],
      ['.OFF', DBR.DOUBLE],
      ['.DIR', DBR.ENUM],
      ['.FOFF', DBR.ENUM],
      ['.SET', DBR.ENUM],
      ['.PREC', DBR.SHORT],
      ['.MRES', DBR.DOUBLE],
      ['.TDIR', DBR.SHORT],
      ['.HOMF', DBR.SHORT],
      ['.HOMR', DBR.SHORT],
      ['.VAL', DBR.DOUBLE],
    ];
    for (const [field, type] of fields) {
      assert.equal((await sim.client.info(`sim:mtr1${field}`)).nativeType, type, field);
    }
    assert.equal((await sim.client.get('sim:mtr1.RTYP')).value, 'motor');
    assert.equal((await sim.client.info('sim:mtr1.RBV')).writable, false);
    assert.deepEqual(
      [await sim.value('sim:mtr2.VELO'), await sim.value('sim:mtr2.LLM'), await sim.value('sim:mtr2.HLM')],
      [2, -10, 20],
    );
  });

  it('moves like EpicsMotor expects: DMOV 1 → 0 → 1, RBV steps at VELO, put completes at the end', async () => {
    const dmov: number[] = [];
    const rbv: number[] = [];
    const stopDmov = sim.client.monitor('sim:mtr1.DMOV', (r) => dmov.push(r.value as number));
    const stopRbv = sim.client.monitor('sim:mtr1.RBV', (r) => rbv.push(r.value as number));
    await until(() => dmov.length === 1 && rbv.length === 1, 'initial updates');
    let done = false;
    const put = sim.client.put('sim:mtr1', 2, { wait: true, timeoutMs: 60_000 }).then(() => {
      done = true;
    });
    await until(() => dmov.at(-1) === 0, 'DMOV 0');
    await runUntil(() => dmov.at(-1) === 1);
    await put;
    assert.equal(done, true);
    assert.deepEqual([dmov[0], dmov.at(-1)], [1, 1]);
    assert.ok(dmov.includes(0));
    assert.equal(rbv.at(-1), 2);
    // VELO 1 at 10 Hz (spec §1.3): at most 0.1 mm a tick, so at least 20 readbacks on the way to 2.
    assert.ok(rbv.length >= 21, `about 20 steps of 0.1 mm: ${rbv}`);
    for (let i = 1; i < rbv.length; i++)
      assert.ok(
        rbv[i] >= rbv[i - 1] && rbv[i] - rbv[i - 1] <= 0.1 + 1e-9,
        `step ${i}: ${rbv[i - 1]} → ${rbv[i]}`,
      );
    stopDmov();
    stopRbv();
  });

  it('stops mid-move on STOP, leaving VAL at the position reached', async () => {
    const put = sim.client.put('sim:mtr1', 8, { wait: true, timeoutMs: 60_000 });
    await until(() => sim.server.get('sim:mtr1.DMOV')!.value === 0, 'moving');
    await sim.clock.advance(1);
    await sim.client.put('sim:mtr1.STOP', 1, { wait: true });
    await put;
    const rbv = await sim.value('sim:mtr1.RBV');
    assert.ok(rbv > 2 && rbv < 8, `stopped at ${rbv}`);
    assert.equal(await sim.value('sim:mtr1'), rbv);
    assert.equal(await sim.value('sim:mtr1.DMOV'), 1);
    assert.equal(await sim.value('sim:mtr1.STOP'), 0);
  });

  it('halts on SPMG Stop and holds on Pause until Go', async () => {
    await sim.client.put('sim:mtr2.SPMG', 'Pause', { wait: true });
    const put = sim.client.put('sim:mtr2', 1, { wait: true, timeoutMs: 60_000 });
    await until(() => sim.server.get('sim:mtr2.DMOV')!.value === 0, 'move accepted');
    await sim.clock.advance(1);
    assert.equal(await sim.value('sim:mtr2.RBV'), 0, 'paused');
    await sim.client.put('sim:mtr2.SPMG', 'Go', { wait: true });
    await runUntil(() => sim.server.get('sim:mtr2.DMOV')!.value === 1);
    await put;
    assert.equal(await sim.value('sim:mtr2.RBV'), 1);
    const again = sim.client.put('sim:mtr2', 10, { wait: true, timeoutMs: 60_000 });
    await until(() => sim.server.get('sim:mtr2.DMOV')!.value === 0, 'moving');
    await sim.clock.advance(0.5);
    await sim.client.put('sim:mtr2.SPMG', 'Stop', { wait: true });
    await again;
    assert.equal(await sim.value('sim:mtr2.DMOV'), 1);
    assert.ok((await sim.value('sim:mtr2.RBV')) < 10);
    await sim.client.put('sim:mtr2.SPMG', 'Go', { wait: true });
  });
  // Limits, refusals and null moves: motor-record.test.ts.
});

describe('camera', () => {
  let sim: Sim;
  before(async () => {
    sim = await simulate([{ name: 'camera' }]);
  });
  after(() => sim.close());

  it('publishes 8-bit frames of the orbiting blob at 5 Hz, shaped by SizeX × SizeY', async () => {
    assert.equal((await sim.client.info('13SIM1:image1:ArrayData')).nativeType, DBR.CHAR);
    await sim.clock.advance(0.2);
    assert.equal(await sim.value('13SIM1:image1:ArrayCounter_RBV'), 1);
    const frame = (await sim.client.get('13SIM1:image1:ArrayData')).values as Uint8Array;
    assert.equal(frame.length, 256 * 192);
    assertFrame(frame, referenceCameraFrame(1), 'frame 1');
    await sim.clock.advance(1);
    assert.equal(await sim.value('13SIM1:image1:ArrayCounter_RBV'), 6);
    assertFrame(
      (await sim.client.get('13SIM1:image1:ArrayData')).values as Uint8Array,
      referenceCameraFrame(6),
      'frame 6',
    );
    await sim.client.put('13SIM1:cam1:SizeX', 64, { wait: true });
    await sim.client.put('13SIM1:cam1:SizeY', 32, { wait: true });
    await sim.clock.advance(0.2);
    const small = (await sim.client.get('13SIM1:image1:ArrayData')).values as Uint8Array;
    assert.equal(small.length, 64 * 32);
    assert.deepEqual(
      [await sim.value('13SIM1:image1:ArraySize0_RBV'), await sim.value('13SIM1:image1:ArraySize1_RBV')],
      [64, 32],
    );
  });

  it('holds the last frame while Acquire = 0', async () => {
    await sim.client.put('13SIM1:cam1:Acquire', 0, { wait: true });
    const counter = await sim.value('13SIM1:image1:ArrayCounter_RBV');
    await sim.clock.advance(1);
    assert.equal(await sim.value('13SIM1:image1:ArrayCounter_RBV'), counter);
    await sim.client.put('13SIM1:cam1:Acquire', 'Acquire', { wait: true });
    await sim.clock.advance(0.2);
    assert.equal(await sim.value('13SIM1:image1:ArrayCounter_RBV'), counter + 1);
  });

  it('uses enums for ColorMode and DataType, as areaDetector does', async () => {
    assert.equal((await sim.client.get('13SIM1:cam1:DataType', { type: DBR.STRING })).value, 'UInt8');
    assert.equal((await sim.client.get('13SIM1:cam1:ColorMode', { type: DBR.STRING })).value, 'Mono');
  });
});

describe('random_walk and thermo', () => {
  let sim: Sim;
  before(async () => {
    sim = await simulate([
      { name: 'random_walk' },
      { name: 'random_walk', prefix: 'random_walk:horiz-' },
      { name: 'thermo' },
    ]);
  });
  after(() => sim.close());

  it('steps x by less than 1 every dt seconds', async () => {
    assert.equal(await sim.value('random_walk:dt'), 3);
    await sim.clock.advance(3);
    const first = await sim.value('random_walk:x');
    assert.ok(first !== 0 && Math.abs(first) < 1);
    await sim.client.put('random_walk:horiz-dt', 0.5, { wait: true });
    await sim.clock.advance(3); // the horizontal walk picks up the new dt after its current step
    assert.notEqual(await sim.value('random_walk:horiz-x'), 0);
  });

  it('settles the temperature at the setpoint, and restarts the oscillation on a new setpoint', async () => {
    // I is recomputed every 0.1 s of the simulation; T0 is its start (time 0) until SP is written.
    const ticks = (t: number) => Math.round(t * 10) / 10;
    await sim.clock.advance(0.3);
    const early = ticks(sim.clock.now());
    assertNear(await sim.value('thermo:I'), referenceTemperature(early, 0, 100), `I at ${early} s`);
    await sim.clock.advance(60);
    assert.ok(Math.abs((await sim.value('thermo:I')) - 100) < 0.1);
    const written = sim.clock.now();
    await sim.client.put('thermo:SP', 50, { wait: true });
    await sim.clock.advance(0.55);
    // The last tick, 0.5 s after the new setpoint: 10·e^(−0.05)·sin(π·t) + 50, a swing of ~9.5.
    const at = ticks(written + 0.5);
    const swinging = await sim.value('thermo:I');
    assertNear(swinging, referenceTemperature(at, written, 50), `I at ${at} s`);
    assert.ok(Math.abs(swinging - 50) > 1, `oscillating again: ${swinging}`);
    await sim.clock.advance(80);
    assert.ok(Math.abs((await sim.value('thermo:I')) - 50) < 0.1);
  });
});
