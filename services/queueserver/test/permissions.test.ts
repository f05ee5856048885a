/**
 * User group permissions (spec §9.1): the schema, the pattern language and the allowed lists per
 * group. Expected values are literals, taken from the spec and from bluesky-queueserver 0.0.x's
 * profile_ops run on the same inputs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BUILTIN_PLANS, describeDevices, describePlan, hw, profilePlans } from '@ophyd-service/run-engine';
import { Refusal } from '../src/manager/types.ts';
import { allowedLists, filterDeviceTree, functionAllowed, isNameInTree } from '../src/permissions/allowed.ts';
import { deviceNamesMatching, parseNamePattern } from '../src/permissions/patterns.ts';
import {
  DEFAULT_PERMISSIONS,
  loadPermissionsFile,
  validatePermissions,
} from '../src/permissions/permissions.ts';
import { pythonSearch } from '../src/permissions/python-regex.ts';

type Tree = Record<string, { excluded?: boolean; components?: Tree }>;

/** Every dotted name of a tree that is not marked excluded (independent of the code under test). */
function listNames(tree: Tree, base = ''): string[] {
  return Object.entries(tree).flatMap(([name, node]) => {
    const full = base ? `${base}.${name}` : name;
    return [...(node.excluded ? [] : [full]), ...listNames(node.components ?? {}, full)];
  });
}

const refusal = (message: string | RegExp) => (error: unknown) => {
  assert.ok(error instanceof Refusal, `not a Refusal: ${error}`);
  if (typeof message === 'string') assert.ok(error.message.includes(message), error.message);
  else assert.match(error.message, message);
  return true;
};

const node = (r: boolean, m: boolean, f: boolean, components?: Tree) => ({
  is_readable: r,
  is_movable: m,
  is_flyable: f,
  ...(components ? { components } : {}),
});

/** A small tree with every device kind: motors, detectors, a flyer, nesting three levels deep. */
const TREE = {
  stage: node(true, true, false, {
    x: node(true, true, false, { setpoint: node(true, true, false), readback: node(true, false, false) }),
    cam: node(true, false, false, { stats: node(true, false, false, { total: node(true, false, false) }) }),
    shutter: node(false, false, true),
  }),
  det1: node(true, false, false, { val: node(true, false, false) }),
  det10: node(true, false, false),
  motor2: node(true, true, false, { readback: node(true, false, false) }),
  _hidden: node(true, false, false),
  flyer: node(false, false, true),
};

