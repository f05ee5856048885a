/**
 * How a subcommand's failure reaches the terminal: bad input and known operational failures as one
 * line (no stack trace), exit 2 for bad input as argparse does; only an unexpected error keeps its
 * stack, since that is a bug to report.
 */
import { EntryError } from './entry.ts';

export interface Failure {
  /** What to print on stderr: one line, or a stack for an unexpected error. */
  text: string;
  exitCode: number;
}

/**
 * `err` as thrown by a subcommand's `main(argv)`; `command` prefixes the line (null where the
 * output is prefixed already, as under `up`). `exitCodeSet` is `process.exitCode` when it was
 * thrown: an entry that set 2 before throwing reported bad input.
 */
export function describeFailure(
  err: unknown,
  command: string | null,
  exitCodeSet?: number | string | null,
): Failure {
  const line = (message: string) => (command ? `ophyd-service ${command}: ${message}` : message);
  if (!(err instanceof Error)) return { text: line(String(err)), exitCode: 1 };
  const firstLine = err.message.split('\n')[0];
  const declared = (err as { exitCode?: unknown }).exitCode;
  if (typeof declared === 'number' && declared > 0) return { text: line(err.message), exitCode: declared };
  // By name: importing the service kit would load Koa into every CLI start.
  if (err.name === 'ConfigError') return { text: line(err.message), exitCode: 2 };
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    // Node's first sentence names the problem; the entry's --help lists what it takes.
    const [sentence] = err.message.split(/\.(?: |$)/);
    const help = command ? ` (see ophyd-service ${command} --help)` : '';
    return { text: line(`${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}${help}`), exitCode: 2 };
  }
  if (Number(exitCodeSet) === 2) return { text: line(firstLine.replace(/^Error: /, '')), exitCode: 2 };
  if (err instanceof EntryError) return { text: line(err.message), exitCode: 1 };
  return { text: err.stack ?? line(err.message), exitCode: 1 };
}
