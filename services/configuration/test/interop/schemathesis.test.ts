/**
 * Issue 18: schemathesis against the configuration service's published OpenAPI document, writes
 * included (creates, updates, deletes, locks, registry clear and reset) on a throwaway SQLite-backed
 * service seeded from the happi file: no 5xx, every status, content type and body as documented.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Harness, startConfiguration } from '../harness.ts';
import { documentedOperations, fuzz, requireSchemathesis } from './schemathesis.ts';

const seed = join(import.meta.dirname, '../../../../integration/seed/happi_db.json');

describe('schemathesis against the configuration service', () => {
  let h: Harness;
  before(async () => {
    requireSchemathesis();
    h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: seed });
  });
  after(() => h?.close());

  it('finds no 5xx and no response outside the document, writes included', async () => {
    const devices = await h.json<string[]>('/api/v1/devices');
    const { pvs } = await h.json<{ pvs: string[] }>('/api/v1/pvs');
    const componentPaths = (
      await Promise.all(
        devices.map((d) => h.json<{ device_path: string }[]>(`/api/v1/devices/${d}/components`)),
      )
    ).flatMap((components) => components.map((c) => c.device_path));
    assert.ok(devices.length > 0 && pvs.length > 0 && componentPaths.length > 0, 'the seed loaded');

    // Registry names half the time, so requests reach past "not found"; anything else the rest.
    const named = (dictionary: string) => ({ dictionary, probability: 0.5 });
    const run = await fuzz(h.url, {
      maxExamples: 40,
      seed: 18,
      requestTimeoutS: 30,
      dictionaries: { devices, pvs, component_paths: componentPaths },
      bindings: {
        'path.device_name': named('devices'),
        'query.device_name': named('devices'),
        'body.device_names[*]': named('devices'),
        'path.device_path': named('component_paths'),
        'body.addresses[*]': named('component_paths'),
        'path.pv_name': named('pvs'),
        'query.pv_name': named('pvs'),
        'body.pv_name': named('pvs'),
      },
    });
    console.log(`configuration service: ${run.summary}`);
    assert.equal(run.exitCode, 0, run.report);
    assert.equal(run.operationsTested, (await documentedOperations(h.url)).length, run.report);
  });
});
