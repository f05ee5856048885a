/** The outcome of a verb that takes time (ophyd's Status): a promise with done/success flags. */
export class Status {
  done = false;
  success = false;
  readonly finished: Promise<void>;

  constructor(work: Promise<unknown>) {
    this.finished = work.then(
      () => {
        this.done = true;
        this.success = true;
      },
      (err: unknown) => {
        this.done = true;
        throw err;
      },
    );
    this.finished.catch(() => {}); // observed through `wait`
  }

  /** A status that is already finished (verbs that complete at once). */
  static done(): Status {
    const status = new Status(Promise.resolve());
    status.done = true;
    status.success = true;
    return status;
  }

  /** Waits up to `timeoutMs`; rejects with `StatusTimeout` while the work is still running. */
  async wait(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.finished,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new StatusTimeout(timeoutMs)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  toJSON() {
    return { done: this.done, success: this.success };
  }
}

export class StatusTimeout extends Error {
  override name = 'StatusTimeout';
  constructor(ms: number) {
    super(`did not complete within ${ms / 1000}s`);
  }
}
