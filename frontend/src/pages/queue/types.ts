/** The queue server's shapes the Queue page reads (spec §4, §6, §8), and how it sends a request. */

/** A queued, running or finished item. */
export interface Item {
  item_uid?: string;
  item_type?: string;
  name?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  user?: string;
  properties?: { time_start?: number };
  result?: {
    exit_status?: string;
    msg?: string;
    traceback?: string;
    run_uids?: string[];
    time_start?: number;
    time_stop?: number;
  };
}

/** The status object pushed by `/api/status/ws` (the keys the page uses). */
export interface Status {
  manager_state?: string;
  worker_environment_exists?: boolean;
  re_state?: string | null;
  items_in_queue?: number;
  items_in_history?: number;
  running_item_uid?: string | null;
  run_list_uid?: string;
  queue_stop_pending?: boolean;
  pause_pending?: boolean;
  plan_queue_uid?: string;
  plan_history_uid?: string;
  plans_allowed_uid?: string;
  devices_allowed_uid?: string;
  lock_info_uid?: string;
  lock?: { environment?: boolean; queue?: boolean };
}

/** One run of the running plan, as `/api/re/runs/active` lists it. */
export interface Run {
  uid: string;
  scan_id?: number;
  is_open?: boolean;
  exit_status?: string | null;
}

/** `/api/lock/info`'s `lock_info`. */
export interface LockInfo {
  environment?: boolean;
  queue?: boolean;
  user?: string | null;
  time_str?: string;
  note?: string | null;
}

/** A typed-client call: its `data` (the manager's reply) or `error` (an HTTP error body). */
export type Call = () => Promise<{ data?: unknown; error?: unknown }>;

/** Sends a request; resolves to the server's refusal message, or undefined when it was accepted. */
export async function refusalOf(call: Call): Promise<string | undefined> {
  try {
    const { data, error } = await call();
    const reply = (data ?? error) as { success?: boolean; msg?: string; detail?: unknown } | undefined;
    if (error)
      return typeof reply?.detail === 'string' ? reply.detail : (reply?.msg ?? JSON.stringify(error));
    return reply?.success === false ? (reply.msg ?? 'refused') : undefined;
  } catch (failure) {
    return String(failure);
  }
}

/** A short `args, key=value` text of an item's arguments, as a Python call would read. */
export function argumentsText(item: Item): string {
  const args = (item.args ?? []).map((a) => JSON.stringify(a));
  const kwargs = Object.entries(item.kwargs ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `(${[...args, ...kwargs].join(', ')})`;
}

/** A new item with the same plan and arguments (the server gives it its own uid and user). */
export function itemCopy(item: Item): Item & { meta?: unknown } {
  const { item_type = 'plan', name, args, kwargs } = item;
  const meta = (item as { meta?: unknown }).meta;
  return {
    item_type,
    name,
    ...(args ? { args } : {}),
    ...(kwargs ? { kwargs } : {}),
    ...(meta ? { meta } : {}),
  };
}
