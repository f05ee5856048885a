/**
 * Time as the engine sees it. Injected so tests drive sleeps and timestamps by hand instead of
 * waiting on the wall clock.
 */
export interface Clock {
  /** Seconds since the epoch (documents use Unix time in seconds, as Python's time.time()). */
  now(): number;
  /** Resolves after `seconds` of this clock's time; `signal` cancels it. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
}

export const wallClock: Clock = {
  now: () => Date.now() / 1000,
  sleep: (seconds, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // A timer counts whole milliseconds of the monotonic clock, and now() reads the wall clock,
      // whose millisecond ticks fall elsewhere: about one timer in a hundred fires a millisecond
      // before now() says it is due. It is re-armed until it has not (Python's sleeps never return
      // early either).
      const due = Date.now() + seconds * 1000;
      const wake = () => {
        const left = due - Date.now();
        if (left > 0) timer = setTimeout(wake, left);
        else resolve();
      };
      let timer = setTimeout(wake, Math.max(0, seconds * 1000));
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

/**
 * A clock that only moves when told to. Sleeps resolve when `advance` passes their deadline, so a
 * test can hold the engine inside a `sleep` for as long as it likes.
 */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start = 1_700_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** How many sleeps are waiting: lets a test wait until the engine is parked in one. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { until: this.time + seconds, resolve };
      if (seconds <= 0) return resolve();
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  advance(seconds: number): void {
    this.time += seconds;
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const s of due) s.resolve();
  }
}
