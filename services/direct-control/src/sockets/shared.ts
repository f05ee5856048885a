/** Socket actions the pv and device sockets share. */
import { DomainError } from '@ophyd-service/service-kit';
import { stopDevice } from '../operations/devices.ts';
import { READ_ONLY_MESSAGE } from '../operations/pvs.ts';
import { MAX_TIMEOUT_S } from '../schemas.ts';
import type { DirectControl } from '../state.ts';
import type { Connection } from './connection.ts';
import { envelope, errorFrame } from './frames.ts';

export { READ_ONLY_MESSAGE };

/** The text a socket error frame carries for a failure: the REST detail, or the error's message. */
export const errorText = (err: unknown): string =>
  err instanceof DomainError ? String(err.detail) : err instanceof Error ? err.message : String(err);

/** A refused command's error frame, flagged `locked`/`disabled` so clients can tell them apart. */
export function refusal(err: unknown, context: Record<string, unknown>): string {
  const kind = err instanceof DomainError ? err.kind : 'failed';
  return errorFrame(errorText(err), {
    ...context,
    ...(kind === 'locked' && { locked: true }),
    ...(kind === 'conflict' && { disabled: true }),
  });
}

/** `{"action":"stop","device":D}`: the REST stop, answered with `stop_complete` or an error. */
export async function stopOverSocket(
  dc: DirectControl,
  connection: Connection,
  device: unknown,
): Promise<void> {
  if (dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) return connection.reply(errorFrame(READ_ONLY_MESSAGE));
  if (typeof device !== 'string' || !device)
    return connection.reply(errorFrame('device field required for stop'));
  try {
    const response = await stopDevice(dc, device);
    connection.reply(envelope('stop_complete', { device, success: true, message: response.message }));
  } catch (err) {
    connection.reply(refusal(err, { device }));
  }
}

/** A frame's `timeout` in seconds: null when absent, else a number within bounds, or the error text. */
export function frameTimeout(frame: Record<string, unknown>): number | null | string {
  const t = frame.timeout;
  if (t === undefined || t === null) return null;
  if (typeof t !== 'number' || !(t >= 0 && t <= MAX_TIMEOUT_S))
    return `timeout must be a number of seconds from 0 to ${MAX_TIMEOUT_S}`;
  return t;
}
