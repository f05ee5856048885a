/**
 * controller-runtime's work queue, small: keys (`namespace/name`) are de-duplicated while they wait,
 * a key is never processed twice at once (an add during processing marks it dirty and it comes back
 * once `done`), and failures come back after a per-key exponential back-off.
 */
export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly takers: ((key: string | null) => void)[] = [];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private closed = false;

  constructor(options: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
  }

  /** Keys waiting to be processed. */
  get depth(): number {
    return this.waiting.length;
  }

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const taker = this.takers.shift();
    if (taker) {
      this.processing.add(key);
      taker(key);
      return;
    }
    this.queued.add(key);
    this.waiting.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.closed || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Re-adds after the key's back-off: base × 2^(failures), capped. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** failures);
    this.addAfter(key, delay);
    return delay;
  }

  /** A success: the key's back-off starts over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** The next key to process (null once shut down); the caller must call `done(key)`. */
  get(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    const key = this.waiting.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.takers.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  shutDown(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const taker of this.takers.splice(0)) taker(null);
  }
}
