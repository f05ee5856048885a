/**
 * The coordination (lock) gate a write passes before it reaches the hardware (spec §3.5); the
 * value itself is checked by the CA client's put (type, count, enum states, control limits, §3.7).
 * Refusals are DomainErrors: `locked` (423), `conflict` for disabled or unavailable (409),
 * `unavailable` when the lock authority cannot be asked (503).
 */
import { DomainError } from '@ophyd-service/service-kit';
import type { RegistryProvider } from '../registry/provider.ts';
import { RegistryUnavailable } from '../registry/provider.ts';

export type Availability =
  | { state: 'available' }
  | { state: 'disabled'; device: string }
  | { state: 'locked'; device: string; plan: string | null }
  | { state: 'unknown'; device: string };

/**
 * May `device` be commanded now? Disabled wins over locked; only "available" lets a command
 * through. An unreachable registry refuses rather than guessing.
 */
export async function checkAvailability(
  registry: RegistryProvider,
  device: string,
  enabled = true,
): Promise<Availability> {
  if (!enabled) return { state: 'available' };
  let status: Awaited<ReturnType<RegistryProvider['status']>>;
  try {
    status = await registry.status(device);
  } catch (err) {
    if (err instanceof RegistryUnavailable)
      throw new DomainError('unavailable', `Coordination check failed: ${err.message}`);
    throw err;
  }
  if (status === null) return { state: 'available' }; // the registry has no lock concept for it
  if (!status.enabled) return { state: 'disabled', device };
  if (status.locked) return { state: 'locked', device, plan: status.lockedByPlan };
  return status.available ? { state: 'available' } : { state: 'unknown', device };
}

/** Throws the refusal for anything but "available". */
export function requireAvailable(availability: Availability): void {
  switch (availability.state) {
    case 'available':
      return;
    case 'disabled':
      throw new DomainError('conflict', `Device '${availability.device}' is disabled`);
    case 'locked':
      throw new DomainError(
        'locked',
        `Device '${availability.device}' is locked by plan '${availability.plan ?? 'unknown'}'`,
      );
    default:
      throw new DomainError('conflict', `Device '${availability.device}' is not available`);
  }
}

/** The device a PV write is checked against: its owner, or the PV itself when it has none. */
export async function gateForPv(registry: RegistryProvider, pv: string, enabled = true): Promise<void> {
  if (!enabled) return;
  let owner: string | null;
  try {
    owner = await registry.pvOwner(pv);
  } catch (err) {
    if (err instanceof RegistryUnavailable)
      throw new DomainError(
        'unavailable',
        `Coordination check failed: Cannot determine owning device for PV '${pv}': ${err.message}`,
      );
    throw err;
  }
  requireAvailable(await checkAvailability(registry, owner ?? pv));
}
