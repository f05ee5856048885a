/**
 * Item extraction and preparation (spec §2.4) for add, add_batch, update, execute and
 * function_execute: the request's item is checked in the reference's order and with its messages,
 * validated for its type, and given the request's user and group and a fresh uid.
 */

import { pythonClassRepr, pythonRepr } from '../zmq/python-repr.ts';
import { type PlanDescription, validatePlan } from './plan-validation.ts';
import { pyStr, pyTuple } from './python-text.ts';
import { type ItemType, type Params, type QueueItem, Refusal, STORED_ITEM_KEYS } from './types.ts';

/** What item preparation needs from the manager: uids, and the group's permissions. */
export interface ItemContext {
  newUid(): string;
  /** The group's allowed plans, or undefined when the group is unknown. */
  allowedPlans(group: string): Record<string, PlanDescription> | undefined;
  /** The group's allowed device tree, or undefined when the group is unknown. */
  allowedDevices(group: string): Record<string, unknown> | undefined;
  functionAllowed(name: string, group: string): boolean;
}

export interface PrepareOptions {
  /** Keep the item's own `item_uid` (queue_item_update without `replace`) instead of a fresh one. */
  keepUid?: boolean;
}

const FORMAT = 'Incorrect request format: ';

/**
 * The largest item accepted, as JSON. The reference has no limit; a multi-megabyte item would be
 * stored, sent with every queue_get and copied into the history, so it is refused instead.
 */
export const MAX_ITEM_JSON_BYTES = 1024 * 1024;

const isDict = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Steps 1–3: the request's item, which must be a dict with an allowed `item_type`. */
function extractItem(params: Params, allowedTypes: readonly ItemType[]): Record<string, unknown> {
  if (!('item' in params) || params.item === undefined)
    throw new Refusal(`${FORMAT}request contains no item info`);
  const item = params.item;
  if (!isDict(item))
    throw new Refusal(
      `${FORMAT}incorrect type ('${pythonClassRepr(item)}') of item parameter: item parameter must have type 'dict'`,
    );
  const type = item.item_type;
  if (type === undefined || type === null) throw new Refusal(`${FORMAT}'item_type' key is not found`);
  if (!allowedTypes.includes(type as ItemType))
    throw new Refusal(
      `${FORMAT}unsupported 'item_type' value: '${pyStr(type)}', supported item types ${pyTuple(allowedTypes)}`,
    );
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > MAX_ITEM_JSON_BYTES)
    throw new Refusal(
      `${FORMAT}the item is too large: ${bytes} bytes as JSON (at most ${MAX_ITEM_JSON_BYTES})`,
    );
  return item;
}

/** Step 4: the request's user and group (group checked first, as the reference does). */
function requestUser(params: Params, ctx: ItemContext): { user: string; group: string } {
  if (!('user_group' in params)) throw new Refusal(`${FORMAT}user group is not specified`);
  if (!('user' in params)) throw new Refusal(`${FORMAT}user name is not specified`);
  const group = params.user_group;
  if (typeof group !== 'string' || ctx.allowedPlans(group) === undefined)
    throw new Refusal(`Unknown user group: '${pyStr(group)}'`);
  // The reference records any value; items, history and lock texts expect a name.
  if (typeof params.user !== 'string')
    throw new Refusal(`${FORMAT}user name must be a string: user=${pythonRepr(params.user)}`);
  return { user: params.user, group };
}

/** Step 5 for functions: name, args and kwargs forms, and the group's function permissions. */
function checkFunction(item: Record<string, unknown>, group: string, ctx: ItemContext): void {
  if (!('name' in item)) throw new Refusal(`Function name is not specified: ${pythonRepr(item)}`);
  if ('args' in item && !Array.isArray(item.args))
    throw new Refusal(`Parameter 'args' is not a tuple or a list: ${pythonClassRepr(item.args)}`);
  if ('kwargs' in item && !isDict(item.kwargs))
    throw new Refusal(`Parameter 'kwargs' is not a dictionary: ${pythonClassRepr(item.kwargs)}`);
  if (typeof item.name !== 'string' || !ctx.functionAllowed(item.name, group))
    throw new Refusal(
      `Function ${pythonRepr(item.name)} is not allowed for users from ${pythonRepr(group)} group.`,
    );
}

/**
 * Prepares the item of a request (`params` holds `item`, `user`, `user_group`) for the queue or for
 * execution: spec §2.4 steps 1–6. Throws a Refusal with the reference's message.
 */
export function prepareItem(
  params: Params,
  ctx: ItemContext,
  allowedTypes: readonly ItemType[],
  options: PrepareOptions = {},
): QueueItem {
  const submitted = extractItem(params, allowedTypes);
  const { user, group } = requestUser(params, ctx);
  const item = { ...submitted };
  if (item.item_type === 'plan') {
    const devices = ctx.allowedDevices(group);
    if (devices === undefined) throw new Refusal(`Unknown user group: '${group}'`);
    validatePlan(item, ctx.allowedPlans(group) ?? {}, devices);
  } else if (item.item_type === 'instruction') {
    if (item.name !== 'queue_stop') throw new Refusal(`Unrecognized instruction: ${pythonRepr(item)}`);
  } else if (item.item_type === 'function') checkFunction(item, group, ctx);
  item.user = user;
  item.user_group = group;
  if (!options.keepUid) item.item_uid = ctx.newUid();
  else if (!('item_uid' in item))
    throw new Refusal('Item description contains no UID and UID generation is skipped');
  return item as unknown as QueueItem;
}

/** The item as the queue stores it: only the keys of spec §2.4 step 7 (drops e.g. `result`). */
export function storedItem(item: QueueItem): QueueItem {
  const record = item as unknown as Record<string, unknown>;
  const kept = STORED_ITEM_KEYS.filter((key) => key in record).map((key) => [key, record[key]]);
  return Object.fromEntries(kept) as unknown as QueueItem;
}

/**
 * What a refused request's reply echoes as `item`: the submitted item as it came (even when it is
 * not a dict), or null when the request had none.
 */
export function submittedItem(params: Params): unknown {
  return 'item' in params && params.item !== undefined ? params.item : null;
}
