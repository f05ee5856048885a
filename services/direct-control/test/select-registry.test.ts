import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { readConfig } from '../src/config.ts';
import { selectRegistry } from '../src/registry/select.ts';

const file = join(import.meta.dirname, 'fixtures', 'registry.yaml');
const nobody = 'http://127.0.0.1:9'; // discard port: nothing answers HTTP there
const quick = {
  DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_TIMEOUT: '0.3',
  DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE_INTERVAL: '0.1',
};

describe('registry selection at start-up', () => {
  it('auto takes the configuration service when it answers', async () => {
    const config = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    try {
      const registry = await selectRegistry(
        readConfig({
          DIRECT_CONTROL_REGISTRY_BACKEND: 'auto',
          DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url,
          DIRECT_CONTROL_REGISTRY_FILE_PATH: file,
        }),
      );
      assert.equal(registry.kind, 'http');
    } finally {
      await config.close();
    }
  });

  it('auto falls back to the file when the service does not answer in the window, and says so', async () => {
    const said: string[] = [];
    const registry = await selectRegistry(
      readConfig({
        DIRECT_CONTROL_REGISTRY_BACKEND: 'auto',
        DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: nobody,
        DIRECT_CONTROL_REGISTRY_FILE_PATH: file,
        ...quick,
      }),
      (m) => said.push(m),
    );
    assert.equal(registry.kind, 'file');
    assert.match(said[0], /not reachable .*using the registry file/);
  });

  it('fails start-up with the reason when nothing answers and there is no fallback', async () => {
    await assert.rejects(
      selectRegistry(
        readConfig({
          DIRECT_CONTROL_REGISTRY_BACKEND: 'auto',
          DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: nobody,
          ...quick,
        }),
      ),
      /not reachable after 0.3 s: cannot reach configuration_service \/health.*DIRECT_CONTROL_REGISTRY_FILE_PATH/,
    );
    await assert.rejects(
      selectRegistry(readConfig({ DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: nobody, ...quick })),
      /DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE=false/,
    );
    const unprobed = await selectRegistry(
      readConfig({
        DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: nobody,
        DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE: 'false',
      }),
    );
    assert.equal(unprobed.kind, 'http', 'with the probe off, http starts without checking');
  });
});
