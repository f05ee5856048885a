/**
 * The built-in plans as the queue server sees them: each with its parameters in the format of the
 * queue server's plan descriptions (spec §9.2: kinds, Python annotation text, defaults as Python
 * literals), and a binder that checks a queue item's args/kwargs against them, turns device names
 * into devices and calls the plan with this package's calling convention.
 */
import type { SyncPlan } from '../msg.ts';
import { adaptive_scan, rel_adaptive_scan, tune_centroid } from './adaptive.ts';
import {
  count,
  fly,
  grid_scan,
  inner_product_scan,
  list_grid_scan,
  list_scan,
  log_scan,
  rel_grid_scan,
  rel_list_grid_scan,
  rel_list_scan,
  rel_log_scan,
  rel_scan,
  relative_inner_product_scan,
  scan,
  x2x_scan,
} from './plans.ts';
import {
  rel_spiral,
  rel_spiral_fermat,
  rel_spiral_square,
  spiral,
  spiral_fermat,
  spiral_square,
} from './spirals.ts';
import { mv, mvr } from './stubs.ts';

export type ParamKind =
  | 'POSITIONAL_ONLY'
  | 'POSITIONAL_OR_KEYWORD'
  | 'VAR_POSITIONAL'
  | 'KEYWORD_ONLY'
  | 'VAR_KEYWORD';
const KIND_VALUE: Record<ParamKind, number> = {
  POSITIONAL_ONLY: 0,
  POSITIONAL_OR_KEYWORD: 1,
  VAR_POSITIONAL: 2,
  KEYWORD_ONLY: 3,
  VAR_KEYWORD: 4,
};

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** Python typing text, with the queue server's placeholders (__READABLE__, __MOVABLE__…). */
  annotation?: string;
  /** A Python literal; absent means required. */
  default?: string;
  description?: string;
  convert_device_names?: boolean;
}

export interface PlanSpec {
  name: string;
  module: string;
  description: string;
  is_generator: boolean;
  parameters: ParamSpec[];
  /** Calls the plan: positional-or-keyword values in order, then *args, then keyword-only/**kwargs as one options object. */
  plan: (...args: never[]) => SyncPlan<unknown>;
}

const detectors: ParamSpec = {
  name: 'detectors',
  kind: 'POSITIONAL_OR_KEYWORD',
  annotation: 'collections.abc.Sequence[__READABLE__]',
  description: 'readable devices to read at each point',
  convert_device_names: true,
};
const md = (annotated = true): ParamSpec => ({
  name: 'md',
  kind: 'KEYWORD_ONLY',
  ...(annotated ? { annotation: 'dict[str, typing.Any] | None' } : {}),
  default: 'None',
  description: 'metadata for the RunStart document',
});
const perStep: ParamSpec = {
  name: 'per_step',
  kind: 'KEYWORD_ONLY',
  default: 'None',
  description: 'replaces the inner loop of each step',
};
const movableArgs = (annotation: string | undefined, description: string): ParamSpec => ({
  name: 'args',
  kind: 'VAR_POSITIONAL',
  ...(annotation ? { annotation, convert_device_names: true } : {}),
  description,
});
const snakeAxes = (annotation: string, def: string): ParamSpec => ({
  name: 'snake_axes',
  kind: 'KEYWORD_ONLY',
  annotation,
  default: def,
  description: 'which inner axes run back and forth instead of always in the same direction',
});

const stepScan = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  numAnnotated: boolean,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    movableArgs(
      '__MOVABLE__ | typing.Any',
      'motor, start, stop for each motor; the number of points may come last',
    ),
    {
      name: 'num',
      kind: 'KEYWORD_ONLY',
      ...(numAnnotated ? { annotation: 'int | None' } : {}),
      default: 'None',
      description: 'number of points',
    },
    perStep,
    md(),
  ],
  plan,
});

const logScan = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  mdAnnotated: boolean,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    {
      name: 'motor',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: '__MOVABLE__',
      convert_device_names: true,
      description: 'the motor to scan',
    },
    {
      name: 'start',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: 'float',
      description: 'first position is 10**start',
    },
    {
      name: 'stop',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: 'float',
      description: 'last position is 10**stop',
    },
    { name: 'num', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'int', description: 'number of points' },
    perStep,
    md(mdAnnotated),
  ],
  plan,
});

