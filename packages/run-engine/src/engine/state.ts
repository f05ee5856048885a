/**
 * The RunEngine's pure core: fed one event at a time (a message the plan yielded, a device answer,
 * a finished sleep, a pause/resume/stop/abort/halt request), it updates its state and returns the
 * effects for the driver to perform. No I/O, no clock, no promises here: time and uids are passed
 * in, so the whole state machine can be driven step by step in tests.
 */
import { composeStart, type ExitStatus, type ObjectDescription } from '../documents.ts';
import {
  FailedPause,
  FailedStatus,
  IllegalMessageSequence,
  InvalidCommand,
  PlanHalt,
  RequestAbort,
  RequestStop,
  RunEngineControlException,
  TransitionError,
  WaitForTimeoutError,
} from '../errors.ts';
import type { Msg } from '../msg.ts';
import { isMovable, isStageable, isStoppable, nameOf, type Reading } from '../protocols.ts';
import type {
  CollectDescription,
  CollectResult,
  Effect,
  EngineEvent,
  EngineState,
  IoOp,
  ReadResult,
  Request,
  RunInfo,
} from './events.ts';
import { type DocSource, type Emitted, RunBundle } from './run-bundle.ts';

/** Messages never replayed after a pause (bluesky's _UNCACHEABLE_COMMANDS). */
const UNCACHEABLE = new Set(['pause', 'stage', 'unstage', 'monitor', 'unmonitor', 'open_run', 'close_run']);

/** What the current message is waiting for before the plan gets its answer. */
type Pending =
  | { kind: 'plan' }
  | { kind: 'io'; id: number; onDone: (value: unknown) => unknown }
  | { kind: 'sleep'; id: number }
  | { kind: 'group'; group: string | null; timer: number | null; errorOnTimeout: boolean }
  | { kind: 'suspended' }
  /** The plan has ended: collecting the flyers it left uncollected before the runs close. */
  | { kind: 'backstop'; id: number; run: RunBundle; obj: unknown; stream: string | null }
  | null;

interface TrackedStatus {
  group: string | null;
  done: boolean;
  error?: unknown;
}

export interface CoreOptions {
  /** Persistent run metadata (RE.md): scan_id lives here across plans. */
  md: Record<string, unknown>;
  uid: () => string;
}

export class EngineCore {
  state: EngineState = 'idle';
  readonly md: Record<string, unknown>;
  private readonly newUid: () => string;
  private now = 0;
  private effects: Effect[] = [];
  private nextId = 1;

  // Per-plan state, reset by `begin`.
  private plan = { name: '', type: '', md: {} as Record<string, unknown> };
  private pending: Pending = null;
  private runs = new Map<string | null, RunBundle>();
  private runStartUids: string[] = [];
  /** The current plan's runs in open order (the queue server's re_runs); cleared when the plan ends. */
  runList: RunInfo[] = [];
  private msgCache: Msg[] | null = [];
  private replay: Msg[] = [];
  private heldMessage: Msg | null = null;
  /** A suspender is tripped: 'requested' until the message in progress can be interrupted. */
  private suspension: 'requested' | 'active' | null = null;
  suspendReason = '';
  private deferredPause = false;
  private statuses = new Map<number, TrackedStatus>();
  private failedUngrouped: unknown = null;
  private staged: unknown[] = [];
  private touchedMovables = new Set<unknown>();
  private subscriptions = new Map<number, { run: string | null; obj: unknown; stream: string }>();
  /** An exception to throw into the plan instead of answering its next message (stop/abort/halt). */
  private throwOnNext: unknown = null;
  private exit: { status: ExitStatus; reason: string } = { status: 'success', reason: '' };
  private interrupted = false;
  /** How the plan ended, kept while the engine collects forgotten flyers before closing the runs. */
  private ending: {
    status: ExitStatus;
    planReturn: unknown;
    error: unknown;
    backstop: { run: RunBundle; obj: unknown }[];
  } | null = null;

  constructor(options: CoreOptions) {
    this.md = options.md;
    this.newUid = options.uid;
  }

