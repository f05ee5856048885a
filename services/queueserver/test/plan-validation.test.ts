/**
 * Plan validation on JSON plan descriptions (spec §9.2, §9.4): Python-call binding with
 * inspect's messages, annotation types (the run engine's built-in descriptions and hand-written
 * ones with custom enums narrowed to the group's devices and plans), min/max, meta, the failure
 * text, and the reduced descriptions of the HTTP routes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PLANS, describePlan } from '@ophyd-service/run-engine';
import fc from 'fast-check';
import {
  type ParameterKindName,
  type PlanDescription,
  type PlanParameter,
  reducedPlanDescription,
  validatePlan,
} from '../src/manager/plan-validation.ts';
import { Refusal } from '../src/manager/types.ts';

const KIND_VALUES = {
  POSITIONAL_ONLY: 0,
  POSITIONAL_OR_KEYWORD: 1,
  VAR_POSITIONAL: 2,
  KEYWORD_ONLY: 3,
  VAR_KEYWORD: 4,
};
const param = (name: string, kind: ParameterKindName, extra: Partial<PlanParameter> = {}): PlanParameter => ({
  name,
  kind: { name: kind, value: KIND_VALUES[kind] as PlanParameter['kind']['value'] },
  ...extra,
});
const P = 'POSITIONAL_OR_KEYWORD';
const plan = (name: string, parameters: PlanParameter[]): PlanDescription => ({ name, parameters });
const builtin = (name: string) => describePlan(BUILTIN_PLANS[name]) as unknown as PlanDescription;

/** The reason validation gives (the text between "Plan validation failed: " and "\nPlan: "), or "" when it passes. */
function reason(
  item: Record<string, unknown>,
  plans: Record<string, PlanDescription>,
  devices: Record<string, unknown> = {},
): string {
  try {
    validatePlan(item, plans, devices);
    return '';
  } catch (error) {
    assert.ok(error instanceof Refusal);
    const match = /^Plan validation failed: ([\s\S]*)\nPlan: /.exec(error.message);
    assert.ok(match, `unexpected text: ${error.message}`);
    return match[1];
  }
}

