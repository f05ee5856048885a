/**
 * The client's EPICS_CA_MAX_ARRAY_BYTES: what a reply may carry, and the one error every path
 * (a refused request, a discarded reply or monitor update, a refused put) reports when over it.
 */
import { ECA } from '../status.ts';
import { CaError } from './errors.ts';

/** DBR metadata (CTRL limits, units, enum strings) travels on top of the array bytes. */
const METADATA_ALLOWANCE = 1024;

/** Largest payload accepted in one frame for a given EPICS_CA_MAX_ARRAY_BYTES. */
export const payloadLimit = (maxArrayBytes: number) => maxArrayBytes + METADATA_ALLOWANCE;

/** `what` names the operation and the PV, e.g. `monitor 13SIM1:image1:ArrayData`. */
export const tooLargeError = (what: string, bytes: number, maxArrayBytes: number) =>
  new CaError(
    `${what}: ${bytes} bytes exceed EPICS_CA_MAX_ARRAY_BYTES (${maxArrayBytes}); raise it to transfer this PV`,
    ECA.TOLARGE,
  );
