/**
 * One CA monitor per PV, shared by every listener (sockets, device aggregators, the REST cache).
 * A listener gets the cached value at once on subscribe, then every update, `connected:false`
 * when the IOC goes away and `connected:true` plus a fresh value when it returns. Monitors
 * without listeners are dropped after an idle time; those with listeners live until unsubscribed,
 * or until the monitor fails (an update too large for the client): then every listener hears
 * `failed` once and the PV is forgotten, so the next request starts afresh.
 */
import type { CaClient, Reading } from '@ophyd-service/epics-ca';

export interface PvMeta {
  units?: string;
  precision?: number;
  enumStrings?: string[];
  limits?: Reading['limits'];
  readable?: boolean;
  writable?: boolean;
}

export type MonitorEvent =
  | { kind: 'value'; pv: string; reading: Reading }
  | { kind: 'connection'; pv: string; connected: boolean }
  | { kind: 'meta'; pv: string; meta: PvMeta }
  /** The monitor ended (an update over EPICS_CA_MAX_ARRAY_BYTES): its listeners are dropped. */
  | { kind: 'failed'; pv: string; message: string };

export type Listener = (event: MonitorEvent) => void;

interface Entry {
  pv: string;
  listeners: Set<Listener>;
  latest?: Reading;
  meta?: PvMeta;
  connected: boolean;
  touched: number;
  cancel: () => void;
  /** Settles once the metadata of the first connection has been read (or could not be). */
  metaRead: Promise<void>;
  metaDone: () => void;
}

export class MonitorHub {
  private readonly client: CaClient;
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly sweeper?: NodeJS.Timeout;

  constructor(client: CaClient, options: { idleMs?: number; sweepMs?: number } = {}) {
    this.client = client;
    this.idleMs = options.idleMs ?? 300_000;
    const sweepMs = options.sweepMs ?? 60_000;
    if (sweepMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), sweepMs);
      this.sweeper.unref();
    }
  }

  /** Adds a listener (creating the PV's monitor on first use); returns the function that removes it. */
  subscribe(pv: string, listener: Listener): () => void {
    const entry = this.entry(pv);
    entry.listeners.add(listener);
    entry.touched = Date.now();
    if (entry.meta) safely(listener, { kind: 'meta', pv, meta: entry.meta });
    if (entry.latest) safely(listener, { kind: 'value', pv, reading: entry.latest });
    return () => {
      entry.listeners.delete(listener);
      entry.touched = Date.now();
    };
  }

  /**
   * The latest value with its metadata, waiting (up to `timeoutMs`) for the first ones; keeps the
   * monitor warm for later reads.
   */
  async latest(pv: string, timeoutMs = 5000): Promise<{ reading: Reading; meta?: PvMeta }> {
    const entry = this.entry(pv);
    entry.touched = Date.now();
    const reading = entry.latest ?? (await this.firstValue(entry, timeoutMs));
    await entry.metaRead;
    return { reading, meta: entry.meta };
  }

  private firstValue(entry: Entry, timeoutMs: number): Promise<Reading> {
    const pv = entry.pv;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${pv}: no value within ${timeoutMs / 1000} s (PV not connected)`));
      }, timeoutMs);
      const stop = this.subscribe(pv, (event) => {
        if (event.kind !== 'value' && event.kind !== 'failed') return;
        clearTimeout(timer);
        queueMicrotask(stop);
        if (event.kind === 'value') resolve(event.reading);
        else reject(new Error(event.message));
      });
    });
  }

  /** PVs whose shared monitor is connected now, sorted. */
  connectedPvs(): string[] {
    return [...this.entries.values()]
      .filter((e) => e.connected)
      .map((e) => e.pv)
      .sort();
  }

  /** What the hub holds for a PV now, without creating or touching its monitor. */
  peek(pv: string): { reading?: Reading; meta?: PvMeta; connected: boolean } | undefined {
    const entry = this.entries.get(pv);
    return entry && { reading: entry.latest, meta: entry.meta, connected: entry.connected };
  }

  isConnected(pv: string): boolean {
    return this.entries.get(pv)?.connected ?? false;
  }

  stats() {
    let listeners = 0;
    for (const e of this.entries.values()) listeners += e.listeners.size;
    return { monitors: this.entries.size, listeners };
  }

  /** Drops monitors nobody listens to and nobody read within the idle time. */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [pv, entry] of this.entries) {
      if (entry.listeners.size === 0 && now - entry.touched >= this.idleMs) {
        entry.cancel();
        this.entries.delete(pv);
        dropped++;
      }
    }
    return dropped;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const entry of this.entries.values()) entry.cancel();
    this.entries.clear();
  }

  private entry(pv: string): Entry {
    const existing = this.entries.get(pv);
    if (existing) return existing;
    let metaDone = () => {};
    const metaRead = new Promise<void>((resolve) => {
      metaDone = resolve;
    });
    const entry: Entry = {
      pv,
      listeners: new Set(),
      connected: false,
      touched: Date.now(),
      cancel: () => {},
      metaRead,
      metaDone,
    };
    this.entries.set(pv, entry);
    const emit = (event: MonitorEvent) => {
      for (const listener of entry.listeners) safely(listener, event);
    };
    entry.cancel = this.client.monitor(
      pv,
      (reading) => {
        entry.latest = reading;
        emit({ kind: 'value', pv, reading });
      },
      {
        type: 'time',
        onError: (err) => {
          if (this.entries.get(pv) === entry) this.entries.delete(pv);
          entry.metaDone();
          emit({ kind: 'failed', pv, message: err.message });
          entry.listeners.clear();
        },
        onConnection: (connected) => {
          entry.connected = connected;
          emit({ kind: 'connection', pv, connected });
          // A first value can arrive before the metadata read finishes: latest() waits for both.
          if (connected) void this.refreshMeta(entry, emit).finally(entry.metaDone);
        },
      },
    );
    return entry;
  }

  /** Units, limits, precision and enum strings: read on every (re)connection, sent when they change. */
  private async refreshMeta(entry: Entry, emit: (event: MonitorEvent) => void): Promise<void> {
    try {
      const [ctrl, info] = await Promise.all([
        this.client.get(entry.pv, { type: 'ctrl' }),
        this.client.info(entry.pv),
      ]);
      const meta: PvMeta = {
        units: ctrl.units,
        precision: ctrl.precision,
        enumStrings: ctrl.enumStrings,
        limits: ctrl.limits,
        readable: info.readable,
        writable: info.writable,
      };
      if (JSON.stringify(meta) === JSON.stringify(entry.meta)) return;
      entry.meta = meta;
      emit({ kind: 'meta', pv: entry.pv, meta });
    } catch {
      // The next reconnection tries again; values keep flowing meanwhile.
    }
  }
}

/** One listener's failure never stops the others. */
function safely(listener: Listener, event: MonitorEvent): void {
  try {
    listener(event);
  } catch {
    // listeners own their errors
  }
}
