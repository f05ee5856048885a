/**
 * `ophyd-service configuration export`, offline: what it writes is what the service's export
 * endpoint serves, first from the profile (nothing stored yet), then from the store the service
 * keeps, runtime changes included; and it never writes to that store.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCatalog } from '@ophyd-service/devices';
import { createLogger } from '@ophyd-service/service-kit';
import { parse as parseYaml } from 'yaml';
import { BIN, killStarted, run } from '../../../cli/test/process.ts';
import { type ConfigurationService, createConfigurationService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { openStore } from '../src/store/mikro-store.ts';

const SEED = join(import.meta.dirname, '../../../integration/seed/happi_db.json');
const seedCount = Object.keys(JSON.parse(readFileSync(SEED, 'utf8'))).length;
const dataDir = mkdtempSync(join(tmpdir(), 'config-export-'));
/** The service's settings, shared by the exports and the service: the seed, and SQLite in dataDir. */
const ENV = {
  CONFIG_LOAD_STRATEGY: 'happi',
  CONFIG_PROFILE_PATH: SEED,
  OPHYD_SERVICE_DATA_DIR: dataDir,
  CONFIG_DATABASE_URL: undefined,
  CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: undefined,
  CONFIG_USE_MOCK_DATA: undefined,
};

after(() => {
  killStarted();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the export with `args`; resolves to its stdout text and stderr lines once it exited 0. */
async function exportRegistry(args: string[], env: NodeJS.ProcessEnv = ENV) {
  const cli = run(BIN, ['configuration', 'export', ...args], env);
  const exit = await cli.exit();
  assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
  return { stdout: cli.stdout.map((line) => `${line}\n`).join(''), stderr: cli.stderr };
}

const happiFile = join(dataDir, 'export.json');
const bitsFile = join(dataDir, 'export.yaml');

describe('configuration export', () => {
  let service: ConfigurationService;
  let base: string;
  let fromProfile: string;
  const served = async (format: string) => {
    const res = await fetch(`${base}/api/v1/registry/export?format=${format}`);
    assert.equal(res.status, 200);
    return format === 'happi' ? res.json() : res.text();
  };

  before(async () => {
    // Before the service has ever run: nothing stored, so the export reads the profile.
    const { stderr } = await exportRegistry(['--format', 'happi', '-o', happiFile]);
    assert.deepEqual(stderr, [`exported ${seedCount} devices (happi) to ${happiFile}`]);
    assert.equal(existsSync(join(dataDir, 'configuration.db')), false, 'the export created no database');
    fromProfile = readFileSync(happiFile, 'utf8');
    // Then the service, as `ophyd-service configuration` runs it on these settings.
    const config = readConfig({ ...ENV, CONFIG_HOST: '127.0.0.1' } as NodeJS.ProcessEnv);
    const store = await openStore(`sqlite:///${join(dataDir, 'configuration.db')}`);
    service = await createConfigurationService({
      config,
      store,
      catalog: createCatalog(),
      logger: createLogger('configuration_service', 'silent'),
    });
    base = (await service.listen(0, '127.0.0.1')).url;
  });
  after(() => service?.close());

  it('wrote from the profile what the service serves once it has seeded from it', async () => {
    assert.deepEqual(JSON.parse(fromProfile), await served('happi'));
  });

  it('pretty-prints happi JSON with sorted keys and a trailing newline, as the reference', () => {
    const parsed = JSON.parse(fromProfile) as Record<string, Record<string, unknown>>;
    const names = Object.keys(parsed);
    assert.deepEqual(names, [...names].sort());
    for (const entry of Object.values(parsed)) {
      const keys = Object.keys(entry);
      assert.deepEqual(keys, [...keys].sort());
    }
    assert.match(fromProfile, /^\{\n {2}"[^"]+": \{\n {4}"_id": /);
    assert.ok(fromProfile.endsWith('}\n'));
    const seed = JSON.parse(readFileSync(SEED, 'utf8'));
    assert.equal(parsed.beam_current.device_class, seed.beam_current.device_class);
  });

  it('reads the store the service keeps, with the changes made at run time', async () => {
    const device = {
      metadata: {
        name: 'export_probe',
        device_label: 'signal',
        ophyd_class: 'EpicsSignal',
        pvs: { value: 'x:1' },
      },
      instantiation_spec: { name: 'export_probe', device_class: 'ophyd.EpicsSignal', args: ['x:1'] },
    };
    const created = await fetch(`${base}/api/v1/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(device),
    });
    assert.equal(created.status, 201);
    assert.equal((await fetch(`${base}/api/v1/devices/motor_ph`, { method: 'DELETE' })).status, 200);
    // A profile that would fail to load shows the export does not read it once the store is seeded.
    const { stdout } = await exportRegistry([], { ...ENV, CONFIG_PROFILE_PATH: join(dataDir, 'missing') });
    const exported = JSON.parse(stdout) as Record<string, { args: unknown[] }>;
    assert.deepEqual(exported, await served('happi'));
    assert.equal(exported.export_probe.args[0], 'x:1');
    assert.equal(exported.motor_ph, undefined);
  });

  it('writes BITS YAML exactly as the service serves it', async () => {
    const { stderr } = await exportRegistry(['--format', 'bits', '--output', bitsFile]);
    // One device added and one deleted since the seed.
    assert.deepEqual(stderr, [`exported ${seedCount} devices (bits) to ${bitsFile}`]);
    const text = readFileSync(bitsFile, 'utf8');
    assert.equal(text, await served('bits'));
    const groups = parseYaml(text) as Record<string, { name: string }[]>;
    assert.ok(groups['ophyd.EpicsSignal'].some((entry) => entry.name === 'export_probe'));
  });

  it('refuses a strategy that needs a profile without one, naming --profile-path (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'config-export-empty-'));
    try {
      const cli = run(BIN, ['configuration', 'export'], {
        ...ENV,
        OPHYD_SERVICE_DATA_DIR: empty,
        CONFIG_PROFILE_PATH: undefined,
      });
      assert.deepEqual(await cli.exit(), { code: 2, signal: null }, cli.output());
      assert.equal(cli.stderr.length, 1, cli.output());
      assert.match(cli.stderr[0], /the happi strategy reads a profile: give --profile-path/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
