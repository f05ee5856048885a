/**
 * What a worker namespace holds and how it is described, without child processes: plan signatures,
 * discovery of a module's exports, the simulated profile, startup directories (the example, broken
 * and empty ones), dotted sub-devices and the `queueserver:namespace` module.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BUILTIN_PLANS,
  bindPlan,
  definePlan,
  describePlan,
  type Msg,
  msg,
  parseSignature,
  RunEngine,
  SignatureError,
  SynAxis,
  type SyncPlan,
} from '@ophyd-service/run-engine';
import { addExports, describeNamespace, emptyNamespace, findDevice } from '../src/worker/namespace.ts';
import { simProfileNamespace } from '../src/worker/sim-profile.ts';
import { loadStartupDir, StartupError, startupFiles } from '../src/worker/startup-dir.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('../profile/example/', import.meta.url));

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
/** A startup directory outside the repository holding `files`. */
function startupDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qs-startup-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('plan signatures', () => {
  test('kinds, annotations and Python-literal defaults, commas inside brackets and strings included', () => {
    const { name, parameters } = parseSignature(
      "p(a, /, b: dict[str, int], c: float = 0.5, *args: __MOVABLE__, d: str = 'x, y', e={'k': [1, 2]}, **kwargs)",
    );
    assert.equal(name, 'p');
    assert.deepEqual(parameters, [
      { name: 'a', kind: 'POSITIONAL_ONLY' },
      { name: 'b', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'dict[str, int]' },
      { name: 'c', kind: 'POSITIONAL_OR_KEYWORD', annotation: 'float', default: '0.5' },
      { name: 'args', kind: 'VAR_POSITIONAL', annotation: '__MOVABLE__', convert_device_names: true },
      { name: 'd', kind: 'KEYWORD_ONLY', annotation: 'str', default: "'x, y'" },
      { name: 'e', kind: 'KEYWORD_ONLY', default: "{'k': [1, 2]}" },
      { name: 'kwargs', kind: 'VAR_KEYWORD' },
    ]);
    assert.deepEqual(parseSignature('q(*, md=None)').parameters, [
      { name: 'md', kind: 'KEYWORD_ONLY', default: 'None' },
    ]);
  });

  test('signatures Python would reject are rejected when the plan is defined', () => {
    for (const [signature, why] of [
      ['not a signature', /Not a plan signature/],
      ['p(a, a)', /duplicate parameter 'a'/],
      ['p(a=1, b)', /without a default follows/],
      ['p(**kw, a)', /no parameter may follow \*\*kwargs/],
      ['p(*a, *b)', /only one \*args/],
      ['p(1x)', /is not a parameter name/],
    ] as const) {
      assert.throws(
        () => parseSignature(signature),
        (err: Error) => err instanceof SignatureError && why.test(err.message),
      );
    }
    assert.throws(
      () => definePlan('p(a)', function* () {}, { parameters: { b: 'no such' } }),
      /no parameter 'b'/,
    );
  });

  test('a defined plan is described as spec §9.2 says and binds like a built-in', () => {
    const calls: unknown[][] = [];
    const spec = definePlan(
      'two_counts(detectors: collections.abc.Sequence[__READABLE__], num: int = 1, *, md=None)',
      function* (...args: unknown[]): SyncPlan<void> {
        calls.push(args);
        yield msg('null');
      },
      { description: 'Counts twice.', parameters: { num: 'how many' } },
    );
    assert.deepEqual(describePlan(spec), {
      name: 'two_counts',
      properties: { is_generator: true },
      parameters: [
        {
          name: 'detectors',
          kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
          annotation: { type: 'collections.abc.Sequence[__READABLE__]' },
          convert_device_names: true,
        },
        {
          name: 'num',
          kind: { name: 'POSITIONAL_OR_KEYWORD', value: 1 },
          description: 'how many',
          annotation: { type: 'int' },
          default: '1',
        },
        { name: 'md', kind: { name: 'KEYWORD_ONLY', value: 3 }, default: 'None' },
      ],
      module: '__main__',
      description: 'Counts twice.',
    });
    const det = { name: 'det', read: () => ({}), describe: () => ({}) };
    bindPlan(spec, [['det']], { num: 3, md: { a: 1 } }, { det }).next();
    assert.deepEqual(calls, [[[det], 3, { md: { a: 1 } }]]);
  });
});

