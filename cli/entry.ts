import { pathToFileURL } from 'node:url';
import { settleHeapAfterStart } from './settle-heap.ts';

export type Main = (argv: string[]) => unknown;

export class EntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntryError';
  }
}

/** Imports a module by absolute path and runs its `main(argv)` (the contract in components.ts). */
export async function runEntry(path: string, argv: string[]): Promise<void> {
  const module = (await import(pathToFileURL(path).href)) as { main?: unknown };
  if (typeof module.main !== 'function') {
    throw new EntryError(`${path} does not export main(argv: string[])`);
  }
  await (module.main as Main)(argv);
  settleHeapAfterStart();
}
