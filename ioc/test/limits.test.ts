import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR, ECA } from '@ophyd-service/epics-ca';
import { RawCircuit } from '../../packages/epics-ca/test/raw-circuit.ts';
import { until } from '../../packages/epics-ca/test/waits.ts';
import { simulate } from './harness.ts';

type Sim = Awaited<ReturnType<typeof simulate>>;

/** The IOC side of a refused put: ECA_PUTFAIL to WRITE_NOTIFY, and the PV keeps its value. */
async function assertRefused(
  sim: Sim,
  raw: RawCircuit,
  name: string,
  dataType: number,
  sent: number | string,
) {
  const channel = await raw.channel(name);
  const before = (await sim.client.get(name)).value;
  assert.equal(await raw.writeNotify(channel, dataType, [sent]), ECA.PUTFAIL, `${sent} to ${name}`);
  assert.equal((await sim.client.get(name)).value, before, `${name} unchanged after ${sent}`);
}

async function controlLimits(sim: Sim, name: string) {
  const { limits } = await sim.client.get(name, { type: 'ctrl' });
  return [limits?.controlLow, limits?.controlHigh];
}

async function displayLimits(sim: Sim, name: string) {
  const { limits } = await sim.client.get(name, { type: 'gr' });
  return [limits?.displayLow, limits?.displayHigh];
}

describe('mini_beamline: ranges and refusals', () => {
  let sim: Sim;
  let raw: RawCircuit;
  before(async () => {
    sim = await simulate([{ name: 'mini_beamline' }]);
    raw = await RawCircuit.open(sim.server.tcpPort);
  });
  after(async () => {
    raw.close();
    await sim.close();
  });

  it('publishes the range of every writable PV as its control and display limits', async () => {
    const ranges: [string, number, number][] = [
      ...['ph', 'edge', 'slit'].flatMap((g): [string, number, number][] => [
        [`mini:${g}:mtr`, -30, 30],
        [`mini:${g}:exp`, 0, 10],
        [`mini:${g}:vel`, 0, 10],
        [`mini:${g}:mtr_tick_rate`, 1, 100],
      ]),
      ['mini:dot:mtrx', -320, 320], // the spot's centre stays on the 640 × 480 sensor
      ['mini:dot:mtry', -240, 240],
      ['mini:dot:exp', 0, 10],
      ['mini:dot:shutter_open', 0, 1],
    ];
    for (const [name, low, high] of ranges) {
      assert.deepEqual(await controlLimits(sim, name), [low, high], `${name} control limits`);
      assert.deepEqual(await displayLimits(sim, name), [low, high], `${name} display limits`);
    }
  });

  it('publishes display limits for the readbacks: counts at a 550 current, following the exposure', async () => {
    assert.deepEqual(await displayLimits(sim, 'mini:current'), [0, 550]);
    // 200 counts per unit current per unit exposure (spec §1.1), at current 550 and exposure 1.
    assert.deepEqual(await displayLimits(sim, 'mini:ph:det'), [0, 110_000]);
    assert.deepEqual(await displayLimits(sim, 'mini:dot:det'), [0, 1000 + 110_000]);
    // Background 1000 per pixel, plus the spot: 2π·σx·σy (50, 25) times its peak.
    assert.deepEqual(await displayLimits(sim, 'mini:dot:img_sum'), [
      0,
      307_200 * 1000 + 2 * Math.PI * 50 * 25 * 110_000,
    ]);
    const properties: number[] = [];
    const stop = sim.client.monitor(
      'mini:slit:det',
      (r) => properties.push(r.limits?.displayHigh ?? Number.NaN),
      {
        type: 'gr',
        mask: 8, // DBE_PROPERTY
      },
    );
    await until(() => properties.length === 1, 'the first property update');
    await sim.client.put('mini:slit:exp', 0.5, { wait: true });
    await until(() => properties.length === 2, 'the new display range');
    assert.deepEqual(properties, [110_000, 55_000]);
    await sim.client.put('mini:dot:exp', 2, { wait: true });
    assert.deepEqual(await displayLimits(sim, 'mini:dot:det'), [0, 1000 + 220_000]);
    await sim.client.put('mini:slit:exp', 1, { wait: true });
    await sim.client.put('mini:dot:exp', 1, { wait: true });
    stop();
  });

  it('clamps settings into their range, as an ao record’s DRVL/DRVH do, and answers .DRVH/.DRVL', async () => {
    for (const [name, sent, held] of [
      ['mini:edge:exp', 20, 10],
      ['mini:edge:exp', -3, 0],
      ['mini:edge:vel', 50, 10],
      ['mini:edge:mtr_tick_rate', 1000, 100],
      ['mini:edge:mtr_tick_rate', 0, 1],
      ['mini:dot:shutter_open', 5, 1],
    ] as const) {
      await sim.client.put(name, sent, { wait: true });
      assert.equal(await sim.value(name), held, `${sent} to ${name}`);
    }
    assert.deepEqual([await sim.value('mini:edge:exp.DRVL'), await sim.value('mini:edge:exp.DRVH')], [0, 10]);
    assert.deepEqual(
      [await sim.value('mini:edge:mtr_tick_rate.DRVL'), await sim.value('mini:edge:mtr_tick_rate.DRVH')],
      [1, 100],
    );
    // The motors refuse instead of clamping, so they have no drive limits (an ai record has none).
    await assert.rejects(raw.channel('mini:edge:mtr.DRVH'), /no channel/);
    await sim.client.put('mini:edge:exp', 1, { wait: true });
    await sim.client.put('mini:edge:vel', 1, { wait: true });
    await sim.client.put('mini:edge:mtr_tick_rate', 10, { wait: true });
  });

  it('refuses a position outside its travel with ECA_PUTFAIL and does not move', async () => {
    await assertRefused(sim, raw, 'mini:ph:mtr', DBR.DOUBLE, 31);
    await assertRefused(sim, raw, 'mini:slit:mtr', DBR.DOUBLE, -30.5);
    await assertRefused(sim, raw, 'mini:dot:mtrx', DBR.DOUBLE, 400);
    await assertRefused(sim, raw, 'mini:dot:mtry', DBR.STRING, '-241');
  });

  it('refuses values a PV cannot hold: text that is no number, 2^40 for a LONG, a non-finite target', async () => {
    await assertRefused(sim, raw, 'mini:ph:mtr', DBR.STRING, 'far');
    await assertRefused(sim, raw, 'mini:ph:exp', DBR.STRING, 'abc');
    await assertRefused(sim, raw, 'mini:dot:shutter_open', DBR.DOUBLE, 2 ** 40); // not clamped to 1
    await assertRefused(sim, raw, 'mini:dot:shutter_open', DBR.STRING, '1099511627776');
    await assertRefused(sim, raw, 'mini:ph:mtr', DBR.DOUBLE, Number.NaN);
    await assertRefused(sim, raw, 'mini:dot:mtrx', DBR.DOUBLE, Infinity);
    // A plain WRITE is answered with a CA error, as rsrv does.
    const exp = await raw.channel('mini:dot:exp');
    raw.write(exp, DBR.STRING, ['bright']);
    const error = await raw.nextError();
    assert.equal(error.status, ECA.PUTFAIL);
    assert.match(error.message, /mini:dot:exp .*"bright"/);
    assert.equal(await sim.value('mini:dot:exp'), 1);
  });

  it('completes a null move at once, as it does a move shorter than one tick', async () => {
    await sim.client.put('mini:ph:vel', 1, { wait: true });
    const position = await sim.value('mini:ph:mtr');
    const seen: number[] = [];
    const stop = sim.client.monitor('mini:ph:mtr', (r) => seen.push(r.value as number));
    await until(() => seen.length === 1, 'the first update');
    // No clock advance: neither put waits for the motion loop.
    await sim.client.put('mini:ph:mtr', position, { wait: true, timeoutMs: 60_000 });
    await sim.client.put('mini:ph:mtr', position + 0.05, { wait: true, timeoutMs: 60_000 }); // 0.05 s at vel 1
    await until(() => seen.length === 3, 'one update per put');
    assert.deepEqual(seen, [position, position, position + 0.05]);
    stop();
  });
});

