/** PV health as direct control reports it (spec §1.4.18, §2.6): kept in memory, for registered PVs. */
import { DomainError } from '@ophyd-service/service-kit';
import type { HealthRecord } from '../pv-health.ts';
import type { ConfigurationState } from '../state.ts';

/** Records a failed (`ok` false) or successful operation on a PV the index knows. */
export function reportHealth(
  state: ConfigurationState,
  pv: string,
  ok: boolean,
  message: string | null,
): HealthRecord {
  if (!state.registry.index.has(pv)) throw new DomainError('not_found', `PV not registered: ${pv}`);
  return ok ? state.health.success(pv) : state.health.failure(pv, message);
}

/** The PV's record; only PVs that ever failed have one. */
export function getHealth(state: ConfigurationState, pv: string): HealthRecord {
  const record = state.health.get(pv);
  if (!record)
    throw new DomainError(
      'not_found',
      `No health record for PV '${pv}'. No failures recorded; treat as healthy.`,
    );
  return record;
}

export const clearHealth = (state: ConfigurationState, pv: string) => ({ cleared: state.health.clear(pv) });
export const clearAllHealth = (state: ConfigurationState) => ({ cleared: state.health.clearAll() });
export const healthStats = (state: ConfigurationState) => state.health.stats();
