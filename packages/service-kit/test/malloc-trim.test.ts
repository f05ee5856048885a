/**
 * malloc_trim through the native helper: a child process fills malloc with 200,000 small buffers,
 * frees all but every 64th (so no arena can shrink from its top), and collects them; glibc keeps
 * the freed memory until trimMalloc returns it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { MALLOC_TRIM_MODULE, mallocTrimAvailable } from '../src/malloc-trim.ts';

const child = `
import { trimMalloc } from ${JSON.stringify(new URL('../src/malloc-trim.ts', import.meta.url).href)};
const rss = () => process.memoryUsage().rss / 1e6;
let buffers = Array.from({ length: 200_000 }, () => Buffer.allocUnsafeSlow(256));
const survivors = buffers.filter((_, i) => i % 64 === 0);
buffers = null;
globalThis.gc();
globalThis.gc();
const before = rss();
const returned = trimMalloc();
console.log(JSON.stringify({ before, after: rss(), returned, survivors: survivors.length }));
`;

describe('malloc trim', () => {
  it('gives the memory freed between live blocks back to the system', () => {
    assert.ok(
      mallocTrimAvailable(),
      `${MALLOC_TRIM_MODULE} is not built: npm ci builds it (packages/service-kit/native/build.mjs, needs a C compiler)`,
    );
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child], {
      encoding: 'utf8',
    });
    const { before, after, returned } = JSON.parse(out);
    assert.equal(returned, true);
    assert.ok(before - after > 20, `RSS ${before.toFixed(1)} MB -> ${after.toFixed(1)} MB after the trim`);
  });
});
