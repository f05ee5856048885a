/**
 * The built-in plans as the queue server sees them: bluesky's plans by name, each with its
 * parameters as bluesky-queueserver describes them (plan-spec.ts holds the format and the binder).
 */
import { adaptive_scan, rel_adaptive_scan, tune_centroid } from './adaptive.ts';
import { type ParamSpec, type PlanSpec, PlanValidationError } from './plan-spec.ts';
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
  scan_nd,
  x2x_scan,
} from './plans.ts';
import { ramp_plan } from './ramp.ts';
import {
  rel_spiral,
  rel_spiral_fermat,
  rel_spiral_square,
  spiral,
  spiral_fermat,
  spiral_square,
} from './spirals.ts';
import { mv, mvr } from './stubs.ts';
import { tweak } from './tweak.ts';

export * from './plan-spec.ts';

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
    {
      name: 'scan_nd',
      module: 'bluesky.plans',
      description:
        'Step through a trajectory of motor positions (a cycler), reading the detectors at each point.',
      is_generator: true,
      parameters: [
        detectors,
        {
          name: 'cycler',
          kind: 'POSITIONAL_OR_KEYWORD',
          description:
            'the trajectory: one map of motor to position per point (a cycler cannot come in JSON)',
        },
        perStep,
        md(),
      ],
      plan: p(scan_nd),
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
    {
      name: 'ramp_plan',
      module: 'bluesky.plans',
      description: 'Take data repeatedly while something ramps, in one run, monitoring a signal.',
      is_generator: true,
      parameters: [
        {
          name: 'go_plan',
          kind: 'POSITIONAL_OR_KEYWORD',
          description: 'the plan that starts the ramp and returns its status',
        },
        {
          name: 'monitor_sig',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: '__READABLE__',
          convert_device_names: true,
          description: 'the signal monitored during the run',
        },
        {
          name: 'inner_plan_func',
          kind: 'POSITIONAL_OR_KEYWORD',
          description: 'makes the plan that takes one data point',
        },
        {
          name: 'take_pre_data',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'bool',
          default: 'True',
          description: 'take a point before the ramp starts',
        },
        {
          name: 'timeout',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'float | None',
          default: 'None',
          description: 'seconds the ramp may take before the plan fails',
        },
        {
          name: 'period',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'float | None',
          default: 'None',
          description: 'least seconds from one point to the next',
        },
        { ...md(), kind: 'POSITIONAL_OR_KEYWORD' },
      ],
      plan: p(ramp_plan),
    } satisfies PlanSpec,
    {
      name: 'tweak',
      module: 'bluesky.plans',
      description: 'Step a motor by a step asked for each time, reading a detector after every move.',
      is_generator: true,
      parameters: [
        {
          name: 'detector',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: '__READABLE__',
          convert_device_names: true,
          description: 'the detector read at each position',
        },
        {
          name: 'target_field',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'str',
          description: 'the field of the detector shown in the prompt',
        },
        motorParam('motor'),
        floatParam('step', 'the first step'),
        md(),
      ],
      plan: p(tweak),
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