describe('binding arguments like a Python call', () => {
  // def f1(a, b, c); def f2(*args, **kwargs); def f3(a, b, *args, c, d); def f4(a, b, *args, c, d=4);
  // def f5(a, b=5, *args, c, d=4) — the reference's own binding cases.
  const plans = {
    f1: plan('f1', [param('a', P), param('b', P), param('c', P)]),
    f2: plan('f2', [param('args', 'VAR_POSITIONAL'), param('kwargs', 'VAR_KEYWORD')]),
    f3: plan('f3', [
      param('a', P),
      param('b', P),
      param('args', 'VAR_POSITIONAL'),
      param('c', 'KEYWORD_ONLY'),
      param('d', 'KEYWORD_ONLY'),
    ]),
    f4: plan('f4', [
      param('a', P),
      param('b', P),
      param('args', 'VAR_POSITIONAL'),
      param('c', 'KEYWORD_ONLY'),
      param('d', 'KEYWORD_ONLY', { default: '4' }),
    ]),
    f5: plan('f5', [
      param('a', P),
      param('b', P, { default: '5' }),
      param('args', 'VAR_POSITIONAL'),
      param('c', 'KEYWORD_ONLY'),
      param('d', 'KEYWORD_ONLY', { default: '4' }),
    ]),
    g: plan('g', [param('x', 'POSITIONAL_ONLY'), param('y', 'POSITIONAL_ONLY', { default: '1' })]),
  };
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'f1', args: [1, 4, 5], kwargs: {} }, ''],
    [{ name: 'f1', args: [1, 4], kwargs: { c: 5 } }, ''],
    [{ name: 'f1', kwargs: { c: 1, b: 4, a: 5 } }, ''],
    [{ name: 'f1', args: [1, 4] }, "missing a required argument: 'c'"],
    [{ name: 'f1' }, "missing a required argument: 'a'"],
    [{ name: 'f1', args: [1, 4, 6, 7] }, 'too many positional arguments'],
    [{ name: 'f1', args: [1, 4, 6, 7], kwargs: { kw: 10 } }, 'too many positional arguments'],
    [{ name: 'f1', args: [1, 4], kwargs: { b: 10 } }, "multiple values for argument 'b'"],
    [{ name: 'f1', args: [1, 4, 5], kwargs: { abc: 1 } }, "got an unexpected keyword argument 'abc'"],
    [{ name: 'f2', args: [1, 4, 5], kwargs: { a: 1, b: 4, c: 5 } }, ''],
    [{ name: 'f3', args: [1, 4], kwargs: { c: 5, d: 10 } }, ''],
    [{ name: 'f3', kwargs: { a: 1, b: 4, d: 10 } }, "missing a required argument: 'c'"],
    [{ name: 'f3', args: [1, 4, 7, 8] }, "missing a required argument: 'c'"],
    [{ name: 'f3', args: [6, 8], kwargs: { a: 1, c: 4, d: 10 } }, "multiple values for argument 'a'"],
    [{ name: 'f4', args: [1, 4], kwargs: { c: 5 } }, ''],
    [{ name: 'f4', args: [1, 4], kwargs: { d: 10 } }, "missing a required argument: 'c'"],
    [{ name: 'f5', args: [1], kwargs: { c: 5, d: 10 } }, ''],
    [{ name: 'f5', kwargs: { c: 5, d: 10 } }, "missing a required argument: 'a'"],
    [{ name: 'g', args: [1, 2] }, ''],
    [{ name: 'g', kwargs: { x: 1 } }, "missing a required positional-only argument: 'x'"],
    [
      { name: 'g', args: [1], kwargs: { y: 2 } },
      "got some positional-only arguments passed as keyword arguments: 'y'",
    ],
    [{ name: 'f1', args: 5 }, 'argument after * must be an iterable, not int'],
    [{ name: 'f1', args: [1, 2, 3], kwargs: [] }, 'argument after ** must be a mapping, not list'],
  ];
  for (const [item, expected] of cases) {
    it(`${JSON.stringify(item)} → ${expected || 'valid'}`, () => {
      assert.equal(reason(item, plans), expected);
    });
  }

  it('refuses a plan that is not allowed, naming it', () => {
    assert.equal(
      reason({ name: 'count_test' }, plans),
      "Plan 'count_test' is not in the list of allowed plans.",
    );
  });

  it('prints the refused plan after the reason (pprint layout, sorted keys)', () => {
    const item = { item_type: 'plan', name: 'f1', args: [1], meta: { sample: 'A' } };
    assert.throws(() => validatePlan(item, plans, {}), {
      message:
        "Plan validation failed: missing a required argument: 'b'\n" +
        "Plan: {'args': [1], 'item_type': 'plan', 'meta': {'sample': 'A'}, 'name': 'f1'}",
    });
  });
});