const move = (name: string, plan: PlanSpec['plan'], description: string): PlanSpec => ({
  name,
  module: 'bluesky.plan_stubs',
  description,
  is_generator: false,
  parameters: [
    movableArgs('__MOVABLE__ | typing.Any', 'device, value pairs'),
    {
      name: 'group',
      kind: 'KEYWORD_ONLY',
      annotation: 'collections.abc.Hashable | None',
      default: 'None',
      description: 'the group the moves are waited on as',
    },
    {
      name: 'timeout',
      kind: 'KEYWORD_ONLY',
      annotation: 'float | None',
      default: 'None',
      description: 'seconds to wait for the moves',
    },
    { name: 'kwargs', kind: 'VAR_KEYWORD', description: 'passed on to each set()' },
  ],
  plan,
});

const listScan = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  argsAnnotation: string,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    movableArgs(argsAnnotation, 'motor, list of positions for each motor'),
    perStep,
    md(),
  ],
  plan,
});

const gridScan = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  argsAnnotated: boolean,
  snake: ParamSpec,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    movableArgs(
      argsAnnotated ? '__MOVABLE__ | typing.Any' : undefined,
      'motor, start, stop, num for each axis, slowest first',
    ),
    snake,
    perStep,
    md(),
  ],
  plan,
});

const p = <F>(f: F) => f as unknown as PlanSpec['plan'];

const motorParam = (name: string): ParamSpec => ({
  name,
  kind: 'POSITIONAL_OR_KEYWORD',
  annotation: '__MOVABLE__',
  convert_device_names: true,
  description: name === 'motor' ? 'the motor to scan' : `the ${name.replace('_motor', '')} motor`,
});
const floatParam = (name: string, description: string): ParamSpec => ({
  name,
  kind: 'POSITIONAL_OR_KEYWORD',
  annotation: 'float',
  description,
});

/** spiral/spiral_fermat and their relative forms: `last` is nth or factor; relative forms start at the motors. */
const spiralSpec = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  relative: boolean,
  last: ParamSpec,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    motorParam('x_motor'),
    motorParam('y_motor'),
    ...(relative ? [] : [floatParam('x_start', 'x centre'), floatParam('y_start', 'y centre')]),
    floatParam('x_range', 'x width'),
    floatParam('y_range', 'y height'),
    floatParam('dr', 'distance between rings'),
    last,
    {
      name: 'dr_y',
      kind: 'KEYWORD_ONLY',
      annotation: 'float | None',
      default: 'None',
      description: 'ring distance along y, if not dr',
    },
    {
      name: 'tilt',
      kind: 'KEYWORD_ONLY',
      // bluesky annotates rel_spiral's tilt as plain float, the others as optional.
      annotation: name === 'rel_spiral' ? 'float' : 'float | None',
      default: '0.0',
      description: 'tilt of the rectangle, in radians',
    },
    perStep,
    md(),
  ],
  plan,
});

const numFirst = (name: string, plan: PlanSpec['plan'], description: string): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    { name: 'num', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'int', description: 'number of points' },
    movableArgs('__MOVABLE__ | typing.Any', 'motor, start, stop for each motor'),
    perStep,
    md(),
  ],
  plan,
});

const adaptiveSpec = (name: string, plan: PlanSpec['plan'], description: string): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    {
      name: 'target_field',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: 'str',
      description: 'the field whose change sets the step',
    },
    motorParam('motor'),
    floatParam('start', 'first position'),
    floatParam('stop', 'last position'),
    floatParam('min_step', 'smallest step'),
    floatParam('max_step', 'largest step'),
    floatParam('target_delta', 'the change of the target field aimed for per step'),
    {
      name: 'backstep',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: 'bool',
      description: 'retake a point whose change was too big',
    },
    {
      name: 'threshold',
      kind: 'POSITIONAL_OR_KEYWORD',
      annotation: 'float | None',
      default: '0.8',
      description: 'how much smaller a new step must be to step back',
    },
    md(),
  ],
  plan,
});

