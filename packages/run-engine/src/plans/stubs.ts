/**
 * Plan stubs: the small generators plans are built from, with bluesky's names and the exact
 * messages (command, kwargs) bluesky's plan_stubs yield, so message sequences compare one to one.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, wallClock } from '../clock.ts';
import { type Msg, msg, type SyncPlan } from '../msg.ts';
import {
  isLocatable,
  isMovable,
  isStatus,
  isTriggerable,
  nameOf,
  type Reading,
  type Status,
} from '../protocols.ts';
import { contingency_wrapper, relative_set_wrapper } from './preprocessors.ts';

/** bluesky's _short_uid: a readable, unique group name. */
export function short_uid(label = ''): string {
  const id = randomUUID().slice(0, 6);
  return label ? `${label}-${id}` : id;
}

let planClock: Clock = wallClock;

/** The clock plans use to pace themselves (count's delay); tests set the engine's manual clock. */
export function setPlanClock(clock: Clock): void {
  planClock = clock;
}

/** The time on the plans' clock (what bluesky's plans read from time.time()). */
export function planTime(): number {
  return planClock.now();
}

export function* open_run(md: Record<string, unknown> | null = null): SyncPlan<string> {
  return (yield msg('open_run', null, [], { ...(md ?? {}) })) as string;
}

export function* close_run(
  exit_status: string | null = null,
  reason: string | null = null,
): SyncPlan<string> {
  return (yield msg('close_run', null, [], { exit_status, reason })) as string;
}

export function* create(name = 'primary'): SyncPlan<unknown> {
  return yield msg('create', null, [], { name });
}

export function* save(): SyncPlan<unknown> {
  return yield msg('save');
}

export function* drop(): SyncPlan<unknown> {
  return yield msg('drop');
}

export function* read(obj: unknown): SyncPlan<Record<string, Reading> | null> {
  return (yield msg('read', obj)) as Record<string, Reading> | null;
}

