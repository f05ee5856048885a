/**
 * ophyd.sim's pseudo positioners `pseudo3x3` and `pseudo1x3`: pseudo axes (PseudoSingle) that are
 * moved, and real axes (SoftPositioner) that follow through `forward`; the pseudo readbacks are
 * computed back from the real positions through `inverse`. Moves are instant, as ophyd's soft ones.
 */
import { type Clock, wallClock } from '../clock.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { exposeComponents } from './device.ts';
import { inferDtype, SimSignal } from './signal.ts';

const merge = <T>(parts: Record<string, T>[]): Record<string, T> => Object.assign({}, ...parts);

/** ophyd's SoftPositioner: a position that a set changes at once; described as `computed`. */
export class SoftPositioner {
  readonly name: string;
  readonly pythonClass = { classname: 'SoftPositioner', module: 'ophyd.positioner' };
  /** The pseudo positioner whose real axis this is. */
  parent: unknown = null;
  private reading: Reading;
  private readonly clock: Clock;

  constructor(name: string, { init_pos = 0, clock = wallClock }: { init_pos?: number; clock?: Clock } = {}) {
    this.name = name;
    this.clock = clock;
    this.reading = { value: init_pos, timestamp: clock.now() };
  }

  get position(): number {
    return this.reading.value as number;
  }

  set(value: unknown): Status {
    this.reading = { value: Number(value), timestamp: this.clock.now() };
    return DeviceStatus.done();
  }

  read(): Record<string, Reading> {
    return { [this.name]: { ...this.reading } };
  }

  describe(): Record<string, DataKey> {
    const dtype = inferDtype(this.reading.value);
    return {
      [this.name]: {
        source: 'computed',
        dtype,
        shape: [],
        units: '',
        lower_ctrl_limit: 0,
        upper_ctrl_limit: 0,
      },
    };
  }

  read_configuration(): Record<string, Reading> {
    return {};
  }

  describe_configuration(): Record<string, DataKey> {
    return {};
  }
}

const attributeSignal = { classname: 'AttributeSignal', module: 'ophyd.signal' };

/** One pseudo axis of a PseudoPositioner: moving it moves the parent's real axes. */
export class PseudoSingle {
  readonly name: string;
  readonly hints: { fields: string[] };
  readonly pythonClass = {
    classname: 'PseudoSingle',
    module: 'ophyd.pseudopos',
    components: { readback: attributeSignal, setpoint: attributeSignal },
  };
  readonly limits: [number, number];
  readonly egu: string;
  target: number;
  targetTime: number;
  /** The pseudo positioner this axis belongs to. */
  readonly parent: PseudoPositioner;
  private readonly index: number;

  constructor(
    parent: PseudoPositioner,
    index: number,
    attr: string,
    { limits = null, egu = '' }: { limits?: [number, number] | null; egu?: string },
  ) {
    this.parent = parent;
    this.index = index;
    this.name = `${parent.name}_${attr}`;
    this.hints = { fields: [this.name] };
    this.limits = limits ?? [0, 0];
    this.egu = egu;
    this.target = 0;
    this.targetTime = parent.clock.now();
  }

  get position(): number {
    return this.parent.position[this.index];
  }

  /** Moves this axis, the parent's other pseudo axes staying at their targets. */
  set(value: unknown): Status {
    const targets = this.parent.pseudos.map((p) => p.target);
    targets[this.index] = Number(value);
    return this.parent.set(targets);
  }

  /** Nothing to acquire (ophyd's Device.trigger is done at once). */
  trigger(): Status {
    return DeviceStatus.done();
  }

  read(): Record<string, Reading> {
    return {
      [this.name]: { value: this.position, timestamp: this.parent.movedAt },
      [`${this.name}_setpoint`]: { value: this.target, timestamp: this.targetTime },
    };
  }

  describe(): Record<string, DataKey> {
    const [low, high] = this.limits;
    const key = (attr: string): DataKey => ({
      source: `PY:${this.name}.${attr}`,
      dtype: 'number',
      shape: [],
      upper_ctrl_limit: high,
      lower_ctrl_limit: low,
      units: this.egu,
    });
    return { [this.name]: key('position'), [`${this.name}_setpoint`]: key('target') };
  }

  read_configuration(): Record<string, Reading> {
    return {};
  }

  describe_configuration(): Record<string, DataKey> {
    return {};
  }
}

interface PseudoLayout {
  classname: string;
  pseudos: { attr: string; limits?: [number, number] | null; egu?: string }[];
  reals: string[];
  /** Real positions for pseudo positions. */
  forward: (pseudo: number[]) => number[];
  /** Pseudo positions for real positions. */
  inverse: (real: number[]) => number[];
  /** A plain signal among the components (pseudo3x3's `sig`). */
  withSig?: boolean;
}

/** ophyd's PseudoPositioner over soft real axes. */
export class PseudoPositioner {
  readonly name: string;
  readonly clock: Clock;
  readonly pseudos: PseudoSingle[];
  readonly reals: SoftPositioner[];
  readonly sig: SimSignal | null;
  readonly parent: unknown = null;
  movedAt: number;
  private readonly layout: PseudoLayout;

