/** A FIFO async mutex: the registry's check-then-write sequences run one at a time. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** How many runs wait for their turn behind the one running. */
  get waiting(): number {
    return this.queued;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((resolve) => {
      release = resolve;
    });
    this.queued++;
    await previous; // never rejects: each turn's promise only resolves
    this.queued--;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
