/**
 * The child side of `ophyd-service up`: `node cli/run-entry.ts <entry> [args…]` runs one module's
 * `main(argv)` and, when the supervisor spawned it with an IPC channel, reports `{type: 'ready'}` once
 * `main` resolves. Going through `main` keeps one contract for in-process subcommands and supervised
 * children (no `import.meta.main` guard needed in entries).
 */
import { EntryError, runEntry } from './entry.ts';

export interface ReadyMessage {
  type: 'ready';
}

const [entry, ...argv] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-entry.ts <entry> [args…]');
  process.exit(2);
}

if (process.send) {
  // The supervisor gone (crashed, SIGKILLed) must not leave this component holding its ports: shut
  // down as if it had sent SIGTERM. Unref'd, so the channel alone never keeps the process alive.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel?.unref();
}

try {
  await runEntry(entry, argv);
} catch (err) {
  console.error(err instanceof EntryError ? err.message : err);
  process.exit(1);
}

process.send?.({ type: 'ready' } satisfies ReadyMessage);