  /** Feeds one event at time `now` (seconds); returns what the driver must do, in order. */
  handle(event: EngineEvent, now: number): Effect[] {
    this.now = now;
    this.effects = [];
    try {
      this.dispatch(event);
    } catch (err) {
      if (err instanceof TransitionError) throw err; // a request the state does not allow: the caller's error
      // A bug in the core must not leave a plan hanging: the engine cannot be trusted any more.
      this.setState('panicked');
      this.effects.push({
        type: 'finished',
        result: {
          runStartUids: this.runStartUids,
          scanIds: this.runList.map((r) => r.scan_id),
          planReturn: undefined,
          exitStatus: 'fail',
          reason: String(err),
          interrupted: true,
          error: err,
        },
      });
    }
    return this.effects;
  }

  /** Whether a pause now could be resumed (a checkpoint exists to rewind to). */
  get resumable(): boolean {
    return this.msgCache !== null;
  }

  private dispatch(event: EngineEvent): void {
    switch (event.type) {
      case 'begin':
        return this.begin(event);
      case 'message':
        return this.onMessage(event.msg);
      case 'plan_returned':
        return this.finish(
          this.state === 'aborting' || this.state === 'halting' ? 'abort' : this.exit.status,
          event.value,
        );
      case 'plan_threw':
        return this.onPlanThrew(event.error);
      case 'io_done':
        if (this.pending?.kind === 'backstop' && this.pending.id === event.id)
          return this.backstopDone(event.value);
        return this.onIoDone(event.id, event.value);
      case 'io_failed':
        if (this.pending?.kind === 'backstop' && this.pending.id === event.id) {
          // bluesky swallows (and logs) a flyer that cannot be collected at the end; so do we.
          this.pending = null;
          return this.nextBackstop();
        }
        if (this.pending?.kind === 'io' && this.pending.id === event.id) {
          this.pending = null;
          this.answerError(event.error);
        }
        return;
      case 'status_done':
        return this.onStatusDone(event.id, event.error);
      case 'sleep_done':
        if (this.pending?.kind === 'sleep' && this.pending.id === event.id) {
          this.pending = null;
          this.answer(null);
        } else if (this.pending?.kind === 'group' && this.pending.timer === event.id) {
          // The wait's timeout: fail the plan, or (error_on_timeout=False) carry on regardless.
          const { errorOnTimeout } = this.pending;
          this.pending = null;
          if (errorOnTimeout)
            this.answerError(new WaitForTimeoutError('Plan failed to complete in the specified time'));
          else this.answer(false); // not done yet: collect_while_completing collects and waits again
        }
        return;
      case 'monitor_reading':
        return this.onMonitorReading(event.subscription, event.reading);
      case 'request':
        return this.onRequest(event);
      case 'suspend':
        return this.suspend(event.justification);
      case 'unsuspend':
        return this.unsuspend();
    }
  }

  // ---- plan lifecycle -------------------------------------------------------------------------

  private begin(event: Extract<EngineEvent, { type: 'begin' }>): void {
    if (this.state !== 'idle')
      throw new TransitionError(`RunEngine is in '${this.state}' state; a plan can only start when idle`);
    this.plan = { name: event.planName, type: event.planType, md: event.md };
    this.pending = { kind: 'plan' };
    this.runs = new Map();
    this.runStartUids = [];
    this.runList = [];
    this.msgCache = [];
    this.replay = [];
    this.heldMessage = null;
    this.suspension = event.suspendedBy === undefined ? null : 'requested';
    this.suspendReason = event.suspendedBy ?? '';
    this.deferredPause = false;
    this.statuses = new Map();
    this.failedUngrouped = null;
    this.staged = [];
    this.touchedMovables = new Set();
    this.subscriptions = new Map();
    this.throwOnNext = null;
    this.exit = { status: 'success', reason: '' };
    this.interrupted = false;
    this.ending = null;
    this.setState('running');
    this.effects.push({ type: 'send', value: undefined });
  }

  private onPlanThrew(error: unknown): void {
    if (error instanceof RunEngineControlException) return this.finish(error.exitStatus);
    if (error instanceof PlanHalt || error instanceof FailedPause) return this.finish('abort');
    this.exit.reason = errorText(error);
    this.finish('fail', undefined, error);
  }

