/**
 * Work collected during one event-loop turn and done once at its end: the latest value per key,
 * handed over in one batch on the next `setImmediate`. A burst of CA updates to one PV becomes one
 * serialisation; a burst of frames to one client becomes one corked write.
 */
export class TurnBatch<K, V> {
  private pending = new Map<K, V>();
  private scheduled = false;
  private readonly run: (batch: Map<K, V>) => void;

  constructor(run: (batch: Map<K, V>) => void) {
    this.run = run;
  }

  /** Adds (or replaces) a key's work for the end of this turn. */
  add(key: K, value: V): void {
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      this.run(batch);
    });
  }

  /** Drops a key's pending work (done another way, or no longer wanted). */
  delete(key: K): void {
    this.pending.delete(key);
  }
}
