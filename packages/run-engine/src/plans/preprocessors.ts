/**
 * Plan preprocessors (bluesky's *_wrapper): plans that wrap other plans to add runs, staging,
 * clean-up or relative motion. A halt reaches them as PlanHalt, which they let through without
 * yielding anything, so a halted plan really gets no clean-up.
 */
import { PlanHalt, RunEngineControlException } from '../errors.ts';
import type { Msg, SyncPlan } from '../msg.ts';
import { isLocatable, nameOf, type Reading } from '../protocols.ts';
import { close_run, open_run, stage_all, unstage_all } from './stubs.ts';

type PlanLike<R = unknown> = SyncPlan<R> | (() => SyncPlan<R>);
const instance = <R>(p: PlanLike<R>): SyncPlan<R> => (typeof p === 'function' ? p() : p);

/** Runs `final_plan` after `plan` however it ends, except on halt. */
export function* finalize_wrapper<R>(plan: SyncPlan<R>, final_plan: PlanLike): SyncPlan<R> {
  let cleanup = true;
  try {
    return yield* plan;
  } catch (err) {
    if (err instanceof PlanHalt) cleanup = false;
    throw err;
  } finally {
    if (cleanup) yield* instance(final_plan);
  }
}

/** try/except/else for plans: `except_plan(error)` runs on failure (then the error is re-raised). */
export function* contingency_wrapper<R>(
  plan: SyncPlan<R>,
  {
    except_plan,
    else_plan,
    auto_raise = true,
  }: {
    except_plan?: (err: unknown) => SyncPlan<unknown>;
    else_plan?: () => SyncPlan<unknown>;
    auto_raise?: boolean;
  },
): SyncPlan<R> {
  let ret: R;
  try {
    ret = yield* plan;
  } catch (err) {
    if (err instanceof PlanHalt || !except_plan) throw err;
    const handled = yield* except_plan(err);
    if (auto_raise) throw err;
    return handled as R;
  }
  if (else_plan) yield* else_plan();
  return ret;
}

/** Encloses a plan in open_run/close_run; a failure closes the run with exit_status 'fail' and its reason. */
export function* run_wrapper(
  plan: SyncPlan<unknown>,
  { md = null as Record<string, unknown> | null } = {},
): SyncPlan<string> {
  const uid = yield* open_run(md);
  yield* contingency_wrapper(plan, {
    except_plan: function* (err) {
      if (err instanceof RunEngineControlException) yield* close_run(err.exitStatus);
      else yield* close_run('fail', err instanceof Error ? err.message : String(err));
    },
    else_plan: () => close_run(),
  });
  return uid;
}

/** Stages the devices first and unstages them (in reverse) however the plan ends. */
/** An object, its parent, grandparent… up to the top (ophyd components know their `parent`). */
export function ancestry(obj: unknown): unknown[] {
  const line = [obj];
  let parent = (obj as { parent?: unknown } | null)?.parent;
  while (parent !== null && parent !== undefined && !line.includes(parent)) {
    line.push(parent);
    parent = (parent as { parent?: unknown }).parent;
  }
  return line;
}

/** The top-level device an object belongs to (itself when it has no parent). */
export function root_ancestor(obj: unknown): unknown {
  return ancestry(obj).at(-1);
}

/** The devices without those whose ancestor is also in the list, in order (bluesky's separate_devices). */
export function separate_devices(devices: Iterable<unknown>): unknown[] {
  const result: unknown[] = [];
  for (const device of devices) {
    if (result.some((kept) => ancestry(device).includes(kept))) continue;
    for (const kept of [...result])
      if (ancestry(kept).includes(device)) result.splice(result.indexOf(kept), 1);
    result.push(device);
  }
  return result;
}

/** Stages the top-level devices of `devices` around `plan`, and unstages them in reverse however it ends. */
export function* stage_wrapper<R>(plan: SyncPlan<R>, devices: unknown[]): SyncPlan<R> {
  const unique = separate_devices(devices.map(root_ancestor));
  function* inner(): SyncPlan<R> {
    yield* stage_all(unique);
    return yield* plan;
  }
  return yield* finalize_wrapper(inner(), () => unstage_all([...unique].reverse()));
}

/** Forwards every message of `plan` through `rewrite`, and the answers back, untouched otherwise. */
export function* msg_mutator<R>(plan: SyncPlan<R>, rewrite: (m: Msg) => Msg): SyncPlan<R> {
  let step = plan.next();
  while (!step.done) {
    let reply: unknown;
    try {
      reply = yield rewrite(step.value);
    } catch (err) {
      step = plan.throw(err);
      continue;
    }
    step = plan.next(reply);
  }
  return step.value;
}

/**
 * Where a motor is before the plan first sets it: its `position` when it has one synchronously (as
 * bluesky reads `obj.position`, without a message), else its readback from a `locate` message, else
 * (neither, like ophyd.sim's SynAxisNoPosition) the value of its one hinted field, or of its first
 * field, from a `read` message, as bluesky falls back to.
 */