describe('the permissions schema', () => {
  test('accepts the default rules and refuses malformed dicts with the reference wording', () => {
    assert.equal(validatePermissions(DEFAULT_PERMISSIONS), DEFAULT_PERMISSIONS);
    const cases: [unknown, string][] = [
      [[], "User group permissions: Invalid type '<class 'list'>', must be 'dict'"],
      [{}, "'user_groups' is a required property"],
      [{ user_groups: {} }, "Missing required user group: 'root'"],
      [
        { user_groups: { root: {} }, extra: 1 },
        "Additional properties are not allowed ('extra' was unexpected)",
      ],
      [{ user_groups: { root: { allowed_things: [] } } }, "('allowed_things' was unexpected)"],
      [{ user_groups: { root: { allowed_plans: 'count' } } }, "'count' is not of type 'array'"],
      [{ user_groups: { root: { allowed_plans: [10] } } }, "10 is not of type 'string', 'null'"],
      [{ user_groups: { root: null } }, "None is not of type 'object'"],
      [{ user_groups: { root: {}, primary: { allowed_devices: [':^det:'] } } }, 'contains empty components'],
      [{ user_groups: { root: { forbidden_plans: [':*a'] } } }, "contains invalid regular expression '*a'"],
      [{ user_groups: { root: { allowed_plans: [':^count:^x'] } } }, 'must contain one component'],
      [{ user_groups: { root: { allowed_plans: [':^a', null] } } }, 'may only be the first element'],
      [{ user_groups: { root: { allowed_functions: [':a*+'] } } }, 'possessive quantifiers'],
    ];
    for (const [value, message] of cases) assert.throws(() => validatePermissions(value), refusal(message));
  });

  test('the default rules are the simulated profile of the reference', () => {
    assert.deepEqual(DEFAULT_PERMISSIONS, {
      user_groups: {
        root: {
          allowed_plans: [null],
          forbidden_plans: [':^_'],
          allowed_devices: [null],
          forbidden_devices: [':^_:?.*'],
          allowed_functions: [null],
          forbidden_functions: [':^_'],
        },
        primary: {
          allowed_plans: [':.*'],
          forbidden_plans: [null],
          allowed_devices: [':?.*:depth=5'],
          forbidden_devices: [null],
          allowed_functions: ['function_sleep', ':^func_for_test'],
        },
        test_user: {
          allowed_plans: [':^count', ':scan$'],
          forbidden_plans: [':^adaptive_scan$', ':^inner_product'],
          allowed_devices: [':^det:?.*', ':^motor:?.*', ':^sim_bundle_A:?.*'],
          forbidden_devices: [':^det[3-5]$:?.*', ':^motor\\d+$:?.*'],
          allowed_functions: [':element$', ':elements$', 'function_sleep', 'clear_buffer', ':^unit_test.*$'],
          forbidden_functions: [':^_'],
        },
      },
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'qs-permissions-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a YAML file is read and validated; a bad or missing file is refused naming it', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'user_groups:\n  root:\n    allowed_plans: [null]\n  admin:\n    allowed_plans: [":^count$"]\n',
    );
    assert.deepEqual(loadPermissionsFile(good), {
      user_groups: { root: { allowed_plans: [null] }, admin: { allowed_plans: [':^count$'] } },
    });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'user_groups:\n  primary: {}\n');
    assert.throws(
      () => loadPermissionsFile(bad),
      refusal(`Error while loading user group permissions from file '${bad}': `),
    );
    assert.throws(() => loadPermissionsFile(join(dir, 'missing.yaml')), refusal('missing.yaml'));
  });
});

