/**
 * Built-in plans with bluesky's names, parameters, defaults and RunStart metadata. Python's keyword
 * arguments are a trailing options object: scan([det], motor, -1, 1, { num: 10, md }).
 */
import type { SyncPlan } from '../msg.ts';
import { nameOf } from '../protocols.ts';
import {
  type GridAxis,
  inner_list_product,
  inner_product,
  type ListAxis,
  logspace,
  outer_list_product,
  outer_product,
  type Step,
} from './patterns.ts';
import {
  relative_set_wrapper,
  reset_positions_wrapper,
  run_wrapper,
  stage_wrapper,
} from './preprocessors.ts';
import {
  close_run,
  collect,
  complete,
  kickoff,
  one_1d_step,
  one_nd_step,
  one_shot,
  open_run,
  repeat,
  splitOptions,
} from './stubs.ts';

type Md = Record<string, unknown>;
type PerShot = (detectors: unknown[]) => SyncPlan<unknown>;
type PerStep = (detectors: unknown[], step: Step, pos_cache: Map<unknown, unknown>) => SyncPlan<unknown>;

/** Python's repr of a device for plan_args: ophyd's form when the device offers it. */
export function repr(obj: unknown): string {
  const custom = (obj as { repr?: () => string })?.repr;
  if (typeof custom === 'function') return custom.call(obj);
  return `${(obj as object)?.constructor?.name ?? typeof obj}(name='${nameOf(obj)}')`;
}

const hintedFields = (obj: unknown): string[] =>
  (obj as { hints?: { fields?: string[] } })?.hints?.fields ?? [];

function checkDetectors(detectors: unknown): asserts detectors is unknown[] {
  if (!Array.isArray(detectors))
    throw new TypeError('The input argument must be either as a list or a tuple of Readable objects.');
}

/** Take one or more readings from detectors. */
export function* count(
  detectors: unknown[],
  num: number | null = 1,
  delay: number | number[] | null = 0.0,
  { per_shot = null as PerShot | null, md = null as Md | null } = {},
): SyncPlan<unknown> {
  checkDetectors(detectors);
  const _md: Md = {
    detectors: detectors.map(nameOf),
    num_points: num,
    num_intervals: num === null ? null : num - 1,
    plan_args: { detectors: detectors.map(repr), num, delay },
    plan_name: 'count',
    hints: {},
    ...(md ?? {}),
  };
  const hints = { ...(_md.hints as Md) };
  hints.dimensions ??= [[['time'], 'primary']];
  _md.hints = hints;
  const shot = per_shot ?? ((dets: unknown[]) => one_shot(dets));
  return yield* stage_wrapper(
    run_wrapper(
      repeat(() => shot(detectors), num, delay),
      { md: _md },
    ),
    detectors,
  );
}

/** Scan over an arbitrary trajectory of steps (bluesky's cycler becomes a list of steps). */
export function* scan_nd(
  detectors: unknown[],
  cycler: Step[],
  { per_step = null as PerStep | null, md = null as Md | null } = {},
): SyncPlan<unknown> {
  checkDetectors(detectors);
  const motors = cycler.length ? [...cycler[0].keys()] : [];
  const _md: Md = {
    detectors: detectors.map(nameOf),
    motors: motors.map(nameOf),
    num_points: cycler.length,
    num_intervals: cycler.length - 1,
    plan_args: {
      detectors: detectors.map(repr),
      cycler: `cycler of ${cycler.length} steps`,
      per_step: per_step ? per_step.name : 'None',
    },
    plan_name: 'scan_nd',
    hints: {},
    ...(md ?? {}),
  };
  const hints = { ...(_md.hints as Md) };
  if (motors.every((m) => (m as { hints?: { fields?: string[] } })?.hints?.fields)) {
    hints.dimensions ??= motors.map((m) => [hintedFields(m), 'primary']);
  }
  _md.hints = hints;
  const step =
    per_step ?? ((dets: unknown[], s: Step, cache: Map<unknown, unknown>) => one_nd_step(dets, s, cache));
  const pos_cache = new Map<unknown, unknown>();
  function* inner(): SyncPlan<void> {
    for (const s of cycler) yield* step(detectors, s, pos_cache);
  }
  return yield* stage_wrapper(run_wrapper(inner(), { md: _md }), [...detectors, ...motors]);
}