describe('types of the built-in plans (run engine descriptions)', () => {
  const plans = {
    count: builtin('count'),
    scan: builtin('scan'),
    list_scan: builtin('list_scan'),
    log_scan: builtin('log_scan'),
    fly: builtin('fly'),
    mv: builtin('mv'),
  };
  const ok: Record<string, unknown>[] = [
    { name: 'count', args: [['det1', 'det2']] },
    { name: 'count', args: [['det1'], 3, 0.5] },
    { name: 'count', args: [['det1']], kwargs: { num: null, delay: [0.1, 1] } },
    { name: 'count', args: [['det1']], kwargs: { md: { sample: 'A', n: [1, 2] } } },
    { name: 'count', args: [[]], kwargs: { per_shot: 'anything' } },
    { name: 'scan', args: [['det1'], 'motor', -1, 1], kwargs: { num: 10 } },
    { name: 'list_scan', args: [['det1'], ['motor', [1, 2, 3]]] },
    { name: 'log_scan', args: [['det1'], 'motor', 1, 3, 5] },
    { name: 'fly', args: [['flyer1']] },
    { name: 'mv', args: ['motor1', 1, 'motor2', 2], kwargs: { timeout: 3, anything: [1] } },
  ];
  for (const item of ok)
    it(`accepts ${JSON.stringify(item)}`, () => {
      assert.equal(reason(item, plans), '');
    });

  const refused: [Record<string, unknown>, string][] = [
    [
      { name: 'count', args: [['det1']], kwargs: { num: 2.5 } },
      "Error in argument types: Incorrect parameter type: key='num', value='2.5' (<class 'float'>): " +
        'Input should be a valid integer, got a number with a fractional part [type=int_from_float, input_value=2.5, input_type=float]',
    ],
    [
      { name: 'count', args: [['det1']], kwargs: { num: '3' } },
      "Error in argument types: Incorrect parameter type: key='num', value='3' (<class 'str'>): " +
        "Input should be a valid integer [type=int_type, input_value='3', input_type=str]",
    ],
    [
      { name: 'count', args: ['det1'] },
      "Error in argument types: Incorrect parameter type: key='detectors', value='det1' (<class 'str'>): " +
        "Input should be a valid sequence [type=sequence_type, input_value='det1', input_type=str]",
    ],
    [
      { name: 'count', args: [['det1', 5]] },
      "Error in argument types: Incorrect parameter type: key='detectors', value='['det1', 5]' (<class 'list'>): " +
        'Input should be a valid string [type=string_type, input_value=5, input_type=int]',
    ],
    [
      { name: 'count', args: [['det1']], kwargs: { md: 'sample A' } },
      "Error in argument types: Incorrect parameter type: key='md', value='sample A' (<class 'str'>): " +
        "Input should be a valid dictionary [type=dict_type, input_value='sample A', input_type=str]",
    ],
    [
      { name: 'list_scan', args: [['det1'], 'motor', [1, 2]] },
      "Error in argument types: Incorrect parameter type: key='args', value='['motor', [1, 2]]' (<class 'list'>): " +
        "Input should be a tuple of 2 items [type=tuple_type, input_value='motor', input_type=str]",
    ],
    [
      { name: 'log_scan', args: [['det1'], 'motor', '1', 3, 5] },
      "Error in argument types: Incorrect parameter type: key='start', value='1' (<class 'str'>): " +
        "Input should be a valid number [type=float_type, input_value='1', input_type=str]",
    ],
    [
      { name: 'fly', args: ['flyer1'] },
      "Error in argument types: Incorrect parameter type: key='flyers', value='flyer1' (<class 'str'>): " +
        "Input should be a valid list [type=list_type, input_value='flyer1', input_type=str]",
    ],
    [
      { name: 'mv', args: ['motor1', 1], kwargs: { group: [1] } },
      "Error in argument types: Incorrect parameter type: key='group', value='[1]' (<class 'list'>): " +
        'Input should be hashable [type=is_hashable, input_value=[1], input_type=list]',
    ],
  ];
  for (const [item, expected] of refused)
    it(`refuses ${JSON.stringify(item)}`, () => {
      assert.equal(reason(item, plans), expected);
    });

  it('reports every mistyped parameter, one per line', () => {
    assert.equal(
      reason({ name: 'log_scan', args: [['det1'], 'motor', 'a', 'b', 5] }, plans),
      "Error in argument types: Incorrect parameter type: key='start', value='a' (<class 'str'>): " +
        "Input should be a valid number [type=float_type, input_value='a', input_type=str]\n" +
        "Incorrect parameter type: key='stop', value='b' (<class 'str'>): " +
        "Input should be a valid number [type=float_type, input_value='b', input_type=str]",
    );
  });
});

