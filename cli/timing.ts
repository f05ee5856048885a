/**
 * How the supervisor times its children, in a module of its own: every supervised child imports the
 * stop timeout (cli/run-entry.ts), and should not load the supervisor with it.
 */
export interface Timing {
  /** A child that exits before reporting ready, or this soon after its start, failed to start. */
  startupMs: number;
  /** How long stopping children get before SIGKILL (and how long an orphaned child gets to stop). */
  stopTimeoutMs: number;
  /** A repeated signal within this window is the same Ctrl-C delivered twice (terminal and npm). */
  repeatSignalMs: number;
}

export const DEFAULT_TIMING: Timing = { startupMs: 5000, stopTimeoutMs: 15000, repeatSignalMs: 500 };
