/**
 * Waits for the tests that end on an event or a condition, never on the clock. A wait has no
 * deadline of its own: the bound is the running test's timeout (`node --test --test-timeout`).
 * When that aborts the test, every wait in it rejects at once, naming what it waited for, so the
 * test's `finally` blocks still close the servers and sockets it opened and the file can exit.
 * Outside a test (in a `before`/`after` hook) the runner's own hook timeout is the bound, and a
 * wait there never keeps the process alive by itself.
 */

import { afterEach, beforeEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

let current: AbortSignal | undefined;

// Only under the test runner: a hook registered by a plain script (a benchmark importing a test
// helper) would make Node print an empty test report.
if (process.env.NODE_TEST_CONTEXT !== undefined || process.execArgv.includes('--test')) {
  beforeEach((t) => {
    current = t.signal;
  });
  // The runner aborts a test's signal once it has ended: hooks after it must not inherit that.
  afterEach(() => {
    current = undefined;
  });
}

/** The running test's signal: aborted when the test times out or is cancelled. */
export function testSignal(): AbortSignal | undefined {
  return current;
}

export class WaitAborted extends Error {
  override name = 'WaitAborted';
}

function abortedError(what: string, detail?: () => string): WaitAborted {
  const more = detail ? `; ${detail()}` : '';
  return new WaitAborted(`gave up waiting for ${what}: the test was aborted (its timeout)${more}`);
}

/**
 * `promise`, or a rejection naming `what` (and `detail()`, e.g. what did arrive) if the running
 * test is aborted first.
 */
export function orAbort<T>(promise: Promise<T>, what: string, detail?: () => string): Promise<T> {
  const signal = current;
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError(what, detail));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(what, detail));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Resolves once `predicate` holds, checking it every few milliseconds. */
export async function until(predicate: () => boolean, what = 'a condition'): Promise<void> {
  const signal = current;
  while (!predicate()) {
    if (signal?.aborted) throw abortedError(what);
    await sleep(5, undefined, { ref: signal !== undefined });
  }
}

/**
 * Resolves once `check` answers true, asking again after a short pause; a `check` that throws
 * counts as "not yet" (its last error is reported if the test gives up).
 */
export async function untilAsync(check: () => Promise<boolean>, what = 'a condition'): Promise<void> {
  const signal = current;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (signal?.aborted)
      throw abortedError(what, last === undefined ? undefined : () => `last error: ${last}`);
    await sleep(25, undefined, { ref: signal !== undefined });
  }
}