  /**
   * Ends the plan as bluesky's does: stops what moved, ends monitors, collects the flyers kicked off
   * in a still open run and never collected, then unstages, closes open runs, and goes back to idle.
   */
  private finish(status: ExitStatus, planReturn?: unknown, error?: unknown): void {
    this.pending = null;
    this.effects.push({ type: 'cancel' });
    for (const obj of this.touchedMovables) {
      if (isStoppable(obj))
        this.effects.push({
          type: 'cleanup',
          op: { kind: 'call', obj, method: 'stop', args: [{ success: true }] },
        });
    }
    for (const subscription of this.subscriptions.keys())
      this.effects.push({ type: 'cleanup', op: { kind: 'unsubscribe', subscription } });
    this.subscriptions.clear();
    const backstop = [...this.runs.values()].flatMap((run) =>
      run.takeUncollected().map((obj) => ({ run, obj })),
    );
    this.ending = { status, planReturn, error, backstop };
    this.nextBackstop();
  }

  private nextBackstop(): void {
    const ending = this.ending!;
    const next = ending.backstop.shift();
    if (!next) return this.closeAll(ending.status, ending.planReturn, ending.error);
    let prepared: { stream: string | null; describe: boolean };
    try {
      prepared = next.run.prepareCollect([next.obj], null);
    } catch {
      return this.nextBackstop();
    }
    const id = this.nextId++;
    this.pending = { kind: 'backstop', id, run: next.run, obj: next.obj, stream: prepared.stream };
    this.effects.push({
      type: 'io',
      id,
      op: { kind: 'collect', objs: [next.obj], describe: prepared.describe },
    });
  }

  private backstopDone(value: unknown): void {
    const { run, obj, stream } = this.pending as Extract<Pending, { kind: 'backstop' }>;
    this.pending = null;
    try {
      this.emitting((out) => run.collect([obj], value as CollectResult, stream, out));
    } catch {
      // as bluesky: a flyer that cannot be collected at the end is skipped
    }
    this.nextBackstop();
  }

  private closeAll(status: ExitStatus, planReturn: unknown, error: unknown): void {
    this.ending = null;
    for (const obj of this.staged)
      this.effects.push({ type: 'cleanup', op: { kind: 'call', obj, method: 'unstage', args: [] } });
    for (const run of this.runs.values()) {
      this.effects.push({ type: 'emit', name: 'stop', doc: run.stop(status, this.exit.reason) });
      this.markClosed(run.start.uid, status);
    }
    this.runs.clear();
    this.staged = [];
    this.touchedMovables.clear();
    const scanIds = this.runList.map((r) => r.scan_id);
    if (this.runList.length) {
      this.runList = [];
      this.effects.push({ type: 'runs', runs: this.runList });
    }
    this.setState('idle');
    this.effects.push({
      type: 'finished',
      result: {
        runStartUids: [...this.runStartUids],
        scanIds,
        planReturn,
        exitStatus: status,
        reason: this.exit.reason,
        interrupted: this.interrupted,
        ...(error === undefined ? {} : { error }),
      },
    });
  }

  // ---- the answer loop ------------------------------------------------------------------------

  /** The current message is done with `value`: decide what runs next (bluesky's loop top). */
  private answer(value: unknown): void {
    if (this.state === 'pausing') return this.pauseNow();
    if (this.throwOnNext !== null) return this.throwIntoPlan(this.takeThrow());
    if (this.failedUngrouped !== null) {
      const error = this.failedUngrouped;
      this.failedUngrouped = null;
      return this.throwIntoPlan(error);
    }
    if (this.replay.length) return this.process(this.replay.shift()!);
    if (this.heldMessage) {
      const held = this.heldMessage;
      this.heldMessage = null;
      return this.process(held);
    }
    this.pending = { kind: 'plan' };
    this.effects.push({ type: 'send', value });
  }

  private answerError(error: unknown): void {
    if (this.state === 'pausing') return this.pauseNow();
    // A failure while replaying is the plan's failure: the rest of the replay is moot.
    this.replay = [];
    this.throwIntoPlan(error);
  }

  private throwIntoPlan(error: unknown): void {
    this.pending = { kind: 'plan' };
    this.effects.push({ type: 'throw', error });
  }

  private takeThrow(): unknown {
    const error = this.throwOnNext;
    this.throwOnNext = null;
    return error;
  }

  private onMessage(msg: Msg): void {
    if (this.pending?.kind !== 'plan')
      throw new Error(`a message arrived while the engine waits for ${this.pending?.kind}`);
    this.pending = null;
    if (this.state === 'halting') {
      // The plan tried to carry on after a halt: it gets no chance to clean up.
      this.effects.push({ type: 'close_plan' });
      return this.finish('abort');
    }
    if (this.state === 'pausing') {
      this.heldMessage = msg;
      return this.pauseNow();
    }
    if (this.suspension === 'requested') {
      this.heldMessage = msg;
      return this.suspendNow();
    }
    if (this.throwOnNext !== null) return this.throwIntoPlan(this.takeThrow());
    this.process(msg);
  }

