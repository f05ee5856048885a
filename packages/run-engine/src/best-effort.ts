/**
 * bluesky's BestEffortCallback without figures: the heading of each run, "New stream" lines, the
 * LiveTable of the dimensions' stream (independent fields first), the baseline readings at the
 * start and end of a run, and the peak statistics of every 1-D plot bluesky would draw (its
 * `peaks`: com, cen, max, min, fwhm by field). As in bluesky, `disable_plots()` also stops the
 * peak statistics, which are computed by the plots' companions.
 */
import {
  type Document,
  type DocumentName,
  type Event,
  type EventDescriptor,
  type EventPage,
  type RunStart,
  type RunStop,
  unpackEventPage,
} from './documents.ts';
import { LiveTable } from './live-table.ts';
import { PeakStats } from './peak-stats.ts';

export interface BestEffortOptions {
  /** Writes what Python's print() would (the text, then a newline); console.log by default. */
  print?: (text: string) => void;
  warn?: (message: string) => void;
  table_enabled?: boolean;
  calc_derivative_and_stats?: boolean;
  /** Formats the heading's run time (seconds); local `YYYY-MM-DD HH:MM:SS` by default, as bluesky's. */
  formatDate?: (seconds: number) => string;
  /** Formats event times in the table (see LiveTableOptions). */
  formatTime?: (seconds: number) => string;
}

type Dimension = [string[], string];
const PEAK_ATTRS = ['com', 'cen', 'max', 'min', 'fwhm'] as const;
type PeakAttr = (typeof PEAK_ATTRS)[number];

/** bluesky's PeakResults: each peak figure by y field, for the last run's 1-D plots. */
export type PeakResults = { [A in PeakAttr]: Record<string, PeakStats[A]> };

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** The fields a descriptor hints for each of its objects, or all of an object's that hints none. */
export function hintedFields(descriptor: EventDescriptor): string[] {
  return Object.entries(descriptor.object_keys).flatMap(
    ([obj, keys]) => descriptor.hints?.[obj]?.fields ?? keys,
  );
}

