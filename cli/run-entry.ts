/**
 * The child side of `ophyd-service up`: `node cli/run-entry.ts [--stop-timeout-ms N] <entry> [args…]`
 * runs one module's `main(argv)` and, when the supervisor spawned it with an IPC channel, reports
 * `{type: 'ready'}` once `main` resolves. Going through `main` keeps one contract for in-process
 * subcommands and supervised children (no `import.meta.main` guard needed in entries).
 */
import { runEntry } from './entry.ts';
import { describeFailure } from './failure.ts';
import { DEFAULT_TIMING } from './timing.ts';

export interface ReadyMessage {
  type: 'ready';
}

const args = process.argv.slice(2);
let stopTimeoutMs = DEFAULT_TIMING.stopTimeoutMs;
if (args[0] === '--stop-timeout-ms') {
  stopTimeoutMs = Number(args[1]);
  args.splice(0, 2);
}
const [entry, ...argv] = args;
if (!entry || !(stopTimeoutMs >= 0)) {
  console.error('usage: run-entry.ts [--stop-timeout-ms N] <entry> [args…]');
  process.exit(2);
}

if (process.send) {
  let orphaned = false;
  // Registered before the entry is imported, so it runs before any exit handler of the component's:
  // those flush logs into pipes nobody reads any more, and pino's retries EPIPE forever, which would
  // keep an orphan alive (and its ports held) after it has shut down.
  process.on('exit', () => {
    if (orphaned) process.kill(process.pid, 'SIGKILL');
  });
  // The supervisor gone (crashed, SIGKILLed) closes the channel: shut down as if it had sent SIGTERM,
  // and die within the grace it would have given, since no one is left to escalate. Unref'd, so the
  // channel alone never keeps the process alive.
  process.once('disconnect', () => {
    orphaned = true;
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), stopTimeoutMs).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  process.channel?.unref();
}

try {
  await runEntry(entry, argv);
} catch (err) {
  const failure = describeFailure(err, null, process.exitCode);
  console.error(failure.text);
  process.exit(failure.exitCode);
}

if (process.connected) process.send?.({ type: 'ready' } satisfies ReadyMessage);