  private process(msg: Msg): void {
    if (!isMsg(msg))
      return this.answerError(new TypeError(`a plan yielded ${describeValue(msg)}, not a message`));
    if (this.msgCache !== null && !UNCACHEABLE.has(msg.command)) this.msgCache.push(msg);
    try {
      this.execute(msg);
    } catch (err) {
      this.pending = null;
      this.answerError(err);
    }
  }

  private io(op: IoOp, onDone: (value: unknown) => unknown = (v) => v): void {
    const id = this.nextId++;
    this.pending = { kind: 'io', id, onDone };
    this.effects.push({ type: 'io', id, op });
  }

  private onIoDone(id: number, value: unknown): void {
    if (this.pending?.kind !== 'io' || this.pending.id !== id) return; // abandoned by a pause or stop
    const onDone = this.pending.onDone;
    this.pending = null;
    let answer: unknown;
    try {
      answer = onDone(value);
    } catch (err) {
      return this.answerError(err);
    }
    if (this.pending === null) this.answer(answer);
  }

  // ---- commands -------------------------------------------------------------------------------

  private execute(msg: Msg): void {
    const { command, obj, args, kwargs } = msg;
    switch (command) {
      case 'open_run':
        return this.answer(this.openRun(msg));
      case 'close_run':
        return this.answer(this.closeRun(msg));
      case 'create':
        this.runFor(msg).create(kwargs.name ?? args[0]);
        return this.answer(null);
      case 'save': {
        const run = this.runFor(msg);
        this.emitting((out) => run.save(out));
        return this.answer(null);
      }
      case 'drop':
        this.runFor(msg).drop();
        return this.answer(null);
      case 'read':
        return this.read(msg);
      case 'kickoff':
        if (!this.runs.has(msg.run))
          throw new IllegalMessageSequence("A 'kickoff' message was sent but no run is open.");
        return this.startStatus(msg);
      case 'set':
      case 'prepare':
      case 'trigger':
      case 'complete':
        return this.startStatus(msg);
      case 'wait':
        return this.startWait(msg);
      case 'stage':
        // Objects without stage() have nothing to do; a staged object is recorded before the call
        // so that even a stage() that fails is unstaged at the end.
        if (!isStageable(obj)) return this.answer([]);
        if (!this.staged.includes(obj)) this.staged.push(obj);
        return this.io({ kind: 'call', obj, method: 'stage', args: [] }, (value) => {
          this.resetCheckpoint();
          return value;
        });
      case 'unstage':
        if (!isStageable(obj)) return this.answer([]);
        return this.io({ kind: 'call', obj, method: 'unstage', args: [] }, (value) => {
          this.staged = this.staged.filter((o) => o !== obj);
          this.resetCheckpoint();
          return value;
        });
      case 'sleep': {
        const id = this.nextId++;
        this.pending = { kind: 'sleep', id };
        this.effects.push({ type: 'sleep', id, seconds: Number(args[0] ?? 0) });
        return;
      }
      case 'checkpoint':
        return this.checkpoint();
      case 'clear_checkpoint':
        this.msgCache = null;
        for (const run of this.runs.values()) run.clearCheckpoint();
        return this.answer(null);
      case 'pause':
        this.requestPause(Boolean(kwargs.defer ?? args[0] ?? false));
        return this.answer(null);
      case 'null':
        return this.answer(null);
      case 'declare_stream':
        return this.declareStream(msg);
      case 'locate':
        return this.io({ kind: 'call', obj, method: 'locate', args: [] });
      case 'monitor':
        return this.monitor(msg);
      case 'unmonitor':
        return this.unmonitor(msg);
      case 'collect':
        return this.collect(msg);
      case 'input':
        return this.io({ kind: 'input', prompt: String(kwargs.prompt ?? args[0] ?? '') });
      case 'wait_for':
        return this.io({
          kind: 'wait_for',
          factories: (args[0] as (() => unknown)[]) ?? [],
          timeout: typeof kwargs.timeout === 'number' ? kwargs.timeout : null,
        });
      default:
        throw new InvalidCommand(command);
    }
  }

