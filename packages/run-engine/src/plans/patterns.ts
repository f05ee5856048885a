/** Trajectories of step scans (bluesky's plan_patterns): each step maps motors to positions. */

export type Step = Map<unknown, unknown>;

/** numpy.linspace: the same arithmetic, so positions match bluesky's to the last bit. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`num must be a whole number of points, got ${num}`);
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (num > 0) out[num - 1] = stop;
  return out;
}

/** All motors move together: (motor, start, stop, motor2, start2, stop2, …) over `num` points. */
export function inner_product(num: number, args: unknown[]): Step[] {
  if (args.length % 3) throw new TypeError('inner_product expects motor, start, stop triples');
  const axes: [unknown, number[]][] = [];
  for (let i = 0; i < args.length; i += 3)
    axes.push([args[i], linspace(Number(args[i + 1]), Number(args[i + 2]), num)]);
  return Array.from({ length: num }, (_, j) => new Map(axes.map(([motor, points]) => [motor, points[j]])));
}

/** All motors move together through their own lists (motor, [points], motor2, [points2], …). */
export function inner_list_product(args: unknown[]): Step[] {
  if (args.length % 2)
    throw new TypeError('The list of arguments must contain a list of points for each defined motor');
  const axes: [unknown, unknown[]][] = [];
  for (let i = 0; i < args.length; i += 2) axes.push([args[i], [...(args[i + 1] as unknown[])]]);
  const lengths = new Set(axes.map(([, p]) => p.length));
  if (lengths.size > 1) throw new RangeError('The lengths of all lists in *args must be the same.');
  const length = axes[0]?.[1].length ?? 0;
  return Array.from({ length }, (_, j) => new Map(axes.map(([motor, points]) => [motor, points[j]])));
}

export interface GridAxis {
  motor: unknown;
  start: number;
  stop: number;
  num: number;
  snake: boolean;
}

export interface ListAxis {
  motor: unknown;
  points: unknown[];
  snake: boolean;
}

/** The outer product of evenly spaced axes (grid_scan). */
export function outer_product(axes: GridAxis[]): Step[] {
  return outer_list_product(
    axes.map((a) => ({ motor: a.motor, points: linspace(a.start, a.stop, a.num), snake: a.snake })),
  );
}

/**
 * The outer product of the axes' point lists, slowest first. A snaked axis runs backwards on every
 * odd pass of the axes outside it, counting passes in traversal order (as bluesky's snake_cyclers do).
 */
export function outer_list_product(axes: ListAxis[]): Step[] {
  let prefixes: unknown[][] = [[]];
  for (const axis of axes) {
    const forward = axis.points;
    const backward = [...forward].reverse();
    const next: unknown[][] = [];
    prefixes.forEach((prefix, pass) => {
      for (const p of axis.snake && pass % 2 ? backward : forward) next.push([...prefix, p]);
    });
    prefixes = next;
  }
  return prefixes.map((positions) => new Map(axes.map((a, i) => [a.motor, positions[i]])));
}

/** numpy.logspace: 10 ** linspace(start, stop, num). */
export function logspace(start: number, stop: number, num: number): number[] {
  return linspace(start, stop, num).map((x) => 10 ** x);
}
