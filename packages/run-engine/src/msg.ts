/** bluesky's message protocol: a plan is a generator of these. */

export type Command =
  | 'open_run'
  | 'close_run'
  | 'create'
  | 'save'
  | 'drop'
  | 'read'
  | 'set'
  | 'wait'
  | 'trigger'
  | 'stage'
  | 'unstage'
  | 'sleep'
  | 'checkpoint'
  | 'clear_checkpoint'
  | 'pause'
  | 'null'
  | 'declare_stream'
  | 'locate'
  | 'monitor'
  | 'unmonitor'
  | 'wait_for'
  | 'prepare'
  | 'kickoff'
  | 'complete'
  | 'collect'
  | 'input'
  | 'rewindable';

export interface Msg {
  command: string;
  /** The device the command addresses, or null. */
  obj: unknown;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** Which open run the message belongs to (bluesky's `run` key); null is the default run. */
  run: string | null;
}

export function msg(
  command: Command,
  obj: unknown = null,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  run: string | null = null,
): Msg {
  return { command, obj, args, kwargs, run };
}

/** What the engine sends back in answer to each message. */
export type Plan<R = unknown> = Generator<Msg, R, unknown> | AsyncGenerator<Msg, R, unknown>;
export type SyncPlan<R = unknown> = Generator<Msg, R, unknown>;
