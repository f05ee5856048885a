/**
 * Spiral scans over two motors (bluesky's spiral, spiral_fermat, spiral_square and their relative
 * forms): the trajectories are computed as bluesky's plan_patterns compute them, point for point.
 */
import type { SyncPlan } from '../msg.ts';
import type { Step } from './patterns.ts';
import { repr, scan_nd } from './plans.ts';
import { relative_set_wrapper, reset_positions_wrapper } from './preprocessors.ts';

type Md = Record<string, unknown>;
type PerStep = (detectors: unknown[], step: Step, pos_cache: Map<unknown, unknown>) => SyncPlan<unknown>;

interface SpiralOptions {
  dr_y?: number | null;
  tilt?: number;
  per_step?: PerStep | null;
  md?: Md | null;
}

const steps = (x_motor: unknown, y_motor: unknown, xs: number[], ys: number[]): Step[] =>
  xs.map(
    (x, i) =>
      new Map([
        [x_motor, x],
        [y_motor, ys[i]],
      ]),
  );

/** Rings of points `dr` apart, `nth` more points on each ring, kept inside the (tilted) rectangle. */
export function spiral_pattern(
  x_start: number,
  y_start: number,
  x_range: number,
  y_range: number,
  dr: number,
  nth: number,
  dr_y: number | null = null,
  tilt = 0.0,
): [number[], number[]] {
  const aspect = dr_y === null ? 1 : dr_y / dr;
  const half_x = x_range / 2;
  const half_y = y_range / (2 * aspect);
  const r_max = Math.sqrt(half_x ** 2 + half_y ** 2);
  const num_ring = 1 + Math.trunc(r_max / dr);
  const tilt_tan = Math.tan(tilt + Math.PI / 2.0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let ring = 1; ring < num_ring + 2; ring++) {
    const radius = ring * dr;
    const angle_step = (2.0 * Math.PI) / (ring * nth);
    for (let i = 0; i < Math.trunc(ring * nth); i++) {
      const angle = i * angle_step;
      const x = radius * Math.cos(angle);
      const y = radius * Math.sin(angle) * aspect;
      if (Math.abs(x - y / aspect / tilt_tan) <= half_x && Math.abs(y / aspect) <= half_y) {
        xs.push(x_start + x);
        ys.push(y_start + y);
      }
    }
  }
  return [xs, ys];
}

/** Fermat's spiral: point i at radius √i·dr/factor and the golden angle i·137.508°. */
export function spiral_fermat_pattern(
  x_start: number,
  y_start: number,
  x_range: number,
  y_range: number,
  dr: number,
  factor: number,
  dr_y: number | null = null,
  tilt = 0.0,
): [number[], number[]] {
  const aspect = dr_y === null ? 1 : dr_y / dr;
  const phi = (137.508 * Math.PI) / 180.0;
  const half_x = x_range / 2;
  const half_y = y_range / (2 * aspect);
  const tilt_tan = Math.tan(tilt + Math.PI / 2.0);
  const diag = Math.sqrt(half_x ** 2 + half_y ** 2);
  const num_rings = Math.trunc(((1.5 * diag) / (dr / factor)) ** 2);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let ring = 1; ring < num_rings; ring++) {
    const radius = (Math.sqrt(ring) * dr) / factor;
    const angle = phi * ring;
    const x = radius * Math.cos(angle);
    const y = radius * Math.sin(angle) * aspect;
    if (Math.abs(x - y / aspect / tilt_tan) <= half_x && Math.abs(y) <= half_y) {
      xs.push(x_start + x);
      ys.push(y_start + y);
    }
  }
  return [xs, ys];
}