const squareSpec = (
  name: string,
  plan: PlanSpec['plan'],
  description: string,
  relative: boolean,
): PlanSpec => ({
  name,
  module: 'bluesky.plans',
  description,
  is_generator: true,
  parameters: [
    detectors,
    motorParam('x_motor'),
    motorParam('y_motor'),
    ...(relative ? [] : [floatParam('x_center', 'x centre'), floatParam('y_center', 'y centre')]),
    floatParam('x_range', 'x width'),
    floatParam('y_range', 'y height'),
    floatParam('x_num', 'points along x'),
    floatParam('y_num', 'points along y'),
    perStep,
    md(),
  ],
  plan,
});

export const BUILTIN_PLANS: Record<string, PlanSpec> = Object.fromEntries(
  [
    {
      name: 'count',
      module: 'bluesky.plans',
      description: 'Read the detectors a number of times, with an optional delay between readings.',
      is_generator: true,
      parameters: [
        detectors,
        {
          name: 'num',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'int | None',
          default: '1',
          description: 'how many readings (None: until stopped)',
        },
        {
          name: 'delay',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'float | collections.abc.Iterable[float]',
          default: '0.0',
          description: 'seconds from one reading to the next, or one delay per interval',
        },
        {
          name: 'per_shot',
          kind: 'KEYWORD_ONLY',
          default: 'None',
          description: 'replaces the reading of each shot',
        },
        md(),
      ],
      plan: p(count),
    } satisfies PlanSpec,
    stepScan(
      'scan',
      p(scan),
      'Step motors together along straight lines, reading the detectors at each point.',
      true,
    ),
    stepScan(
      'rel_scan',
      p(rel_scan),
      'scan relative to where the motors are, returning them there afterwards.',
      false,
    ),
    listScan(
      'list_scan',
      p(list_scan),
      'Step motors together through lists of positions.',
      'tuple[__MOVABLE__ | typing.Any, list[typing.Any]]',
    ),
    listScan(
      'rel_list_scan',
      p(rel_list_scan),
      'list_scan relative to where the motors are.',
      '__MOVABLE__ | typing.Any',
    ),
    gridScan(
      'grid_scan',
      p(grid_scan),
      'Scan a mesh: each motor on its own evenly spaced axis.',
      false,
      snakeAxes('collections.abc.Iterable[typing.Any] | bool | None', 'None'),
    ),
    gridScan(
      'rel_grid_scan',
      p(rel_grid_scan),
      'grid_scan relative to where the motors are.',
      true,
      snakeAxes('collections.abc.Iterable[typing.Any] | bool | None', 'None'),
    ),
    logScan('log_scan', p(log_scan), 'Step one motor through logarithmically spaced positions.', false),
    logScan('rel_log_scan', p(rel_log_scan), 'log_scan relative to where the motor is.', true),
    gridScan(
      'list_grid_scan',
      p(list_grid_scan),
      'Scan a mesh given by a list of positions per motor.',
      true,
      snakeAxes('bool', 'False'),
    ),
    gridScan(
      'rel_list_grid_scan',
      p(rel_list_grid_scan),
      'list_grid_scan relative to where the motors are.',
      true,
      snakeAxes('bool', 'False'),
    ),
    spiralSpec(
      'spiral',
      p(spiral),
      'Scan a spiral inside a rectangle.',
      false,
      floatParam('nth', 'points added per ring'),
    ),
    spiralSpec(
      'rel_spiral',
      p(rel_spiral),
      'spiral around where the motors are.',
      true,
      floatParam('nth', 'points added per ring'),
    ),
    spiralSpec(
      'spiral_fermat',
      p(spiral_fermat),
      'Scan a Fermat spiral inside a rectangle.',
      false,
      floatParam('factor', 'density factor'),
    ),
    spiralSpec(
      'rel_spiral_fermat',
      p(rel_spiral_fermat),
      'spiral_fermat around where the motors are.',
      true,
      floatParam('factor', 'density factor'),
    ),
    squareSpec(
      'spiral_square',
      p(spiral_square),
      'Scan a square spiral over a grid, from the centre out.',
      false,
    ),
    squareSpec('rel_spiral_square', p(rel_spiral_square), 'spiral_square around where the motors are.', true),
    numFirst('inner_product_scan', p(inner_product_scan), 'scan with the number of points given first.'),
    numFirst(
      'relative_inner_product_scan',
      p(relative_inner_product_scan),
      'rel_scan with the number of points given first.',
    ),
    {
      name: 'x2x_scan',
      module: 'bluesky.plans',
      description: 'Scan two motors relative to where they are, the second moving half as far as the first.',
      is_generator: true,
      parameters: [
        detectors,
        motorParam('motor1'),
        motorParam('motor2'),
        floatParam('start', 'first offset of motor1'),
        floatParam('stop', 'last offset of motor1'),
        { name: 'num', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'int', description: 'number of points' },
        perStep,
        md(),
      ],
      plan: p(x2x_scan),
    } satisfies PlanSpec,
    adaptiveSpec(
      'adaptive_scan',
      p(adaptive_scan),
      'Scan one motor with a step adapted to how fast the target field changes.',
    ),
    adaptiveSpec('rel_adaptive_scan', p(rel_adaptive_scan), 'adaptive_scan relative to where the motor is.'),
    {
      name: 'tune_centroid',
      module: 'bluesky.plans',
      description: 'Tune a motor to the centroid of a signal, narrowing the range pass after pass.',
      is_generator: true,
      parameters: [
        detectors,
        {
          name: 'signal',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'str',
          description: 'the field whose centroid is sought',
        },
        motorParam('motor'),
        floatParam('start', 'one end of the first pass'),
        floatParam('stop', 'the other end of the first pass'),
        floatParam('min_step', 'the pass step at which tuning stops'),
        {
          name: 'num',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'int',
          default: '10',
          description: 'points per pass',
        },
        {
          name: 'step_factor',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'float',
          default: '3.0',
          description: 'how much each pass narrows the range',
        },
        {
          name: 'snake',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'bool',
          default: 'False',
          description: 'alternate the direction of the passes',
        },
        md(),
      ],
      plan: p(tune_centroid),
    } satisfies PlanSpec,
    {
      name: 'fly',
      module: 'bluesky.plans',
      description: 'Kick off flyers, wait for them to complete, and collect their data in one run.',
      is_generator: true,
      parameters: [
        {
          name: 'flyers',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'list[__FLYABLE__]',
          convert_device_names: true,
          description: 'flyable devices',
        },
        md(),
      ],
      plan: p(fly),
    } satisfies PlanSpec,
    move('mv', p(mv), 'Move devices to positions together and wait for all of them.'),
    move('mvr', p(mvr), 'Move devices by offsets together and wait for all of them.'),
  ].map((spec) => [spec.name, spec]),
);

