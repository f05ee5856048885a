/**
 * A Status (see protocols.ts) built from a promise: the device runtime's own (`packages/devices`),
 * so an EPICS verb's status and a simulated one are the same thing; plus the failed one a
 * simulated device answers with at once.
 */
import { Status } from '@ophyd-service/devices';

export class DeviceStatus extends Status {
  /** A status that is finished already (simulated hardware that moves at once). */
  static override done(): DeviceStatus {
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
