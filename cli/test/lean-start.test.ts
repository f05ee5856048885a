/**
 * What keeps a started service light: the compile cache handed to supervised children (so a warm
 * start never loads Node's TypeScript stripper) and the one-off heap settling after start-up.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { useCompileCache } from '@ophyd-service/service-kit/compile-cache';
import { componentEnv } from '../loopback.ts';
import { settleHeap } from '../settle-heap.ts';

const REPORT_STRIPPER = join(import.meta.dirname, 'fixtures', 'reports-stripper.ts');

/** Runs a .ts file in a fresh Node with `env`; answers whether the TypeScript stripper got loaded. */
function stripperLoaded(env: NodeJS.ProcessEnv): boolean {
  const run = spawnSync(process.execPath, [REPORT_STRIPPER], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout).stripper as boolean;
}

describe('a lean service start', () => {
  it('gives children the compile cache, so their second start does not load the TypeScript stripper', () => {
    const cache = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    try {
      // A CLI with its cache on hands it to `up`'s children; one the user points elsewhere passes through.
      useCompileCache();
      assert.equal(componentEnv({}).NODE_COMPILE_CACHE, join(tmpdir(), 'node-compile-cache'));
      assert.equal(componentEnv({ NODE_COMPILE_CACHE: cache }).NODE_COMPILE_CACHE, cache);
      const parent = { NODE_COMPILE_CACHE: cache };
      assert.equal(stripperLoaded(parent), true, 'a cold cache strips the types');
      assert.equal(stripperLoaded(parent), false, 'a warm cache needs no stripper');
      assert.equal(stripperLoaded({ NODE_DISABLE_COMPILE_CACHE: '1' }), true);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('settles the heap: the young generation grown by start-up shrinks back', () => {
    const youngGeneration = () =>
      getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
    let garbage: object[] = [];
    for (let i = 0; i < 2_000_000; i++) {
      garbage.push({ i, text: `item ${i}` });
      if (garbage.length > 100_000) garbage = [];
    }
    const grown = youngGeneration();
    settleHeap();
    assert.ok(youngGeneration() < grown, `young generation ${youngGeneration()} not below ${grown}`);
  });
});
