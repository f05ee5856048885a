/**
 * PV use cases (spec §1.3–1.7, §3.5–3.9): reads fresh or from the shared monitor, and writes
 * through the registry, lock and value checks, with the IOC's verdict reported. Routes and sockets
 * both call these; every refusal is a DomainError.
 */

import type { components } from '@ophyd-service/api-types/direct-control';
import { DBR, type Reading } from '@ophyd-service/epics-ca';
import { DOMAIN_ERROR_STATUS, DomainError } from '@ophyd-service/service-kit';
import { isoNaive } from '../envelope.ts';
import type { PvMeta } from '../monitor/hub.ts';
import type { DirectControl } from '../state.ts';
import { asDomainError, outage, requireValidName } from './errors.ts';
import { gateForPv } from './gates.ts';

type Schemas = components['schemas'];
export type SetPvRequest = Pick<Schemas['PVSetRequest'], 'pv_name' | 'value'> &
  Partial<Schemas['PVSetRequest']>;

export const READ_ONLY_MESSAGE =
  'The direct-control service is in read-only mode (DIRECT_CONTROL_GLOBAL_READ_ONLY=true): control and writes are disabled; monitoring is still available.';

/** Seconds a PV may take to connect when the request does not say (the reference's 5 s). */
const CONNECT_TIMEOUT_S = 5;

/** Refuses any write while the service is read-only. */
export function requireWritable(dc: DirectControl): void {
  if (dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) throw new DomainError('forbidden', READ_ONLY_MESSAGE);
}

/**
 * `invalid` for a name no registry could hold (the registry's own rule), `not_found` for a PV the
 * registry does not know, `unavailable` when the registry cannot be asked.
 */
export async function requireRegisteredPv(dc: DirectControl, pv: string): Promise<void> {
  requireValidName('pv', pv);
  const exists = await dc.registry.pvExists(pv).catch(outage);
  if (!exists) throw new DomainError('not_found', `PV '${pv}' not found in the registry`);
}

/**
 * One write through every gate. The value is checked against the PV's type, element count, enum
 * states and (unless turned off) control limits before anything is sent, and the IOC's verdict
 * comes back: with `wait` after completion, without it once the IOC has taken or refused the
 * value. REST writes report PV health to the registry; socket writes do not (`report: false`).
 */
export async function setPv(
  dc: DirectControl,
  request: SetPvRequest,
  options: { report?: boolean } = {},
): Promise<Schemas['PVSetResponse']> {
  const report = options.report ?? true;
  const pv = request.pv_name;
  await requireRegisteredPv(dc, pv);
  await gateForPv(dc.registry, pv, dc.coordination);
  const wait = request.wait ?? false;
  try {
    await dc.client.put(pv, request.value, {
      wait,
      timeoutMs: (request.timeout || dc.config.DIRECT_CONTROL_COMMAND_TIMEOUT) * 1000,
      connectTimeoutMs: (request.connection_timeout || CONNECT_TIMEOUT_S) * 1000,
      checkLimits: request.check_limits ?? dc.config.DIRECT_CONTROL_CHECK_CTRL_LIMITS,
      metadataTimeoutMs: dc.config.DIRECT_CONTROL_CTRL_LIMIT_READ_TIMEOUT * 1000,
    });
  } catch (err) {
    const failure = asDomainError(err, `Failed to set PV ${pv}`);
    // Only what the IOC or the network did is PV health; a refused request says nothing of the PV.
    if (report && failure.status >= 500) void dc.registry.reportHealth(pv, false, failure.message);
    throw failure;
  }
  if (report) void dc.registry.reportHealth(pv, true);
  return {
    pv_name: pv,
    success: true,
    value_set: request.value,
    timestamp: isoNaive(new Date()),
    coordination_checked: true,
    mode: wait ? 'put-completion' : 'fire-and-forget',
    message: wait
      ? 'PV set confirmed (put-completion)'
      : 'Write accepted by the IOC (not awaiting completion). Monitor PV readback for the outcome.',
  };
}

/** The reference's error_type of a failed batch row, by the kind of the failure. */
const ERROR_TYPES: Partial<Record<DomainError['kind'], string>> = {
  forbidden: 'WriteAccessError',
  not_found: 'RegistryValidationError',
  conflict: 'DeviceUnavailableError',
  invalid: 'ValueLimitError',
  locked: 'DeviceLockedError',
  unavailable: 'CoordinationCheckError',
  timeout: 'ConnectionTimeoutError',
};