  constructor(name: string, layout: PseudoLayout, clock: Clock = wallClock) {
    this.name = name;
    this.clock = clock;
    this.layout = layout;
    this.movedAt = clock.now();
    this.pseudos = layout.pseudos.map((p, i) => new PseudoSingle(this, i, p.attr, p));
    this.reals = layout.reals.map((attr) => new SoftPositioner(`${name}_${attr}`, { clock }));
    this.sig = layout.withSig ? new SimSignal(`${name}_sig`, { value: 0, clock, kind: 'normal' }) : null;
    exposeComponents(this, this.pythonClass.components);
    for (const part of [...this.reals, ...(this.sig ? [this.sig] : [])]) part.parent = this;
  }

  /** Nothing to acquire (ophyd's Device.trigger is done at once). */
  trigger(): Status {
    return DeviceStatus.done();
  }

  /** A pseudo axis by its attribute name (`pseudo1`…), as ophyd's `pseudo3x3.pseudo1`. */
  axis(attr: string): PseudoSingle {
    const i = this.layout.pseudos.findIndex((p) => p.attr === attr);
    if (i < 0) throw new RangeError(`${this.name} has no pseudo axis '${attr}'`);
    return this.pseudos[i];
  }

  /** The pseudo axes' positions, computed from where the real axes are. */
  get position(): number[] {
    return this.layout.inverse(this.reals.map((r) => r.position));
  }

  get hints(): { fields: string[] } {
    return { fields: this.pseudos.map((p) => p.name) };
  }

  get pythonClass() {
    const components: Record<string, unknown> = {};
    this.layout.pseudos.forEach((p, i) => {
      components[p.attr] = this.pseudos[i];
    });
    this.layout.reals.forEach((attr, i) => {
      components[attr] = this.reals[i];
    });
    if (this.sig) components.sig = this.sig;
    return { classname: this.layout.classname, module: 'ophyd.sim', components };
  }

  /** Moves all pseudo axes (one value each, or one array); the real axes follow. */
  set(...values: unknown[]): Status {
    const targets = (values.length === 1 && Array.isArray(values[0]) ? values[0] : values).map(Number);
    if (targets.length !== this.pseudos.length)
      return DeviceStatus.failed(
        new TypeError(`${this.name} takes ${this.pseudos.length} positions, got ${targets.length}`),
      );
    for (const [i, p] of this.pseudos.entries()) {
      const [low, high] = p.limits;
      const limited = low !== 0 || high !== 0;
      if (limited && (targets[i] < low || targets[i] > high))
        return DeviceStatus.failed(
          new RangeError(`${p.name}: position=${targets[i]} not within limits (${low}, ${high})`),
        );
    }
    const now = this.clock.now();
    this.layout.forward(targets).forEach((x, i) => {
      this.reals[i].set(x);
    });
    this.pseudos.forEach((p, i) => {
      p.target = targets[i];
      p.targetTime = now;
    });
    this.movedAt = now;
    return DeviceStatus.done();
  }

  private parts(): { read(): Record<string, Reading>; describe(): Record<string, DataKey> }[] {
    return [...this.pseudos, ...this.reals, ...(this.sig ? [this.sig] : [])];
  }

  read(): Record<string, Reading> {
    return merge(this.parts().map((p) => p.read()));
  }

  describe(): Record<string, DataKey> {
    return merge(this.parts().map((p) => p.describe()));
  }

  read_configuration(): Record<string, Reading> {
    return {};
  }

  describe_configuration(): Record<string, DataKey> {
    return {};
  }

  stop(): void {}
}

/** pseudo3x3: three pseudo axes, each the negative of its real axis (0 - x, never -0), and a plain `sig`. */
export function pseudo3x3(name = 'pseudo3x3', clock: Clock = wallClock): PseudoPositioner {
  return new PseudoPositioner(
    name,
    {
      classname: 'SPseudo3x3',
      pseudos: [
        { attr: 'pseudo1', limits: [-10, 10], egu: 'a' },
        { attr: 'pseudo2', limits: [-10, 10], egu: 'b' },
        { attr: 'pseudo3', limits: null, egu: 'c' },
      ],
      reals: ['real1', 'real2', 'real3'],
      forward: ([p1, p2, p3]) => [0 - p1, 0 - p2, 0 - p3],
      inverse: ([r1, r2, r3]) => [0 - r1, 0 - r2, 0 - r3],
      withSig: true,
    },
    clock,
  );
}

/** pseudo1x3: one pseudo axis driving three real axes to its negative. */
export function pseudo1x3(name = 'pseudo1x3', clock: Clock = wallClock): PseudoPositioner {
  return new PseudoPositioner(
    name,
    {
      classname: 'SPseudo1x3',
      pseudos: [{ attr: 'pseudo1', limits: [-10, 10] }],
      reals: ['real1', 'real2', 'real3'],
      forward: ([p1]) => [0 - p1, 0 - p1, 0 - p1],
      inverse: ([r1]) => [0 - r1],
    },
    clock,
  );
}