describe('camera and random_walk: ranges', () => {
  let sim: Sim;
  let raw: RawCircuit;
  before(async () => {
    sim = await simulate([{ name: 'camera' }, { name: 'random_walk' }]);
    raw = await RawCircuit.open(sim.server.tcpPort);
  });
  after(async () => {
    raw.close();
    await sim.close();
  });

  it('publishes the sensor’s ranges and clamps sizes and offsets to them', async () => {
    for (const [name, low, high] of [
      ['13SIM1:cam1:SizeX', 1, 1024],
      ['13SIM1:cam1:SizeY', 1, 1024],
      ['13SIM1:cam1:MinX', 0, 1023],
      ['13SIM1:cam1:MinY', 0, 1023],
      ['13SIM1:cam1:AcquireTime', 0, 60],
      ['random_walk:dt', 0.01, 3600],
    ] as const) {
      assert.deepEqual(await controlLimits(sim, name), [low, high], name);
    }
    assert.deepEqual(await displayLimits(sim, '13SIM1:image1:ArrayData'), [0, 255]);
    assert.deepEqual(await displayLimits(sim, '13SIM1:image1:ArraySize0_RBV'), [0, 1024]);
    await sim.client.put('13SIM1:cam1:SizeX', 5000, { wait: true });
    assert.equal(await sim.value('13SIM1:cam1:SizeX'), 1024);
    await sim.client.put('13SIM1:cam1:SizeX', 0, { wait: true });
    assert.equal(await sim.value('13SIM1:cam1:SizeX'), 1);
    await sim.client.put('random_walk:dt', 0, { wait: true });
    assert.equal(await sim.value('random_walk:dt'), 0.01);
    await sim.client.put('13SIM1:cam1:SizeX', 256, { wait: true });
    await sim.client.put('random_walk:dt', 3, { wait: true });
  });

  it('refuses an enum index that is no state, a name that is none, and 2^40 for a LONG size', async () => {
    await assertRefused(sim, raw, '13SIM1:cam1:Acquire', DBR.ENUM, 99);
    await assertRefused(sim, raw, '13SIM1:cam1:ColorMode', DBR.SHORT, 8);
    await assertRefused(sim, raw, '13SIM1:cam1:DataType', DBR.STRING, 'Float128');
    await assertRefused(sim, raw, '13SIM1:cam1:SizeX', DBR.DOUBLE, 2 ** 40); // refused, not clamped
    await assertRefused(sim, raw, '13SIM1:cam1:AcquireTime', DBR.STRING, 'long');
  });
});