  private openRun(msg: Msg): string {
    if (this.runs.has(msg.run)) {
      throw new IllegalMessageSequence(
        "A 'close_run' message was not received before the 'open_run' message",
      );
    }
    this.md.scan_id = (typeof this.md.scan_id === 'number' ? this.md.scan_id : 0) + 1;
    // Precedence, highest first: metadata given with the call, the open_run message, the plan, RE.md.
    const md = {
      ...this.md,
      plan_type: this.plan.type,
      plan_name: this.plan.name,
      ...msg.kwargs,
      ...this.plan.md,
    };
    const run = new RunBundle(composeStart(this.newUid(), this.now, md), this.docSource());
    this.runs.set(msg.run, run);
    this.runStartUids.push(run.start.uid);
    this.runList = [
      ...this.runList,
      { uid: run.start.uid, scan_id: this.md.scan_id as number, is_open: true, exit_status: null },
    ];
    this.effects.push({ type: 'emit', name: 'start', doc: run.start });
    this.effects.push({ type: 'runs', runs: this.runList });
    return run.start.uid;
  }

  private closeRun(msg: Msg): string {
    const run = this.runs.get(msg.run);
    if (!run)
      throw new IllegalMessageSequence("A 'close_run' message was received but there is no run open.");
    for (const [subscription, sub] of this.subscriptions) {
      if (sub.run === msg.run) {
        this.subscriptions.delete(subscription);
        this.effects.push({ type: 'cleanup', op: { kind: 'unsubscribe', subscription } });
      }
    }
    const exitStatus = (msg.kwargs.exit_status as ExitStatus | null | undefined) || 'success';
    const reason = (msg.kwargs.reason as string | null | undefined) ?? '';
    this.effects.push({ type: 'emit', name: 'stop', doc: run.stop(exitStatus, reason) });
    this.runs.delete(msg.run);
    this.markClosed(run.start.uid, exitStatus);
    return run.start.uid;
  }

  private markClosed(uid: string, exitStatus: ExitStatus): void {
    this.runList = this.runList.map((r) =>
      r.uid === uid ? { ...r, is_open: false, exit_status: exitStatus } : r,
    );
    this.effects.push({ type: 'runs', runs: this.runList });
  }

  private runFor(msg: Msg): RunBundle {
    const run = this.runs.get(msg.run);
    if (!run)
      throw new IllegalMessageSequence(
        `Cannot bundle readings: no run is open${msg.run === null ? '' : ` with key ${msg.run}`}.`,
      );
    return run;
  }

  private read(msg: Msg): void {
    const run = this.runs.get(msg.run);
    const bundling = run?.bundling ?? false;
    const describe = bundling && run!.needsDescription(msg.obj);
    this.io({ kind: 'read', obj: msg.obj, describe, assets: bundling }, (value) => {
      const { reading, description, assets } = value as ReadResult;
      if (bundling) run!.read(msg.obj, reading, description, assets);
      return reading;
    });
  }

  private startStatus(msg: Msg): void {
    const group = (msg.kwargs.group as string | null | undefined) ?? null;
    const { group: _, ...kwargs } = msg.kwargs;
    if (msg.command === 'set' && isMovable(msg.obj)) this.touchedMovables.add(msg.obj);
    const id = this.nextId++;
    this.pending = {
      kind: 'io',
      id,
      onDone: (status) => {
        if (!this.statuses.has(id)) this.statuses.set(id, { group, done: false });
        if (msg.command === 'kickoff') this.runs.get(msg.run)?.kickedOff(msg.obj);
        return status;
      },
    };
    this.effects.push({
      type: 'io',
      id,
      op: { kind: 'status', obj: msg.obj, method: msg.command as 'set', args: msg.args, kwargs },
    });
  }

  private onStatusDone(id: number, error: unknown): void {
    const status = this.statuses.get(id);
    if (!status) return; // its message was abandoned by a pause or stop before the status came back
    if (status.group === null) {
      // An ungrouped status's failure is thrown into the plan at the next answer; a wait on the
      // null group (bluesky's wait(group=None), as kickoff/complete with wait=True use) waits for
      // the ungrouped statuses still running.
      this.statuses.delete(id);
      if (error !== undefined) this.failedUngrouped = new FailedStatus(errorText(error));
      if (this.pending?.kind === 'group' && this.pending.group === null) this.waitGroup(null);
      return;
    }
    this.statuses.set(id, { ...status, done: true, error });
    if (this.pending?.kind === 'group' && this.pending.group === status.group) this.waitGroup(status.group);
  }

