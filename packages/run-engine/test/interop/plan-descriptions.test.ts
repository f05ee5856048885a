/**
 * Interop: our built-in plans' descriptions have the structure bluesky-queueserver generates for
 * bluesky's own (names, kinds, annotations, defaults, conversion flags, module, is_generator), and
 * the simulated profile's plans the structure it generates for the profile's (custom device types,
 * bounds, decorator defaults), so plans_existing served from them reads the same to clients. The
 * prose is our own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BUILTIN_PLANS, describePlan } from '../../src/plans/catalog.ts';
import { hw } from '../../src/sim/hw.ts';
import { profilePlanSpecs } from '../../src/sim/profile-catalog.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
const python = join(venv, 'bin/python');

function withoutProse(description: Record<string, unknown>): Record<string, unknown> {
  const { description: _, ...rest } = description;
  return {
    ...rest,
    parameters: (rest.parameters as Record<string, unknown>[]).map(({ description: __, ...p }) => p),
  };
}

const PROFILE = profilePlanSpecs(hw(), { print: () => {} });

describe("plan descriptions match bluesky-queueserver's", () => {
  let reference: Record<string, Record<string, unknown>>;
  before(async () => {
    if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
    reference = await new Promise((resolve, reject) => {
      execFile(
        python,
        [
          join(import.meta.dirname, 'py/plan_descriptions.py'),
          ...Object.keys(BUILTIN_PLANS),
          ...Object.keys(PROFILE).map((name) => `profile:${name}`),
        ],
        (err, stdout, stderr) => {
          if (err) return reject(new Error(`plan_descriptions.py failed: ${err.message}\n${stderr}`));
          resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
        },
      );
    });
  });

  for (const name of Object.keys(BUILTIN_PLANS)) {
    it(name, () => {
      assert.deepEqual(withoutProse(describePlan(BUILTIN_PLANS[name])), reference[name]);
    });
  }

  for (const name of Object.keys(PROFILE)) {
    it(`the profile's ${name}`, () => {
      assert.deepEqual(withoutProse(describePlan(PROFILE[name])), reference[`profile:${name}`]);
    });
  }
});
