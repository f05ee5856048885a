/** The CA client's environment and the registry's timeouts, from direct control's configuration. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { readConfig } from '../src/config.ts';
import { caEnvironment } from '../src/main.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';
import { RegistryUnavailable } from '../src/registry/provider.ts';

describe("direct control's CA environment", () => {
  it('raises the array limit to 16 MB when unset, and an explicit value wins', () => {
    const config = readConfig({});
    assert.equal(caEnvironment(config, {}).EPICS_CA_MAX_ARRAY_BYTES, '16777216');
    assert.equal(
      caEnvironment(config, { EPICS_CA_MAX_ARRAY_BYTES: '20000' }).EPICS_CA_MAX_ARRAY_BYTES,
      '20000',
    );
  });

  it('applies the service-prefixed address lists over the plain ones, and never defaults them', () => {
    const env = { EPICS_CA_ADDR_LIST: '10.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'YES' };
    const plain = caEnvironment(readConfig({}), env);
    assert.deepEqual([plain.EPICS_CA_ADDR_LIST, plain.EPICS_CA_AUTO_ADDR_LIST], ['10.0.0.1', 'YES']);
    const overridden = caEnvironment(
      readConfig({
        DIRECT_CONTROL_EPICS_CA_ADDR_LIST: '127.0.0.1',
        DIRECT_CONTROL_EPICS_CA_AUTO_ADDR_LIST: 'no',
      }),
      env,
    );
    assert.deepEqual(
      [overridden.EPICS_CA_ADDR_LIST, overridden.EPICS_CA_AUTO_ADDR_LIST],
      ['127.0.0.1', 'NO'],
    );
    assert.equal(caEnvironment(readConfig({}), {}).EPICS_CA_AUTO_ADDR_LIST, undefined);
  });

  it('bounds lock-status lookups by DIRECT_CONTROL_COORDINATION_TIMEOUT', { timeout: 15_000 }, async (t) => {
    // A registry that never answers: the status lookup must give up on its own (short) timeout,
    // long before the minute the other lookups may take (this test's own timeout is the bound).
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    const config = readConfig({ DIRECT_CONTROL_COORDINATION_TIMEOUT: '0.3' });
    const registry = new HttpRegistry({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 60_000,
      statusTimeoutMs: config.DIRECT_CONTROL_COORDINATION_TIMEOUT * 1000,
    });
    await assert.rejects(registry.status('motor_ph'), RegistryUnavailable);
  });
});
