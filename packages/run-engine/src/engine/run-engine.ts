/**
 * The RunEngine: the I/O around the pure core in state.ts. It steps the plan generator, performs
 * device calls, sleeps on the injected clock, hands documents to subscribers, and feeds every
 * outcome back to the core as an event, one at a time.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, wallClock } from '../clock.ts';
import type { Document, DocumentName } from '../documents.ts';
import type { Msg, Plan, SyncPlan } from '../msg.ts';
import type { MaybePromise, Subscribable } from '../protocols.ts';
import { isStatus } from '../protocols.ts';
import { type Callback, Dispatcher, type SubscriptionName } from '../subscriptions.ts';
import type { Suspender } from '../suspenders.ts';
import { isPromise, perform } from './devices-io.ts';
import type { Effect, EngineEvent, EngineState, Request, RunInfo, RunResult } from './events.ts';
import { EngineCore } from './state.ts';

export interface RunEngineOptions {
  /** Initial persistent metadata (RE.md); `scan_id` here is where numbering continues from. */
  md?: Record<string, unknown>;
  clock?: Clock;
  /** Document uid source (random UUID4 by default); tests inject a counter. */
  uid?: () => string;
  /** Per-subscriber queue length before documents are dropped for that subscriber. */
  subscriberQueue?: number;
  log?: (message: string, err?: unknown) => void;
  /** Sees every message the plan yields, before it is processed (bluesky's RE.msg_hook). */
  msgHook?: (msg: Msg) => void;
  /**
   * Answers `input` messages (tweak's prompt for the next step). By default every answer is empty,
   * as bluesky's RunEngine reads an empty line from a worker whose stdin is at end of file.
   */
  input?: (prompt: string) => MaybePromise<string>;
}

export interface RunOptions {
  /** Metadata for every run this plan opens (highest precedence, like RE(plan, **md)). */
  md?: Record<string, unknown>;
  /** The plan's name for RunStart `plan_name` when its open_run does not give one. */
  planName?: string;
}

type Queued = { event: EngineEvent; done?: (err?: unknown) => void };

/** Longest stretch of processing before the driver lets the event loop run. */
const YIELD_EVERY_MS = 5;

export const DEFAULT_MD = { versions: { 'ophyd-service-run-engine': '0.1.0' } };

export class RunEngine {
  private readonly core: EngineCore;
  private readonly clock: Clock;
  private readonly dispatcher: Dispatcher;
  private readonly log: (message: string, err?: unknown) => void;
  private readonly input: (prompt: string) => MaybePromise<string>;
  msgHook: ((msg: Msg) => void) | null;
  private plan: Plan | null = null;
  private queue: Queued[] = [];
  private draining = false;
  private cancelled = new AbortController();
  private finished: ((result: RunResult) => void) | null = null;
  private monitors = new Map<number, () => void>();
  private stateListeners = new Set<(state: EngineState) => void>();
  private runsListeners = new Set<(runs: RunInfo[]) => void>();
  private suspenders = new Set<Suspender>();

  constructor(options: RunEngineOptions = {}) {
    this.clock = options.clock ?? wallClock;
    this.log = options.log ?? ((m, err) => console.warn(`run-engine: ${m}`, err ?? ''));
    this.msgHook = options.msgHook ?? null;
    this.input = options.input ?? (() => '');
    this.dispatcher = new Dispatcher(options.subscriberQueue, (err) => this.log('a subscriber failed', err));
    this.core = new EngineCore({
      md: { ...structuredClone(DEFAULT_MD), ...options.md },
      uid: options.uid ?? randomUUID,
    });
  }

  get state(): EngineState {
    return this.core.state;
  }

  /** Persistent metadata merged into every RunStart; `scan_id` increments here. */
  get md(): Record<string, unknown> {
    return this.core.md;
  }

  subscribe(callback: Callback, name: SubscriptionName = 'all'): number {
    return this.dispatcher.subscribe(callback, name);
  }

  unsubscribe(token: number): void {
    this.dispatcher.unsubscribe(token);
  }

  /** Documents dropped for a subscriber whose queue was full. */
  dropped(token: number): number {
    return this.dispatcher.dropped(token);
  }