  private startWait(msg: Msg): void {
    const group = (msg.kwargs.group ?? msg.args[0] ?? null) as string | null;
    const seconds = typeof msg.kwargs.timeout === 'number' ? msg.kwargs.timeout : null;
    this.waitGroup(
      group,
      seconds === null ? null : { seconds, errorOnTimeout: msg.kwargs.error_on_timeout !== false },
    );
  }

  /** Answers once every status of the group is done, or as soon as one of them fails. */
  private waitGroup(
    group: string | null,
    timeout: { seconds: number; errorOnTimeout: boolean } | null = null,
  ): void {
    const members = [...this.statuses.entries()].filter(([, s]) => s.group === group);
    const failed = members.find(([, s]) => s.done && s.error !== undefined);
    const waiting = this.pending?.kind === 'group' ? this.pending : null;
    if (!failed && members.some(([, s]) => !s.done)) {
      let timer = waiting?.timer ?? null;
      if (timeout) {
        timer = this.nextId++;
        this.effects.push({ type: 'sleep', id: timer, seconds: timeout.seconds });
      }
      this.pending = {
        kind: 'group',
        group,
        timer,
        errorOnTimeout: timeout?.errorOnTimeout ?? waiting?.errorOnTimeout ?? true,
      };
      return;
    }
    if (waiting?.timer != null) this.effects.push({ type: 'cancel' }); // its timeout is moot now
    for (const [id] of members) this.statuses.delete(id);
    this.pending = null;
    if (failed) return this.answerError(new FailedStatus(errorText(failed[1].error)));
    // Whether there was something to wait for and it is done (bluesky's wait returns that).
    this.answer(members.length > 0);
  }

  private checkpoint(): void {
    for (const run of this.runs.values()) {
      if (run.bundling)
        throw new IllegalMessageSequence("Cannot 'checkpoint' after 'create' and before 'save'. Aborting!");
    }
    this.resetCheckpoint();
    if (this.deferredPause) {
      this.deferredPause = false;
      this.setState('pausing');
    }
    this.answer(null);
  }

  /** Rewinding starts here from now on (unless clear_checkpoint made the plan unrewindable). */
  private resetCheckpoint(): void {
    if (this.msgCache === null) return;
    this.msgCache = [];
    for (const run of this.runs.values()) run.checkpoint();
  }

  /** bluesky's collect: one or several devices, into a declared stream or an old-style flyer's own. */
  private collect(msg: Msg): void {
    const run = this.runs.get(msg.run);
    if (!run) throw new IllegalMessageSequence("A 'collect' message was sent but no run is open.");
    if (msg.kwargs.stream === true)
      throw new Error(
        'Collect now emits EventPages (stream=False), so emitting Events (stream=True) is no longer supported',
      );
    const objs = [msg.obj, ...msg.args];
    const name = typeof msg.kwargs.name === 'string' ? msg.kwargs.name : null;
    const { stream, describe } = run.prepareCollect(objs, name);
    this.io({ kind: 'collect', objs, describe }, (value) => {
      const payload = this.emitting((out) => run.collect(objs, value as CollectResult, stream, out));
      // bluesky hands the collected events back to the plan unless asked not to.
      return msg.kwargs.return_payload === false ? null : payload;
    });
  }

  private declareStream(msg: Msg): void {
    const run = this.runFor(msg);
    const name = msg.kwargs.name;
    if (typeof name !== 'string') throw new TypeError('declare_stream needs a stream name');
    const objs = msg.args;
    const collect = msg.kwargs.collect === true;
    this.io({ kind: 'describe', objs, collect }, (value) => {
      let doc: ReturnType<RunBundle['declare']>;
      if (collect) doc = run.declareCollected(name, objs, value as CollectDescription[]);
      else {
        const descriptions = value as ObjectDescription[];
        objs.forEach((obj, i) => run.remember(name, obj, descriptions[i]));
        doc = run.declare(name, objs);
      }
      run.noteDeclared(name, objs);
      this.effects.push({ type: 'emit', name: 'descriptor', doc });
      return doc;
    });
  }

