/** ophyd.sim's TrivialFlyer: done at once, and collects 100 empty events into `stream_name`. */
import type { DataKey, PartialEvent, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';

export class TrivialFlyer {
  readonly name: string;
  readonly pythonClass = { classname: 'TrivialFlyer', module: 'ophyd.sim' };

  constructor(name = 'trivial_flyer') {
    this.name = name;
  }

  kickoff(): Status {
    return DeviceStatus.done();
  }

  complete(): Status {
    return DeviceStatus.done();
  }

  describe_collect(): Record<string, Record<string, DataKey>> {
    return { stream_name: {} };
  }

  read_configuration(): Record<string, Reading> {
    return {};
  }

  describe_configuration(): Record<string, DataKey> {
    return {};
  }

  *collect(): Iterable<PartialEvent> {
    for (let i = 0; i < 100; i++) yield { data: {}, timestamps: {}, time: i };
  }

  stop(): void {}
}
