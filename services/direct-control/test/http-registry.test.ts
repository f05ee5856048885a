import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';
import { RegistryUnavailable } from '../src/registry/provider.ts';

describe('registry client over HTTP, against the real configuration service', () => {
  it('answers existence, owners, specs and live lock status, caching all but the status', async (t) => {
    const config = await startConfiguration();
    t.after(() => config.close());
    let clock = 0;
    const registry = new HttpRegistry({ baseUrl: config.url, cacheTtlMs: 300, now: () => clock });
    assert.equal(await registry.pvExists('BL01:SAMPLE:X.RBV'), true);
    assert.equal(await registry.pvOwner('BL01:SAMPLE:X.RBV'), 'sample_x');
    assert.equal(await registry.pvExists('NOPE:1'), false);
    assert.equal(await registry.deviceExists('det1'), true);
    assert.equal(await registry.deviceExists('ghost'), false);
    assert.deepEqual((await registry.spec('sample_x'))?.args, ['BL01:SAMPLE:X']);
    assert.equal(await registry.spec('ghost'), null);
    assert.deepEqual(Object.keys((await registry.componentMap('sample_x')) ?? {}), [
      'user_readback',
      'user_setpoint',
      'velocity',
    ]);
    assert.equal(await registry.componentMap('ghost'), null);

    // A negative answer is cached for the TTL, then the new PV is seen.
    await config.send('POST', '/api/v1/pvs', { pv_name: 'NOPE:1' });
    clock += 299;
    assert.equal(await registry.pvExists('NOPE:1'), false, 'cached negative');
    clock += 1;
    assert.equal(await registry.pvExists('NOPE:1'), true, 'seen after the TTL');

    // Lock status is live.
    assert.equal((await registry.status('sample_x'))?.locked, false);
    await config.send('POST', '/api/v1/devices/lock', {
      device_names: ['sample_x'],
      item_id: 'i',
      plan_name: 'count',
    });
    const locked = await registry.status('sample_x');
    assert.deepEqual([locked?.locked, locked?.available, locked?.lockedByPlan], [true, false, 'count']);
    assert.equal(await registry.status('ghost'), null);

    await registry.reportHealth('BL01:SAMPLE:X.RBV', false, 'write timed out');
    assert.equal(
      (await config.json('/api/v1/pvs/BL01:SAMPLE:X.RBV/health')).last_failure_message,
      'write timed out',
    );
  });

  it('serves cached answers when the service is down and reports an outage (never "not found") otherwise', async () => {
    const config = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    const registry = new HttpRegistry({ baseUrl: config.url, timeoutMs: 60_000 });
    assert.equal(await registry.pvExists('BL01:DET1:CNT'), true);
    await config.close();
    assert.equal(await registry.pvExists('BL01:DET1:CNT'), true, 'cached');
    await assert.rejects(registry.pvExists('BL01:CAM1:image1:ArrayData'), RegistryUnavailable);
    await assert.rejects(
      registry.status('det1'),
      (err: unknown) => err instanceof RegistryUnavailable && /unreachable/.test((err as Error).message),
    );
    await registry.reportHealth('BL01:DET1:CNT', true); // best effort: no throw
  });
});
