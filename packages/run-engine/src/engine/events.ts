/**
 * What the engine core is fed (events) and what it asks of the world around it (effects). The core
 * never calls a device, a timer or a plan itself: the driver in run-engine.ts does, and reports back.
 */
import type { AssetDocument, Document, DocumentName, ExitStatus, ObjectDescription } from '../documents.ts';
import type { Msg } from '../msg.ts';
import type { DataKey, PartialEvent, PartialEventPage, Reading } from '../protocols.ts';

export type EngineState =
  | 'idle'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'halting'
  | 'stopping'
  | 'aborting'
  | 'panicked';

export type Request =
  | { request: 'pause'; defer: boolean }
  | { request: 'resume' }
  | { request: 'stop' }
  | { request: 'abort'; reason?: string }
  | { request: 'halt' };

export type EngineEvent =
  | {
      type: 'begin';
      planName: string;
      planType: string;
      md: Record<string, unknown>;
      /** Set when a suspender is already tripped: the plan is held before its first message. */
      suspendedBy?: string;
    }
  | { type: 'message'; msg: Msg }
  | { type: 'plan_returned'; value: unknown }
  | { type: 'plan_threw'; error: unknown }
  | { type: 'io_done'; id: number; value: unknown }
  | { type: 'io_failed'; id: number; error: unknown }
  | { type: 'status_done'; id: number; error?: unknown }
  | { type: 'sleep_done'; id: number }
  | { type: 'monitor_reading'; subscription: number; reading: Record<string, Reading> }
  /** A suspender tripped (e.g. beam current below its floor): rest until `unsuspend`, then rewind. */
  | { type: 'suspend'; justification: string }
  | { type: 'unsuspend' }
  | ({ type: 'request' } & Request);

/** Device work the driver performs; the answer comes back as io_done/io_failed with the same id. */
export type IoOp =
  /** `assets`: also collect the Resource/Datum documents a file-writing device made (inside a bundle). */
  | { kind: 'read'; obj: unknown; describe: boolean; assets?: boolean }
  /** Ask the user (bluesky's `input` message, e.g. tweak's next step). */
  | { kind: 'input'; prompt: string }
  /** `collect`: describe_collect() instead of describe() (declare_stream(..., collect=True)). */
  | { kind: 'describe'; objs: unknown[]; collect?: boolean }
  | {
      kind: 'status';
      obj: unknown;
      method: 'set' | 'prepare' | 'trigger' | 'kickoff' | 'complete';
      args: unknown[];
      kwargs: Record<string, unknown>;
    }
  | {
      kind: 'call';
      obj: unknown;
      method: 'stage' | 'unstage' | 'locate' | 'stop' | 'collect';
      args: unknown[];
    }
  | { kind: 'subscribe'; obj: unknown; subscription: number }
  | { kind: 'unsubscribe'; subscription: number }
  | { kind: 'wait_for'; factories: (() => unknown)[]; timeout: number | null }
  /** `describe`: also describe_collect() the single object (its first collect in the run). */
  | { kind: 'collect'; objs: unknown[]; describe: boolean };

/** What describe_collect() and the configuration say about a collectable device. */
export interface CollectDescription {
  name: string;
  /** As the device gives it: `{key: DataKey}` for one stream or `{stream: {key: DataKey}}`. */
  dataKeys: Record<string, DataKey> | Record<string, Record<string, DataKey>>;
  hints?: { fields?: string[] };
  configKeys: Record<string, DataKey>;
  config: Record<string, Reading>;
}

/**
 * What a collect gathered, in bluesky's order: the description (when asked), the asset documents
 * of every device (up to their common index when there are several), then the single device's
 * event pages or events (none from a device that streams its data into files).
 */
export interface CollectResult {
  description?: CollectDescription;
  assets: AssetDocument[];
  events?: PartialEvent[];
  pages?: PartialEventPage[];
}

export interface ReadResult {
  reading: Record<string, Reading>;
  description?: ObjectDescription;
  assets?: AssetDocument[];
}

/** One run of the current plan, as the queue server's `re_runs` lists it. */
export interface RunInfo {
  uid: string;
  scan_id: number;
  is_open: boolean;
  exit_status: ExitStatus | null;
}

export interface RunResult {
  runStartUids: string[];
  /** The scan_id of each run, in the same order. */
  scanIds: number[];
  planReturn: unknown;
  exitStatus: ExitStatus;
  reason: string;
  /** True when the plan ended by stop/abort/halt or a failed pause rather than on its own. */
  interrupted: boolean;
  /** The exception the plan ended with, when it failed. */
  error?: unknown;
}

export type Effect =
  | { type: 'send'; value: unknown }
  | { type: 'throw'; error: unknown }
  /** Close the plan without letting it run clean-up code (halt). */
  | { type: 'close_plan' }
  | { type: 'emit'; name: DocumentName; doc: Document }
  | { type: 'io'; id: number; op: IoOp }
  /** Clean-up work: performed in order, its failures logged, never reported back. */
  | { type: 'cleanup'; op: IoOp }
  | { type: 'sleep'; id: number; seconds: number }
  /** Abandon in-flight io and sleeps: their answers will be ignored. */
  | { type: 'cancel' }
  | { type: 'state'; state: EngineState }
  /** The plan's run list changed (a run opened or closed, or the plan ended and it was cleared). */
  | { type: 'runs'; runs: RunInfo[] }
  | { type: 'finished'; result: RunResult };