export function* abs_set(
  obj: unknown,
  value: unknown,
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status> {
  const status = (yield msg('set', obj, [value], { group })) as Status;
  if (wait) yield* wait_group(group);
  return status;
}

export function* trigger(
  obj: unknown,
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status> {
  const status = (yield msg('trigger', obj, [], { group })) as Status;
  if (wait) yield* wait_group(group);
  return status;
}

/** bluesky's `wait` stub (named so as not to shadow the `wait` option of other stubs). */
export function* wait_group(
  group: string | null = null,
  { timeout = null as number | null, error_on_timeout = true } = {},
): SyncPlan<unknown> {
  return yield msg('wait', null, [], { group, error_on_timeout, timeout, watch: [] });
}

export function* stage(obj: unknown, { group = null as string | null } = {}): SyncPlan<unknown> {
  return yield msg('stage', obj, [], { group });
}

export function* unstage(obj: unknown, { group = null as string | null } = {}): SyncPlan<unknown> {
  return yield msg('unstage', obj, [], { group });
}

/** Stages each device; waits only if some stage() answered with a status (ophyd-async devices). */
export function* stage_all(devices: unknown[], { group = null as string | null } = {}): SyncPlan<void> {
  const g = group ?? randomUUID();
  let statuses = false;
  for (const obj of devices) if (isStatus(yield msg('stage', obj, [], { group: g }))) statuses = true;
  if (statuses) yield msg('wait', null, [], { group: g });
}

export function* unstage_all(devices: unknown[], { group = null as string | null } = {}): SyncPlan<void> {
  const g = group ?? randomUUID();
  let statuses = false;
  for (const obj of devices) if (isStatus(yield msg('unstage', obj, [], { group: g }))) statuses = true;
  if (statuses) yield msg('wait', null, [], { group: g });
}

export function* kickoff(
  obj: unknown,
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status> {
  const status = (yield msg('kickoff', obj, [], { group })) as Status;
  if (wait) yield* wait_group(group);
  return status;
}

/**
 * Prepares a device for a scan (its `prepare(value)` returns a status, grouped and waited for as
 * `set`'s). With `wait` and no group, waits for the statuses of no group, as bluesky's does.
 */
export function* prepare(
  obj: unknown,
  value: unknown,
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status> {
  const status = (yield msg('prepare', obj, [value], { group })) as Status;
  if (wait) yield* wait_group(group);
  return status;
}

export function* complete(
  obj: unknown,
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status> {
  const status = (yield msg('complete', obj, [], { group })) as Status;
  if (wait) yield* wait_group(group);
  return status;
}

/**
 * Gathers what a flyer recorded into event pages and returns its partial events; given several
 * devices (an array: bluesky's `collect(det1, det2, name=…)`), collects their stream assets up to
 * the frame they have all written, into the stream declared for them.
 */
export function* collect(
  obj: unknown,
  { stream = false, return_payload = true, name = null as string | null } = {},
): SyncPlan<unknown> {
  const [first, ...others] = Array.isArray(obj) ? obj : [obj];
  return yield msg('collect', first, others, { stream, return_payload, name });
}

/** Kicks off every flyer in one group (a new uuid unless given), waiting for them by default. */
export function* kickoff_all(
  objs: unknown[],
  { group = null as string | null, wait = true } = {},
): SyncPlan<Status[]> {
  return yield* everyInGroup('kickoff', objs, group ?? randomUUID(), wait);
}

/** Tells every flyer to finish, in one group (a new uuid unless given), not waiting by default. */
export function* complete_all(
  objs: unknown[],
  { group = null as string | null, wait = false } = {},
): SyncPlan<Status[]> {
  return yield* everyInGroup('complete', objs, group ?? randomUUID(), wait);
}

function* everyInGroup(
  command: 'kickoff' | 'complete',
  objs: unknown[],
  group: string,
  wait: boolean,
): SyncPlan<Status[]> {
  const statuses: Status[] = [];
  for (const obj of objs) statuses.push((yield msg(command, obj, [], { group })) as Status);
  if (wait) yield* wait_group(group);
  return statuses;
}

/**
 * Completes the flyers, then collects the detectors every `flush_period` seconds (each time the
 * wait for completion times out) and once more when the flyers are done.
 */
export function* collect_while_completing(
  flyers: unknown[],
  dets: unknown[],
  { flush_period = null as number | null, stream_name = null as string | null } = {},
): SyncPlan<void> {
  const group = short_uid('complete');
  yield* complete_all(flyers, { group, wait: false });
  let done = false;
  while (!done) {
    done = Boolean(yield* wait_group(group, { timeout: flush_period, error_on_timeout: false }));
    yield* collect(dets, { name: stream_name });
  }
}

export function* checkpoint(): SyncPlan<unknown> {
  return yield msg('checkpoint');
}

export function* clear_checkpoint(): SyncPlan<unknown> {
  return yield msg('clear_checkpoint');
}

export function* pause(): SyncPlan<unknown> {
  return yield msg('pause', null, [], { defer: false });
}

export function* sleep(time: number): SyncPlan<unknown> {
  return yield msg('sleep', null, [time]);
}

export function* null_(): SyncPlan<unknown> {
  return yield msg('null');
}

export function* declare_stream(
  devices: unknown[],
  { name, collect = false }: { name: string; collect?: boolean },
): SyncPlan<unknown> {
  return yield msg('declare_stream', null, devices, { name, collect });
}

/**
 * One value of a device without triggering it or making an event: its readback when it can be
 * located, else its single hinted (or only) field.
 */
export function* rd(obj: unknown, { default_value = 0 as unknown } = {}): SyncPlan<unknown> {
  if (isLocatable(obj)) {
    const location = (yield msg('locate', obj)) as { readback: unknown } | null;
    return location === null ? default_value : location.readback;
  }
  const hints = (obj as { hints?: { fields?: string[] } })?.hints?.fields ?? [];
  if (hints.length > 1)
    throw new Error(
      `${nameOf(obj)} has ${hints.length} hinted fields (${hints}); read one of its components instead`,
    );
  const reading = yield* read(obj);
  if (reading === null || reading === undefined) return default_value;
  if (hints.length === 1) return reading[hints[0]]?.value;
  const values = Object.values(reading);
  if (values.length !== 1)
    throw new Error(`${nameOf(obj)} has ${values.length} read values; read one of its components instead`);
  return values[0].value;
}

export function* locate(obj: unknown): SyncPlan<unknown> {
  return yield msg('locate', obj);
}

export function* monitor(obj: unknown, { name = null as string | null } = {}): SyncPlan<unknown> {
  return yield msg('monitor', obj, [], name === null ? {} : { name });
}

export function* unmonitor(obj: unknown): SyncPlan<unknown> {
  return yield msg('unmonitor', obj);
}

/** Pairs (device, value, device, value, …) as bluesky's `partition(2, args)`. */
function pairs(args: unknown[]): [unknown, unknown][] {
  if (args.length % 2) throw new TypeError('expected device, value pairs');
  const out: [unknown, unknown][] = [];
  for (let i = 0; i < args.length; i += 2) out.push([args[i], args[i + 1]]);
  return out;
}

/** Moves devices to absolute positions together and waits: mv(motor1, 1, motor2, 2). */
export function* mv(...args: unknown[]): SyncPlan<Status[]> {
  const { positional, options } = splitOptions<{ group?: string | null; timeout?: number | null }>(args);
  const { group: g, timeout = null, ...kwargs } = options;
  const group = g ?? randomUUID();
  const statuses: Status[] = [];
  for (const [obj, value] of pairs(positional)) {
    if (!isMovable(obj))
      throw new TypeError(`mv: ${String((obj as { name?: string })?.name ?? obj)} is not movable`);
    statuses.push((yield msg('set', obj, [value], { group, ...kwargs })) as Status);
  }
  yield msg('wait', null, [], { group, timeout });
  return statuses;
}

/** Moves devices by offsets from where they are: mvr(motor, 0.5). */
export function* mvr(...args: unknown[]): SyncPlan<Status[]> {
  const { positional } = splitOptions(args);
  const motors = pairs(positional).map(([obj]) => obj);
  return yield* relative_set_wrapper(mv(...args), motors);
}

/** Triggers the triggerable devices, waits, and reads them all into one event of `name`. */
export function* trigger_and_read(devices: unknown[], name = 'primary'): SyncPlan<Record<string, Reading>> {
  if (!devices.length) yield msg('null');
  const unique = [...new Set(devices)];
  const group = short_uid('trigger');
  let triggered = false;
  for (const obj of unique) {
    if (isTriggerable(obj)) {
      triggered = true;
      yield* trigger(obj, { group });
    }
  }
  if (triggered) yield* wait_group(group);
  yield* create(name);
  function* readAll(): SyncPlan<Record<string, Reading>> {
    const ret: Record<string, Reading> = {};
    for (const obj of unique) {
      const reading = yield* read(obj);
      if (reading) Object.assign(ret, reading);
    }
    return ret;
  }
  // A failed read drops the half-made event rather than leaving the bundle open.
  return yield* contingency_wrapper(readAll(), {
    except_plan: function* () {
      yield* drop();
    },
    else_plan: () => save(),
  });
}

export function* one_shot(detectors: unknown[], take_reading = trigger_and_read): SyncPlan<void> {
  yield* checkpoint();
  yield* take_reading(detectors);
}

export function* one_1d_step(
  detectors: unknown[],
  motor: unknown,
  step: unknown,
  take_reading = trigger_and_read,
): SyncPlan<Record<string, Reading>> {
  const group = short_uid('set');
  yield* checkpoint();
  yield msg('set', motor, [step], { group });
  yield msg('wait', null, [], { group });
  return yield* take_reading([...detectors, motor]);
}

/** Moves only the motors whose position changed since the last step (pos_cache), then waits. */
export function* move_per_step(
  step: Map<unknown, unknown>,
  pos_cache: Map<unknown, unknown>,
): SyncPlan<void> {
  yield* checkpoint();
  const group = short_uid('set');
  for (const [motor, pos] of step) {
    if (pos_cache.get(motor) === pos) continue;
    yield msg('set', motor, [pos], { group });
    pos_cache.set(motor, pos);
  }
  yield msg('wait', null, [], { group });
}

export function* one_nd_step(
  detectors: unknown[],
  step: Map<unknown, unknown>,
  pos_cache: Map<unknown, unknown>,
  take_reading = trigger_and_read,
): SyncPlan<void> {
  yield* move_per_step(step, pos_cache);
  yield* take_reading([...detectors, ...step.keys()]);
}

/**
 * Runs `plan` `num` times (forever when null) with a checkpoint before each; `delay` is the time
 * from the start of one repetition to the start of the next, as in bluesky.
 */
export function* repeat(
  plan: () => SyncPlan<unknown>,
  num: number | null = 1,
  delay: number | number[] | null = 0.0,
): SyncPlan<unknown> {
  const delays = Array.isArray(delay) ? delay : null;
  if (delays && num !== null && num - 1 > delays.length) {
    throw new RangeError(`num=${num} but delays only provides ${delays.length} entries`);
  }
  let ret: unknown;
  for (let i = 0; num === null || i < num; i++) {
    const started = planClock.now();
    yield* checkpoint();
    ret = yield* plan();
    // A scalar delay follows every repetition, the last one included (as bluesky's repeat does);
    // a list of delays may end one short.
    const d = delays ? delays[i] : delay;
    if (d === undefined) {
      if (num === null || i + 1 === num) break;
      throw new RangeError(`num=${num} but delays only provides ${i} entries`);
    }
    if (d !== null) {
      const left = Number(d) - (planClock.now() - started);
      if (left > 0) yield* sleep(left);
    }
  }
  return ret;
}

/** Splits a trailing plain options object (Python's keyword arguments) from positional arguments. */
export function splitOptions<T extends object = Record<string, unknown>>(
  args: unknown[],
): { positional: unknown[]; options: T } {
  const last = args.at(-1);
  if (last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype) {
    return { positional: args.slice(0, -1), options: last as T };
  }
  return { positional: args, options: {} as T };
}

export type { Msg };
