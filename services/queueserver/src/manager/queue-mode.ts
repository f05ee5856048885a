/**
 * queue_mode_set's rules (spec §3.3): a dict is merged into the current mode, `"default"` resets
 * it; keys and value types are checked with the reference's messages and Python type reprs.
 */

import { pythonClassRepr, pythonRepr } from '../zmq/python-repr.ts';
import { pyStr } from './python-text.ts';
import { DEFAULT_QUEUE_MODE, type Params, type QueueMode, Refusal } from './types.ts';

const MODE_KEYS = ['loop', 'ignore_failures'];

/**
 * The mode after applying `requested` (a partial mode dict or `"default"`) to `mode`; `request`
 * (the method's params) only words the refusal when `mode` is absent.
 */
export function mergeQueueMode(mode: QueueMode, requested: unknown, request: Params = {}): QueueMode {
  if (requested === undefined)
    throw new Refusal(`Parameter 'mode' is not found in request ${pythonRepr(request)}`);
  if (requested === 'default') return { ...DEFAULT_QUEUE_MODE };
  if (requested === null || typeof requested !== 'object' || Array.isArray(requested))
    throw new Refusal(
      `Queue mode is passed using object of unsupported type '${pythonClassRepr(requested)}': (${pyStr(requested)}). ` +
        "Supported types: ('dict', 'str'), supported string value: 'default'",
    );
  const merged: Record<string, unknown> = { ...mode, ...requested };
  for (const [key, value] of Object.entries(merged)) {
    if (!MODE_KEYS.includes(key))
      throw new Refusal(
        `Unsupported plan queue mode parameter '${key}': supported parameters ['loop', 'ignore_failures']`,
      );
    if (typeof value !== 'boolean')
      throw new Refusal(
        `Unsupported type '${pythonClassRepr(value)}' of the parameter '${key}': expected type '<class 'bool'>'`,
      );
  }
  return { loop: merged.loop as boolean, ignore_failures: merged.ignore_failures as boolean };
}
