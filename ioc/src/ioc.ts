/** What every simulated IOC provides: its PVs, and the loops that animate them. */
import type { ProcessVariable } from '@ophyd-service/epics-ca';
import type { Clock } from './sim/clock.ts';
import type { Random } from './sim/random.ts';

export interface IocContext {
  prefix: string;
  clock: Clock;
  random: Random;
}

export interface Ioc {
  pvs: ProcessVariable[];
  /** Extra record fields answered as `<pv>.FIELD` (see records.ts), by PV name. */
  records?: Record<string, RecordInfo>;
  /** Starts the scan loops. */
  start(): void;
  /** Stops every loop and pending motion. */
  stop(): void;
}

export interface RecordInfo {
  /** Record type reported by `.RTYP` (ai, ao, motor, waveform…). */
  rtyp: string;
  desc?: string;
}

export interface IocDefinition {
  description: string;
  defaultPrefix: string;
  create(context: IocContext): Ioc;
}

/** Collects stop functions so an IOC can undo everything it started. */
export class Loops {
  private readonly stops: (() => void)[] = [];
  add(stop: () => void): void {
    this.stops.push(stop);
  }
  stopAll(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