interface ScanOptions {
  num?: number | null;
  per_step?: PerStep | null;
  md?: Md | null;
}

/** Scan over one multi-motor trajectory: scan(detectors, motor1, start1, stop1, …, num). */
export function* scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  checkDetectors(detectors);
  const { positional, options } = splitOptions<ScanOptions>(rest);
  let args = positional;
  let num = options.num ?? null;
  if (num === null) {
    if (args.length % 3 !== 1) {
      throw new TypeError(
        "The number of points to scan must be provided as the last positional argument or as keyword argument 'num'.",
      );
    }
    num = Number(args.at(-1));
    args = args.slice(0, -1);
  }
  if (!Number.isInteger(num) || num <= 0) {
    throw new RangeError(
      `The parameter \`num\` is expected to be a number of steps (not step size!) It must therefore be a whole number. The given value was ${num}.`,
    );
  }
  const triples = chunk(args, 3);
  const md_args = triples.flatMap(([motor, start, stop]) => [repr(motor), start, stop]);
  const motors = triples.map(([motor]) => motor);
  const md = options.md ?? {};
  const x_fields = motors.flatMap(hintedFields);
  const _md: Md = {
    plan_args: {
      detectors: detectors.map(repr),
      num,
      args: md_args,
      per_step: options.per_step ? options.per_step.name : 'None',
    },
    plan_name: 'scan',
    plan_pattern: 'inner_product',
    plan_pattern_module: 'bluesky.plan_patterns',
    plan_pattern_args: { num, args: md_args },
    motors: motors.map(nameOf),
    ...md,
    hints: {
      ...(x_fields.length ? { dimensions: [[x_fields, 'primary']] } : {}),
      ...((md.hints as Md) ?? {}),
    },
  };
  return yield* scan_nd(detectors, inner_product(num, args), { per_step: options.per_step ?? null, md: _md });
}

/** scan() relative to where the motors are, returning them there afterwards. */
export function* rel_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  checkDetectors(detectors);
  const { positional, options } = splitOptions<ScanOptions>(rest);
  const motors = chunk(positional.length % 3 === 1 ? positional.slice(0, -1) : positional, 3).map(([m]) => m);
  const md = { plan_name: 'rel_scan', ...(options.md ?? {}) };
  return yield* reset_positions_wrapper(
    relative_set_wrapper(scan(detectors, ...positional, { ...options, md }), motors),
    motors,
  );
}

/** Scan over motors moving together through lists of points: list_scan(dets, motor, [1, 2, 3]). */
export function* list_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  checkDetectors(detectors);
  const { positional: args, options } = splitOptions<ScanOptions>(rest);
  if (args.length % 2 !== 0)
    throw new TypeError('The list of arguments must contain a list of points for each defined motor');
  const pairs = chunk(args, 2) as [unknown, unknown[]][];
  const lengths = pairs.map(([, points]) => [...points].length);
  if (new Set(lengths).size > 1) {
    throw new RangeError(
      `The lengths of all lists in *args must be the same. However the lengths in args are : ${JSON.stringify(Object.fromEntries(pairs.map(([m], i) => [nameOf(m), lengths[i]])))}`,
    );
  }
  const md = options.md ?? {};
  const md_args = pairs.flatMap(([motor, points]) => [repr(motor), [...points]]);
  const length = lengths[0] ?? null;
  const _md: Md = {
    detectors: detectors.map(nameOf),
    motors: pairs.map(([m]) => nameOf(m)),
    num_points: length,
    num_intervals: (length || 1) - 1,
    plan_args: {
      detectors: detectors.map(repr),
      args: md_args,
      per_step: options.per_step ? options.per_step.name : 'None',
    },
    plan_name: 'list_scan',
    plan_pattern: 'inner_list_product',
    plan_pattern_module: 'bluesky.plan_patterns',
    plan_pattern_args: { args: md_args },
    ...md,
    hints: { dimensions: pairs.map(([m]) => [hintedFields(m), 'primary']), ...((md.hints as Md) ?? {}) },
  };
  return yield* scan_nd(detectors, inner_list_product(args), { per_step: options.per_step ?? null, md: _md });
}

