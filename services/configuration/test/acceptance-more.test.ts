/** More of spec §6.2: the class allowlist (6), leases (22) and shared-PV ownership (23). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startConfiguration } from './harness.ts';

const device = (name: string, pvs: Record<string, string>, deviceClass = 'ophyd.EpicsSignal') => ({
  metadata: { name, device_label: 'signal', ophyd_class: deviceClass.split('.').at(-1), pvs },
  instantiation_spec: { name, device_class: deviceClass, args: [Object.values(pvs)[0] ?? 'X:'] },
});

describe('configuration service, more acceptance checks', { concurrency: 1 }, () => {
  it('6. refuses classes outside the allowlist on create, update and resolve', async () => {
    const h = await startConfiguration({ CONFIG_DEVICE_CLASS_ALLOWLIST: '["ophyd."]' });
    try {
      const create = await h.send('POST', '/api/v1/devices', device('evil', { x: 'E:1' }, 'os.system'));
      assert.equal(create.status, 422);
      assert.match(JSON.stringify(await create.json()), /allowlist/);
      const put = await h.send('PUT', '/api/v1/devices/det1', {
        instantiation_spec: { device_class: 'subprocess.Popen' },
      });
      assert.equal(put.status, 422);
      const { resolved } = (await (
        await h.send('POST', '/api/v1/devices/resolve', { addresses: ['sample_x.user_setpoint'] })
      ).json()) as any;
      assert.equal(resolved[0].ok, true, 'mock devices still resolve');
    } finally {
      await h.close();
    }
    // A device stored before the allowlist was set resolves as import_failed.
    const open = await startConfiguration();
    await open.send('POST', '/api/v1/devices', device('legacy', { x: 'L:1' }, 'site.Legacy'));
    await open.close();
    const strict = await startConfiguration(
      { CONFIG_DEVICE_CLASS_ALLOWLIST: '["ophyd."]' },
      open.databaseUrl,
    );
    try {
      const { resolved } = (await (
        await strict.send('POST', '/api/v1/devices/resolve', { addresses: ['legacy.x'] })
      ).json()) as any;
      assert.equal(resolved[0].outcome, 'import_failed');
      assert.match(resolved[0].message, /allowlist/);
    } finally {
      await strict.close();
    }
  });

  it('22. leases lapse without renewal, renewals keep them, and a lapsed lock is free for others', async () => {
    // Leases run on a clock the test moves: lapsing is a matter of the clock, not of waiting.
    let now = Date.parse('2025-01-01T00:00:00Z');
    const h = await startConfiguration({ CONFIG_LOCK_LEASE_TTL_SECONDS: '0.5' }, undefined, {
      now: () => now,
    });
    const status = async (name: string) => h.json(`/api/v1/devices/${name}/status`);
    try {
      const lock = (await (
        await h.send('POST', '/api/v1/devices/lock', {
          device_names: ['sample_x'],
          item_id: 'a',
          plan_name: 'p',
        })
      ).json()) as any;
      assert.equal(lock.expires_at, '2025-01-01T00:00:00.500Z');
      assert.equal(lock.lease_ttl_seconds, 0.5);
      now += 499;
      assert.equal((await status('sample_x')).available, false, 'held until its lease ends');
      now += 1;
      assert.equal((await status('sample_x')).available, true, 'lapsed at 0.5 s');
      const renew = (await (
        await h.send('POST', '/api/v1/devices/lock/renew', { device_names: ['sample_x'], item_id: 'a' })
      ).json()) as any;
      assert.deepEqual([renew.success, renew.lost_devices], [false, ['sample_x']]);
      assert.equal(
        (
          await h.send('POST', '/api/v1/devices/unlock', {
            device_names: ['sample_x'],
            item_id: 'someone-else',
          })
        ).status,
        200,
        'a lapsed lock does not 403',
      );
      await h.send('POST', '/api/v1/devices/lock', { device_names: ['det1'], item_id: 'b', plan_name: 'p' });
      const byOther = (await (
        await h.send('POST', '/api/v1/devices/lock/renew', { device_names: ['det1'], item_id: 'c' })
      ).json()) as any;
      assert.deepEqual(byOther.conflict_devices, ['det1']);
      // Renewed every 0.4 s for 1.6 s: four times its lease, held throughout.
      for (let i = 0; i < 4; i++) {
        const r = (await (
          await h.send('POST', '/api/v1/devices/lock/renew', { device_names: ['det1'], item_id: 'b' })
        ).json()) as any;
        assert.deepEqual(r.renewed_devices, ['det1']);
        assert.equal(r.expires_at, new Date(now + 500).toISOString());
        assert.equal((await status('det1')).locked_until, r.expires_at);
        now += 400;
        assert.equal((await status('det1')).available, false, 'kept by renewals');
      }
      now += 100;
      assert.equal((await status('det1')).available, true, 'lapsed 0.5 s after the last renewal');
    } finally {
      await h.close();
    }
    const other = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    const epochs = [(await other.json('/api/v1/devices/sample_x/status')).lock_epoch];
    await other.close();
    const again = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    epochs.push((await again.json('/api/v1/devices/sample_x/status')).lock_epoch);
    await again.close();
    assert.notEqual(epochs[0], epochs[1], 'each process has its own lock epoch');
  });

  it('23. moves a shared PV to another owner, back to standalone, or out, as owners go', async () => {
    const h = await startConfiguration();
    try {
      const owner = async (pv: string) =>
        (await h.get(`/api/v1/pvs/status?pv_name=${pv}`)).status === 404
          ? 'gone'
          : (await h.json(`/api/v1/pvs/status?pv_name=${pv}`)).device_name;
      await h.send('POST', '/api/v1/devices', device('older', { readback: 'SH:1' }));
      await h.send('POST', '/api/v1/devices', device('newer', { readback: 'SH:1' }));
      assert.equal(await owner('SH:1'), 'newer', 'the newest registrant owns a shared PV');
      await h.send('DELETE', '/api/v1/devices/newer');
      assert.equal(await owner('SH:1'), 'older');
      await h.send('POST', '/api/v1/pvs', { pv_name: 'ST:1' });
      await h.send('POST', '/api/v1/devices', device('claimer', { readback: 'ST:1' }));
      assert.equal(await owner('ST:1'), 'claimer');
      await h.send('DELETE', '/api/v1/devices/claimer');
      assert.equal(await owner('ST:1'), null, 'back to standalone');
      assert.equal((await h.json('/api/v1/pvs/status?pv_name=ST:1')).available, true);
      await h.send('POST', '/api/v1/pvs', { pv_name: 'ST:2' });
      await h.send('POST', '/api/v1/devices', device('keeper', { readback: 'ST:2' }));
      await h.send('DELETE', '/api/v1/pvs/standalone/ST:2');
      assert.equal(
        await owner('ST:2'),
        'keeper',
        'dropping the standalone registration keeps the device owner',
      );
      await h.send('DELETE', '/api/v1/devices/older');
      assert.equal(await owner('SH:1'), 'gone');
      await h.send('PUT', '/api/v1/devices/keeper', { metadata: { pvs: { readback: 'OTHER:1' } } });
      assert.equal(await owner('ST:2'), 'gone', 'an update that drops a PV releases it');
      assert.equal(await owner('OTHER:1'), 'keeper');
    } finally {
      await h.close();
    }
  });
});