  private monitor(msg: Msg): void {
    const run = this.runFor(msg);
    const obj = msg.obj;
    const stream = (msg.kwargs.name as string | undefined) ?? `${nameOf(obj)}_monitor`;
    if ([...this.subscriptions.values()].some((s) => s.obj === obj)) {
      throw new IllegalMessageSequence(
        `A 'monitor' message was sent for ${nameOf(obj)} which is already monitored`,
      );
    }
    this.io({ kind: 'describe', objs: [obj] }, (value) => {
      run.remember(stream, obj, (value as ObjectDescription[])[0]);
      this.effects.push({ type: 'emit', name: 'descriptor', doc: run.declare(stream, [obj]) });
      const subscription = this.nextId++;
      this.subscriptions.set(subscription, { run: msg.run, obj, stream });
      this.effects.push({ type: 'cleanup', op: { kind: 'subscribe', obj, subscription } });
      return null;
    });
  }

  private unmonitor(msg: Msg): void {
    const entry = [...this.subscriptions.entries()].find(([, s]) => s.obj === msg.obj);
    if (!entry)
      throw new IllegalMessageSequence(`Cannot 'unmonitor' ${nameOf(msg.obj)}; it is not being monitored.`);
    this.subscriptions.delete(entry[0]);
    this.effects.push({ type: 'cleanup', op: { kind: 'unsubscribe', subscription: entry[0] } });
    this.answer(null);
  }

  private onMonitorReading(subscription: number, reading: Record<string, Reading>): void {
    const sub = this.subscriptions.get(subscription);
    const run = sub && this.runs.get(sub.run);
    // Readings that arrive while paused are dropped, as bluesky removes its callbacks on pause.
    if (!sub || !run || this.state === 'paused') return;
    this.effects.push({ type: 'emit', name: 'event', doc: run.event(sub.stream, reading) });
  }

  // ---- suspenders ----------------------------------------------------------------------------

  /** Like an immediate pause that lifts itself: the engine stays 'running' (as bluesky's does). */
  private suspend(justification: string): void {
    if (this.ending) return; // the plan is over: nothing left to suspend
    if (this.state !== 'running' || this.suspension !== null) return;
    this.suspendReason = justification;
    this.suspension = 'requested';
    if (this.pending !== null && this.pending.kind !== 'plan') {
      this.effects.push({ type: 'cancel' });
      this.suspendNow();
    }
  }

  private suspendNow(): void {
    this.pending = null;
    if (!this.resumable) {
      this.suspension = null;
      this.heldMessage = null;
      this.setState('aborting');
      this.exit.status = 'abort';
      return this.throwIntoPlan(
        new FailedPause(`suspended (${this.suspendReason}) where no checkpoint allows resuming`),
      );
    }
    this.suspension = 'active';
    this.restAll();
    this.pending = { kind: 'suspended' };
  }

  private unsuspend(): void {
    if (this.suspension === null) return;
    const active = this.suspension === 'active';
    this.suspension = null;
    this.suspendReason = '';
    // Lifted before the engine got to rest: nothing was interrupted. While paused, resume rewinds.
    if (!active || this.state !== 'running') return;
    this.rewindAndContinue();
  }

  get suspended(): boolean {
    return this.suspension !== null;
  }

  // ---- requests: pause, resume, stop, abort, halt ------------------------------------------

  private onRequest(req: Request): void {
    if (this.ending) return this.requestWhileEnding(req);
    switch (req.request) {
      case 'pause':
        return this.requestPause(req.defer);
      case 'resume':
        return this.resume();
      case 'stop':
        return this.interrupt('stopping', new RequestStop('stop requested'));
      case 'abort':
        this.exit.reason = req.reason ?? '';
        return this.interrupt('aborting', new RequestAbort(req.reason ?? 'abort requested'));
      case 'halt':
        return this.interrupt('halting', new PlanHalt('halt requested'));
    }
  }

  /**
   * The plan is over and the engine is collecting forgotten flyers: a pause has nothing left to
   * pause, while stop/abort/halt give up those collects (one could hang) and close the runs now.
   */
  private requestWhileEnding(req: Request): void {
    if (req.request === 'pause' || req.request === 'resume') return;
    const ending = this.ending!;
    this.effects.push({ type: 'cancel' });
    this.pending = null;
    this.closeAll(ending.status, ending.planReturn, ending.error);
  }

