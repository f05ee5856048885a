/**
 * Keeping a lock lease alive (spec §12): a heartbeat every `min(max(ttl/3, 0.5), ttl/2)` seconds
 * while the lock is held. One beat at a time: the next is scheduled when the previous has ended,
 * so a slow registry never piles up renewals.
 */

/** Seconds between renewals of a lease of `ttl` seconds (spec §12). */
export function renewalPeriodSeconds(ttl: number): number {
  return Math.min(Math.max(ttl / 3, 0.5), ttl / 2);
}

/** Runs `beat` every `periodMs` until stopped; `beat` must not throw. */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly periodMs: number;
  private readonly beat: () => Promise<void>;

  constructor(periodMs: number, beat: () => Promise<void>) {
    this.periodMs = periodMs;
    this.beat = beat;
    this.schedule();
  }

  /** No more beats (one already under way finishes). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.beat().finally(() => this.schedule());
    }, this.periodMs);
    this.timer.unref();
  }
}