/** The built-in plan called `name`, or a PlanValidationError naming it. */
export function planByName(name: string): PlanSpec {
  const spec = Object.hasOwn(BUILTIN_PLANS, name) ? BUILTIN_PLANS[name] : undefined;
  if (!spec) throw new PlanValidationError(`Plan '${name}' is not in the list of existing plans`);
  return spec;
}

/** A plan's description in the queue server's format (spec §9.2). */
export function describePlan(spec: PlanSpec): Record<string, unknown> {
  return {
    name: spec.name,
    properties: { is_generator: spec.is_generator },
    parameters: spec.parameters.map((param) => ({
      name: param.name,
      kind: { name: param.kind, value: KIND_VALUE[param.kind] },
      ...(param.description ? { description: param.description } : {}),
      ...(param.annotation ? { annotation: { type: param.annotation } } : {}),
      ...(param.convert_device_names ? { convert_device_names: true } : {}),
      ...(param.default !== undefined ? { default: param.default } : {}),
    })),
    module: spec.module,
    description: spec.description,
  };
}

export class PlanValidationError extends Error {
  override name = 'PlanValidationError';
}

/**
 * Checks a queue item's arguments against the plan's parameters and returns the plan, ready to
 * run. Device names become the devices of `devices`, where the parameter asks for it (or has no
 * annotation, as the queue server converts unannotated arguments too).
 */