/** A square spiral over an x_num × y_num grid, from the centre outwards. */
export function spiral_square_pattern(
  x_center: number,
  y_center: number,
  x_range: number,
  y_range: number,
  x_num: number,
  y_num: number,
): [number[], number[]] {
  const x_offset = x_num % 2 === 0 ? 0.5 : 0;
  const y_offset = y_num % 2 === 0 ? -0.5 : 0;
  const num_ring = Math.max(x_num, y_num);
  const x_delta = x_range / (x_num - 1);
  const y_delta = y_range / (y_num - 1);
  const total = x_num * y_num;
  const xs = [x_center - x_delta * x_offset];
  const ys = [y_center - y_delta * y_offset];
  const add = (x: number, y: number) => {
    xs.push(x);
    ys.push(y);
  };
  const x0 = x_center - x_delta * x_offset;
  const y0 = y_center - y_delta * y_offset;
  for (let ring = 2; ring <= num_ring; ring++) {
    // Right side going down, bottom going left, left side going up, top going right.
    if (Math.abs(ring - 1 - x_offset) <= x_num / 2 && xs.length < total) {
      for (let n = ring - 2; n > -ring; n--) {
        if (Math.abs(n - y_offset) < y_num / 2 && xs.length < total)
          add(x0 + x_delta * (ring - 1), y0 + y_delta * n);
      }
    }
    if (Math.abs(-ring + 1 - y_offset) < y_num / 2 && xs.length < total) {
      for (let n = ring - 2; n > -ring; n--) {
        if (Math.abs(n - x_offset) < x_num / 2 && xs.length < total)
          add(x0 + x_delta * n, y0 + y_delta * (-ring + 1));
      }
    }
    if (Math.abs(-ring + 1 - x_offset) < x_num / 2 && xs.length < total) {
      for (let n = -ring + 2; n < ring; n++) {
        if (Math.abs(n - y_offset) < y_num / 2 && xs.length < total)
          add(x0 + x_delta * (-ring + 1), y0 + y_delta * n);
      }
    }
    if (Math.abs(ring - 1 - y_offset) < y_num / 2 && xs.length < total) {
      for (let n = -ring + 2; n < ring; n++) {
        if (Math.abs(n - x_offset) < x_num / 2 && xs.length < total)
          add(x0 + x_delta * n, y0 + y_delta * (ring - 1));
      }
    }
  }
  return [xs, ys];
}

const fields = (m: unknown) => (m as { hints?: { fields?: string[] } })?.hints?.fields;

function spiralMd(
  name: string,
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  args: Md,
  extents: number[][],
  options: SpiralOptions,
): Md {
  const pattern_args = { x_motor: repr(x_motor), y_motor: repr(y_motor), ...args };
  const _md: Md = {
    plan_args: {
      detectors: detectors.map(repr),
      ...pattern_args,
      per_step: options.per_step ? options.per_step.name : 'None',
    },
    extents,
    plan_name: name,
    plan_pattern: name,
    plan_pattern_module: 'bluesky.plan_patterns',
    plan_pattern_args: pattern_args,
    hints:
      fields(x_motor) && fields(y_motor)
        ? {
            dimensions: [
              [fields(x_motor), 'primary'],
              [fields(y_motor), 'primary'],
            ],
          }
        : {},
  };
  return { ..._md, ...(options.md ?? {}) };
}

/** A spiral trajectory, rings `dr` apart with `nth` more points per ring, inside a rectangle. */
export function* spiral(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_start: number,
  y_start: number,
  x_range: number,
  y_range: number,
  dr: number,
  nth: number,
  options: SpiralOptions = {},
): SyncPlan<unknown> {
  const { dr_y = null, tilt = 0.0 } = options;
  const pattern = spiral_pattern(x_start, y_start, x_range, y_range, dr, nth, dr_y, tilt);
  const args = { x_start, y_start, x_range, y_range, dr, nth, dr_y, tilt };
  return yield* rectangleSpiral('spiral', detectors, x_motor, y_motor, pattern, args, options);
}

/** A Fermat spiral trajectory: evenly spread points, denser with a larger `factor`. */
export function* spiral_fermat(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_start: number,
  y_start: number,
  x_range: number,
  y_range: number,
  dr: number,
  factor: number,
  options: SpiralOptions = {},
): SyncPlan<unknown> {
  const { dr_y = null, tilt = 0.0 } = options;
  const pattern = spiral_fermat_pattern(x_start, y_start, x_range, y_range, dr, factor, dr_y, tilt);
  const args = { x_start, y_start, x_range, y_range, dr, factor, dr_y, tilt };
  return yield* rectangleSpiral('spiral_fermat', detectors, x_motor, y_motor, pattern, args, options);
}

