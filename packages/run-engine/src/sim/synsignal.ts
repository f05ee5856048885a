/**
 * ophyd.sim's SynSignal family: signals whose value comes from a function evaluated on trigger
 * (`signal`, the components of `ab_det`, `det_with_conf`, `direct_img`), the invariant ones whose
 * timestamp is always 0 (`invariant1/2`), and the periodically refreshed random ones (`rand`, `rand2`).
 */
import type { Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import type { Random } from './random.ts';
import { SimSignal, type SimSignalOptions } from './signal.ts';

export interface SynSignalOptions extends Omit<SimSignalOptions, 'value'> {
  /** What a trigger sets the value to; without it a trigger keeps the current value (starting at 0). */
  func?: () => unknown;
  /** Seconds a trigger takes (a simulated exposure), on the signal's clock. */
  exposure_time?: number;
}

const SIM = (classname: string) => ({ classname, module: 'ophyd.sim' });

export class SynSignal extends SimSignal {
  private func: () => unknown;
  readonly exposure_time: number;

  constructor(name: string, { func, exposure_time = 0, ...options }: SynSignalOptions = {}) {
    const initial = func ? func() : 0;
    super(name, {
      precision: 3,
      kind: 'normal',
      pythonClass: SIM('SynSignal'),
      ...options,
      value: initial,
    });
    this.func = func ?? (() => this.value);
    this.exposure_time = exposure_time;
  }

  /** Replaces what a trigger evaluates (ophyd's sim_set_func). */
  sim_set_func(func: () => unknown): void {
    this.func = func;
  }

  override trigger(): Status {
    if (this.exposure_time <= 0) {
      this.put(this.func());
      return DeviceStatus.done();
    }
    return new DeviceStatus(
      this.clock.sleep(this.exposure_time).then(() => {
        this.put(this.func());
      }),
    );
  }
}

/** Always the same reading, timestamp included (0), as ophyd.sim's InvariantSignal. */
export class InvariantSignal extends SynSignal {
  constructor(name: string, options: SynSignalOptions = {}) {
    super(name, { pythonClass: SIM('InvariantSignal'), ...options });
  }

  override read(): Record<string, Reading> {
    return { [this.name]: { value: this.value, timestamp: 0 } };
  }

  override repr(): string {
    return '<INVARIANT REPR>';
  }
}

/**
 * ophyd.sim's SynPeriodicSignal: white noise on [0, 1), new at each trigger, and refreshed every
 * `period` ± `period_jitter` seconds once start_simulation() is called. ophyd starts that refresh
 * on first use; here it starts only when asked, so a profile holding these signals keeps no timer
 * alive (stop_simulation() ends it).
 */
export class SynPeriodicSignal extends SynSignal {
  readonly period: number;
  readonly period_jitter: number;
  private readonly random: Random;
  private running: AbortController | null = null;

  constructor(
    name: string,
    {
      random,
      period = 1,
      period_jitter = 1,
      ...options
    }: SynSignalOptions & { random: Random; period?: number; period_jitter?: number },
  ) {
    super(name, { pythonClass: SIM('SynPeriodicSignal'), func: random, ...options });
    this.random = random;
    this.period = period;
    this.period_jitter = period_jitter;
  }

  /** Starts refreshing the value in the background; calling it again does nothing. */
  start_simulation(): void {
    if (this.running) return;
    const running = new AbortController();
    this.running = running;
    const loop = async () => {
      while (!running.signal.aborted) {
        this.put(this.random());
        await this.clock.sleep(
          Math.max(this.period + this.period_jitter * this.gaussian(), 0),
          running.signal,
        );
      }
    };
    loop().catch(() => {}); // the abort of stop_simulation ends the loop
  }

  /** Stops the background refresh started by start_simulation(). */
  stop_simulation(): void {
    this.running?.abort();
    this.running = null;
  }

  /** A standard normal sample (Box–Muller) for the period's jitter, as numpy's randn. */
  private gaussian(): number {
    const u = 1 - this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }
}
