/**
 * PV health as direct control reports it after each write: only PVs that have failed get a record
 * (the store stays bounded by the PVs that ever failed); 1–2 consecutive failures is degraded,
 * 3 or more unresponsive.
 */
export type HealthState = 'healthy' | 'degraded' | 'unresponsive';
export const UNRESPONSIVE_AFTER = 3;

export interface HealthRecord {
  pv_name: string;
  consecutive_failures: number;
  last_failure_at: string | null;
  last_failure_message: string | null;
  last_success_at: string | null;
  state: HealthState;
}

const stateOf = (failures: number): HealthState =>
  failures === 0 ? 'healthy' : failures < UNRESPONSIVE_AFTER ? 'degraded' : 'unresponsive';

export class PvHealth {
  private readonly records = new Map<string, HealthRecord>();

  failure(pv: string, message: string | null): HealthRecord {
    const previous = this.records.get(pv);
    const failures = (previous?.consecutive_failures ?? 0) + 1;
    const record: HealthRecord = {
      pv_name: pv,
      consecutive_failures: failures,
      last_failure_at: new Date().toISOString(),
      last_failure_message: message,
      last_success_at: previous?.last_success_at ?? null,
      state: stateOf(failures),
    };
    this.records.set(pv, record);
    return record;
  }

  success(pv: string): HealthRecord {
    const now = new Date().toISOString();
    const previous = this.records.get(pv);
    if (!previous) {
      return {
        pv_name: pv,
        consecutive_failures: 0,
        last_failure_at: null,
        last_failure_message: null,
        last_success_at: now,
        state: 'healthy',
      };
    }
    const record: HealthRecord = {
      ...previous,
      consecutive_failures: 0,
      last_success_at: now,
      state: 'healthy',
    };
    this.records.set(pv, record);
    return record;
  }

  get(pv: string): HealthRecord | undefined {
    return this.records.get(pv);
  }

  clear(pv: string): number {
    return this.records.delete(pv) ? 1 : 0;
  }

  clearAll(): number {
    const n = this.records.size;
    this.records.clear();
    return n;
  }

  stats() {
    const by_state = { healthy: 0, degraded: 0, unresponsive: 0 };
    for (const record of this.records.values()) by_state[record.state]++;
    return { by_state, tracked_pvs: this.records.size };
  }
}
