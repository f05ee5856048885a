/**
 * The frames of the pv and device sockets (spec §2.1.5, §2.1.6, §2.2.2): typed envelopes with an
 * ISO timestamp for replies, `pv_update`/`device_update` value frames with an epoch timestamp and no
 * null keys, and `sub_type: "meta"` frames that keep their nulls. Non-finite numbers become null
 * everywhere, so every frame is valid JSON.
 */
import { ALARM_SEVERITY, ALARM_STATUS, type Reading } from '@ophyd-service/epics-ca';
import { arrayBytes, arrayMeta, isoNaive, jsonValue } from '../envelope.ts';
import type { PvMeta } from '../monitor/hub.ts';

/** JSON text; JSON.stringify already writes NaN and ±Infinity as null, keeping the key. */
export const encode = (frame: object): string => JSON.stringify(frame);

/** A typed reply: `{type, timestamp, ...fields}`. */
export const envelope = (type: string, fields: Record<string, unknown> = {}): string =>
  encode({ type, timestamp: isoNaive(new Date()), ...fields });

/** An error reply; the text lives in `error` (finch reads that key). */
export const errorFrame = (error: string, context: Record<string, unknown> = {}): string =>
  envelope('error', { error, ...context });

/** What a value frame says about a PV at one moment. */
export interface PvState {
  reading?: Reading;
  meta?: PvMeta;
  connected: boolean;
}

const withoutNulls = (frame: Record<string, unknown>) => {
  for (const key of Object.keys(frame))
    if (frame[key] === null || frame[key] === undefined) delete frame[key];
  return frame;
};

const epoch = (reading: Reading | undefined, now: boolean) =>
  now || reading?.timestamp === undefined ? Date.now() / 1000 : reading.timestamp;

const access = (state: PvState) => ({
  read_access: state.connected && (state.meta?.readable ?? false),
  write_access: state.connected && (state.meta?.writable ?? false),
});

/**
 * A numeric array as base64 of its little-endian bytes with dtype and shape (about a third of the
 * JSON list's size for doubles, and exact); null for scalars and strings, which stay JSON.
 */
function base64Array(reading: Reading): Record<string, unknown> | null {
  const meta = arrayMeta(reading);
  const bytes = meta.dtype ? arrayBytes(reading) : null;
  if (!bytes) return null;
  return { value_base64: bytes.toString('base64'), dtype: meta.dtype, shape: meta.shape, encoding: 'base64' };
}

/**
 * `pv_update`: a streaming update, or (`snapshot`) the subscribe/refresh one that also carries units,
 * precision and limits. Connection changes use server time (`now`). With `base64`, a numeric array
 * travels as `value_base64` + `dtype` + `shape` instead of a `value` list.
 */
export function pvUpdate(
  pv: string,
  state: PvState,
  options: { snapshot?: boolean; now?: boolean; base64?: boolean } = {},
) {
  const { reading, meta } = state;
  const status = reading?.status ?? 0;
  const severity = reading?.severity ?? 0;
  const frame: Record<string, unknown> = {
    event_type: 'pv_update',
    pv,
    value: reading ? jsonValue(reading) : null,
    timestamp: epoch(reading, options.now ?? false),
    status,
    severity,
    connected: state.connected,
    ...access(state),
    alarm_status: ALARM_STATUS[status] ?? null,
    alarm_severity: severity,
    alarm_severity_name: ALARM_SEVERITY[severity] ?? null,
  };
  const packed = options.base64 && reading ? base64Array(reading) : null;
  if (packed) {
    frame.value = null;
    Object.assign(frame, packed);
  }
  if (options.snapshot && meta) {
    Object.assign(frame, {
      units: meta.units || null,
      precision: meta.precision ?? null,
      lower_ctrl_limit: meta.limits?.controlLow ?? null,
      upper_ctrl_limit: meta.limits?.controlHigh ?? null,
      lower_disp_limit: meta.limits?.displayLow ?? null,
      upper_disp_limit: meta.limits?.displayHigh ?? null,
    });
  }
  return encode(withoutNulls(frame));
}

/** `device_update`: one component of a device (no alarm fields, as the contract has it). */
export function deviceUpdate(device: string, signal: string, state: PvState, now = false) {
  return encode(
    withoutNulls({
      event_type: 'device_update',
      device,
      signal,
      value: state.reading ? jsonValue(state.reading) : null,
      timestamp: epoch(state.reading, now),
      connected: state.connected,
      ...access(state),
    }),
  );
}

/** The meta frame of a PV (`{pv}`) or of a device component (`{device, signal}`); nulls kept. */
export function metaFrame(subject: Record<string, string>, state: PvState) {
  const { reading, meta } = state;
  return encode({
    sub_type: 'meta',
    ...subject,
    connected: state.connected,
    ...access(state),
    timestamp: epoch(reading, false),
    status: reading?.status ?? 0,
    severity: reading?.severity ?? 0,
    precision: meta?.precision ?? null,
    units: meta?.units ?? '',
    lower_ctrl_limit: meta?.limits?.controlLow ?? null,
    upper_ctrl_limit: meta?.limits?.controlHigh ?? null,
    enum_strs: meta?.enumStrings?.length ? meta.enumStrings : null,
  });
}