describe('discovering a module’s exports', () => {
  test('plans, devices, functions and the RE are told apart; other values are only kept', () => {
    const ns = emptyNamespace();
    const motor = new SynAxis({ name: 'm' });
    const RE = new RunEngine();
    class Helper {}
    function* undeclared(a: unknown, b = 'default b'): SyncPlan<void> {
      yield msg('null', null, [a, b]);
    }
    addExports(ns, {
      motor,
      RE,
      undeclared,
      renamed_count: BUILTIN_PLANS.count.plan,
      helper: () => 42,
      Helper,
      gain: 2,
      default: { ignored: true },
    });
    assert.deepEqual(Object.keys(ns.plans).sort(), ['renamed_count', 'undeclared']);
    assert.deepEqual(Object.keys(ns.devices), ['motor']);
    assert.deepEqual(Object.keys(ns.functions), ['helper']);
    assert.equal(ns.RE, RE);
    assert.equal(ns.values.gain, 2);
    assert.equal('default' in ns.values, false);
    assert.deepEqual(describePlan(ns.plans.renamed_count), {
      ...describePlan(BUILTIN_PLANS.count),
      name: 'renamed_count',
    });

    // An undeclared plan takes *args, **kwargs; device names become devices, its defaults still apply.
    const first = bindPlan(ns.plans.undeclared, ['motor'], {}, { motor }).next().value as Msg;
    assert.deepEqual(first.args, [motor, 'default b']);

    // A later export replaces an earlier one of the same name, whatever it was; RE only with updateRe.
    addExports(ns, { motor: () => 'now a function', RE: new RunEngine() }, false);
    assert.equal('motor' in ns.devices, false);
    assert.equal(typeof ns.functions.motor, 'function');
    assert.equal(ns.RE, RE);
  });

  test('dotted names find sub-devices through attributes or a components map', () => {
    const det_A = { name: 'sim_bundle_A_dets_det_A', read: () => ({}), describe: () => ({}) };
    const bundle = {
      name: 'sim_bundle_A',
      read: () => ({}),
      describe: () => ({}),
      hints: { fields: [] },
      components: { dets: { name: 'sim_bundle_A_dets', det_A } },
    };
    const ns = emptyNamespace();
    addExports(ns, { sim_bundle_A: bundle });
    assert.equal(findDevice(ns, 'sim_bundle_A'), bundle);
    assert.equal(findDevice(ns, 'sim_bundle_A.dets.det_A'), det_A);
    assert.equal(findDevice(ns, 'sim_bundle_A.hints'), undefined, 'a plain object is not a device');
    assert.equal(findDevice(ns, 'sim_bundle_A.dets.nothing'), undefined);
    assert.equal(findDevice(ns, 'nothing.dets'), undefined);
  });
});

describe('the simulated profile', () => {
  test('is described without starting anything: bluesky plans, ophyd.sim devices, its functions', () => {
    const ns = simProfileNamespace();
    const { plans_existing, devices_existing } = describeNamespace(ns);
    for (const plan of ['count', 'scan', 'rel_scan', 'list_scan', 'grid_scan', 'mv', 'move_then_count'])
      assert.ok(plan in plans_existing, plan);
    assert.deepEqual(plans_existing.count, describePlan(BUILTIN_PLANS.count));
    assert.equal((devices_existing.det1 as { classname: string }).classname, 'SynGauss');
    assert.equal((devices_existing.motor as { is_movable: boolean }).is_movable, true);
    assert.deepEqual(Object.keys(ns.functions).sort(), [
      'clear_buffer',
      'function_sleep',
      'pop_buffer_element',
      'push_buffer_element',
    ]);
    assert.equal(ns.RE?.state, 'idle');
    assert.equal(
      (findDevice(ns, 'sim_bundle_A.dets.det_A') as { name: string }).name,
      'sim_bundle_A_dets_det_A',
    );
    assert.ok('sim_bundle_A' in devices_existing && 'custom_test_flyer' in devices_existing);
    assert.notEqual(simProfileNamespace().devices.det1, ns.devices.det1, 'each call builds its own devices');
  });
});

