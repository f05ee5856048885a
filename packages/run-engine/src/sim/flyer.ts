/**
 * ophyd.sim's flyers: TrivialFlyer (done at once, 100 empty events), NewTrivialFlyer (the same,
 * with the asset-document interface) and MockFlyer (a fly scan done with a stepper motor and a
 * detector in the background, as `flyer1`, `flyer2` and the profile's `custom_test_flyer`).
 */
import { type Clock, wallClock } from '../clock.ts';
import { linspace } from '../plans/patterns.ts';
import type { DataKey, PartialEvent, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';

export class TrivialFlyer {
  readonly name: string;
  readonly pythonClass: { classname: string; module: string } = {
    classname: 'TrivialFlyer',
    module: 'ophyd.sim',
  };

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

/** TrivialFlyer with the (empty) asset-document cache of ophyd's newer flyer API. */
export class NewTrivialFlyer extends TrivialFlyer {
  override readonly pythonClass = { classname: 'NewTrivialFlyer', module: 'ophyd.sim' };

  constructor(name = 'new_trivial_flyer') {
    super(name);
  }

  collect_asset_docs(): [] {
    return [];
  }
}

type Motor = {
  set(value: number): Status;
  read(): Record<string, Reading>;
  describe(): Record<string, DataKey>;
};
type Detector = { trigger(): Status; read(): Record<string, Reading>; describe(): Record<string, DataKey> };

/**
 * ophyd.sim's MockFlyer: kickoff starts a background scan (after 0.1 s) that steps `motor` through
 * linspace(start, stop, num) and triggers and reads `detector` at each step; complete's status
 * finishes with the scan; collect hands over the events gathered so far, in stream `<name>`.
 */
export class MockFlyer {
  readonly name: string;
  readonly pythonClass = { classname: 'MockFlyer', module: 'ophyd.sim' };
  private readonly motor: Motor;
  private readonly detector: Detector;
  private readonly steps: number[];
  private readonly clock: Clock;
  private data: PartialEvent[] = [];
  private completion: DeviceStatus | null = null;

  constructor(
    name: string,
    detector: Detector,
    motor: Motor,
    start: number,
    stop: number,
    num: number,
    { clock = wallClock }: { clock?: Clock } = {},
  ) {
    this.name = name;
    this.detector = detector;
    this.motor = motor;
    this.steps = linspace(start, stop, num);
    this.clock = clock;
  }

  kickoff(): Status {
    if (this.completion && !this.completion.done) throw new Error('Kicking off a second time?!');
    this.data = [];
    this.completion = new DeviceStatus(this.scan());
    return DeviceStatus.done();
  }

  complete(): Status {
    if (!this.completion) throw new Error('No collection in progress');
    return this.completion;
  }

  describe_collect(): Record<string, Record<string, DataKey>> {
    return { [this.name]: { ...this.motor.describe(), ...this.detector.describe() } };
  }

  *collect(): Iterable<PartialEvent> {
    const data = this.data;
    this.data = [];
    yield* data;
  }

  read_configuration(): Record<string, Reading> {
    return {};
  }

  describe_configuration(): Record<string, DataKey> {
    return {};
  }

  stop(): void {}

  private async scan(): Promise<void> {
    await this.clock.sleep(0.1);
    for (const p of this.steps) {
      await this.motor.set(p).finished;
      await this.detector.trigger().finished;
      const event: PartialEvent = { time: this.clock.now(), data: {}, timestamps: {} };
      for (const device of [this.motor, this.detector]) {
        for (const [key, r] of Object.entries(device.read())) {
          event.data[key] = r.value;
          event.timestamps[key] = r.timestamp;
        }
      }
      this.data.push(event);
    }
  }
}