describe('typing texts', () => {
  const typed = (type: string, extra: Partial<PlanParameter['annotation']> = {}) => ({
    p: plan('p', [param('x', P, { annotation: { type, ...extra } })]),
  });
  const check = (type: string, value: unknown, extra = {}) =>
    reason({ name: 'p', args: [value] }, typed(type, extra), { det1: {} });
  const table: [string, unknown, boolean][] = [
    ['int', 3, true],
    ['int', true, false],
    ['float', 3, true],
    ['float', 'x', false],
    ['bool', false, true],
    ['bool', 1, false],
    ['str', 'x', true],
    ['typing.Optional[int]', null, true],
    ['typing.Optional[int]', 'x', false],
    ['int | None', null, true],
    ['typing.Union[int, str]', 'x', true],
    ['typing.Union[int, str]', [1], false],
    ['typing.List[float]', [1, 2.5], true],
    ['typing.List[float]', [1, 'a'], false],
    ['list[int]', [], true],
    ['collections.abc.Iterable[float]', [1.5], true],
    ['typing.Dict[str, int]', { a: 1 }, true],
    ['typing.Dict[str, int]', { a: 'b' }, false],
    ['dict', [1], false],
    ['typing.Tuple[int, ...]', [1, 2, 3], true],
    ['tuple[int, str]', [1, 'a'], true],
    ['tuple[int, str]', [1, 2], false],
    ["typing.Literal['a', 'b']", 'b', true],
    ["typing.Literal['a', 'b']", 'c', false],
    ['typing.Any', { any: ['thing'] }, true],
    ['__DEVICE__', 'det1', true],
    ['__PLAN_OR_DEVICE__', 5, false],
    ['typing.Callable[[int], str]', 'f', true],
    ['some.module.UnknownType', 5, true],
    ['typing.List[DetList]', ['det1'], true],
  ];
  for (const [type, value, valid] of table)
    it(`${type} ${valid ? 'accepts' : 'refuses'} ${JSON.stringify(value)}`, () => {
      const out = check(type, value, type.includes('DetList') ? { devices: { DetList: ['det1'] } } : {});
      if (valid) assert.equal(out, '');
      else assert.match(out, /^Error in argument types: Incorrect parameter type: key='x'/);
    });

  it('an unannotated parameter accepts any JSON value', () => {
    const plans = { p: plan('p', [param('x', P)]) };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.equal(reason({ name: 'p', args: [value] }, plans), '');
      }),
    );
  });

  it('float accepts every finite number and int every integer, and neither accepts strings', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string(),
        (d, i, s) => {
          assert.equal(check('float', d), '');
          assert.equal(check('int', i), '');
          assert.notEqual(check('float', s), '');
          assert.notEqual(check('int', s), '');
        },
      ),
    );
  });
});

