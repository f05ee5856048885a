import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileRegistry, RegistryFileError } from '../src/registry/file-registry.ts';

describe('file registry (standalone mode)', () => {
  it('answers from the file: devices, owners, standalone PVs and specs, with no lock concept', async () => {
    const registry = FileRegistry.load(join(import.meta.dirname, 'fixtures/registry.yaml'));
    assert.equal(await registry.pvExists('mini:current'), true);
    assert.equal(await registry.pvExists('mini:ph:mtr'), false, 'deliberately absent');
    assert.equal(await registry.pvOwner('mini:ph:exp'), 'pinhole');
    assert.equal(await registry.pvOwner('mini:dot:exp'), null, 'standalone');
    assert.deepEqual(await registry.componentMap('pinhole'), {
      'mini:ph:det': 'mini:ph:det',
      'mini:ph:exp': 'mini:ph:exp',
    });
    assert.equal(await registry.componentMap('ghost'), null);
    assert.deepEqual(await registry.spec('pinhole'), {
      name: 'pinhole',
      device_class: 'localdevs.Det',
      args: ['mini:ph'],
      kwargs: {},
      active: true,
      framework: 'ophyd-sync',
    });
    assert.equal(await registry.spec('slit_det'), null, 'no class: device-level calls will be refused');
    assert.equal(await registry.status('pinhole'), null);
  });

  it('refuses a bad file, naming the file and the entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const cases: [string, string, RegExp][] = [
      ['top.json', '[1]', /top level/],
      ['pvs.json', '{"devices":[{"name":"a","pvs":"X:1"}]}', /device 'a'.*"pvs" must be a list/],
      [
        'dup.json',
        '{"devices":[{"name":"a","pvs":["X:1"]},{"name":"b","pvs":["X:1"]}]}',
        /device 'b'.*listed twice/,
      ],
      ['dupname.json', '{"devices":[{"name":"a"},{"name":"a"}]}', /devices\[1\].*listed twice/],
      ['args.json', '{"devices":[{"name":"a","args":[]}]}', /"args" needs "device_class"/],
      ['dot.json', '{"devices":[{"name":"a","device_class":"Motor"}]}', /dotted/],
      ['fw.json', '{"devices":[{"name":"a","device_class":"x.Y","framework":"pyepics"}]}', /framework/],
      [
        'standalone.json',
        '{"devices":[{"name":"a","pvs":["X:1"]}],"standalone_pvs":["X:1"]}',
        /standalone_pvs\[0\].*listed twice/,
      ],
      ['ext.txt', '{}', /must end in/],
    ];
    for (const [name, text, pattern] of cases) {
      const path = join(dir, name);
      await writeFile(path, text);
      assert.throws(
        () => FileRegistry.load(path),
        (err: unknown) =>
          err instanceof RegistryFileError && err.message.includes(path) && pattern.test(err.message),
        name,
      );
    }
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '{"devices":[]}');
    assert.equal(await FileRegistry.load(empty).pvExists('X'), false);
  });
});
