/**
 * The plan form's rules without a browser: which input each parameter gets, the message for each
 * value the page refuses before sending, the item it builds, and an item read back for editing.
 * The plan descriptions are copies of what our queue server returns for `count` and `scan`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildItem,
  type DeviceDescription,
  type FieldKind,
  fieldKind,
  type ParamDescription,
  type PlanDescription,
  parseField,
} from '../src/planForm.ts';
import { argsToRows, itemToValues } from '../src/planItemValues.ts';

const positional = { name: 'POSITIONAL_OR_KEYWORD', value: 1 };
const keywordOnly = { name: 'KEYWORD_ONLY', value: 3 };
const detectors: ParamDescription = {
  name: 'detectors',
  kind: positional,
  annotation: { type: 'collections.abc.Sequence[__READABLE__]' },
};
const count: PlanDescription = {
  name: 'count',
  parameters: [
    detectors,
    { name: 'num', kind: positional, annotation: { type: 'int | None' }, default: '1' },
    {
      name: 'delay',
      kind: positional,
      annotation: { type: 'float | collections.abc.Iterable[float]' },
      default: '0.0',
    },
    { name: 'per_shot', kind: keywordOnly, default: 'None' },
    { name: 'md', kind: keywordOnly, annotation: { type: 'dict[str, typing.Any] | None' }, default: 'None' },
  ],
};
const scan: PlanDescription = {
  name: 'scan',
  parameters: [
    detectors,
    {
      name: 'args',
      kind: { name: 'VAR_POSITIONAL', value: 2 },
      annotation: { type: '__MOVABLE__ | typing.Any' },
    },
    { name: 'num', kind: keywordOnly, annotation: { type: 'int | None' }, default: 'None' },
  ],
};
const devices: Record<string, DeviceDescription> = {
  motor: { is_readable: true, is_movable: true },
  det1: { is_readable: true, is_movable: false },
  det2: { is_readable: true, is_movable: false },
  flyer1: { is_readable: false, is_flyable: true },
  hidden: { is_readable: true, excluded: true },
};
const kindsOf = (plan: PlanDescription): Record<string, FieldKind> =>
  Object.fromEntries(plan.parameters.map((p) => [p.name, fieldKind(p, devices)]));
const param = (name: string, type?: string, extra: Partial<ParamDescription> = {}): ParamDescription => ({
  name,
  kind: positional,
  ...(type ? { annotation: { type } } : {}),
  ...extra,
});

describe('plan form fields', () => {
  it('picks the input from the annotation', () => {
    assert.deepEqual(fieldKind(detectors, devices), {
      type: 'choice',
      choices: ['det1', 'det2', 'motor'],
      multiple: true,
    });
    assert.deepEqual(fieldKind(param('m', '__MOVABLE__'), devices), {
      type: 'choice',
      choices: ['motor'],
      multiple: false,
    });
    assert.deepEqual(fieldKind(param('f', 'list[__FLYABLE__]'), devices), {
      type: 'choice',
      choices: ['flyer1'],
      multiple: true,
    });
    assert.deepEqual(fieldKind(scan.parameters[1] as ParamDescription, devices), {
      type: 'axes',
      choices: ['motor'],
    });
    assert.deepEqual(fieldKind(param('n', 'int | None'), devices), { type: 'int' });
    assert.deepEqual(fieldKind(param('n', 'typing.Optional[float]'), devices), { type: 'float' });
    assert.deepEqual(fieldKind(param('b', 'bool'), devices), { type: 'bool' });
    assert.deepEqual(fieldKind(param('s', 'str'), devices), { type: 'str' });
    assert.deepEqual(fieldKind(param('md', 'dict[str, typing.Any] | None'), devices), {
      type: 'json',
      expect: 'object',
    });
    assert.deepEqual(fieldKind(param('l', 'list[float]'), devices), { type: 'json', expect: 'list' });
    assert.deepEqual(fieldKind(param('d', 'float | collections.abc.Iterable[float]'), devices), {
      type: 'json',
      expect: 'json',
    });
    assert.deepEqual(fieldKind(param('x'), devices), { type: 'json', expect: 'any' });
    assert.deepEqual(fieldKind({ name: 'kw', kind: { name: 'VAR_KEYWORD', value: 4 } }, devices), {
      type: 'kwargs',
    });
    const custom = param('dets', 'typing.List[DetList]', {
      annotation: { type: 'typing.List[DetList]', devices: { DetList: ['det2', 'det1'] } },
    });
    assert.deepEqual(fieldKind(custom, devices), {
      type: 'choice',
      choices: ['det1', 'det2'],
      multiple: true,
    });
  });
});

describe('plan form validation', () => {
  it('refuses a required parameter left empty', () => {
    assert.deepEqual(buildItem(count, kindsOf(count), {}), { errors: ['detectors: required'] });
  });

  it('refuses text that is not a number or not an integer', () => {
    const values = { detectors: ['det1'], num: '2.5', delay: 'abc' };
    assert.deepEqual(buildItem(count, kindsOf(count), values), {
      errors: ['num: "2.5" is not an integer', 'delay: not valid JSON'],
    });
    assert.deepEqual(parseField(param('x', 'float'), { type: 'float' }, '1e'), {
      error: 'x: "1e" is not a number',
    });
    assert.deepEqual(parseField(param('x', 'float'), { type: 'float' }, ' -1.5e3 '), {
      given: true,
      value: -1500,
    });
  });

  it('refuses numbers outside min and max', () => {
    const bounded = param('x', 'float', { min: '-10', max: '10' });
    assert.deepEqual(parseField(bounded, { type: 'float' }, '-11'), { error: 'x: must be at least -10' });
    assert.deepEqual(parseField(bounded, { type: 'float' }, '10.5'), { error: 'x: must be at most 10' });
    assert.deepEqual(parseField(bounded, { type: 'float' }, '10'), { given: true, value: 10 });
  });

  it('refuses JSON that does not parse or has the wrong shape', () => {
    const values = { detectors: ['det1'], md: '{"a": 1' };
    assert.deepEqual(buildItem(count, kindsOf(count), values), { errors: ['md: not valid JSON'] });
    assert.deepEqual(buildItem(count, kindsOf(count), { ...values, md: '[1]' }), {
      errors: ['md: must be a JSON object'],
    });
    assert.deepEqual(parseField(param('l'), { type: 'json', expect: 'list' }, '{}'), {
      error: 'l: must be a JSON list',
    });
    assert.deepEqual(parseField(param('kw'), { type: 'kwargs' }, '3'), {
      error: 'kw: must be a JSON object',
    });
  });

  it('takes text that is not JSON as a string where the parameter has no annotation', () => {
    assert.deepEqual(parseField(param('x'), { type: 'json', expect: 'any' }, 'det1'), {
      given: true,
      value: 'det1',
    });
    assert.deepEqual(parseField(param('x'), { type: 'json', expect: 'any' }, '[1, 2]'), {
      given: true,
      value: [1, 2],
    });
  });

  it('refuses *args values that are not a list and *args after a missing positional', () => {
    const bad = { detectors: ['det1'], args: [{ device: 'motor', values: '-1, one' }] };
    assert.deepEqual(buildItem(scan, kindsOf(scan), bad), {
      errors: ['args row 1: "-1, one" is not a list of values'],
    });
    const noDetectors = { args: [{ device: 'motor', values: '-1, 1' }] };
    assert.deepEqual(buildItem(scan, kindsOf(scan), noDetectors), {
      errors: ['detectors: required', 'args: needs detectors before it'],
    });
  });
});

describe('plan form items', () => {
  it('builds count with the detectors positional and num by position', () => {
    const values = { detectors: ['det1', 'det2'], num: '3', md: '{"sample": "A"}' };
    assert.deepEqual(buildItem(count, kindsOf(count), values), {
      item: {
        item_type: 'plan',
        name: 'count',
        args: [['det1', 'det2'], 3],
        kwargs: { md: { sample: 'A' } },
      },
      errors: [],
    });
  });

  it('puts positionals after a left-out one in kwargs', () => {
    const values = { detectors: ['det1'], delay: '0.5' };
    assert.deepEqual(buildItem(count, kindsOf(count), values), {
      item: { item_type: 'plan', name: 'count', args: [['det1']], kwargs: { delay: 0.5 } },
      errors: [],
    });
  });

  it('builds scan from motor rows and reads it back into the same fields', () => {
    const values = { detectors: ['det1'], args: [{ device: 'motor', values: '-1, 1' }], num: '5' };
    const built = buildItem(scan, kindsOf(scan), values);
    assert.deepEqual(built, {
      item: { item_type: 'plan', name: 'scan', args: [['det1'], 'motor', -1, 1], kwargs: { num: 5 } },
      errors: [],
    });
    assert.deepEqual(
      itemToValues(scan, kindsOf(scan), { args: [['det1'], 'motor', -1, 1], kwargs: { num: 5 } }),
      values,
    );
  });

  it('splits *args into rows at each known device', () => {
    assert.deepEqual(argsToRows([1, 'm1', -1, 1, 'm2', [0, 2], 'x'], ['m1', 'm2']), [
      { device: '', values: '1' },
      { device: 'm1', values: '-1, 1' },
      { device: 'm2', values: '[0,2], "x"' },
    ]);
  });

  it('reads extra kwargs back into the **kwargs field', () => {
    const mv: PlanDescription = {
      name: 'mv',
      parameters: [
        { name: 'args', kind: { name: 'VAR_POSITIONAL', value: 2 } },
        { name: 'timeout', kind: keywordOnly, annotation: { type: 'float | None' }, default: 'None' },
        { name: 'kwargs', kind: { name: 'VAR_KEYWORD', value: 4 } },
      ],
    };
    const item = { args: ['motor', 2], kwargs: { timeout: 3, wait: true } };
    const values = itemToValues(mv, kindsOf(mv), item);
    assert.deepEqual(values, {
      args: [{ device: 'motor', values: '2' }],
      timeout: '3',
      kwargs: '{"wait":true}',
    });
    assert.deepEqual(buildItem(mv, kindsOf(mv), values), {
      item: { item_type: 'plan', name: 'mv', ...item },
      errors: [],
    });
  });
});