describe('custom enums narrowed to what the group may use', () => {
  // The reference's _vp3a: motors List[Motors], detectors Union[List[Detectors1], Detectors2],
  // plans_to_run Union[List[Plans], Plans], positions Union[List[float], float, None] = 10.
  const vp3a = plan('vp3a', [
    param('motors', P, {
      annotation: { type: 'typing.List[Motors]', devices: { Motors: ['m1', 'm2', 'm3'] } },
    }),
    param('detectors', P, {
      annotation: {
        type: 'typing.Union[typing.List[Detectors1], Detectors2]',
        devices: { Detectors1: ['d1', 'd2', 'd3'], Detectors2: ['d4', 'd5'] },
      },
    }),
    param('plans_to_run', P, {
      annotation: { type: 'typing.Union[typing.List[Plans], Plans]', plans: { Plans: ['p1', 'p3'] } },
    }),
    param('positions', P, {
      annotation: { type: 'typing.Union[typing.List[float], float, None]' },
      default: '10',
    }),
  ]);
  const plans = { vp3a, p1: plan('p1', []), p2: plan('p2', []) };
  const tree = (names: string[]) => Object.fromEntries(names.map((n) => [n, {}]));
  const check = (args: unknown[], devices: string[]) => reason({ name: 'vp3a', args }, plans, tree(devices));
  const allowed = ['m1', 'm2', 'd1', 'd2'];

  it('accepts listed, allowed names, single values where the union allows them, and omitted defaults', () => {
    assert.equal(check([['m1', 'm2'], ['d1', 'd2'], ['p1'], [10, 20.5]], allowed), '');
    assert.equal(check([['m1', 'm2'], ['d1', 'd2'], 'p1', null], allowed), '');
    assert.equal(check([['m1'], 'd4', ['p1']], ['m1', 'd4']), '');
    assert.equal(check([[], ['d1'], ['p1']], ['d1']), '');
  });

  it('refuses a motor listed in the annotation but not allowed for the group', () => {
    assert.equal(
      check([['m2', 'm3'], ['d1', 'd2'], ['p1']], ['m2', 'm4', 'd1', 'd2']),
      "Error in argument types: Incorrect parameter type: key='motors', value='['m2', 'm3']' (<class 'list'>): " +
        "Input should be 'm2' [type=enum, input_value='m3', input_type=str]",
    );
  });

  it('says so when no listed name is allowed at all', () => {
    assert.equal(
      check([['m1'], ['d1'], ['p1']], ['m4', 'd1']),
      "Error in argument types: Incorrect parameter type: key='motors', value='['m1']' (<class 'list'>): " +
        "Input should be an instance of Motors [type=is_instance_of, input_value='m1', input_type=str]",
    );
  });

  it('explains each member of a union that the value failed', () => {
    assert.equal(
      check([['m1'], ['d4'], ['p1']], ['m1', 'd1', 'd2', 'd4']),
      "Error in argument types: Incorrect parameter type: key='detectors', value='['d4']' (<class 'list'>): " +
        "Input should be 'd1' or 'd2' [type=enum, input_value='d4', input_type=str]; " +
        "Input should be 'd4' [type=enum, input_value=['d4'], input_type=list]",
    );
  });

  it('narrows plan enums to the allowed plans', () => {
    assert.equal(
      check([['m1'], ['d1'], ['p1', 'p3']], ['m1', 'd1']),
      "Error in argument types: Incorrect parameter type: key='plans_to_run', value='['p1', 'p3']' (<class 'list'>): " +
        "Input should be 'p1' [type=enum, input_value='p3', input_type=str]; " +
        "Input should be 'p1' [type=enum, input_value=['p1', 'p3'], input_type=list]",
    );
  });

  it('refuses a string where a float is expected', () => {
    assert.match(check([['m1'], ['d1'], ['p1'], ['10.0', 20]], ['m1', 'd1']), /key='positions'/);
  });

  it('accepts subdevice names that reach an allowed, non-excluded node of the device tree', () => {
    const desc = {
      p: plan('p', [
        param('dets', P, {
          annotation: {
            type: 'typing.List[Dets]',
            devices: { Dets: ['bundle.dets.det_A', 'bundle.dets.det_B', 'bundle.mtrs.x'] },
          },
        }),
      ]),
    };
    const devices = {
      bundle: {
        components: {
          dets: { components: { det_A: {}, det_B: { excluded: true } } },
          mtrs: { excluded: true, components: { x: {} } },
        },
      },
    };
    assert.equal(reason({ name: 'p', args: [['bundle.dets.det_A']] }, desc, devices), '');
    assert.match(
      reason({ name: 'p', args: [['bundle.dets.det_B']] }, desc, devices),
      /Input should be 'bundle.dets.det_A'/,
    );
    assert.match(
      reason({ name: 'p', args: [['bundle.mtrs.x']] }, desc, devices),
      /Input should be 'bundle.dets.det_A'/,
    );
  });
});

describe('min and max', () => {
  const bounded = (min?: string, max?: string) => ({
    p: plan('p', [
      param('a', P, { ...(min ? { min } : {}), ...(max ? { max } : {}) }),
      param('b', P, { default: '0', min: '95', max: '120.3' }),
    ]),
  });
  const check = (a: unknown, min?: string, max?: string, extra: Record<string, unknown> = {}) =>
    reason({ name: 'p', args: [a], kwargs: extra }, bounded(min, max));
  const prefix = 'Argument values are out of range: Parameter value is out of range: ';

  it('accepts values inside the bounds, also nested', () => {
    assert.equal(check(10, '5', '15'), '');
    assert.equal(check([5, [11, { x: 15 }]], '5', '15'), '');
  });

  it('refuses the first value outside, searching breadth-first', () => {
    assert.equal(check(1, '5', '15'), `${prefix}key='a', value='1': Value 1 is out of range [5, 15]`);
    assert.equal(
      check(16.34, '5.5', '14.3'),
      `${prefix}key='a', value='16.34': Value 16.34 is out of range [5.5, 14.3]`,
    );
    assert.equal(
      check([0, 11, 19], '5', '15'),
      `${prefix}key='a', value='[0, 11, 19]': Value 0 is out of range [5, 15]`,
    );
    assert.equal(
      check([[1], 50], '5', '15'),
      `${prefix}key='a', value='[[1], 50]': Value 50 is out of range [5, 15]`,
    );
    assert.equal(check(1, '5'), `${prefix}key='a', value='1': Value 1 is out of range [5, inf]`);
    assert.equal(
      check(16, undefined, '15'),
      `${prefix}key='a', value='16': Value 16 is out of range [-inf, 15]`,
    );
  });

  it('reports every parameter out of range, one per line', () => {
    assert.equal(
      check(3, '5', '15', { b: 150 }),
      `${prefix}key='a', value='3': Value 3 is out of range [5, 15]\n` +
        "Parameter value is out of range: key='b', value='150': Value 150 is out of range [95, 120.3]",
    );
  });
});