describe('the pattern language', () => {
  test('plain names and regex components split as the reference splits them', () => {
    assert.deepEqual(parseNamePattern(' det1.val '), {
      usesRegex: false,
      deviceType: '',
      components: [
        { text: 'det1', include: true, fullName: false, depth: null },
        { text: 'val', include: true, fullName: false, depth: null },
      ],
    });
    assert.deepEqual(parseNamePattern('__DETECTOR__:-^stage:+cam:?^s.*$:depth=2'), {
      usesRegex: true,
      deviceType: '__DETECTOR__',
      components: [
        { text: '^stage', include: false, fullName: false, depth: null },
        { text: 'cam', include: true, fullName: false, depth: null },
        { text: '^s.*$', include: true, fullName: true, depth: 2 },
      ],
    });
    // The last component is always included, even written with '-'.
    assert.equal(parseNamePattern(':^det:-val$').components[1].include, true);
  });

  test('malformed patterns are refused with the reference messages', () => {
    const cases: [unknown, string][] = [
      [10, "Name pattern 10 has incorrect type <class 'int'>"],
      ['', "Name pattern '' is an empty string"],
      [':^det::val', "Name pattern ':^det::val' contains empty components"],
      ['__UNSUPPORTED_TYPE__:^det', "Device type '__UNSUPPORTED_TYPE__' is not supported."],
      [':?^det:depth=0', 'Depth (0) must be positive integer greater or equal to 1'],
      [':?^det:depth=a', "Depth specification 'depth=a' has incorrect format"],
      [':?^det:^val$', "'?^det' can be only followed by the depth specification"],
      [':?^det:^val:^val$', "'?^det' must be the last"],
      ['det..val', "Plan, device or subdevice name in the description 'det..val' is an empty string"],
      ['d$et', "Name pattern 'd$et' contains invalid characters"],
      [':(?>a)', 'atomic groups'],
    ];
    for (const [pattern, message] of cases) assert.throws(() => parseNamePattern(pattern), refusal(message));
  });

  test('components are Python regexes searched as re.search does', () => {
    const cases: [string, string, boolean][] = [
      ['^det$', 'det\n', true], // Python's $ also matches before a final newline
      ['^det\\Z', 'det\n', false],
      ['^det\\d$', 'det٣', true], // \d is any Unicode decimal digit
      ['^\\w+$', 'Émetteur', true],
      ['(?i)^DET', 'det1', true],
      ['^a{,2}$', 'aa', true],
      ['^a{,2}$', 'aaa', false],
      ['x{', 'x{', true], // a brace that is no repeat is literal
      ['(?P<d>e)(?P=d)', 'dee', true],
      ['^a.c$', 'a\nc', false],
      ['(?s)^a.c$', 'a\nc', true],
      ['[]a]', ']', true],
      ['\\Bb', '', false],
    ];
    for (const [pattern, text, expected] of cases)
      assert.equal(pythonSearch(pattern, text), expected, `${pattern} ${text}`);
  });

  test('regexes select devices level by level, by type keyword and by full name within a depth', () => {
    const cases: [string, string[]][] = [
      [
        '__READABLE__:?.*',
        ['stage', 'stage.x', 'stage.x.setpoint', 'stage.x.readback', 'stage.cam']
          .concat(['stage.cam.stats', 'stage.cam.stats.total', 'det1', 'det1.val', 'det10', 'motor2'])
          .concat(['motor2.readback', '_hidden']),
      ],
      [
        '__DETECTOR__:?.*',
        ['stage.x.readback', 'stage.cam', 'stage.cam.stats', 'stage.cam.stats.total', 'det1'].concat([
          'det1.val',
          'det10',
          'motor2.readback',
          '_hidden',
        ]),
      ],
      ['__MOTOR__:?.*', ['stage', 'stage.x', 'stage.x.setpoint', 'motor2']],
      ['__FLYABLE__:?.*', ['stage.shutter', 'flyer']],
      ['__MOTOR__:-^stage:.*', ['stage.x']],
      [':?readback$', ['stage.x.readback', 'motor2.readback']],
      [':?readback$:depth=2', ['motor2.readback']],
      [':?readback$:depth=3', ['stage.x.readback', 'motor2.readback']],
      [':?x$:depth=1', []],
      [':?x$:depth=2', ['stage.x']],
      [':-^stage:?.*:depth=1', ['stage.x', 'stage.cam', 'stage.shutter']],
      [':-^stage:-^cam:?t', ['stage.cam.stats', 'stage.cam.stats.total']],
      [':^stage:?total', ['stage', 'stage.cam.stats.total']],
      [':^det', ['det1', 'det10']],
      [':^det\\d$', ['det1']],
      ['stage.cam.stats', ['stage.cam.stats']],
    ];
    for (const [pattern, names] of cases)
      assert.deepEqual(deviceNamesMatching(pattern, TREE), names, pattern);
  });
});