  private requestPause(defer: boolean): void {
    if (this.state !== 'running')
      throw new TransitionError(`Run Engine is in '${this.state}' state and can not be paused.`);
    if (defer) {
      this.deferredPause = true;
      return;
    }
    this.deferredPause = false;
    this.interrupted = true;
    this.setState('pausing');
    // Whatever the plan waits on is abandoned; when it is a message being processed, pause now.
    // A plan still computing its next message is paused when that message arrives.
    if (this.pending !== null && this.pending.kind !== 'plan') {
      this.effects.push({ type: 'cancel' });
      this.pending = null;
      this.pauseNow();
    }
  }

  /** Puts everything at rest: subscriptions off, motors stopped; or aborts when there is no checkpoint. */
  private pauseNow(): void {
    if (!this.resumable) {
      this.heldMessage = null;
      this.setState('aborting');
      this.exit.status = 'abort';
      return this.throwIntoPlan(new FailedPause('pause requested where no checkpoint allows resuming'));
    }
    this.pending = null;
    this.restAll();
    this.setState('paused');
  }

  /** Monitors off, what moved stopped; statuses of the interrupted step forgotten (the replay reissues them). */
  private restAll(): void {
    this.statuses.clear();
    for (const subscription of this.subscriptions.keys()) {
      this.effects.push({ type: 'cleanup', op: { kind: 'unsubscribe', subscription } });
    }
    for (const obj of this.touchedMovables) {
      if (isStoppable(obj)) {
        this.effects.push({
          type: 'cleanup',
          op: { kind: 'call', obj, method: 'stop', args: [{ success: true }] },
        });
      }
    }
  }

  private resume(): void {
    if (this.state !== 'paused') {
      throw new TransitionError(
        `The RunEngine is the ${this.state} state. You can only resume for the paused state.`,
      );
    }
    this.interrupted = false;
    this.setState('running');
    if (this.suspension === 'active') {
      this.pending = { kind: 'suspended' }; // a suspender still holds the engine: wait for it
      return;
    }
    this.rewindAndContinue();
  }

  /** Monitors back on, then the messages since the last checkpoint are processed again. */
  private rewindAndContinue(): void {
    for (const [subscription, sub] of this.subscriptions) {
      this.effects.push({ type: 'cleanup', op: { kind: 'subscribe', obj: sub.obj, subscription } });
    }
    this.replay = this.msgCache ?? [];
    this.msgCache = [];
    if (this.replay.length) for (const run of this.runs.values()) run.rewind();
    this.answer(null);
  }

  private interrupt(state: 'stopping' | 'aborting' | 'halting', error: Error): void {
    if (this.state === 'idle' || this.state === 'panicked')
      throw new TransitionError(`RunEngine is ${this.state}.`);
    const wasPaused = this.state === 'paused';
    this.interrupted = true;
    this.setState(state);
    this.deferredPause = false;
    this.replay = [];
    this.heldMessage = null;
    this.suspension = null;
    if (state !== 'stopping') this.exit.status = 'abort';
    if (wasPaused) {
      for (const [subscription, sub] of this.subscriptions)
        this.effects.push({ type: 'cleanup', op: { kind: 'subscribe', obj: sub.obj, subscription } });
      return this.throwIntoPlan(error);
    }
    if (this.pending?.kind === 'plan') {
      this.throwOnNext = error; // the plan is computing: its next message is answered with this
      return;
    }
    this.effects.push({ type: 'cancel' });
    this.throwIntoPlan(error);
  }

  /**
   * Runs `work`, emitting the documents it made even when it then fails: bluesky emits each as it
   * goes, so a refused asset document leaves those before it emitted (and the run's state agrees).
   */
  private emitting<T>(work: (out: Emitted[]) => T): T {
    const out: Emitted[] = [];
    try {
      return work(out);
    } finally {
      for (const [name, doc] of out) this.effects.push({ type: 'emit', name, doc });
    }
  }

  private setState(state: EngineState): void {
    if (this.state === state) return;
    this.state = state;
    this.effects.push({ type: 'state', state });
  }

  private docSource(): DocSource {
    return { uid: () => this.newUid(), now: () => this.now };
  }
}

function isMsg(value: unknown): value is Msg {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Msg).command === 'string' &&
    Array.isArray((value as Msg).args ?? []) &&
    typeof ((value as Msg).kwargs ?? {}) === 'object'
  );
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