export function* rel_list_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  const { positional, options } = splitOptions<ScanOptions>(rest);
  const motors = chunk(positional, 2).map(([m]) => m);
  const md = { plan_name: 'rel_list_scan', ...(options.md ?? {}) };
  return yield* reset_positions_wrapper(
    relative_set_wrapper(list_scan(detectors, ...positional, { ...options, md }), motors),
    motors,
  );
}

interface GridOptions {
  snake_axes?: boolean | unknown[] | null;
  per_step?: PerStep | null;
  md?: Md | null;
}

/** Splits grid_scan's args: (motor, start, stop, num)… or the older (motor, start, stop, num, snake)… form. */
function gridAxes(args: unknown[], snake_axes: GridOptions['snake_axes']): GridAxis[] {
  const isDevice = (x: unknown) => typeof x === 'object' && x !== null;
  const newForm = args.length % 4 === 0 && chunk(args, 4).every(([m]) => isDevice(m));
  const axes: GridAxis[] = [];
  if (newForm) {
    for (const [motor, start, stop, num] of chunk(args, 4))
      axes.push({ motor, start: Number(start), stop: Number(stop), num: Number(num), snake: false });
  } else if (args.length >= 4 && (args.length - 4) % 5 === 0) {
    if (snake_axes !== null && snake_axes !== undefined) {
      throw new TypeError(
        "Mixing of deprecated and new API interface is not allowed: the parameter 'snake_axes' can not be used if snaking is set as part of 'args'",
      );
    }
    const [m0, s0, e0, n0, ...others] = args;
    axes.push({ motor: m0, start: Number(s0), stop: Number(e0), num: Number(n0), snake: false });
    for (const [motor, start, stop, num, snake] of chunk(others, 5))
      axes.push({ motor, start: Number(start), stop: Number(stop), num: Number(num), snake: Boolean(snake) });
    return axes;
  } else {
    throw new TypeError('grid_scan expects motor, start, stop, num for each axis');
  }
  const motors = axes.map((a) => a.motor);
  if (new Set(motors).size !== motors.length)
    throw new TypeError(
      `Some motors are listed multiple times in the argument list 'args': '${motors.map(nameOf)}'`,
    );
  if (Array.isArray(snake_axes)) {
    if (new Set(snake_axes).size !== snake_axes.length)
      throw new TypeError("The list of axes 'snake_axes' contains repeated elements");
    if (snake_axes.includes(motors[0]))
      throw new TypeError("The list of axes 'snake_axes' contains the slowest motor");
    if (snake_axes.some((m) => !motors.includes(m)))
      throw new TypeError(
        "The list of axes 'snake_axes' contains motors that are not controlled during the scan",
      );
    axes.forEach((a, i) => {
      a.snake = i > 0 && snake_axes.includes(a.motor);
    });
  } else if (snake_axes === true) {
    axes.forEach((a, i) => {
      a.snake = i > 0;
    });
  }
  return axes;
}

/** Scan over a mesh; each motor moves independently (slowest first). */
export function* grid_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  checkDetectors(detectors);
  const { positional, options } = splitOptions<GridOptions>(rest);
  const axes = gridAxes(positional, options.snake_axes ?? null);
  const md_args = axes.flatMap((a, i) => [
    repr(a.motor),
    a.start,
    a.stop,
    a.num,
    ...(i > 0 ? [a.snake] : []),
  ]);
  const md = options.md ?? {};
  const _md: Md = {
    shape: axes.map((a) => a.num),
    extents: axes.map((a) => [a.start, a.stop]),
    snaking: axes.map((a) => a.snake),
    plan_args: {
      detectors: detectors.map(repr),
      args: md_args,
      per_step: options.per_step ? options.per_step.name : 'None',
    },
    plan_name: 'grid_scan',
    plan_pattern: 'outer_product',
    plan_pattern_args: { args: md_args },
    plan_pattern_module: 'bluesky.plan_patterns',
    motors: axes.map((a) => nameOf(a.motor)),
    hints: {},
    ...md,
  };
  const hints = { ...(_md.hints as Md) };
  hints.gridding ??= 'rectilinear';
  if (axes.every((a) => (a.motor as { hints?: { fields?: string[] } })?.hints?.fields)) {
    hints.dimensions ??= axes.map((a) => [hintedFields(a.motor), 'primary']);
  }
  _md.hints = hints;
  return yield* scan_nd(detectors, outer_product(axes), { per_step: options.per_step ?? null, md: _md });
}