  /** Calls `listener` on every state change; returns the function that removes it. */
  onState(listener: (state: EngineState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The current plan's runs in open order, with their exit status once closed (re_runs). */
  get runs(): RunInfo[] {
    return this.core.runList;
  }

  /** Calls `listener` whenever the run list changes; returns the function that removes it. */
  onRuns(listener: (runs: RunInfo[]) => void): () => void {
    this.runsListeners.add(listener);
    return () => this.runsListeners.delete(listener);
  }

  /** Wrappers applied to every plan run (bluesky's RE.preprocessors), e.g. a SupplementalData. */
  readonly preprocessors: { wrap<R>(plan: SyncPlan<R>): SyncPlan<R> }[] = [];

  /** Runs a plan to its end (completion, failure, stop, abort or halt); documents are delivered by then. */
  async run(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
    if (this.core.state !== 'idle')
      throw new Error(`RunEngine is in '${this.core.state}' state; a plan can only start when idle`);
    // Preprocessors wrap synchronous plans; async plans run as they are.
    this.plan =
      Symbol.asyncIterator in plan
        ? plan
        : this.preprocessors.reduce((p, pre) => pre.wrap(p), plan as SyncPlan<unknown>);
    const result = new Promise<RunResult>((resolve) => {
      this.finished = resolve;
    });
    const tripped = [...this.suspenders].find((s) => s.tripped);
    await this.submit({
      type: 'begin',
      planName: options.planName ?? '',
      planType: 'generator',
      md: options.md ?? {},
      ...(tripped ? { suspendedBy: tripped.justification } : {}),
    });
    const outcome = await result;
    await this.dispatcher.flush();
    return outcome;
  }

  /** Pause now (rewinding to the last checkpoint on resume), or at the next checkpoint with `defer`. */
  requestPause(defer = false): Promise<void> {
    return this.request({ request: 'pause', defer });
  }

  resume(): Promise<void> {
    return this.request({ request: 'resume' });
  }

  /** End the plan, letting it clean up; its runs close with exit_status 'success'. */
  stop(): Promise<void> {
    return this.request({ request: 'stop' });
  }

  /** End the plan, letting it clean up; its runs close with exit_status 'abort'. */
  abort(reason = ''): Promise<void> {
    return this.request({ request: 'abort', reason });
  }

  /** End the plan without letting it clean up; the engine still stops motors and unstages. */
  halt(): Promise<void> {
    return this.request({ request: 'halt' });
  }

  /** True while a suspender holds the engine (its state stays 'running', as bluesky's does). */
  get suspended(): boolean {
    return this.core.suspended;
  }

  /** Watches the suspender's signal from now on, holding any plan while it is out of bounds. */
  async installSuspender(suspender: Suspender): Promise<void> {
    this.suspenders.add(suspender);
    await suspender.install({
      suspend: (justification) => this.feed({ type: 'suspend', justification }),
      unsuspend: () => this.feed({ type: 'unsuspend' }),
      clock: this.clock,
    });
  }

  removeSuspender(suspender: Suspender): void {
    if (this.suspenders.delete(suspender)) suspender.remove();
  }

  /** Resolves once documents emitted so far have reached every subscriber. */
  flush(): Promise<void> {
    return this.dispatcher.flush();
  }

  private request(request: Request): Promise<void> {
    return this.submit({ type: 'request', ...request } as EngineEvent);
  }

  /** Queues an event; resolves when the core has taken it (rejects when its state refuses it). */
  private submit(event: EngineEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, done: (err) => (err ? reject(err) : resolve()) });
      void this.drain();
    });
  }

  private feed(event: EngineEvent): void {
    this.queue.push({ event });
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    let since = performance.now();
    try {
      while (this.queue.length) {
        // A plan over synchronous devices never waits on I/O: give the event loop a turn every few
        // milliseconds so requests (pause, stop) and subscribers are not starved, as bluesky's
        // loop awaits asyncio.sleep(0) between messages.
        if (performance.now() - since > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          since = performance.now();
        }
        const { event, done } = this.queue.shift()!;
        let effects: Effect[];
        try {
          effects = this.core.handle(event, this.clock.now());
        } catch (err) {
          done?.(err);
          continue;
        }
        done?.();
        for (const effect of effects) {
          const pending = this.perform(effect);
          if (pending) await pending;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Performs one effect; only clean-up work is awaited, everything else reports back as events. */
  private perform(effect: Effect): Promise<void> | undefined {
    switch (effect.type) {
      case 'send':
        this.stepPlan((plan) => plan.next(effect.value));
        return;
      case 'throw':
        this.stepPlan((plan) => plan.throw(effect.error));
        return;
      case 'close_plan':
        try {
          void this.plan?.return(undefined);
        } catch (err) {
          this.log('the plan refused to close', err);
        }
        return;
      case 'emit':
        this.dispatcher.emit(effect.name as DocumentName, effect.doc as Document);
        return;
      case 'io':
        this.io(effect.id, effect.op);
        return;
      case 'cleanup':
        return this.cleanup(effect);
      case 'sleep':
        if (effect.seconds <= 0) {
          this.feed({ type: 'sleep_done', id: effect.id });
          return;
        }
        this.clock.sleep(effect.seconds, this.cancelled.signal).then(
          () => this.feed({ type: 'sleep_done', id: effect.id }),
          () => {}, // cancelled by a pause or stop: the core no longer waits for it
        );
        return;
      case 'cancel':
        this.cancelled.abort(new Error('cancelled by the RunEngine'));
        this.cancelled = new AbortController();
        return;
      case 'state':
        for (const listener of this.stateListeners) listener(effect.state);
        return;
      case 'runs':
        for (const listener of this.runsListeners) listener(effect.runs);
        return;
      case 'finished':
        this.plan = null;
        this.finished?.(effect.result);
        this.finished = null;
        return;
    }
  }

  private stepPlan(
    step: (plan: Plan) => IteratorResult<Msg, unknown> | Promise<IteratorResult<Msg, unknown>>,
  ): void {
    const plan = this.plan;
    if (!plan) return;
    let result: IteratorResult<Msg, unknown> | Promise<IteratorResult<Msg, unknown>>;
    try {
      result = step(plan);
    } catch (error) {
      this.feed({ type: 'plan_threw', error });
      return;
    }
    const report = (r: IteratorResult<Msg, unknown>) => {
      if (r.done) return this.feed({ type: 'plan_returned', value: r.value });
      this.msgHook?.(r.value);
      this.feed({ type: 'message', msg: r.value });
    };
    if (isPromise(result)) result.then(report, (error) => this.feed({ type: 'plan_threw', error }));
    else report(result);
  }

  private io(id: number, op: Extract<Effect, { type: 'io' }>['op']): void {
    const ok = (value: unknown) => {
      this.feed({ type: 'io_done', id, value });
      if (op.kind === 'status' && isStatus(value)) {
        value.finished.then(
          () => this.feed({ type: 'status_done', id }),
          (error) => this.feed({ type: 'status_done', id, error: error ?? new Error('status failed') }),
        );
      }
    };
    const fail = (error: unknown) => this.feed({ type: 'io_failed', id, error });
    try {
      const value = perform(op, this.ioContext);
      if (isPromise(value)) value.then(ok, fail);
      else ok(value);
    } catch (error) {
      fail(error);
    }
  }

  private async cleanup(effect: Extract<Effect, { type: 'cleanup' }>): Promise<void> {
    try {
      const value = perform(effect.op, this.ioContext);
      if (isPromise(value)) await value;
    } catch (err) {
      this.log(`clean-up ${effect.op.kind} failed`, err);
    }
  }

  private readonly ioContext = {
    sleep: (seconds: number) => this.clock.sleep(seconds, this.cancelled.signal),
    subscribe: (obj: unknown, subscription: number) => {
      const unsubscribe = (obj as Subscribable).subscribe((reading) =>
        this.feed({ type: 'monitor_reading', subscription, reading }),
      );
      this.monitors.set(subscription, unsubscribe);
    },
    unsubscribe: (subscription: number) => {
      this.monitors.get(subscription)?.();
      this.monitors.delete(subscription);
    },
    input: (prompt: string) => this.input(prompt),
  };
}
