import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@ophyd-service/service-kit';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { gateForPv } from '../src/operations/gates.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';

const refusedWith = (status: number, pattern: RegExp) => (err: unknown) =>
  err instanceof DomainError && err.status === status && pattern.test(err.message);

describe('write gates', () => {
  it('lets writes through to available devices and refuses locked (423), disabled (409) and unreachable (503)', async (t) => {
    const config = await startConfiguration();
    t.after(() => config.close());
    const registry = new HttpRegistry({ baseUrl: config.url, timeoutMs: 1000 });
    await gateForPv(registry, 'BL01:SAMPLE:X', true);
    await gateForPv(registry, 'NOT:OWNED', true); // no owner: checked as a device of that name, unknown ⇒ available
    await config.send('POST', '/api/v1/devices/lock', {
      device_names: ['sample_x'],
      item_id: 'i',
      plan_name: 'count',
    });
    await assert.rejects(
      gateForPv(registry, 'BL01:SAMPLE:X', true),
      refusedWith(423, /locked by plan 'count'/),
    );
    await gateForPv(registry, 'BL01:SAMPLE:X', false); // coordination off
    await config.send('PATCH', '/api/v1/devices/det1/disable');
    await assert.rejects(gateForPv(registry, 'BL01:DET1:CNT', true), refusedWith(409, /disabled/));
    await config.close();
    await assert.rejects(
      gateForPv(registry, 'BL01:CAM1:image1:ArrayData', true),
      refusedWith(503, /Coordination check failed/),
    );
  });
});
