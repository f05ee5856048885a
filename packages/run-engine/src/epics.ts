/**
 * packages/devices' EPICS devices (EpicsMotor, EpicsSignal and the other catalog classes) as the
 * engine's protocols. The runtime already has ophyd's shapes; this adds what a RunEngine needs on
 * top: event-model's `limits`/`choices` from CA CTRL metadata, `hints`, a trigger for every device
 * (as ophyd's Device has), `locate`, a `position` for relative plans, and stop({success}).
 * Reads answer from CA monitors (each signal subscribed at its first read), as ophyd's EpicsMotor
 * reads its auto-monitored components: a scan point costs no round trip per signal read.
 */
import { Device, Status as DeviceStatusOfDevices, EpicsSignal } from '@ophyd-service/devices';
import type { DataKey, Reading, Status } from './protocols.ts';

type EpicsPart = Device | EpicsSignal;

interface OphydDescription {
  source: string;
  dtype: DataKey['dtype'];
  shape: number[];
  units?: string;
  precision?: number;
  lower_ctrl_limit?: number;
  upper_ctrl_limit?: number;
  enum_strs?: string[];
}

/** ophyd's describe() keys, with event-model's `limits` and `choices` added alongside. */
export function toDataKey(d: OphydDescription): DataKey {
  const key: DataKey & Record<string, unknown> = { ...d };
  if (d.lower_ctrl_limit !== undefined || d.upper_ctrl_limit !== undefined) {
    key.limits = { control: { low: d.lower_ctrl_limit ?? null, high: d.upper_ctrl_limit ?? null } };
  }
  if (d.enum_strs) key.choices = [...d.enum_strs];
  return key;
}

const toDataKeys = (described: Record<string, OphydDescription>): Record<string, DataKey> =>
  Object.fromEntries(Object.entries(described).map(([k, v]) => [k, toDataKey(v)]));

export class EpicsDevice {
  readonly name: string;
  readonly hints: { fields: string[] };
  readonly device: EpicsPart;
  /** The readback last seen (read, locate or a finished move): relative plans move from here. */
  position: number | undefined;

  constructor(device: EpicsPart, options: { monitors?: boolean } = {}) {
    this.device = device;
    this.name = device.name;
    this.hints = { fields: hintedFields(device) };
    if (options.monitors ?? true) device.useMonitors(true);
  }

  /** Ends the CA monitors this device's reads started (reads get each time afterwards). */
  stopMonitors(): void {
    this.device.useMonitors(false);
  }

  async read(): Promise<Record<string, Reading>> {
    const reading = await this.device.read();
    const own = reading[this.name]?.value;
    if (typeof own === 'number') this.position = own;
    return reading;
  }

  async describe(): Promise<Record<string, DataKey>> {
    return toDataKeys(await this.device.describe());
  }

  async read_configuration(): Promise<Record<string, Reading>> {
    return this.device instanceof Device ? this.device.read_configuration() : {};
  }

  async describe_configuration(): Promise<Record<string, DataKey>> {
    return this.device instanceof Device ? toDataKeys(await this.device.describe_configuration()) : {};
  }

  set(value: unknown): Status {
    const status = this.device.set(value);
    status.finished.then(
      () => this.locate(),
      () => {},
    );
    return status;
  }

  /** Devices that cannot trigger are done at once, as ophyd's Device.trigger is. */
  trigger(): Status {
    if (this.device instanceof Device && this.device.verbs.includes('trigger')) return this.device.trigger();
    return DeviceStatusOfDevices.done();
  }

  async stop(_options: { success?: boolean } = {}): Promise<void> {
    if (this.device instanceof Device && this.device.verbs.includes('stop')) await this.device.stop();
  }

  /** Where a positioner is asked to be and where it is (setpoint and readback). */
  async locate(): Promise<{ setpoint: unknown; readback: unknown }> {
    if (this.device instanceof EpicsSignal) {
      const value = await this.device.get();
      if (typeof value === 'number') this.position = value;
      return { setpoint: value, readback: value };
    }
    const setpoint = this.device.parts.get('user_setpoint') ?? this.device.parts.get('setpoint');
    const readback = this.device.parts.get('user_readback') ?? this.device.parts.get('readback');
    const [sp, rb] = await Promise.all([setpoint?.get(), readback?.get()]);
    if (typeof rb === 'number') this.position = rb;
    return { setpoint: sp, readback: rb };
  }

  repr(): string {
    const cls = this.device instanceof Device ? this.device.spec.name : 'EpicsSignal';
    const prefix = this.device instanceof Device ? this.device.prefix : this.device.pv;
    return `${cls}(prefix='${prefix}', name='${this.name}')`;
  }
}

/** ophyd hints a device's `hinted` components; a lone signal is its own field. */
function hintedFields(device: EpicsPart): string[] {
  if (device instanceof EpicsSignal)
    return device.kind === 'config' || device.kind === 'omitted' ? [] : [device.name];
  const fields: string[] = [];
  for (const [attr, part] of device.parts) {
    if (device.kinds.get(attr) === 'hinted' && part instanceof EpicsSignal) fields.push(part.name);
  }
  return fields;
}

/**
 * Wraps an EPICS device or signal so plans and the RunEngine can use it; `monitors: false` keeps a
 * CA get per read instead of monitor-cached values.
 */
export function fromEpics(device: EpicsPart, options: { monitors?: boolean } = {}): EpicsDevice {
  return new EpicsDevice(device, options);
}
