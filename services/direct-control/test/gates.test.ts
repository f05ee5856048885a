import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pv } from '@ophyd-service/epics-ca';
import { clientFor, startServer } from '../../../packages/epics-ca/test/loopback.ts';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { checkLimits, GateRefusal, gateForPv } from '../src/gates.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';

const refusedWith = (status: number, pattern: RegExp) => (err: unknown) =>
  err instanceof GateRefusal && err.status === status && pattern.test(err.message);

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

  it('refuses numbers outside control limits, inclusive, and fails open', async (t) => {
    const server = await startServer({
      pvs: [
        pv.double('g:limited', 0, { limits: { controlLow: -5, controlHigh: 5 } }),
        pv.double('g:upper', 0, { limits: { controlHigh: 10 } }),
        pv.double('g:none', 0),
      ],
    });
    const client = clientFor(server);
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    await checkLimits(client, 'g:limited', 5);
    await checkLimits(client, 'g:limited', -5);
    await assert.rejects(
      checkLimits(client, 'g:limited', 5.01),
      refusedWith(422, /outside its control limits \[-5, 5\]/),
    );
    await assert.rejects(checkLimits(client, 'g:upper', 11), refusedWith(422, /\[0, 10\]/));
    await checkLimits(client, 'g:none', 1e9); // 0/0 means no limits
    await checkLimits(client, 'g:limited', 'not a number');
    await checkLimits(client, 'g:missing', 1e9, 200); // cannot read limits: the write goes on
  });
});
