/**
 * A worker child process for tests: everything it says is kept in order, and tests wait for the
 * message or the printed text they expect next (never for time).
 */
import type { RunInfo } from '../src/manager/types.ts';
import type { FromWorker, PlanToRun, ToWorker, WorkerStartup } from '../src/worker/protocol.ts';
import { spawnWorker, type WorkerOptions, type WorkerProcess } from '../src/worker/worker-process.ts';

/** The simulated profile's devices the tests' plans may use. */
export const SIM_DEVICES = ['det1', 'det2', 'motor', 'motor1', 'motor2', 'sim_bundle_A.dets.det_A'];

export type Message<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

/** A worker with everything it said kept in order, and ways to wait for what it says next. */
export class Worker {
  readonly messages: FromWorker[] = [];
  output = '';
  readonly process: WorkerProcess;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private exit: { code: number | null; signal: string | null } | null = null;
  private wakers = new Set<() => void>();

  constructor(startup: WorkerStartup, options: WorkerOptions = {}) {
    let exited!: (value: { code: number | null; signal: string | null }) => void;
    this.exited = new Promise((resolve) => {
      exited = resolve;
    });
    this.process = spawnWorker(
      startup,
      {
        message: (m) => {
          this.messages.push(m);
          this.wake();
        },
        output: (text) => {
          this.output += text;
          this.wake();
        },
        exit: (code, signal) => {
          this.exit = { code, signal };
          exited(this.exit);
          this.wake();
        },
      },
      options,
    );
  }

  private wake(): void {
    for (const waker of this.wakers) waker();
  }

  /** Resolves with what `check` finds once it finds something; fails if the worker exits first. */
  private until<T>(check: () => T | undefined, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const waker = () => {
        const found = check();
        if (found !== undefined) {
          this.wakers.delete(waker);
          resolve(found);
        } else if (this.exit) {
          this.wakers.delete(waker);
          reject(new Error(`worker exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.output}`));
        }
      };
      this.wakers.add(waker);
      waker();
    });
  }

  /** Where the message log ends now: wait for messages after this mark. */
  mark(): number {
    return this.messages.length;
  }

  /** The first message of `type` after `from` that `match` accepts. */
  next<T extends FromWorker['type']>(
    type: T,
    from: number,
    match: (m: Message<T>) => boolean = () => true,
  ): Promise<Message<T>> {
    return this.until(
      () => this.messages.slice(from).find((m): m is Message<T> => m.type === type && match(m as Message<T>)),
      `a '${type}' message`,
    );
  }

  /** Resolves once the printed output (from `from` characters on) matches `pattern`. */
  printed(pattern: RegExp, from = 0): Promise<string> {
    return this.until(() => pattern.exec(this.output.slice(from))?.[0], `output matching ${pattern}`);
  }

  send(m: ToWorker): number {
    const mark = this.mark();
    this.process.send(m);
    return mark;
  }

  /** Starts a plan; returns the mark to wait for its messages from. */
  start(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, md = {}): number {
    const plan: PlanToRun = {
      item_uid: `item-${this.mark()}`,
      name,
      args,
      kwargs,
      md,
      allowed_devices: SIM_DEVICES,
      allowed_plans: [],
    };
    return this.send({ type: 'start_plan', plan });
  }

  /** Runs a task and waits for its result. */
  async task(task: Extract<ToWorker, { type: 'run_task' }>['task'], background = false) {
    const task_uid = `task-${this.mark()}`;
    const mark = this.send({ type: 'run_task', task_uid, background, task });
    return this.next('task_done', mark, (m) => m.task_uid === task_uid);
  }

  script(script: string, update_re = false) {
    return this.task({ kind: 'script', script, update_lists: true, update_re });
  }

  call(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, background = false) {
    return this.task({ kind: 'function', name, args, kwargs }, background);
  }

  /** The plan_report that ends (or pauses) the plan started at `mark`. */
  report(mark: number) {
    return this.next('plan_report', mark).then((m) => m.report);
  }
}

/** The run lists a plan went through, from `mark` on. */
export const runLists = (w: Worker, mark: number): RunInfo[][] =>
  w.messages.slice(mark).flatMap((m) => (m.type === 'run_list' ? [m.runs] : []));
