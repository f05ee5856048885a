/**
 * Suspenders (bluesky.suspenders): watch a signal and hold the engine while it is out of bounds,
 * e.g. beam current below a floor. The engine rests (motors stopped) and, once the signal has been
 * back in bounds for `sleep` seconds of the engine's clock, rewinds to the last checkpoint and
 * carries on by itself.
 */
import type { Clock } from './clock.ts';
import { isReadable, type MaybePromise, nameOf, type Reading, type Subscribable } from './protocols.ts';

export interface SuspenderTarget {
  suspend(justification: string): void;
  unsuspend(): void;
  readonly clock: Clock;
}

export interface SuspenderOptions {
  /** Seconds the signal must stay good before the engine resumes. */
  sleep?: number;
}

export abstract class Suspender {
  readonly signal: Subscribable;
  readonly sleep: number;
  private target: SuspenderTarget | null = null;
  private unsubscribe: (() => void) | null = null;
  private isTripped = false;
  /** Why the engine is held, while it is. */
  justification = '';
  private settling: AbortController | null = null;

  constructor(signal: Subscribable, { sleep = 0 }: SuspenderOptions = {}) {
    this.signal = signal;
    this.sleep = sleep;
  }

  /** Whether the signal is out of bounds (or back in but still settling). */
  get tripped(): boolean {
    return this.isTripped;
  }

  /** True when `value` should hold the engine. */
  protected abstract shouldSuspend(value: number): boolean;
  /** True when `value` lets a held engine go again. */
  protected abstract shouldResume(value: number): boolean;
  protected abstract describeTrip(value: number): string;

  install(target: SuspenderTarget): MaybePromise<void> {
    this.target = target;
    this.unsubscribe = this.signal.subscribe((reading) => this.update(reading));
    // A signal already out of bounds holds the engine from the start.
    if (isReadable(this.signal)) {
      const reading = this.signal.read();
      if (reading instanceof Promise) return reading.then((r) => this.update(r));
      this.update(reading);
    }
  }

  remove(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.settling?.abort();
    this.settling = null;
    if (this.isTripped) this.target?.unsuspend();
    this.isTripped = false;
    this.target = null;
  }

  private update(reading: Record<string, Reading>): void {
    const value = Number(Object.values(reading)[0]?.value);
    if (!this.target || Number.isNaN(value)) return;
    if (!this.isTripped) {
      if (!this.shouldSuspend(value)) return;
      this.isTripped = true;
      this.justification = this.describeTrip(value);
      this.target.suspend(this.justification);
      return;
    }
    if (!this.shouldResume(value)) {
      this.settling?.abort(); // it went bad again while settling: start over when it recovers
      this.settling = null;
      return;
    }
    if (this.settling) return;
    const settling = new AbortController();
    this.settling = settling;
    this.target.clock.sleep(this.sleep, settling.signal).then(
      () => {
        if (this.settling !== settling) return;
        this.settling = null;
        this.isTripped = false;
        this.justification = '';
        this.target?.unsuspend();
      },
      () => {},
    );
  }
}

/** Holds the engine while the signal is below `suspend_thresh`, until it is at least `resume_thresh`. */
export class SuspendFloor extends Suspender {
  readonly suspend_thresh: number;
  readonly resume_thresh: number;

  constructor(
    signal: Subscribable,
    suspend_thresh: number,
    options: SuspenderOptions & { resume_thresh?: number } = {},
  ) {
    super(signal, options);
    this.suspend_thresh = suspend_thresh;
    this.resume_thresh = options.resume_thresh ?? suspend_thresh;
    if (this.resume_thresh < suspend_thresh)
      throw new RangeError('resume_thresh must be at least suspend_thresh');
  }

  protected shouldSuspend(value: number): boolean {
    return value < this.suspend_thresh;
  }

  protected shouldResume(value: number): boolean {
    return value >= this.resume_thresh;
  }

  protected describeTrip(value: number): string {
    return `${nameOf(this.signal)} is ${value}, below ${this.suspend_thresh}`;
  }
}

/** Holds the engine while the signal is above `suspend_thresh`, until it is at most `resume_thresh`. */
export class SuspendCeiling extends Suspender {
  readonly suspend_thresh: number;
  readonly resume_thresh: number;

  constructor(
    signal: Subscribable,
    suspend_thresh: number,
    options: SuspenderOptions & { resume_thresh?: number } = {},
  ) {
    super(signal, options);
    this.suspend_thresh = suspend_thresh;
    this.resume_thresh = options.resume_thresh ?? suspend_thresh;
    if (this.resume_thresh > suspend_thresh)
      throw new RangeError('resume_thresh must be at most suspend_thresh');
  }

  protected shouldSuspend(value: number): boolean {
    return value > this.suspend_thresh;
  }

  protected shouldResume(value: number): boolean {
    return value <= this.resume_thresh;
  }

  protected describeTrip(value: number): string {
    return `${nameOf(this.signal)} is ${value}, above ${this.suspend_thresh}`;
  }
}
