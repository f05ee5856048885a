/**
 * The simulated profile's own plans as the queue server sees them (module `__main__`, as the
 * reference runs its startup files): parameters, annotations, custom device types, bounds and
 * decorator-defined defaults with the structure bluesky-queueserver gives them. The prose is ours.
 */
import type { ParamSpec, PlanSpec } from '../plans/plan-spec.ts';
import type { Hw } from './hw.ts';
import { type ProfilePlanOptions, profilePlans } from './profile-plans.ts';

const p = <F>(f: F) => f as unknown as PlanSpec['plan'];
const MAIN = '__main__';

const mdParam = (kind: ParamSpec['kind'], annotated: boolean): ParamSpec => ({
  name: 'md',
  kind,
  ...(annotated ? { annotation: 'dict[str, typing.Any] | None' } : {}),
  default: 'None',
});

/** The profile's plans by name, bound to the profile's devices `h`. */
export function profilePlanSpecs(h: Hw, options: ProfilePlanOptions = {}): Record<string, PlanSpec> {
  const plans = profilePlans(h, options);
  const specs: PlanSpec[] = [
    {
      name: 'marked_up_count',
      module: MAIN,
      description: '',
      is_generator: true,
      parameters: [
        { name: 'detectors', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'list[typing.Any]' },
        { name: 'num', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'int', default: '1' },
        { name: 'delay', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'float | None', default: 'None' },
        mdParam('POSITIONAL_OR_KEYWORD', true),
      ],
      plan: p(
        (detectors: unknown[], num?: number, delay?: number | null, md?: Record<string, unknown> | null) =>
          plans.marked_up_count(detectors, num, delay, { md: md ?? null }),
      ),
    },
    {
      name: 'move_then_count',
      module: MAIN,
      description: 'Move the motors to their positions, then count the detectors.',
      is_generator: true,
      parameters: [
        {
          name: 'motors',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'typing.List[Motors]',
          devices: { Motors: ['motor1', 'motor2'] },
          description: 'the motors to move before counting',
        },
        {
          name: 'detectors',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'typing.List[Detectors]',
          devices: { Detectors: ['det1', 'det2', 'det3'] },
          default: "['det1', 'det2']",
          default_defined_in_decorator: true,
          defaultValue: ['det1', 'det2'],
          description: 'the detectors to count',
        },
        {
          name: 'positions',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'typing.List[float]',
          default: 'None',
          min: '-10',
          max: '10',
          step: '0.01',
          description: 'one position per motor',
        },
      ],
      plan: p(plans.move_then_count),
    },
    {
      name: 'sim_multirun_plan_nested',
      module: MAIN,
      description: 'Two nested runs (run keys run_1 and run_2), for tests of multi-run plans.',
      is_generator: true,
      parameters: [
        {
          name: 'npts',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'int',
          description: 'points of the outer run (the inner run takes one more)',
        },
        {
          name: 'delay',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'float',
          default: '1.0',
          description: 'seconds between points',
        },
      ],
      plan: p(plans.sim_multirun_plan_nested),
    },
    {
      name: 'count_bundle_test',
      module: MAIN,
      description: '',
      is_generator: true,
      parameters: [
        {
          name: 'detectors',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'typing.List[DetList]',
          devices: { DetList: ['det', 'det1', 'det2', 'det3', ':+^sim_bundle:?.*$'] },
        },
        { name: 'num', kind: 'POSITIONAL_OR_KEYWORD', default: '1' },
        { name: 'delay', kind: 'POSITIONAL_OR_KEYWORD', default: 'None' },
        { name: 'per_shot', kind: 'KEYWORD_ONLY', default: 'None' },
        mdParam('KEYWORD_ONLY', false),
      ],
      plan: p(plans.count_bundle_test),
    },
    {
      name: 'plan_test_progress_bars',
      module: MAIN,
      description: 'Show progress bars filling up in the console over five seconds.',
      is_generator: true,
      parameters: [
        {
          name: 'n_progress_bars',
          kind: 'POSITIONAL_OR_KEYWORD',
          annotation: 'int',
          default: '1',
          description: 'how many progress bars',
        },
      ],
      plan: p(plans.plan_test_progress_bars),
    },
  ];
  return Object.fromEntries(specs.map((spec) => [spec.name, spec]));
}
