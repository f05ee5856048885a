/**
 * A service's start-up (module loading, seeding, building its OpenAPI document) leaves garbage and
 * a young generation grown to its largest size, which V8 keeps for as long as the process is idle:
 * tens of MB of RSS that serve nothing. One last-resort collection once start-up is over compacts
 * the heap, shrinks the young generation and hands the freed pages back to the OS. What start-up
 * freed outside the heap stays in malloc's arenas until malloc_trim gives it back (about 4 MB of
 * an idle queue server), where service-kit's native helper is built.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trimMalloc } from '@ophyd-service/service-kit/malloc-trim';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Collects everything collectable and returns the freed heap to the OS (a blocking pause of some tens of ms). */
export function settleHeap(): void {
  // --expose-gc after start-up only installs gc() in contexts created afterwards: a throwaway one
  // here, so the service's own global scope stays as it was.
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as Collect;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  trimMalloc();
}

/** Settles the heap `delayMs` after start-up, unless the process has ended by then (a one-shot tool). */
export function settleHeapAfterStart(delayMs = 3000): void {
  setTimeout(settleHeap, delayMs).unref();
}
