/**
 * ophyd's Device as the simulated set needs it: named components (signals or other devices), some
 * read, some configuration, some hinted; reading and describing a device merges its components'
 * answers in declaration order, as ophyd does. A component is named `<parent>_<attr>` unless it was
 * given a name of its own.
 */
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';

/** What a component must answer: a SimSignal, a SynAxis, a SynGauss or another SimDevice. */
export interface Component {
  readonly name: string;
  read(): Record<string, Reading>;
  describe(): Record<string, DataKey>;
  read_configuration(): Record<string, Reading>;
  describe_configuration(): Record<string, DataKey>;
  readonly hints?: { fields?: string[] };
  readonly pythonClass: { classname: string; module: string };
}

export interface DeviceLayout {
  classname: string;
  module?: string;
  /** Components by attribute name, in declaration order. */
  components: Record<string, Component>;
  /** Attributes read into events (ophyd's read_attrs). */
  read?: string[];
  /** Attributes reported as configuration (ophyd's configuration_attrs). */
  config?: string[];
  /** Attributes triggered by trigger(); ophyd's Device triggers none of its components by default. */
  trigger?: string[];
}

const merge = <T>(parts: Record<string, T>[]): Record<string, T> => Object.assign({}, ...parts);

/**
 * Makes each component reachable as a property (`sim_bundle_A.dets.det_A`), as ophyd's are, so a
 * dotted device name resolves by walking properties. Configurable, so subclasses can declare them.
 */
export function exposeComponents(device: object, components: Record<string, unknown>): void {
  for (const [attr, component] of Object.entries(components)) {
    if (attr in device) continue;
    Object.defineProperty(device, attr, { value: component, enumerable: false, configurable: true });
  }
}

export class SimDevice {
  readonly name: string;
  readonly components: Record<string, Component>;
  /** The device this one is a component of, or null. */
  parent: unknown = null;
  private readonly layout: Required<Omit<DeviceLayout, 'components'>>;

  constructor(name: string, layout: DeviceLayout) {
    this.name = name;
    this.components = layout.components;
    this.layout = {
      classname: layout.classname,
      module: layout.module ?? 'ophyd.sim',
      read: layout.read ?? [],
      config: layout.config ?? [],
      trigger: layout.trigger ?? [],
    };
    exposeComponents(this, this.components);
    for (const c of Object.values(this.components)) (c as { parent?: unknown }).parent = this;
  }

  get pythonClass() {
    return { classname: this.layout.classname, module: this.layout.module, components: this.components };
  }

  /** The hinted fields of the components that are read, in order (ophyd's Device.hints). */
  get hints(): { fields: string[] } {
    return {
      fields: this.layout.read.flatMap((attr) => this.components[attr].hints?.fields ?? []),
    };
  }

  read(): Record<string, Reading> {
    return merge(this.layout.read.map((attr) => this.components[attr].read()));
  }

  describe(): Record<string, DataKey> {
    return merge(this.layout.read.map((attr) => this.components[attr].describe()));
  }

  read_configuration(): Record<string, Reading> {
    return merge(this.layout.config.map((attr) => this.components[attr].read_configuration()));
  }

  describe_configuration(): Record<string, DataKey> {
    return merge(this.layout.config.map((attr) => this.components[attr].describe_configuration()));
  }

  trigger(): Status {
    const statuses = this.layout.trigger.map((attr) =>
      (this.components[attr] as unknown as { trigger(): Status }).trigger(),
    );
    if (statuses.every((s) => s.done && s.success)) return DeviceStatus.done();
    return new DeviceStatus(Promise.all(statuses.map((s) => s.finished)).then(() => {}));
  }

  /** Stages the components that can be staged, as ophyd stages a device's sub-devices. */
  stage(): unknown[] {
    for (const c of Object.values(this.components)) (c as { stage?: () => unknown }).stage?.();
    return [this];
  }

  unstage(): unknown[] {
    for (const c of Object.values(this.components)) (c as { unstage?: () => unknown }).unstage?.();
    return [this];
  }

  repr(): string {
    const attrs = (list: string[]) => `[${list.map((a) => `'${a}'`).join(', ')}]`;
    return `${this.layout.classname}(prefix='', name='${this.name}', read_attrs=${attrs(this.layout.read)}, configuration_attrs=${attrs(this.layout.config)})`;
  }
}
