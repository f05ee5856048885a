/**
 * Runs queue items on the namespace's RunEngine, one at a time, and reports what clients see:
 * the engine's state, the plan's runs, and how the plan paused or ended (spec §11.3, §11.4).
 */
import {
  bindPlan,
  PlanValidationError,
  type RunEngine,
  type RunResult,
  type SyncPlan,
} from '@ophyd-service/run-engine';
import type { PlanReport, PlanState } from '../manager/types.ts';
import { messageOf, tracebackOf } from './errors.ts';
import { findDevice, type Namespace } from './namespace.ts';
import type { FromWorker, PlanToRun } from './protocol.ts';

type Interruption = 'stop' | 'abort' | 'halt';

interface CurrentPlan {
  item_uid: string;
  /** The stop/abort/halt the plan was ended with, if any. */
  interruption: Interruption | null;
}

const STATE_OF_INTERRUPTION: Record<Interruption, PlanState> = {
  stop: 'stopped',
  abort: 'aborted',
  halt: 'halted',
};

/** States in which the engine is executing a plan (the environment can not be closed). */
export const BUSY_STATES = new Set(['running', 'pausing', 'stopping', 'aborting', 'halting']);

/** A plan that fails when it runs: bluesky fails a plan whose arguments break it at run time. */
// biome-ignore lint/correctness/useYield: it fails at its first step, before any message.
function* failing(error: unknown): SyncPlan<never> {
  throw error;
}

export class PlanRunner {
  private readonly ns: Namespace;
  private readonly send: (m: FromWorker) => void;
  private current: CurrentPlan | null = null;
  private detach: (() => void) | null = null;
  private engine: RunEngine | undefined;

  constructor(ns: Namespace, send: (m: FromWorker) => void) {
    this.ns = ns;
    this.send = send;
    this.attach();
  }

  /** Follows the namespace's current RE (call again after a script replaced it). */
  attach(): void {
    const RE = this.ns.RE;
    if (RE === this.engine) return;
    this.detach?.();
    this.engine = RE;
    this.detach = null;
    if (!RE) return;
    const offState = RE.onState((state) => {
      this.send({ type: 're_state', state });
      if (state === 'paused' && this.current) this.report(this.current.item_uid, 'paused', RE);
    });
    const offRuns = RE.onRuns((runs) => this.send({ type: 'run_list', runs: runs.map((r) => ({ ...r })) }));
    this.detach = () => {
      offState();
      offRuns();
    };
  }

  /** Whether a plan is started and not yet ended (paused counts as started). */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Binds and starts a queue item; answers plan_refused if it can not start. */
  start(item: PlanToRun): void {
    const RE = this.ns.RE;
    const refuse = (msg: string, traceback = '') =>
      this.send({ type: 'plan_refused', item_uid: item.item_uid, msg, traceback });
    if (!RE) return refuse('Run Engine is not found in the RE Worker environment.');
    if (RE.state === 'panicked')
      return refuse(
        "Run Engine is in the 'panicked' state. The environment must be closed and opened again before plans can be executed.",
      );
    if (this.current || RE.state !== 'idle')
      return refuse(`Run Engine must be in 'idle' state to start plans. Current state: '${RE.state}'`);
    const spec = Object.hasOwn(this.ns.plans, item.name) ? this.ns.plans[item.name] : undefined;
    if (!spec) return refuse(`Plan '${item.name}' is not in the list of existing plans.`);
    let plan: SyncPlan<unknown>;
    try {
      plan = bindPlan(spec, item.args ?? [], item.kwargs ?? {}, this.argumentObjects(item));
    } catch (err) {
      if (err instanceof PlanValidationError) return refuse(err.message, err.stack ?? '');
      plan = failing(err);
    }
    const current: CurrentPlan = { item_uid: item.item_uid, interruption: null };
    this.current = current;
    RE.run(plan, { md: item.md ?? {}, planName: item.name }).then(
      (result) => this.finish(current, result),
      (err) => this.finish(current, undefined, err),
    );
  }

  /** Asks the engine to pause now (`immediate`) or at the next checkpoint (`deferred`). */
  pause(option: 'deferred' | 'immediate'): void {
    const RE = this.ns.RE;
    if (RE?.state !== 'running') {
      const msg = `Run engine can be paused only in 'running' state. Current state: '${RE?.state ?? null}'`;
      return this.send({ type: 'refused', command: 'pause', msg });
    }
    RE.requestPause(option === 'deferred').catch((err) =>
      this.send({ type: 'refused', command: 'pause', msg: messageOf(err) }),
    );
  }

  /** Resumes, stops, aborts or halts the paused plan. */
  continue(option: 'resume' | 'stop' | 'abort' | 'halt'): void {
    const RE = this.ns.RE;
    if (RE?.state !== 'paused' || !this.current) {
      const msg = `Run Engine must be in 'paused' state to continue. The state is '${RE?.state ?? null}'`;
      return this.send({ type: 'refused', command: 'continue', msg });
    }
    if (option !== 'resume') this.current.interruption = option;
    const request = {
      resume: () => RE.resume(),
      stop: () => RE.stop(),
      abort: () => RE.abort(),
      halt: () => RE.halt(),
    };
    request[option]().catch((err) =>
      this.send({ type: 'refused', command: 'continue', msg: messageOf(err) }),
    );
  }

  /** Names that become objects in the item's arguments: its group's plans, then devices (dotted too). */
  private argumentObjects(item: PlanToRun): Record<string, unknown> {
    const objects: Record<string, unknown> = {};
    for (const name of item.allowed_plans ?? [])
      if (Object.hasOwn(this.ns.plans, name)) objects[name] = this.ns.plans[name].plan;
    for (const name of item.allowed_devices ?? []) {
      const device = findDevice(this.ns, name);
      if (device !== undefined) objects[name] = device;
    }
    return objects;
  }

  private finish(current: CurrentPlan, result?: RunResult, thrown?: unknown): void {
    if (this.current === current) this.current = null;
    const error = result ? result.error : thrown;
    let state: PlanState;
    if (current.interruption) state = STATE_OF_INTERRUPTION[current.interruption];
    else if (!result || result.exitStatus === 'fail') state = 'failed';
    else if (result.exitStatus === 'abort') state = 'aborted';
    else state = 'completed';
    const failed = state === 'failed';
    const report: PlanReport = {
      plan_state: state,
      uids: result?.runStartUids ?? [],
      scan_ids: result?.scanIds ?? [],
      err_msg: failed ? `Plan failed: ${messageOf(error ?? result?.reason)}` : '',
      traceback: failed ? tracebackOf(error ?? result?.reason) : '',
    };
    if (failed) console.error(`${report.err_msg}\n${report.traceback}`);
    this.send({ type: 'plan_report', item_uid: current.item_uid, report });
  }

  private report(item_uid: string, plan_state: PlanState, RE: RunEngine): void {
    const runs = RE.runs;
    this.send({
      type: 'plan_report',
      item_uid,
      report: {
        plan_state,
        uids: runs.map((r) => r.uid),
        scan_ids: runs.map((r) => r.scan_id),
        err_msg: '',
        traceback: '',
      },
    });
  }
}