describe('device trees filtered by allow and forbid patterns', () => {
  test('a parent kept only for its selected children is marked excluded', () => {
    assert.deepEqual(filterDeviceTree(TREE, [':-^stage:-^cam:?t'], [null]), {
      stage: {
        ...node(true, true, false, {
          cam: {
            ...node(true, false, false, {
              stats: node(true, false, false, { total: node(true, false, false) }),
            }),
            excluded: true,
          },
        }),
        excluded: true,
      },
    });
  });

  test('allow and forbid lists combine as in the reference', () => {
    const cases: [(string | null)[], (string | null)[], string[]][] = [
      [
        [':?.*'],
        [':^det1$:?.*', 'stage.x'],
        ['stage', 'stage.x.setpoint', 'stage.x.readback', 'stage.cam']
          .concat(['stage.cam.stats', 'stage.cam.stats.total', 'stage.shutter', 'det10', 'motor2'])
          .concat(['motor2.readback', '_hidden', 'flyer']),
      ],
      [[':^det\\d$'], [], ['det1']],
      [
        [null],
        [':-^stage:-^x:?.*'],
        ['stage', 'stage.x', 'stage.cam', 'stage.cam.stats', 'stage.cam.stats.total'].concat([
          'stage.shutter',
          'det1',
          'det1.val',
          'det10',
          'motor2',
          'motor2.readback',
          '_hidden',
          'flyer',
        ]),
      ],
      [[':-^stage:?.*:depth=1', 'det10'], [], ['stage.x', 'stage.cam', 'stage.shutter', 'det10']],
      [[], [null], []],
      [[null], [':?.*'], []],
    ];
    for (const [allow, forbid, names] of cases)
      assert.deepEqual(listNames(filterDeviceTree(TREE, allow, forbid)), names, `${allow} / ${forbid}`);
  });

  test('a name is in an allowed tree only if its path exists and does not end on an excluded node', () => {
    const filtered = filterDeviceTree(TREE, [':-^stage:-^cam:?t'], [null]);
    assert.equal(isNameInTree('stage.cam.stats.total', filtered), true);
    assert.equal(isNameInTree('stage.cam', filtered), false);
    assert.equal(isNameInTree('stage.x', filtered), false);
    assert.equal(isNameInTree(':stage', filtered), false);
    assert.equal(isNameInTree(50, filtered), false);
  });
});