/** Ordered writes that stop at the first failure; the writes before it stay. */
export async function setPvBatch(
  dc: DirectControl,
  caputs: SetPvRequest[],
): Promise<Schemas['PVSetBatchResponse']> {
  const results: Schemas['PVSetBatchItemResult'][] = [];
  for (const item of caputs) {
    try {
      results.push({ ...(await setPv(dc, item)), error_type: null, status_code: 200 });
    } catch (err) {
      const failure = asDomainError(err, `Failed to set PV ${item.pv_name}`);
      results.push({
        pv_name: item.pv_name,
        success: false,
        value_set: null,
        timestamp: isoNaive(new Date()),
        // The lock check ran unless the PV was unknown or the registry could not be asked.
        coordination_checked:
          failure.kind !== 'not_found' &&
          !(failure.kind === 'unavailable' && /Configuration service unavailable/.test(failure.message)),
        mode: null,
        message: failure.message,
        error_type: ERROR_TYPES[failure.kind] ?? 'ControlError',
        status_code: DOMAIN_ERROR_STATUS[failure.kind],
      });
      break;
    }
  }
  const applied = results.filter((r) => r.success).length;
  return { ok: applied === caputs.length, applied, requested: caputs.length, results };
}

export interface ReadOptions {
  timeoutS: number;
  connectTimeoutS: number;
  /** At most this many elements. */
  count?: number;
  /** Force the DBR request type. */
  ftype?: number;
  /** The string form: enum state names, CHAR waveforms as text, numbers as the IOC formats them. */
  asString?: boolean;
  /** From the shared monitor (installed on first use) instead of a fresh get. */
  useMonitor?: boolean;
}

/**
 * A CA read of a registered PV (spec §1.5): fresh unless `useMonitor`, in the native type unless
 * `ftype` or `asString` say otherwise. No value in time is the reference's 404.
 */
export async function readPv(dc: DirectControl, pv: string, options: ReadOptions): Promise<Reading> {
  await requireRegisteredPv(dc, pv);
  let waited = options.connectTimeoutS;
  try {
    const channel = await dc.client.info(pv, options.connectTimeoutS * 1000);
    waited = options.timeoutS;
    const text = options.asString === true;
    const charText = text && channel.nativeType === DBR.CHAR && channel.count > 1;
    let reading: Reading;
    if (options.useMonitor && options.ftype === undefined && !text) {
      reading = (await dc.hub.latest(pv, options.timeoutS * 1000)).reading;
    } else {
      reading = await dc.client.get(pv, {
        timeoutMs: options.timeoutS * 1000,
        count: options.count,
        type: options.ftype ?? (text && !charText ? DBR.TIME_STRING : 'time'),
      });
    }
    if (options.count !== undefined && reading.values.length > options.count)
      reading = clip(reading, options.count);
    return charText ? asText(reading) : reading;
  } catch (err) {
    const failure = asDomainError(err, `PV ${pv}`);
    // What we know better than "no value" (over the array limit, no read access) keeps its kind.
    if (failure.kind === 'too_large' || failure.kind === 'forbidden') throw failure;
    const why = (err as Error).message;
    throw new DomainError(
      'not_found',
      options.ftype === undefined
        ? `PV ${pv}: caget returned no value within ${waited}s (${why})`
        : `PV ${pv}: not connected (timeout ${waited}s): ${why}`,
    );
  }
}

/** The first `count` elements (a monitor's value may be longer than what was asked for). */
function clip(reading: Reading, count: number): Reading {
  const values = reading.values.slice(0, count) as Reading['values'];
  return { ...reading, values, value: values };
}

/** A CHAR waveform's bytes as the text they hold, up to the first NUL. */
function asText(reading: Reading): Reading {
  const bytes = Uint8Array.from(reading.values as ArrayLike<number>);
  const end = bytes.indexOf(0);
  const text = new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  return { ...reading, dataType: DBR.STRING, value: text, values: [text] };
}

/** The latest value from the shared monitor, with its metadata and connection state. */
export async function monitoredPv(
  dc: DirectControl,
  pv: string,
): Promise<{ reading: Reading; meta?: PvMeta; connected: boolean }> {
  await requireRegisteredPv(dc, pv);
  try {
    const { reading, meta } = await dc.hub.latest(pv);
    return { reading, meta, connected: dc.hub.isConnected(pv) };
  } catch (err) {
    throw new DomainError('not_found', `PV ${pv} subscription failed: ${(err as Error).message}`);
  }
}

/** PVs whose shared monitor is connected now. */
export const connectedPvs = (dc: DirectControl): string[] => dc.hub.connectedPvs();
