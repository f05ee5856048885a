// Builds malloc-trim.node (see malloc-trim.c) at install time, with the machine's C compiler. It is
// optional: without a compiler, or off Linux's glibc, services run as before, only without giving
// their freed start-up memory back (cli/settle-heap.ts). Plain JavaScript, so any Node that npm
// runs install scripts with can run it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const out = join(here, 'build', 'malloc-trim.node');
const glibc = process.platform === 'linux' && process.report?.getReport().header.glibcVersionRuntime;
if (!glibc) {
  console.log('[service-kit] malloc-trim: not built (needs Linux with glibc)');
  process.exit(0);
}
mkdirSync(join(here, 'build'), { recursive: true });
for (const compiler of [process.env.CC, 'cc', 'gcc'].filter(Boolean)) {
  try {
    execFileSync(compiler, ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, join(here, 'malloc-trim.c')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    console.log(`[service-kit] malloc-trim: built ${out}`);
    process.exit(0);
  } catch (error) {
    if (error.code !== 'ENOENT') {
      console.log(
        `[service-kit] malloc-trim: not built (${compiler}: ${String(error.stderr ?? error.message).trim()})`,
      );
      process.exit(0);
    }
  }
}
console.log('[service-kit] malloc-trim: not built (no C compiler: cc or gcc, or $CC)');