describe('allowed lists per group', () => {
  const device = (r: boolean, m: boolean, components?: Tree) => ({
    is_readable: r,
    is_movable: m,
    is_flyable: false,
    classname: 'C',
    module: 'm',
    ...(components ? { components } : {}),
  });
  const EXISTING_DEVICES = {
    det1: device(true, false),
    det3: device(true, false),
    det10: device(true, false),
    motor: device(true, true),
    motor1: device(true, true),
    _secret: device(true, false),
    sim_bundle_A: device(true, false, {
      dets: device(true, false, { det_A: device(true, false), _det_B: device(true, false) }),
      mtrs: device(true, true, { z: device(true, true) }),
    }),
    other: device(true, false, { det9: device(true, false) }),
  };
  const plan = (name: string, parameters: unknown[] = []) => ({ name, parameters });
  const scanParameter = (dets: string[], plans: string[]) => ({
    name: 'detectors',
    kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
    annotation: { type: 'typing.List[Dets]', devices: { Dets: dets }, plans: { Plans: plans } },
  });
  const ALL_DETS = [
    'det1',
    'det3',
    'motor',
    'motor1',
    'sim_bundle_A.dets.det_A',
    'sim_bundle_A.dets._det_B',
  ].concat(['other.det9', 'missing']);
  const EXISTING_PLANS = {
    count: plan('count'),
    count_plus: plan('count_plus'),
    adaptive_scan: plan('adaptive_scan'),
    scan: plan('scan', [scanParameter(ALL_DETS, ['count', 'mv', 'adaptive_scan', '_private'])]),
    rel_scan: plan('rel_scan'),
    inner_product_scan: plan('inner_product_scan'),
    mv: plan('mv'),
    _private: plan('_private'),
  };

  test('root filters first, then each group; enum lists keep only the group’s allowed names', () => {
    const lists = allowedLists(DEFAULT_PERMISSIONS, EXISTING_PLANS, EXISTING_DEVICES);
    assert.deepEqual(Object.keys(lists.plans), ['root', 'primary', 'test_user']);
    const rootScan = scanParameter(ALL_DETS.slice(0, -1), ['count', 'mv', 'adaptive_scan']);
    const { _private, ...public_plans } = EXISTING_PLANS;
    for (const group of ['root', 'primary']) {
      assert.deepEqual(lists.plans[group], { ...public_plans, scan: plan('scan', [rootScan]) });
      assert.deepEqual(
        Object.keys(lists.devices[group]),
        ['det1', 'det3', 'det10', 'motor', 'motor1'].concat(['sim_bundle_A', 'other']),
      );
    }
    assert.deepEqual(lists.plans.test_user, {
      count: plan('count'),
      count_plus: plan('count_plus'),
      scan: plan('scan', [
        scanParameter(['det1', 'motor', 'sim_bundle_A.dets.det_A', 'sim_bundle_A.dets._det_B'], ['count']),
      ]),
      rel_scan: plan('rel_scan'),
    });
    assert.deepEqual(lists.devices.test_user, {
      det1: EXISTING_DEVICES.det1,
      det10: EXISTING_DEVICES.det10,
      motor: EXISTING_DEVICES.motor,
      sim_bundle_A: EXISTING_DEVICES.sim_bundle_A,
    });
    // The existing lists are left as they were.
    assert.deepEqual(
      EXISTING_PLANS.scan.parameters[0],
      scanParameter(ALL_DETS, ['count', 'mv', 'adaptive_scan', '_private']),
    );
  });

  test('without permissions only group root exists, with everything', () => {
    assert.deepEqual(allowedLists(null, EXISTING_PLANS, EXISTING_DEVICES), {
      plans: { root: EXISTING_PLANS },
      devices: { root: EXISTING_DEVICES },
    });
  });

  test('the simulated profile: primary has count and det1, test_user lacks adaptive_scan, det3..5, motor1..3', () => {
    const h = hw();
    const plans: Record<string, unknown> = Object.fromEntries(
      Object.entries(BUILTIN_PLANS).map(([name, spec]) => [name, describePlan(spec)]),
    );
    for (const name of Object.keys(profilePlans(h))) plans[name] = { name, parameters: [] };
    const devices = describeDevices(h);
    const lists = allowedLists(DEFAULT_PERMISSIONS, plans, devices);
    for (const name of ['count', 'scan', 'adaptive_scan', 'marked_up_count'])
      assert.ok(name in lists.plans.primary, name);
    for (const name of ['det1', 'det3', 'motor1']) assert.ok(name in lists.devices.primary, name);
    for (const name of ['count', 'scan', 'rel_scan', 'grid_scan'])
      assert.ok(name in lists.plans.test_user, name);
    for (const name of ['adaptive_scan', 'inner_product_scan', 'mv', 'marked_up_count'])
      assert.ok(!(name in lists.plans.test_user), name);
    for (const name of ['det', 'det1', 'det2', 'motor']) assert.ok(name in lists.devices.test_user, name);
    for (const name of ['det3', 'det4', 'det5', 'motor1', 'motor2', 'motor3', 'noisy_det', 'sig'])
      assert.ok(!(name in lists.devices.test_user), name);
  });
});

describe('functions', () => {
  test('a function must pass root and the group rules, each on its own', () => {
    const cases: [string, boolean, boolean, boolean][] = [
      // name, root, primary, test_user
      ['function_sleep', true, true, true],
      ['not_allowed', true, false, false],
      ['func_for_test_1', true, true, false],
      ['_func_for_test', false, false, false],
      ['clear_buffer', true, false, true],
      ['unit_test_x', true, false, true],
      ['some_element', true, false, true],
      ['_private_element', false, false, false],
    ];
    for (const [name, ...expected] of cases) {
      const got = ['root', 'primary', 'test_user'].map((group) =>
        functionAllowed(DEFAULT_PERMISSIONS, name, group),
      );
      assert.deepEqual(got, expected, name);
    }
    assert.equal(functionAllowed(DEFAULT_PERMISSIONS, 'function_sleep', 'no_such_group'), false);
    assert.equal(functionAllowed(null, 'function_sleep', 'root'), false);
  });
});