/** Python's str() of a reading: floats as repr prints them (`1.0`, `1e-05`), the rest as text. */
export function pythonText(value: unknown, dtype?: string): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value !== 'number')
    return Array.isArray(value) ? `[${value.map((v) => pythonText(v)).join(', ')}]` : String(value);
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (dtype === 'integer' && Number.isInteger(value)) return String(value);
  const [mantissa, exponent] = value
    .toExponential()
    .split('e')
    .map((part, i) => (i ? Number(part) : part));
  if ((exponent as number) < -4 || (exponent as number) >= 16) {
    const e = exponent as number;
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (Object.is(value, -0)) return '-0.0';
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

export class BestEffortCallback {
  /** The peak figures of the last run's 1-D plots, by y field. */
  readonly peaks: PeakResults = { com: {}, cen: {}, max: {}, min: {}, fwhm: {} };
  /** Streams never plotted (nor given peak statistics). */
  noplot_streams = ['baseline'];
  /** A plan of one point (`num_points` 1) gets no plot of its dimensions' stream. */
  omit_single_point_plot = true;
  private readonly print: (text: string) => void;
  private readonly warn: (message: string) => void;
  private readonly options: BestEffortOptions;
  private heading = true;
  private table = true;
  private baseline = true;
  private plots = true;
  private start: RunStart | null = null;
  private descriptors = new Map<string, EventDescriptor>();
  private streamsSeen = new Set<string>();
  private liveTable: LiveTable | null = null;
  private peakStats = new Map<string, Map<string, PeakStats>>();
  private dimFields: string[] = [];
  private allDimFields: string[] = [];
  private dimStream = 'primary';
  private cleanupMotorHeuristic = false;
  private endOfRunBaseline = '';
  private baselineToggle = true;

  constructor(options: BestEffortOptions = {}) {
    this.options = options;
    this.print = options.print ?? ((text) => console.log(text));
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.table = options.table_enabled ?? true;
  }

  enable_heading(): void {
    this.heading = true;
  }
  disable_heading(): void {
    this.heading = false;
  }
  enable_table(): void {
    this.table = true;
  }
  disable_table(): void {
    this.table = false;
  }
  enable_baseline(): void {
    this.baseline = true;
  }
  disable_baseline(): void {
    this.baseline = false;
  }
  /** Turns the 1-D peak statistics on (there are no figures to draw here). */
  enable_plots(): void {
    this.plots = true;
  }
  disable_plots(): void {
    this.plots = false;
  }

  /**
   * The subscriber callback: RE.subscribe(bec.callback). A page (a collected flyer's) counts as
   * its events one by one: table rows, baseline readings and peak statistics alike.
   */
  readonly callback = (name: DocumentName, doc: Document): void => {
    if (!(this.table || this.baseline || this.plots)) return;
    if (name === 'start') this.onStart(doc as RunStart);
    else if (name === 'descriptor') this.onDescriptor(doc as EventDescriptor);
    else if (name === 'event') this.onEvent(doc as Event);
    else if (name === 'event_page')
      for (const event of unpackEventPage(doc as EventPage)) this.onEvent(event);
    else if (name === 'stop') this.onStop(doc as RunStop);
  };

  private onStart(doc: RunStart): void {
    this.clear();
    this.start = doc;
    const hints = (doc.hints ?? {}) as { dimensions?: Dimension[] };
    const motors = doc.motors as string[] | undefined;
    const guess: Dimension[] = motors?.length ? motors.map((m) => [[m], 'primary']) : [[['time'], 'primary']];
    let dimensions = hints.dimensions;
    if (!dimensions) {
      this.cleanupMotorHeuristic = true;
      dimensions = guess;
    }
    if (new Set(dimensions.map(([, stream]) => stream)).size !== 1) {
      this.cleanupMotorHeuristic = true;
      dimensions = guess;
      this.warn('We are ignoring the dimensions hinted because we cannot combine streams.');
    }
    this.dimFields = dimensions.map(([fields]) => (fields.length ? fields[0] : 'time'));
    this.allDimFields = dimensions.flatMap(([fields]) => fields);
    this.dimStream = dimensions[0][1];
    if (this.heading) {
      this.print(
        `\n\nTransient Scan ID: ${doc.scan_id ?? ''}     Time: ${(this.options.formatDate ?? localDate)(doc.time)}`,
      );
      this.print(`Persistent Unique Scan ID: '${doc.uid}'`);
    }
  }

  private onDescriptor(doc: EventDescriptor): void {
    this.descriptors.set(doc.uid, doc);
    const stream = doc.name ?? 'primary';
    if (!this.streamsSeen.has(stream)) {
      this.streamsSeen.add(stream);
      if (this.table) this.print(`New stream: '${stream}'`);
    }
    if (stream === 'primary' && this.cleanupMotorHeuristic) {
      // The guessed dimensions are object names: the descriptor says which fields they mean.
      // The flag outlives its run, as bluesky's does: a run with no hints and no primary stream
      // leaves it set for the next run's primary descriptor.
      this.cleanupMotorHeuristic = false;
      const fixed: string[] = [];
      for (const obj of this.dimFields) {
        const fields = obj === 'time' ? ['time'] : (doc.hints?.[obj]?.fields ?? doc.object_keys[obj]);
        if (!fields) {
          // bluesky's descriptor fails here (a KeyError its callback wrapper logs): the stream
          // gets neither a table nor plots, and the dimensions stay as they were.
          this.warn(`BestEffortCallback: no object '${obj}' in the '${stream}' descriptor`);
          return;
        }
        fixed.push(...fields);
      }
      this.dimFields = fixed;
    }
    const columns = hintedFields(doc).filter((c) => !this.allDimFields.includes(c));
    this.setUpPeakStats(doc, stream, columns);
    if (stream === this.dimStream && this.table) {
      this.liveTable = new LiveTable({
        fields: [...this.allDimFields, ...columns],
        print: this.print,
        ...(this.options.formatTime ? { formatTime: this.options.formatTime } : {}),
      });
      this.liveTable.callback('start', this.start as RunStart);
      this.liveTable.callback('descriptor', doc);
    }
  }

  /** Where bluesky would draw a 1-D plot, a PeakStats of each numeric column against the dimension. */
  private setUpPeakStats(doc: EventDescriptor, stream: string, columns: string[]): void {
    if (!this.plots || this.noplot_streams.includes(stream) || !columns.length) return;
    const onePoint = this.start?.num_points === 1 && stream === this.dimStream && this.omit_single_point_plot;
    if (onePoint) return;
    const dims = stream === this.dimStream ? this.dimFields : ['time'];
    if (dims.length === 0 || dims.length > 2) {
      this.warn(
        'Plots are only made for 1 or 2 dimensions. Adjust the metadata hints field for BestEffortCallback to produce plots.',
      );
      return;
    }
    if (dims.length === 2) return; // grids and scatter plots have no peak statistics
    const byField = new Map<string, PeakStats>();
    for (const y of columns) {
      const dtype = doc.data_keys[y]?.dtype;
      if (dtype !== 'number' && dtype !== 'integer') {
        this.warn(`Omitting ${y} from plot because dtype is ${dtype}`);
        continue;
      }
      const stats = new PeakStats(dims[0], y, {
        calc_derivative_and_stats: this.options.calc_derivative_and_stats ?? false,
      });
      stats.callback('start', this.start as RunStart);
      byField.set(y, stats);
    }
    this.peakStats.set(doc.uid, byField);
  }

  private onEvent(doc: Event): void {
    const descriptor = this.descriptors.get(doc.descriptor);
    if (descriptor?.name === 'primary') this.liveTable?.callback('event', doc);
    if (descriptor?.name === 'baseline') this.printBaseline(descriptor, doc);
    const stats = this.peakStats.get(doc.descriptor);
    if (stats) for (const key of Object.keys(doc.data)) stats.get(key)?.callback('event', doc);
  }

  /** The first baseline event prints at once; the second is kept for after the table's end. */
  private printBaseline(descriptor: EventDescriptor, doc: Event): void {
    const columns = hintedFields(descriptor);
    this.baselineToggle = !this.baselineToggle;
    if (!this.baseline) return;
    const border = `+${'-'.repeat(32)}+${'-'.repeat(32)}+`;
    const rows = Object.entries(doc.data)
      .filter(([key]) => columns.includes(key))
      .map(([key, value]) => {
        const text = pythonText(value, descriptor.data_keys[key]?.dtype);
        return `| ${key.padStart(30)} | ${text.padEnd(30)} |`;
      });
    const subject = this.baselineToggle ? 'End-of-run' : 'Start-of-run';
    const lines = [`${subject} baseline readings:`, border, ...rows, border];
    if (this.baselineToggle) this.endOfRunBaseline += lines.map((line) => `${line}\n`).join('');
    else for (const line of lines) this.print(line);
  }

  private onStop(doc: RunStop): void {
    this.liveTable?.callback('stop', doc);
    for (const byField of this.peakStats.values()) {
      for (const [y, stats] of byField) {
        stats.callback('stop', doc);
        for (const attr of PEAK_ATTRS) (this.peaks[attr] as Record<string, unknown>)[y] = stats[attr];
      }
    }
    if (this.baseline) {
      this.print(this.endOfRunBaseline);
      this.print('\n');
    }
  }

  private clear(): void {
    this.start = null;
    this.descriptors.clear();
    this.streamsSeen.clear();
    this.liveTable = null;
    this.peakStats.clear();
    // In place, as bluesky clears its dicts: a reference to `peaks.cen` stays the live one.
    for (const attr of PEAK_ATTRS)
      for (const key of Object.keys(this.peaks[attr])) delete this.peaks[attr][key];
    this.endOfRunBaseline = '';
    this.baselineToggle = true;
  }
}