export function* rel_grid_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  const { positional, options } = splitOptions<GridOptions>(rest);
  const motors = gridAxes(positional, options.snake_axes ?? null).map((a) => a.motor);
  const md = { plan_name: 'rel_grid_scan', ...(options.md ?? {}) };
  return yield* reset_positions_wrapper(
    relative_set_wrapper(grid_scan(detectors, ...positional, { ...options, md }), motors),
    motors,
  );
}

function chunk(args: unknown[], size: number): unknown[][] {
  if (args.length % size) throw new TypeError(`expected groups of ${size} arguments`);
  const out: unknown[][] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}

/** Scan one motor over log-spaced points: positions 10**start … 10**stop. */
export function* log_scan(
  detectors: unknown[],
  motor: unknown,
  start: number,
  stop: number,
  num: number,
  {
    per_step = null as ((dets: unknown[], motor: unknown, step: unknown) => SyncPlan<unknown>) | null,
    md = null as Md | null,
  } = {},
): SyncPlan<unknown> {
  checkDetectors(detectors);
  const _md: Md = {
    detectors: detectors.map(nameOf),
    motors: [nameOf(motor)],
    num_points: num,
    num_intervals: num - 1,
    plan_args: {
      detectors: detectors.map(repr),
      num,
      start,
      stop,
      motor: repr(motor),
      per_step: per_step ? per_step.name : 'None',
    },
    plan_name: 'log_scan',
    plan_pattern: 'logspace',
    plan_pattern_module: 'numpy',
    plan_pattern_args: { start, stop, num },
    hints: {},
    ...(md ?? {}),
  };
  const hints = { ...(_md.hints as Md) };
  if ((motor as { hints?: { fields?: string[] } })?.hints?.fields)
    hints.dimensions ??= [[hintedFields(motor), 'primary']];
  _md.hints = hints;
  const step = per_step ?? ((dets: unknown[], m: unknown, s: unknown) => one_1d_step(dets, m, s));
  function* inner(): SyncPlan<void> {
    for (const s of logspace(start, stop, num)) yield* step(detectors, motor, s);
  }
  return yield* stage_wrapper(run_wrapper(inner(), { md: _md }), [...detectors, motor]);
}

export function* rel_log_scan(
  detectors: unknown[],
  motor: unknown,
  start: number,
  stop: number,
  num: number,
  options: Parameters<typeof log_scan>[5] = {},
): SyncPlan<unknown> {
  const md = { plan_name: 'rel_log_scan', ...(options.md ?? {}) };
  return yield* reset_positions_wrapper(
    relative_set_wrapper(log_scan(detectors, motor, start, stop, num, { ...options, md }), [motor]),
    [motor],
  );
}

interface ListGridOptions {
  snake_axes?: boolean | unknown[];
  per_step?: PerStep | null;
  md?: Md | null;
}

