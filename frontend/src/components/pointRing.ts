/**
 * A bounded ring of (time, value) points for one strip-chart series: the newest `capacity` points
 * in two preallocated typed arrays, so a PV updating for hours never grows the page's memory.
 */
export class PointRing {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  /** Points held now (at most `capacity`). */
  length = 0;
  /** Points ever pushed, including those the ring has since dropped. */
  received = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Appends a point, dropping the oldest when full. */
  push(time: number, value: number): void {
    const slot = (this.start + this.length) % this.capacity;
    this.times[slot] = time;
    this.values[slot] = value;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
    this.received++;
  }

  /** The i-th oldest point's time. */
  timeAt(i: number): number {
    return this.times[(this.start + i) % this.capacity];
  }

  /** The i-th oldest point's value. */
  valueAt(i: number): number {
    return this.values[(this.start + i) % this.capacity];
  }

  /** Index of the oldest point at or after `time` (`length` when none): a binary search. */
  firstIndexFrom(time: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.timeAt(middle) < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * The points of several rings from `from` on, on one shared time axis (what uPlot draws): the union
 * of their times, each series `null` where it has no point at that time.
 */
export function alignSeries(rings: PointRing[], from: number): [number[], ...(number | null)[][]] {
  const cursors = rings.map((ring) => ring.firstIndexFrom(from));
  const times: number[] = [];
  const columns: (number | null)[][] = rings.map(() => []);
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    rings.forEach((ring, r) => {
      if (cursors[r] < ring.length) next = Math.min(next, ring.timeAt(cursors[r]));
    });
    if (next === Number.POSITIVE_INFINITY) break;
    times.push(next);
    rings.forEach((ring, r) => {
      if (cursors[r] < ring.length && ring.timeAt(cursors[r]) === next) {
        columns[r].push(ring.valueAt(cursors[r]));
        cursors[r]++;
      } else columns[r].push(null);
    });
  }
  return [times, ...columns];
}
