/**
 * bluesky's PeakStats (bluesky.callbacks.fitting): after a run, where y peaks along x. `min` and
 * `max` are (x, y) at y's extremes, `com` the centre of mass, `crossings` where y crosses the
 * half-way line between its extremes, `cen` their mean and `fwhm` the distance between the first
 * and last. Computed in numpy's order of operations (pairwise sums, np.interp) so the figures are
 * bluesky's to the last bit.
 */
import {
  type Document,
  type DocumentName,
  type Event,
  type EventPage,
  unpackEventPage,
} from './documents.ts';

export interface PeakFigures {
  min: [number, number] | null;
  max: [number, number] | null;
  com: number | null;
  cen: number | null;
  crossings: number[] | null;
  fwhm: number | null;
  /** The straight background taken off first (with `edge_count`): y = m·x + b. */
  lin_bkg: { m: number; b: number } | null;
}

/** The figures of a derivative also carry the series they were computed from. */
export type DerivativeFigures = PeakFigures & { x: number[]; y: number[] };

/** numpy's sum of a float array: 0.0 plus a pairwise sum, eight accumulators per block of up to 128. */
export function numpySum(values: readonly number[]): number {
  return 0 + pairwiseSum(values, 0, values.length);
}

function pairwiseSum(values: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let sum = -0;
    for (let i = start; i < start + n; i++) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += values[start + i + k];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  const half = Math.floor(n / 2 / 8) * 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

const mean = (values: readonly number[]) => numpySum(values) / values.length;

/** np.interp(at, arange(len(fp)), fp): linear between neighbours, clamped at the ends. */
function interpOnIndex(at: number, fp: readonly number[]): number {
  if (Number.isNaN(at)) return Number.NaN;
  const last = fp.length - 1;
  if (at <= 0) return fp[0];
  if (at >= last) return fp[last];
  const j = Math.floor(at);
  const slope = fp[j + 1] - fp[j]; // over a step of 1
  let result = slope * (at - j) + fp[j];
  if (Number.isNaN(result)) {
    result = slope * (at - (j + 1)) + fp[j + 1];
    if (Number.isNaN(result) && fp[j] === fp[j + 1]) result = fp[j];
  }
  return result;
}

/** The first index of the smallest (or largest) value, as np.argmin/np.argmax (a NaN wins). */
function argExtreme(values: readonly number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Number.isNaN(values[best])) break;
    if (Number.isNaN(values[i]) || better(values[i], values[best])) best = i;
  }
  return best;
}

/** PeakStats._calc_stats: the figures of y along x (`edgeCount` points at each end fit a background). */
export function peakFigures(
  x: readonly number[],
  yIn: readonly number[],
  edgeCount?: number | null,
): PeakFigures {
  const figures: PeakFigures = {
    min: null,
    max: null,
    com: null,
    cen: null,
    crossings: null,
    fwhm: null,
    lin_bkg: null,
  };
  let y = [...yIn];
  if (edgeCount !== undefined && edgeCount !== null) {
    const [leftX, leftY] = [mean(x.slice(0, edgeCount)), mean(y.slice(0, edgeCount))];
    const [rightX, rightY] = [mean(x.slice(-edgeCount)), mean(y.slice(-edgeCount))];
    const m = (rightY - leftY) / (rightX - leftX);
    const b = leftY - m * leftX;
    y = y.map((v, i) => v - (m * x[i] + b));
    figures.lin_bkg = { m, b };
  }
  const argmin = argExtreme(y, (a, b) => a < b);
  const argmax = argExtreme(y, (a, b) => a > b);
  figures.min = [x[argmin], yIn[argmin]];
  figures.max = [x[argmax], yIn[argmax]];
  // scipy's center_of_mass on one axis: Σ y·i / Σ y, then mapped from index to x.
  const centre = numpySum(y.map((v, i) => v * i)) / numpySum(y);
  figures.com = interpOnIndex(centre, x);
  const mid = (y[argmax] + y[argmin]) / 2;
  const crossings: number[] = [];
  for (let i = 0; i + 1 < y.length; i++) {
    if (y[i] > mid === y[i + 1] > mid) continue;
    const [y0, y1] = [y[i] - mid, y[i + 1] - mid];
    const slope = (y1 - y0) / (x[i + 1] - x[i]);
    crossings.push(-y0 / slope + x[i]);
  }
  if (crossings.length) {
    figures.cen = mean(crossings);
    figures.crossings = crossings;
    if (crossings.length >= 2) figures.fwhm = Math.abs(crossings[crossings.length - 1] - crossings[0]);
  }
  return figures;
}

export interface PeakStatsOptions {
  edge_count?: number | null;
  calc_derivative_and_stats?: boolean;
}

/** A subscriber that collects x and y over a run and computes their peak figures at its stop. */
export class PeakStats implements PeakFigures {
  readonly x: string;
  readonly y: string;
  min: [number, number] | null = null;
  max: [number, number] | null = null;
  com: number | null = null;
  cen: number | null = null;
  crossings: number[] | null = null;
  fwhm: number | null = null;
  lin_bkg: { m: number; b: number } | null = null;
  stats: PeakFigures | null = null;
  derivative_stats: DerivativeFigures | null = null;
  x_data: number[] = [];
  y_data: number[] = [];
  private readonly options: PeakStatsOptions;
  private events: Event[] = [];

  constructor(x: string, y: string, options: PeakStatsOptions = {}) {
    this.x = x;
    this.y = y;
    this.options = options;
  }

  /**
   * The subscriber callback (RE.subscribe(ps.callback)): every event of a run counts, and a new
   * run starts afresh (bluesky's keeps collecting across runs). A page counts as its events.
   */
  readonly callback = (name: DocumentName, doc: Document): void => {
    if (name === 'start') this.events = [];
    else if (name === 'event') this.events.push(doc as Event);
    else if (name === 'event_page') this.events.push(...unpackEventPage(doc as EventPage));
    else if (name === 'stop') this.compute();
  };

  private compute(): void {
    Object.assign(this, {
      min: null,
      max: null,
      com: null,
      cen: null,
      crossings: null,
      fwhm: null,
      lin_bkg: null,
    });
    const pairs = this.events
      .filter((e) => this.x in e.data && this.y in e.data)
      .map((e) => [Number(e.data[this.x]), Number(e.data[this.y])]);
    if (!pairs.length) return;
    this.x_data = pairs.map(([x]) => x);
    this.y_data = pairs.map(([, y]) => y);
    this.stats = peakFigures(this.x_data, this.y_data, this.options.edge_count);
    Object.assign(this, this.stats);
    if (this.options.calc_derivative_and_stats) {
      const x = this.x_data.slice(1);
      const y = this.y_data.slice(1).map((v, i) => v - this.y_data[i]);
      this.derivative_stats = { ...peakFigures(x, y, this.options.edge_count), x, y };
    }
  }
}
