/**
 * What went wrong under a PV or device operation, as the one DomainError kind the routes and
 * sockets report (the kit's table turns a kind into an HTTP status). A client's own bad value is
 * `invalid`, a read-only PV `forbidden`, a PV that never connected `timeout`, a value over the
 * array limit `too_large` naming the limit; only a failure nobody could have prevented is `failed`.
 */
import { type NameKind, nameProblem, ReadOnlyError } from '@ophyd-service/devices';
import { CaError, CaTimeoutError, ECA, WriteRefused } from '@ophyd-service/epics-ca';
import { DomainError, type DomainErrorKind } from '@ophyd-service/service-kit';
import { RegistryUnavailable } from '../registry/provider.ts';

/** ECA codes an IOC answers when it will not take a value: the request is at fault. */
const REFUSED_BY_IOC = new Set<number>([ECA.BADTYPE, ECA.BADCOUNT, ECA.BADSTR, ECA.NOCONVERT, ECA.PUTFAIL]);

function kindOf(err: unknown): DomainErrorKind {
  if (err instanceof WriteRefused) return 'invalid';
  if (err instanceof ReadOnlyError) return 'forbidden';
  if (err instanceof RegistryUnavailable) return 'unavailable';
  if (err instanceof CaTimeoutError) return 'timeout';
  if (err instanceof CaError) {
    if (err.eca === ECA.NOWTACCESS || err.eca === ECA.NORDACCESS) return 'forbidden';
    if (err.eca === ECA.TOLARGE) return 'too_large';
    if (err.eca !== undefined && REFUSED_BY_IOC.has(err.eca)) return 'invalid';
    if (err.eca === ECA.DISCONN || err.eca === ECA.UNRESPTMO) return 'unavailable';
  }
  return 'failed';
}

/**
 * The DomainError for `err`: DomainErrors pass through; anything else gets its kind with `what`
 * (e.g. "Failed to set PV x") before the cause.
 */
export function asDomainError(err: unknown, what: string): DomainError {
  if (err instanceof DomainError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // A refusal's own message already names the PV and the reason; prefixing it would say it twice.
  if (err instanceof WriteRefused) return new DomainError('invalid', message);
  if (err instanceof RegistryUnavailable)
    return new DomainError('unavailable', `Configuration service unavailable: ${message}`);
  return new DomainError(kindOf(err), `${what}: ${message}`);
}

/** Rethrows a registry outage as the `unavailable` every route and socket reports; others unchanged. */
export function outage(err: unknown): never {
  throw err instanceof RegistryUnavailable ? asDomainError(err, '') : err;
}

/** An `invalid` for a device or PV name that breaks the registry's rule (so no lookup is made for it). */
export function requireValidName(kind: NameKind, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new DomainError(
      'invalid',
      `${kind === 'pv' ? 'PV' : 'Device'} name ${JSON.stringify(shown)} ${problem}`,
    );
  }
}
