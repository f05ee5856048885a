/**
 * Time for simulations, injectable: IOCs ask the clock for "now", for periodic ticks and for sleeps,
 * so tests can run the physics deterministically and much faster than real time.
 */
export interface Clock {
  /** Monotonic seconds. */
  now(): number;
  /** Calls `fn` every `seconds` until the returned function is called. */
  every(seconds: number, fn: () => void): () => void;
  /** Resolves after `seconds`; rejects with `CancelledError` if the signal aborts first. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
}

export const realClock: Clock = {
  now: () => performance.now() / 1000,
  every(seconds, fn) {
    const timer = setInterval(fn, seconds * 1000);
    return () => clearInterval(timer);
  },
  sleep(seconds, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError('cancelled'));
      const timer = setTimeout(resolve, seconds * 1000);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new CancelledError('cancelled'));
        },
        { once: true },
      );
    });
  },
};

interface Timer {
  due: number;
  period?: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to: `advance(seconds)` fires everything due, in time order. */
export class ManualClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  /** Timers and sleeps waiting for time to pass (tests wait for a move to begin this way). */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  every(seconds: number, fn: () => void): () => void {
    const timer: Timer = { due: this.time + seconds, period: seconds, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError('cancelled'));
      const timer: Timer = { due: this.time + seconds, fn: resolve, cancelled: false };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          timer.cancelled = true;
          reject(new CancelledError('cancelled'));
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, firing timers in order and letting promise continuations run between them. */
  async advance(seconds: number): Promise<void> {
    const end = this.time + seconds;
    for (;;) {
      await flushMicrotasks();
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.reduce<Timer | undefined>((a, t) => (!a || t.due < a.due ? t : a), undefined);
      if (!next || next.due > end + 1e-9) break;
      this.time = Math.max(this.time, next.due);
      if (next.period) next.due += next.period;
      else next.cancelled = true;
      next.fn();
    }
    this.time = end;
    await flushMicrotasks();
  }
}

const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));
