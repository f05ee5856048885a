/** A Status (see protocols.ts) built from a promise: done/success flip when the work settles. */
import type { Status } from './protocols.ts';

export class DeviceStatus implements Status {
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
    this.finished.catch(() => {}); // observed by whoever awaits `finished`
  }

  /** A status that is finished already (simulated hardware that moves at once). */
  static done(): DeviceStatus {
    const status = new DeviceStatus(Promise.resolve());
    status.done = true;
    status.success = true;
    return status;
  }

  static failed(error: Error): DeviceStatus {
    const status = new DeviceStatus(Promise.reject(error));
    status.done = true;
    return status;
  }
}