describe('meta', () => {
  const plans = { count: builtin('count') };
  const withMeta = (meta: unknown) => reason({ name: 'count', args: [['det1']], meta }, plans);
  it('accepts a dict or a list of dicts', () => {
    assert.equal(withMeta({ sample: 'A' }), '');
    assert.equal(withMeta([{ sample: 'A' }, { sample: 'B' }]), '');
  });
  it('refuses anything else', () => {
    for (const meta of ['sample', [{ sample: 'A' }, 5], null])
      assert.equal(withMeta(meta), "Plan parameter 'meta' must be a dictionary or a list of dictionaries");
  });
});

describe('reducedPlanDescription (HTTP reduced=true)', () => {
  it('reduces count as the reference simplifies it', () => {
    assert.deepEqual(reducedPlanDescription(builtin('count')), {
      name: 'count',
      description: 'Read the detectors a number of times, with an optional delay between readings.',
      parameters: [
        {
          name: 'detectors',
          kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
          description: 'readable devices to read at each point',
          is_list: false,
          is_optional: false,
        },
        {
          name: 'num',
          kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
          description: 'how many readings (None: until stopped)',
          type: 'int',
          is_list: false,
          default: 1,
          is_optional: true,
        },
        {
          name: 'delay',
          kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
          description: 'seconds from one reading to the next, or one delay per interval',
          type: 'float',
          is_list: false,
          default: 0,
          is_optional: true,
        },
        {
          name: 'per_shot',
          kind: { name: 'KEYWORD_ONLY', value: 3 },
          description: 'replaces the reading of each shot',
          default: null,
          is_optional: true,
        },
        {
          name: 'md',
          kind: { name: 'KEYWORD_ONLY', value: 3 },
          description: 'metadata for the RunStart document',
          type: 'str',
          is_list: false,
          default: null,
          is_optional: true,
        },
      ],
    });
  });

  it('gives enums, lists, literal defaults and bounds', () => {
    const desc = plan('p', [
      param('dets', P, {
        annotation: { type: 'typing.List[DetList]', devices: { DetList: ['det1', 'det2'] } },
      }),
      param('values', P, {
        annotation: { type: 'list[float]' },
        default: "[1, 2.5, 'x', (3,), {'a': None}]",
      }),
      param('gain', 'KEYWORD_ONLY', {
        annotation: { type: 'int' },
        default: '-3',
        min: '-10',
        max: '10',
        step: '0.5',
      }),
      param('label', 'KEYWORD_ONLY', { default: "'it''s'" }),
      param('bad', 'KEYWORD_ONLY', { default: 'numpy.zeros(3)' }),
    ]);
    assert.deepEqual(reducedPlanDescription(desc), {
      name: 'p',
      parameters: [
        {
          name: 'dets',
          kind: { name: P, value: 1 },
          type: 'str',
          enum: ['det1', 'det2'],
          is_list: true,
          is_optional: false,
        },
        {
          name: 'values',
          kind: { name: P, value: 1 },
          type: 'float',
          is_list: true,
          default: [1, 2.5, 'x', [3], { a: null }],
          is_optional: true,
        },
        {
          name: 'gain',
          kind: { name: 'KEYWORD_ONLY', value: 3 },
          type: 'int',
          is_list: false,
          default: -3,
          is_optional: true,
          min: -10,
          max: 10,
          step: 0.5,
        },
        { name: 'label', kind: { name: 'KEYWORD_ONLY', value: 3 }, default: 'its', is_optional: true },
        { name: 'bad', kind: { name: 'KEYWORD_ONLY', value: 3 }, is_optional: false },
      ],
    });
  });

  it('leaves out parameters when a plan has none', () => {
    assert.deepEqual(reducedPlanDescription(plan('bare', [])), { name: 'bare' });
  });
});
