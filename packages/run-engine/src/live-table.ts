/**
 * A live table for the console, one row per event of the primary stream, in the layout of
 * bluesky's LiveTable (what the BestEffortCallback prints): seq_num, time, then the hinted fields.
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

export interface LiveTableOptions {
  /** Columns to show; by default the fields the devices hint, in descriptor order. */
  fields?: string[] | null;
  stream?: string;
  print?: (line: string) => void;
  default_prec?: number;
  min_width?: number;
  /** The header is printed again every this many rows (bluesky's default 50). */
  print_header_interval?: number;
  /** Formats an event time (seconds); local wall time HH:MM:SS.s by default, as bluesky prints it. */
  formatTime?: (seconds: number) => string;
}

/**
 * `str(datetime.fromtimestamp(t).time())` cut to the column: the time is rounded to the microsecond
 * first, and a time on a whole second prints without its fraction (`12:00:07`, not `12:00:07.0`).
 */
const localTime = (seconds: number) => {
  let whole = Math.floor(seconds);
  let micro = Math.round((seconds - whole) * 1e6);
  if (micro >= 1e6) {
    whole += 1;
    micro -= 1e6;
  }
  const d = new Date(whole * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return micro === 0 ? hms : `${hms}.${Math.floor(micro / 100000)}`;
};

const SHOWN = new Set<string | undefined>(['number', 'integer', 'string', 'boolean']);

interface Column {
  key: string;
  width: number;
  format: (value: unknown) => string;
}

export class LiveTable {
  private readonly options: Required<Omit<LiveTableOptions, 'fields'>> & { fields: string[] | null };
  private start: RunStart | null = null;
  private descriptor: string | null = null;
  private columns: Column[] = [];
  private separator = '';
  private header = '';
  private rows = 0;

  constructor(options: LiveTableOptions = {}) {
    this.options = {
      fields: options.fields ?? null,
      stream: options.stream ?? 'primary',
      print: options.print ?? ((line) => console.log(line)),
      default_prec: options.default_prec ?? 3,
      min_width: options.min_width ?? 12,
      print_header_interval: options.print_header_interval ?? 50,
      formatTime: options.formatTime ?? localTime,
    };
  }

  /** The subscriber callback: RE.subscribe(table.callback). A page prints a row per event. */
  readonly callback = (name: DocumentName, doc: Document): void => {
    if (name === 'start') this.start = doc as RunStart;
    else if (name === 'descriptor') this.onDescriptor(doc as EventDescriptor);
    else if (name === 'event') this.onEvent(doc as Event);
    else if (name === 'event_page')
      for (const event of unpackEventPage(doc as EventPage)) this.onEvent(event);
    else if (name === 'stop') this.onStop(doc as RunStop);
  };

  private onDescriptor(doc: EventDescriptor): void {
    if (doc.name !== this.options.stream) return;
    this.descriptor = doc.uid;
    const hinted = Object.entries(doc.object_keys).flatMap(([obj]) => doc.hints[obj]?.fields ?? []);
    // Fields this descriptor lacks are left out, and so are arrays: bluesky cannot show them.
    const fields = (this.options.fields ?? hinted).filter((k) => SHOWN.has(doc.data_keys[k]?.dtype));
    const pad = 1;
    this.columns = [
      { key: 'seq_num', width: 11, format: (v) => String(v) },
      { key: 'time', width: 12, format: (v) => this.options.formatTime(Number(v)) },
      ...fields.map((key) => {
        const dk = doc.data_keys[key];
        const prec = typeof dk.precision === 'number' ? dk.precision : this.options.default_prec;
        const width = Math.max(
          this.options.min_width,
          key.length + 2,
          this.options.default_prec + 1 + 2 * pad,
        );
        // Strings are cut to the column, as bluesky's `{: >w.ps}` does.
        const format =
          dk.dtype === 'number' || dk.dtype === 'integer'
            ? (v: unknown) =>
                typeof v === 'number' ? v.toFixed(dk.dtype === 'integer' ? 0 : prec) : String(v)
            : (v: unknown) => String(v).slice(0, width - 1 - 2 * pad);
        return { key, width, format };
      }),
    ];
    this.separator = `+${this.columns.map((c) => '-'.repeat(c.width)).join('+')}+`;
    this.header = this.row(this.columns.map((c) => c.key));
    this.rows = 0;
    this.printHeader();
  }

  private printHeader(): void {
    this.options.print(this.separator);
    this.options.print(this.header);
    this.options.print(this.separator);
  }

  private onEvent(doc: Event): void {
    if (doc.descriptor !== this.descriptor) return;
    if (++this.rows % this.options.print_header_interval === 0) this.printHeader();
    const values = this.columns.map((c) =>
      c.key === 'seq_num'
        ? c.format(doc.seq_num)
        : c.key === 'time'
          ? c.format(doc.time)
          : c.key in doc.data && doc.filled?.[c.key] !== false
            ? c.format(doc.data[c.key])
            : '',
    );
    this.options.print(this.row(values));
  }

  private onStop(doc: RunStop): void {
    if (this.descriptor !== null) this.options.print(this.separator);
    const start = this.start;
    if (start && start.uid === doc.run_start) {
      this.options.print(
        `${start.plan_type ?? ''} ${start.plan_name ?? ''} ['${start.uid.slice(0, 8)}'] (scan num: ${start.scan_id})`,
      );
    }
    this.descriptor = null;
  }

  private row(cells: string[]): string {
    return `|${cells.map((cell, i) => `${cell.padStart(this.columns[i].width - 1)} `).join('|')}|`;
  }
}