/** A mesh over explicit point lists: list_grid_scan(dets, motor1, [1, 2], motor2, [3, 4, 5]). */
export function* list_grid_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  checkDetectors(detectors);
  const { positional, options } = splitOptions<ListGridOptions>(rest);
  const snake_axes = options.snake_axes ?? false;
  const pairs = chunk(positional, 2) as [unknown, unknown[]][];
  // bluesky: True snakes every axis but the slowest; a list snakes the axes it names.
  const axes: ListAxis[] = pairs.map(([motor, points], i) => ({
    motor,
    points: [...points],
    snake: Array.isArray(snake_axes) ? snake_axes.includes(motor) : snake_axes === true && i > 0,
  }));
  const md_args = pairs.flatMap(([motor, points]) => [repr(motor), [...points]]);
  const snakeRepr = Array.isArray(snake_axes)
    ? `[${snake_axes.map(repr).join(', ')}]`
    : snake_axes
      ? 'True'
      : 'False';
  const _md: Md = {
    shape: axes.map((a) => a.points.length),
    extents: axes.map((a) => [Math.min(...(a.points as number[])), Math.max(...(a.points as number[]))]),
    snake_axes: snakeRepr,
    plan_args: {
      detectors: detectors.map(repr),
      args: md_args,
      per_step: options.per_step ? options.per_step.name : 'None',
    },
    plan_name: 'list_grid_scan',
    plan_pattern: 'outer_list_product',
    plan_pattern_args: { args: md_args, snake_axes: snakeRepr },
    plan_pattern_module: 'bluesky.plan_patterns',
    motors: axes.map((a) => nameOf(a.motor)),
    hints: {},
    ...(options.md ?? {}),
  };
  const hints = { ...(_md.hints as Md) };
  if (axes.every((a) => (a.motor as { hints?: { fields?: string[] } })?.hints?.fields)) {
    hints.dimensions ??= axes.map((a) => [hintedFields(a.motor), 'primary']);
  }
  _md.hints = hints;
  return yield* scan_nd(detectors, outer_list_product(axes), { per_step: options.per_step ?? null, md: _md });
}

export function* rel_list_grid_scan(detectors: unknown[], ...rest: unknown[]): SyncPlan<unknown> {
  const { positional, options } = splitOptions<ListGridOptions>(rest);
  const motors = chunk(positional, 2).map(([m]) => m);
  const md = { plan_name: 'rel_list_grid_scan', ...(options.md ?? {}) };
  return yield* reset_positions_wrapper(
    relative_set_wrapper(list_grid_scan(detectors, ...positional, { ...options, md }), motors),
    motors,
  );
}

/** scan with the number of points first: inner_product_scan(detectors, num, motor, start, stop, …). */
export function* inner_product_scan(
  detectors: unknown[],
  num: number,
  ...rest: unknown[]
): SyncPlan<unknown> {
  const { positional, options } = splitOptions<ScanOptions>(rest);
  const md = { plan_name: 'inner_product_scan', ...(options.md ?? {}) };
  // bluesky drops per_step here; so do we, for the same messages.
  return yield* scan(detectors, ...positional, num, { md });
}

export function* relative_inner_product_scan(
  detectors: unknown[],
  num: number,
  ...rest: unknown[]
): SyncPlan<unknown> {
  const { positional, options } = splitOptions<ScanOptions>(rest);
  const md = { plan_name: 'relative_inner_product_scan', ...(options.md ?? {}) };
  return yield* rel_scan(detectors, ...positional, num, { per_step: options.per_step ?? null, md });
}

/** A relative scan of two motors in a 2:1 ratio (a generalised theta-2theta scan). */
export function* x2x_scan(
  detectors: unknown[],
  motor1: unknown,
  motor2: unknown,
  start: number,
  stop: number,
  num: number,
  { per_step = null as PerStep | null, md = null as Md | null } = {},
): SyncPlan<unknown> {
  const _md: Md = {
    plan_name: 'x2x_scan',
    plan_args: {
      detectors: detectors.map(repr),
      motor1: nameOf(motor1),
      motor2: nameOf(motor2),
      start,
      stop,
      num,
      per_step: per_step ? per_step.name : 'None',
    },
    ...(md ?? {}),
  };
  return yield* relative_inner_product_scan(
    detectors,
    num,
    motor1,
    start,
    stop,
    motor2,
    start / 2,
    stop / 2,
    { per_step, md: _md },
  );
}

/** Kick off flyers, wait for them to complete, and collect their data, in one run. */
export function* fly(flyers: unknown[], { md = null as Md | null } = {}): SyncPlan<unknown> {
  const uid = yield* open_run(md);
  for (const flyer of flyers) yield* kickoff(flyer, { wait: true });
  for (const flyer of flyers) yield* complete(flyer, { wait: true });
  for (const flyer of flyers) yield* collect(flyer);
  yield* close_run();
  return uid;
}