/**
 * The run of a spiral inside a rectangle (spiral, spiral_fermat): its extents and metadata from
 * the pattern's arguments, then one step per point of the trajectory.
 */
function* rectangleSpiral(
  name: string,
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  [xs, ys]: number[][],
  args: Md & { x_start: number; y_start: number; x_range: number; y_range: number },
  options: SpiralOptions,
): SyncPlan<unknown> {
  const extents = [
    [args.x_start - args.x_range, args.x_start + args.x_range],
    [args.y_start - args.y_range, args.y_start + args.y_range],
  ];
  const md = spiralMd(name, detectors, x_motor, y_motor, args, extents, options);
  return yield* scan_nd(detectors, steps(x_motor, y_motor, xs, ys), {
    per_step: options.per_step ?? null,
    md,
  });
}

/** A square spiral over an x_num × y_num grid around a centre. */
export function* spiral_square(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_center: number,
  y_center: number,
  x_range: number,
  y_range: number,
  x_num: number,
  y_num: number,
  { per_step = null as PerStep | null, md = null as Md | null } = {},
): SyncPlan<unknown> {
  const [xs, ys] = spiral_square_pattern(x_center, y_center, x_range, y_range, x_num, y_num);
  const _md: Md = {
    plan_args: {
      detectors: detectors.map(repr),
      x_motor: repr(x_motor),
      y_motor: repr(y_motor),
      x_center,
      y_center,
      x_range,
      y_range,
      x_num,
      y_num,
      per_step: per_step ? per_step.name : 'None',
    },
    plan_name: 'spiral_square',
    plan_pattern: 'spiral_square',
    shape: [y_num, x_num],
    extents: [
      [y_center - y_range / 2, y_center + y_range / 2],
      [x_center - x_range / 2, x_center + x_range / 2],
    ],
    hints: {},
    ...(md ?? {}),
  };
  const hints = { ...(_md.hints as Md) };
  hints.gridding ??= 'rectilinear_nonsequential';
  if (fields(x_motor) && fields(y_motor))
    hints.dimensions ??= [
      [fields(y_motor), 'primary'],
      [fields(x_motor), 'primary'],
    ];
  _md.hints = hints;
  return yield* scan_nd(detectors, steps(x_motor, y_motor, xs, ys), { per_step, md: _md });
}

const relative = <R>(plan: SyncPlan<R>, motors: unknown[]) =>
  reset_positions_wrapper(relative_set_wrapper(plan, motors), motors);

export function* rel_spiral(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_range: number,
  y_range: number,
  dr: number,
  nth: number,
  options: SpiralOptions = {},
): SyncPlan<unknown> {
  const md = { plan_name: 'rel_spiral', ...(options.md ?? {}) };
  return yield* relative(
    spiral(detectors, x_motor, y_motor, 0, 0, x_range, y_range, dr, nth, { ...options, md }),
    [x_motor, y_motor],
  );
}

export function* rel_spiral_fermat(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_range: number,
  y_range: number,
  dr: number,
  factor: number,
  options: SpiralOptions = {},
): SyncPlan<unknown> {
  const md = { plan_name: 'rel_spiral_fermat', ...(options.md ?? {}) };
  return yield* relative(
    spiral_fermat(detectors, x_motor, y_motor, 0, 0, x_range, y_range, dr, factor, { ...options, md }),
    [x_motor, y_motor],
  );
}

export function* rel_spiral_square(
  detectors: unknown[],
  x_motor: unknown,
  y_motor: unknown,
  x_range: number,
  y_range: number,
  x_num: number,
  y_num: number,
  options: { per_step?: PerStep | null; md?: Md | null } = {},
): SyncPlan<unknown> {
  const md = { plan_name: 'rel_spiral_square', ...(options.md ?? {}) };
  return yield* relative(
    spiral_square(detectors, x_motor, y_motor, 0, 0, x_range, y_range, x_num, y_num, {
      per_step: options.per_step ?? null,
      md,
    }),
    [x_motor, y_motor],
  );
}