function* initialPosition(obj: unknown): SyncPlan<number> {
  const position = (obj as { position?: unknown })?.position;
  if (typeof position === 'number') return position;
  if (!isLocatable(obj)) return yield* positionFromReading(obj);
  const located = (yield { command: 'locate', obj, args: [], kwargs: {}, run: null }) as {
    readback?: unknown;
  } | null;
  const readback = Number(located?.readback);
  if (!Number.isFinite(readback))
    throw new TypeError(`${nameOf(obj)} has no numeric position to move relative to`);
  return readback;
}

function* positionFromReading(obj: unknown): SyncPlan<number> {
  const reading = (yield { command: 'read', obj, args: [], kwargs: {}, run: null }) as Record<
    string,
    Reading
  > | null;
  if (!reading) return 0;
  const fields = (obj as { hints?: { fields?: string[] } })?.hints?.fields ?? [];
  if (fields.length > 1)
    throw new TypeError(
      `${nameOf(obj)} has ${fields.length} hinted fields: which is its position is unknown`,
    );
  const key = fields[0] ?? Object.keys(reading)[0];
  const value = Number(reading[key]?.value);
  if (!Number.isFinite(value))
    throw new TypeError(`${nameOf(obj)} has no numeric position to move relative to`);
  return value;
}

/**
 * Forwards `plan`, noting each eligible motor's position before its first `set` into `initial`,
 * and passing every message through `rewrite`. Failures are thrown into `plan` so its own
 * clean-up runs.
 */
function* watchFirstSets<R>(
  plan: SyncPlan<R>,
  devices: unknown[] | null,
  initial: Map<unknown, number>,
  rewrite: (m: Msg) => Msg = (m) => m,
): SyncPlan<R> {
  let step = plan.next();
  while (!step.done) {
    const m = step.value;
    let reply: unknown;
    try {
      if (m.command === 'set' && (!devices || devices.includes(m.obj)) && !initial.has(m.obj)) {
        initial.set(m.obj, yield* initialPosition(m.obj));
      }
      reply = yield rewrite(m);
    } catch (err) {
      step = plan.throw(err);
      continue;
    }
    step = plan.next(reply);
  }
  return step.value;
}

/** Turns every `set` of the given motors into a move relative to where each was at its first set. */
export function* relative_set_wrapper<R>(plan: SyncPlan<R>, devices: unknown[] | null = null): SyncPlan<R> {
  const initial = new Map<unknown, number>();
  return yield* watchFirstSets(plan, devices, initial, (m) =>
    m.command === 'set' && initial.has(m.obj) ? { ...m, args: [initial.get(m.obj)! + Number(m.args[0])] } : m,
  );
}

/** Moves every motor the plan set back where it was at its first set, however the plan ends. */
export function* reset_positions_wrapper<R>(
  plan: SyncPlan<R>,
  devices: unknown[] | null = null,
): SyncPlan<R> {
  const initial = new Map<unknown, number>();
  return yield* finalize_wrapper(watchFirstSets(plan, devices, initial), function* () {
    const group = `reset-${crypto.randomUUID().slice(0, 6)}`;
    for (const [obj, position] of initial)
      yield { command: 'set', obj, args: [position], kwargs: { group }, run: null };
    yield { command: 'wait', obj: null, args: [], kwargs: { group }, run: null };
  });
}

/**
 * For each message, `around` may give a plan to run in its place (whose return is the message's
 * answer; it usually yields the message itself) and/or a plan to run right after it. A small
 * form of bluesky's plan_mutator.
 */
export function* insert_around<R>(
  plan: SyncPlan<R>,
  around: (m: Msg) => { instead?: SyncPlan<unknown>; after?: SyncPlan<unknown> } | null,
): SyncPlan<R> {
  let step = plan.next();
  while (!step.done) {
    const m = step.value;
    const extra = around(m);
    let reply: unknown;
    try {
      reply = extra?.instead ? yield* extra.instead : yield m;
      if (extra?.after) yield* extra.after;
    } catch (err) {
      step = plan.throw(err);
      continue;
    }
    step = plan.next(reply);
  }
  return step.value;
}

// Supplemental data (baseline readings, monitors, flyers during runs) lives in supplemental.ts.
export {
  baseline_wrapper,
  fly_during_wrapper,
  monitor_during_wrapper,
  SupplementalData,
} from './supplemental.ts';

/** Gives every message of `plan` without a run key the key `run`, so its run can nest in another. */
export function* set_run_key_wrapper<R>(plan: SyncPlan<R>, run: string): SyncPlan<R> {
  if (run === null || run === undefined) throw new TypeError('run ID can not be None');
  return yield* msg_mutator(plan, (m) => (m.run === null ? { ...m, run } : m));
}