describe('startup directories', () => {
  test('a symbolic link to a module counts, as a ConfigMap volume presents its files', async () => {
    const real = startupDir({ 'plans.ts': 'export function double(x: number) { return 2 * x; }\n' });
    const dir = startupDir({});
    symlinkSync(join(real, 'plans.ts'), join(dir, '10-plans.ts'));
    symlinkSync(join(real, 'missing.ts'), join(dir, '20-dangling.ts'));
    assert.deepEqual(await startupFiles(dir), [join(dir, '10-plans.ts')]);
    const ns = await loadStartupDir(dir);
    assert.equal(typeof ns.functions.double, 'function');
  });

  test('the example loads into one namespace: the RE, devices, re-exported and declared plans', async () => {
    const ns = await loadStartupDir(EXAMPLE_DIR);
    assert.ok(ns.RE instanceof RunEngine);
    assert.deepEqual(Object.keys(ns.devices).sort(), [
      'det_edge',
      'det_pinhole',
      'det_spot',
      'edge_motor',
      'ph_motor',
      'ring_current',
      'sample_x',
      'sample_y',
    ]);
    const { plans_existing } = describeNamespace(ns);
    assert.deepEqual(plans_existing.scan, describePlan(BUILTIN_PLANS.scan));
    const dwell = plans_existing.dwell_scan as { parameters: { name: string; default?: string }[] };
    assert.deepEqual(
      dwell.parameters.map((p) => [p.name, p.default]),
      [
        ['detectors', undefined],
        ['motor', undefined],
        ['start', undefined],
        ['stop', undefined],
        ['num', undefined],
        ['dwell', '0.5'],
        ['md', 'None'],
      ],
    );
    const plan_sleep = plans_existing.plan_sleep as { parameters: { kind: { name: string } }[] };
    assert.deepEqual(
      plan_sleep.parameters.map((p) => p.kind.name),
      ['VAR_POSITIONAL', 'VAR_KEYWORD'],
    );
  });

  test('files load in path order, later ones importing earlier names from queueserver:namespace', async () => {
    const dir = startupDir({
      '20-uses.ts':
        "import { gain } from 'queueserver:namespace';\nexport const doubled: number = gain * 2;\n",
      '10-defines.mjs': 'export const gain = 21;\n',
      'README.md': 'not a startup file',
      'types.d.ts': 'export type T = number;\n',
      '30-plans.js': "import { count } from '@ophyd-service/run-engine';\nexport { count };\n",
    });
    const ns = await loadStartupDir(dir);
    assert.equal(ns.values.doubled, 42);
    assert.ok('count' in ns.plans, 'packages resolve from outside the repository');
    assert.equal(ns.RE, undefined);
  });

  test('a failing file, an empty or a missing directory fail with a message naming it', async () => {
    const broken = startupDir({ '00-fine.ts': 'export const a = 1;\n', '10-bad.ts': 'export const b = ;\n' });
    await assert.rejects(
      loadStartupDir(broken),
      (err: StartupError) =>
        err instanceof StartupError &&
        err.message.includes(join(broken, '10-bad.ts')) &&
        err.traceback.length > 0,
    );
    const empty = startupDir({ 'notes.txt': 'nothing to load' });
    await assert.rejects(loadStartupDir(empty), new RegExp(`No startup files .* '${empty}'`));
    await assert.rejects(loadStartupDir(join(empty, 'missing')), /can not be read/);
  });
});
