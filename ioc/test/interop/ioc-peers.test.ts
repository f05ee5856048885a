import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { DBR } from '@ophyd-service/epics-ca';
import { caEnv, freePort, requirePeers, runJson } from '../../../packages/epics-ca/test/interop/peers.ts';

const bin = join(import.meta.dirname, '../../../bin/ophyd-service.ts');
const checkScript = join(import.meta.dirname, 'py/ioc_check.py');
const limitsScript = join(import.meta.dirname, 'py/ioc_limits.py');

/** The 25 PVs of the reference mini_beamline: name, native type, count, writable. */
const MINI: [string, number, number, boolean][] = [
  ['mini:current', DBR.DOUBLE, 1, false],
  ...['ph', 'edge', 'slit'].flatMap((g): [string, number, number, boolean][] => [
    [`mini:${g}:det`, DBR.DOUBLE, 1, false],
    [`mini:${g}:mtr`, DBR.DOUBLE, 1, true],
    [`mini:${g}:exp`, DBR.DOUBLE, 1, true],
    [`mini:${g}:vel`, DBR.DOUBLE, 1, true],
    [`mini:${g}:mtr_tick_rate`, DBR.DOUBLE, 1, true],
  ]),
  ['mini:dot:det', DBR.DOUBLE, 307200, false],
  ['mini:dot:img_sum', DBR.DOUBLE, 1, false],
  ['mini:dot:mtrx', DBR.DOUBLE, 1, true],
  ['mini:dot:mtry', DBR.DOUBLE, 1, true],
  ['mini:dot:exp', DBR.DOUBLE, 1, true],
  ['mini:dot:shutter_open', DBR.LONG, 1, true],
  ['mini:dot:ArraySizeY_RBV', DBR.LONG, 1, false],
  ['mini:dot:ArraySizeX_RBV', DBR.LONG, 1, false],
  ['mini:dot:ArraySize_RBV', DBR.LONG, 2, false],
];

describe('caproto and pyepics against our simulated IOCs', () => {
  let ioc: ChildProcess;
  let port: number;
  before(async () => {
    requirePeers();
    port = await freePort();
    ioc = spawn(process.execPath, [bin, 'ioc', 'mini_beamline', 'motors'], {
      env: caEnv(port),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      ioc.once('exit', (code) => reject(new Error(`IOC exited with ${code}`)));
      createInterface({ input: ioc.stdout! }).on('line', (line) => {
        if (line.includes('CA server on')) resolve();
      });
    });
  });
  after(() => {
    ioc?.kill('SIGTERM');
  });

  const expected = Object.fromEntries(
    MINI.map(([name, type, count, writable]) => [name, [type, count, writable]]),
  );
  const names = JSON.stringify(MINI.map(([name]) => name));

  it('caproto sees the 25 PVs with the exact names, types, counts and access', async () => {
    const out = (await runJson(checkScript, caEnv(port), ['caproto', names])) as any;
    assert.deepEqual(out.types, expected);
  });

  it('pyepics sees the same list, moves mini:ph:mtr 0 → 2 in 0.1 steps with put-completion at the end, and drives sim:mtr1 like EpicsMotor', async () => {
    const out = (await runJson(checkScript, caEnv(port, { EPICS_CA_MAX_ARRAY_BYTES: '10000000' }), [
      'pyepics',
      names,
    ])) as any;
    assert.deepEqual(out.types, expected);
    // At vel 1 and 10 Hz the move is floor(2 / 1 / 0.1) = 20 steps of 0.1 (spec §1.1), then the
    // target exactly.
    const positions = out.ph_positions as number[];
    assert.equal(positions[0], 0, 'the monitor starts at the old position');
    const moving = positions.slice(1);
    const path = [...Array.from({ length: 20 }, (_, k) => ((k + 1) * 2) / 20), 2];
    assert.equal(moving.length, path.length, `one update per step: ${moving}`);
    for (const [i, p] of moving.entries())
      assert.ok(Math.abs(p - path[i]) < 1e-9, `step ${i + 1}: ${p}, expected ${path[i]}`);
    // The put completed at the end of the move: every step before the last had reached the client
    // (the updates of the last step, posted with the completion, may travel just after it).
    const atCompletion = (out.ph_positions_at_completion as number[]).slice(1);
    assert.ok(atCompletion.length >= 19, `steps seen when the put completed: ${atCompletion}`);
    assert.equal(out.ph_final, 2);
    assert.equal(out.dmov_sequence_ok, true);
    assert.equal(out.rbv_after_move, 1);
    assert.ok(out.rbv_after_stop >= 2 && out.rbv_after_stop < 9, `stopped at ${out.rbv_after_stop}`);
    assert.equal(out.val_after_stop, out.rbv_after_stop);
  });

  it('libca, caproto, ophyd and bluesky see the limits, the refused puts, a completed null move and a scan from where the motor is', async () => {
    const out = (await runJson(limitsScript, caEnv(port))) as any;
    assert.deepEqual(out.mtr2_ctrl, [-10, 20]);
    assert.deepEqual(out.mtrx_ctrl, [-320, 320]);
    // [reply status, value unchanged]
    assert.deepEqual(out.long_2_40, ['ECA_PUTFAIL', true]);
    assert.deepEqual(out.double_text, ['ECA_PUTFAIL', true]);
    assert.deepEqual(out.enum_99, ['ECA_PUTFAIL', true]);
    assert.deepEqual(out.past_hlm, ['ECA_NORMAL', true]);
    assert.equal(out.lvio, 1);
    assert.deepEqual(out.ophyd_limits, [0, 10]);
    assert.deepEqual(out.null_move, { done: true, success: true, dmov: [1, 0, 1] });
    // A bluesky scan starting where the motor is completes its three points.
    assert.equal(out.scan.exit_status, 'success');
    assert.deepEqual(out.scan.positions, [out.scan.start, out.scan.start + 0.5, out.scan.start + 1]);
  });
});