export function bindPlan(
  spec: PlanSpec,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  devices: Record<string, unknown> = {},
): SyncPlan<unknown> {
  const params = spec.parameters;
  const positional = params.filter((q) => q.kind === 'POSITIONAL_OR_KEYWORD' || q.kind === 'POSITIONAL_ONLY');
  const varPositional = params.find((q) => q.kind === 'VAR_POSITIONAL');
  const keywordOnly = params.filter((q) => q.kind === 'KEYWORD_ONLY');
  const varKeyword = params.find((q) => q.kind === 'VAR_KEYWORD');
  const fail = (why: string): never => {
    throw new PlanValidationError(`Plan '${spec.name}': ${why}`);
  };
  if (args.length > positional.length && !varPositional) {
    fail(`takes ${positional.length} positional arguments but ${args.length} were given`);
  }
  const known = new Set(
    params.filter((q) => q.kind !== 'VAR_POSITIONAL' && q.kind !== 'VAR_KEYWORD').map((q) => q.name),
  );
  for (const key of Object.keys(kwargs))
    if (!known.has(key) && !varKeyword) fail(`unexpected keyword argument '${key}'`);

  const convert = (param: ParamSpec | undefined, value: unknown): unknown => {
    if (param && (param.convert_device_names || !param.annotation)) value = toDevices(value, devices);
    if (param?.annotation) checkType(param, value, fail);
    return value;
  };
  const callArgs: unknown[] = positional.map((param, i) => {
    if (i < args.length) {
      if (param.name in kwargs) fail(`got multiple values for argument '${param.name}'`);
      return convert(param, args[i]);
    }
    if (param.name in kwargs) return convert(param, kwargs[param.name]);
    if (param.default === undefined) fail(`missing required argument '${param.name}'`);
    return undefined; // the plan's own default applies
  });
  const rest = args.slice(positional.length).map((v) => convert(varPositional, v));
  const options: Record<string, unknown> = {};
  for (const param of keywordOnly)
    if (param.name in kwargs) options[param.name] = convert(param, kwargs[param.name]);
  for (const [key, value] of Object.entries(kwargs))
    if (!known.has(key)) options[key] = convert(varKeyword, value);
  const call = [...callArgs, ...rest];
  if (keywordOnly.length || varKeyword) call.push(options);
  return (spec.plan as (...a: unknown[]) => SyncPlan<unknown>)(...call);
}

function toDevices(value: unknown, devices: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => toDevices(v, devices));
  if (typeof value !== 'string') return value;
  if (Object.hasOwn(devices, value)) return devices[value];
  return value;
}

/** The annotation checks the queue server applies before a plan runs, for the types the built-ins use. */
function checkType(param: ParamSpec, value: unknown, fail: (why: string) => never): void {
  const type = param.annotation!;
  const optional = type.includes('| None');
  if (value === null || value === undefined) {
    if (optional || param.default === 'None') return;
    fail(`'${param.name}' must not be None`);
  }
  const isDevice = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
  if (type.startsWith('collections.abc.Sequence[__READABLE__]') || type === 'list[__FLYABLE__]') {
    if (!Array.isArray(value)) fail(`'${param.name}' must be a list of devices`);
    for (const v of value as unknown[])
      if (!isDevice(v)) fail(`'${param.name}': ${JSON.stringify(v)} is not a known device`);
    return;
  }
  if (type === '__MOVABLE__' && !isDevice(value))
    fail(`'${param.name}': ${JSON.stringify(value)} is not a known device`);
  const base = type.replace(' | None', '');
  if (base === 'int' && !Number.isInteger(value))
    fail(`'${param.name}' must be an integer, got ${JSON.stringify(value)}`);
  if (base === 'float' && typeof value !== 'number')
    fail(`'${param.name}' must be a number, got ${JSON.stringify(value)}`);
  if (base === 'bool' && typeof value !== 'boolean')
    fail(`'${param.name}' must be true or false, got ${JSON.stringify(value)}`);
}
