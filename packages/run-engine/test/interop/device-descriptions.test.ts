/**
 * Interop: our simulated devices are described (devices_existing, spec §9.3) exactly as
 * bluesky-queueserver describes the devices of the same names in its simulated profile (ophyd.sim's
 * and the profile's own), nested components and all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeDevices } from '../../src/device-descriptions.ts';
import { hw } from '../../src/sim/hw.ts';
import { profileDevices } from '../../src/sim/profile-devices.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

describe("device descriptions match bluesky-queueserver's", () => {
  it('for every device of the simulated profile', async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    const h = hw();
    const devices = { ...h, ...profileDevices(h) };
    const names = Object.keys(devices);
    const reference = await new Promise<{
      descriptions: Record<string, unknown>;
      shipped: string[];
    }>((resolve, reject) => {
      execFile(
        python,
        [join(import.meta.dirname, 'py/device_descriptions.py'), ...names],
        (err, stdout, stderr) => {
          if (err) return reject(new Error(`device_descriptions.py failed: ${err.message}\n${stderr}`));
          resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
        },
      );
    });
    assert.deepEqual([...names].sort(), reference.shipped, 'the same device names as the shipped profile');
    const ours = describeDevices(devices);
    for (const name of names) assert.deepEqual(ours[name], reference.descriptions[name], name);
  });
});
