/**
 * Gives the memory a process freed back to the system (glibc's malloc_trim), through the small
 * Node-API module native/malloc-trim.c that `npm ci` builds when the machine has a C compiler.
 * Without it (no compiler, not glibc, an image installed without scripts) nothing happens.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Where native/build.mjs puts the module. */
export const MALLOC_TRIM_MODULE = join(import.meta.dirname, '..', 'native', 'build', 'malloc-trim.node');

let trim: (() => boolean) | null | undefined;

/** Whether the module is built (and so whether `trimMalloc` does anything). */
export function mallocTrimAvailable(): boolean {
  if (trim === undefined)
    trim = existsSync(MALLOC_TRIM_MODULE)
      ? (createRequire(import.meta.url)(MALLOC_TRIM_MODULE) as { trim: () => boolean }).trim
      : null;
  return trim !== null;
}

/** Returns free malloc pages to the system; true when some were returned. */
export function trimMalloc(): boolean {
  return mallocTrimAvailable() && trim!();
}
