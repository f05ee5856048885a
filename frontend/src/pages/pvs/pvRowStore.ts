/**
 * The PV table's rows, outside React: every socket frame only stores its PV's newest row; once per
 * animation frame the rows someone watches (the ones on screen) are told they changed. A PV whose
 * row is scrolled out of view costs a merge and nothing more.
 */
import type { PvMetadata } from '../../components/SetpointControl.tsx';
import type { ReconnectingSocket } from '../../socket.ts';

export interface PvRow extends PvMetadata {
  units?: string;
  precision?: number;
  severity?: number;
  error?: string;
}

type Listener = () => void;

export interface PvRowStore {
  /** The newest row of `pv` (the same object until it changes, as useSyncExternalStore needs). */
  row(pv: string): PvRow;
  /** Calls `listener` at most once per animation frame while `pv`'s row changes. */
  subscribe(pv: string, listener: Listener): () => void;
  /** Whether `pv`'s value is an array (its row is drawn as a plot, taller than the others). */
  isWaveform(pv: string): boolean;
  /** A number that moves whenever some row turns into (or out of) a waveform. */
  shapeVersion(): number;
  /** Calls `listener` when shapeVersion moves. */
  onShape(listener: Listener): () => void;
  /** Feeds the store from the pv-socket's frames; returns the function that stops it. */
  listen(socket: ReconnectingSocket): () => void;
}

const NO_ROW: PvRow = {};

/** Keeps a frame's non-null fields (meta frames carry nulls for what the PV does not have). */
function present(frame: Record<string, unknown>): Partial<PvRow> {
  const kept: Record<string, unknown> = { error: undefined };
  for (const key in frame) if (frame[key] !== null) kept[key] = frame[key];
  return kept as Partial<PvRow>;
}

/** A store of the PV table's rows with per-PV subscriptions, notified once per animation frame. */
export function createPvRowStore(): PvRowStore {
  const rows = new Map<string, PvRow>();
  const listeners = new Map<string, Set<Listener>>();
  const shapeListeners = new Set<Listener>();
  let dirty = new Set<string>();
  let shape = 0;
  let shapeMoved = false;
  let frame = 0;

  const flush = () => {
    frame = 0;
    const changed = dirty;
    dirty = new Set();
    for (const pv of changed) for (const listener of listeners.get(pv) ?? []) listener();
    if (shapeMoved) {
      shapeMoved = false;
      shape++;
      for (const listener of shapeListeners) listener();
    }
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(flush);
  };
  const merge = (pv: string, change: Partial<PvRow>) => {
    const old = rows.get(pv) ?? NO_ROW;
    const next = { ...old, ...change };
    rows.set(pv, next);
    if (Array.isArray(next.value) !== Array.isArray(old.value)) {
      shapeMoved = true;
      schedule();
    }
    if (listeners.has(pv)) {
      dirty.add(pv);
      schedule();
    }
  };

  return {
    row: (pv) => rows.get(pv) ?? NO_ROW,
    subscribe(pv, listener) {
      const set = listeners.get(pv) ?? new Set<Listener>();
      listeners.set(pv, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(pv);
      };
    },
    isWaveform: (pv) => Array.isArray(rows.get(pv)?.value),
    shapeVersion: () => shape,
    onShape(listener) {
      shapeListeners.add(listener);
      return () => shapeListeners.delete(listener);
    },
    listen(socket) {
      const stop = socket.onMessage((message) => {
        const pv = typeof message.pv === 'string' ? message.pv : undefined;
        if (!pv) return;
        if (message.event_type === 'pv_update' || message.sub_type === 'meta') merge(pv, present(message));
        else if (message.type === 'error') merge(pv, { error: String(message.error) });
      });
      return () => {
        stop();
        cancelAnimationFrame(frame);
        frame = 0;
      };
    },
  };
}
