/**
 * Work collected during one event-loop turn (or a short window) and done once at its end: the
 * latest value per key, handed over in one batch. A burst of CA updates to one PV becomes one
 * serialisation; a burst of frames to one client becomes one corked write.
 */
/** How long value updates gather before they are serialised and queued to clients (pv and device sockets). */
export const UPDATE_WINDOW_MS = 1;

export class TurnBatch<K, V> {
  private pending = new Map<K, V>();
  private scheduled = false;
  private readonly run: (batch: Map<K, V>) => void;
  private readonly windowMs: number;

  /**
   * `windowMs` 0 runs the batch on the next `setImmediate`; more holds it that long, so work that
   * arrives over several turns (CA updates read from separate TCP chunks) still shares one batch.
   */
  constructor(run: (batch: Map<K, V>) => void, windowMs = 0) {
    this.run = run;
    this.windowMs = windowMs;
  }

  /** Adds (or replaces) a key's work for the end of this turn. */
  add(key: K, value: V): void {
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.windowMs > 0) setTimeout(this.runPending, this.windowMs);
    else setImmediate(this.runPending);
  }

  /** Drops a key's pending work (done another way, or no longer wanted). */
  delete(key: K): void {
    this.pending.delete(key);
  }

  private readonly runPending = () => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    this.run(batch);
  };
}
