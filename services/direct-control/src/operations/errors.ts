/**
 * What went wrong under a PV or device operation, as the HTTP status it answers (sockets send the
 * same text). One table, so a refusal reads the same on every route and socket: the client's own
 * bad value is a 422, a read-only PV a 403, a PV that never connected a 504, a value over the array
 * limit a 413 naming the limit; only a failure nobody could have prevented is a 500.
 */

import { type NameKind, nameProblem, ReadOnlyError } from '@ophyd-service/devices';
import { CaError, CaTimeoutError, ECA, WriteRefused } from '@ophyd-service/epics-ca';
import { HttpError } from '@ophyd-service/service-kit';
import { GateRefusal } from './gates.ts';

/** ECA codes an IOC answers when it will not take a value: the request is at fault. */
const REFUSED_BY_IOC = new Set<number>([ECA.BADTYPE, ECA.BADCOUNT, ECA.BADSTR, ECA.NOCONVERT, ECA.PUTFAIL]);

function statusOf(err: unknown): number {
  if (err instanceof GateRefusal) return err.status;
  if (err instanceof WriteRefused) return 422;
  if (err instanceof ReadOnlyError) return 403;
  if (err instanceof CaTimeoutError) return 504;
  if (err instanceof CaError) {
    if (err.eca === ECA.NOWTACCESS || err.eca === ECA.NORDACCESS) return 403;
    if (err.eca === ECA.TOLARGE) return 413;
    if (err.eca !== undefined && REFUSED_BY_IOC.has(err.eca)) return 422;
    if (err.eca === ECA.DISCONN || err.eca === ECA.UNRESPTMO) return 503;
  }
  return 500;
}

/**
 * The HttpError for `err`: HttpErrors pass through; anything else answers its table status with
 * `what` (e.g. "Failed to set PV x") before the cause.
 */
export function asHttpError(err: unknown, what: string): HttpError {
  if (err instanceof HttpError) return err;
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  // A refusal's own message already names the PV and the reason; prefixing it would say it twice.
  if (err instanceof GateRefusal || err instanceof WriteRefused) return new HttpError(status, message);
  return new HttpError(status, `${what}: ${message}`);
}

/** A 422 for a device or PV name that breaks the registry's rule (so no lookup is made for it). */
export function requireValidName(kind: NameKind, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new HttpError(422, `${kind === 'pv' ? 'PV' : 'Device'} name ${JSON.stringify(shown)} ${problem}`);
  }
}
