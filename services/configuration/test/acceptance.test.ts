/**
 * The acceptance checks of spec §6.2, black-box over HTTP against the real service on SQLite
 * (and, in test:interop, on PostgreSQL through TEST_DATABASE_URL_OVERRIDE).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startConfiguration } from './harness.ts';

const motor = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: {
    name,
    device_label: 'motor',
    ophyd_class: 'EpicsMotor',
    is_movable: true,
    is_readable: true,
    pvs: { user_setpoint: `BL02:${name}` },
    ...extra,
  },
  instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [`BL02:${name}`], kwargs: { name } },
});

// One service database at a time: on a shared PostgreSQL the suites must not interleave.
describe('configuration service', { concurrency: 1 }, () => {
  describe('configuration service acceptance (§6.2)', () => {
    let h: Harness;
    before(async () => {
      h = await startConfiguration();
    });
    after(() => h.close());

    it('1. boots with the mock registry', async () => {
      assert.deepEqual(await h.json('/health'), {
        status: 'healthy',
        service: 'configuration_service',
        devices_loaded: 3,
      });
      assert.deepEqual(await h.json('/ready'), { status: 'ready' });
      assert.deepEqual(await h.json('/api/v1/devices'), ['cam1', 'det1', 'sample_x']);
    });

    it('2. filters devices', async () => {
      const cases: [string, string[]][] = [
        ['movable=true', ['sample_x']],
        ['readable=true', ['cam1', 'det1', 'sample_x']],
        ['flyable=true', []],
        ['device_label=detector&readable=true', ['cam1', 'det1']],
        ['ophyd_class=EpicsMotor&device_label=detector', []],
        ['ophyd_class=SynAxis', []],
        ['pattern=det*', ['det1']],
      ];
      for (const [query, expected] of cases)
        assert.deepEqual(await h.json(`/api/v1/devices?${query}`), expected, query);
      assert.equal((await h.get('/api/v1/devices?readable=perhaps')).status, 422);
      assert.equal((await h.get('/api/v1/devices?device_label=robot')).status, 422);
    });

    it('3. names the unknown device in every 404', async () => {
      const paths: [string, string][] = [
        ['GET', '/api/v1/devices/ghost'],
        ['GET', '/api/v1/devices/ghost/pvs'],
        ['GET', '/api/v1/devices/ghost/status'],
        ['GET', '/api/v1/devices/ghost/instantiation'],
        ['GET', '/api/v1/devices/ghost/components'],
        ['GET', '/api/v1/devices/ghost.x/component'],
        ['PATCH', '/api/v1/devices/ghost/enable'],
        ['PATCH', '/api/v1/devices/ghost/disable'],
        ['DELETE', '/api/v1/devices/ghost'],
      ];
      for (const [method, path] of paths) {
        const res = await h.send(method, path);
        assert.equal(res.status, 404, path);
        assert.match(((await res.json()) as { detail: string }).detail, /ghost/, path);
      }
      const put = await h.send('PUT', '/api/v1/devices/ghost', {});
      assert.equal(put.status, 404);
    });

    it('4. creates a device; duplicates are 409, mismatched names 400', async () => {
      const created = await h.send('POST', '/api/v1/devices', motor('new_motor'));
      assert.equal(created.status, 201);
      assert.deepEqual(await created.json(), {
        success: true,
        device_name: 'new_motor',
        operation: 'create',
        message: "Device 'new_motor' created successfully",
      });
      assert.ok(((await h.json('/api/v1/devices')) as string[]).includes('new_motor'));
      assert.equal((await h.json('/api/v1/devices/new_motor')).ophyd_class, 'EpicsMotor');
      assert.equal((await h.send('POST', '/api/v1/devices', motor('sample_x'))).status, 409);
      const mismatch = motor('m_a');
      mismatch.instantiation_spec.name = 'm_b';
      assert.equal((await h.send('POST', '/api/v1/devices', mismatch)).status, 400);
    });

    it('5. validates names, PVs, labels and frameworks', async () => {
      for (const name of ['', ' ', 'with space', 'a/b', 'tab\tname']) {
        assert.equal(
          (await h.send('POST', '/api/v1/devices', motor(name))).status,
          422,
          JSON.stringify(name),
        );
      }
      for (const pv of ['', 'pv with space', 'pv\u0000nul']) {
        const body = motor('pv_check', { pvs: { readback: pv } });
        assert.equal((await h.send('POST', '/api/v1/devices', body)).status, 422, JSON.stringify(pv));
        assert.equal(
          (await h.send('PUT', '/api/v1/devices/sample_x', { metadata: { pvs: { readback: pv } } })).status,
          422,
          JSON.stringify(pv),
        );
      }
      assert.equal(
        (await h.send('POST', '/api/v1/devices', motor('lbl', { device_label: 'robot' }))).status,
        422,
      );
      const framework = motor('fw');
      (framework.instantiation_spec as Record<string, unknown>).framework = 'pyepics';
      assert.equal((await h.send('POST', '/api/v1/devices', framework)).status, 422);
      const ok = motor('XF:23ID2-OP', { pvs: { readback: 'XF:23ID2-OP{Mono}Enrgy-SP' } });
      assert.equal((await h.send('POST', '/api/v1/devices', ok)).status, 201);
    });

    it('7. applies partial updates to the sent keys only', async () => {
      const before = await h.json('/api/v1/devices/det1');
      assert.equal(
        (await h.send('PUT', '/api/v1/devices/det1', { metadata: { documentation: 'scaler' } })).status,
        200,
      );
      assert.deepEqual(await h.json('/api/v1/devices/det1'), { ...before, documentation: 'scaler' });
      assert.equal((await h.send('PUT', '/api/v1/devices/det1', {})).status, 200);
      assert.deepEqual(await h.json('/api/v1/devices/det1'), { ...before, documentation: 'scaler' });
      const badLabel = await h.send('PUT', '/api/v1/devices/det1', { metadata: { device_label: null } });
      assert.equal(badLabel.status, 422);
      assert.match(((await badLabel.json()) as { detail: string }).detail, /Invalid metadata update/);
      const badClass = await h.send('PUT', '/api/v1/devices/det1', {
        instantiation_spec: { device_class: null },
      });
      assert.equal(badClass.status, 422);
      assert.match(
        ((await badClass.json()) as { detail: string }).detail,
        /Invalid instantiation spec update/,
      );
      assert.equal(
        (await h.send('PUT', '/api/v1/devices/det1', { metadata: { name: 'other' } })).status,
        400,
      );
    });

    it('8, 15–18. locks: success, conflicts, owner release, force-unlock', async () => {
      const locked = await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['sample_x'],
        item_id: 'item-1',
        plan_name: 'count',
      });
      assert.equal(locked.status, 200);
      const lock = (await locked.json()) as Record<string, any>;
      assert.deepEqual(lock.locked_devices, ['sample_x']);
      assert.ok(lock.lock_id && lock.registry_version >= 1 && lock.locked_pvs.length > 0 && lock.lock_epoch);
      assert.equal(lock.expires_at, null);
      assert.equal(lock.lease_ttl_seconds, 0);

      const put = await h.send('PUT', '/api/v1/devices/sample_x', { metadata: { documentation: 'x' } });
      assert.equal(put.status, 409);
      assert.match(((await put.json()) as { detail: string }).detail, /locked/);
      assert.equal((await h.send('DELETE', '/api/v1/devices/sample_x')).status, 409);

      const conflict = await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['det1', 'sample_x'],
        item_id: 'item-2',
        plan_name: 'scan',
      });
      assert.equal(conflict.status, 409);
      const c = (await conflict.json()) as Record<string, any>;
      assert.equal(c.success, false);
      assert.match(c.message, /locked by plan/);
      assert.deepEqual(
        c.conflicting_devices.map((x: any) => x.reason),
        ['already_locked'],
      );
      assert.equal(
        (await h.json('/api/v1/devices/det1/status')).lock_status,
        'unlocked',
        'nothing locked on conflict',
      );
      assert.equal(
        (
          await h.send('POST', '/api/v1/devices/lock', {
            device_names: ['nobody'],
            item_id: 'i',
            plan_name: 'p',
          })
        ).status,
        404,
      );

      assert.equal(
        (await h.send('POST', '/api/v1/devices/unlock', { device_names: ['sample_x'], item_id: 'item-2' }))
          .status,
        403,
      );
      const released = await h.send('POST', '/api/v1/devices/unlock', {
        device_names: ['sample_x'],
        item_id: 'item-1',
      });
      assert.deepEqual(((await released.json()) as Record<string, unknown>).unlocked_devices, ['sample_x']);
      assert.deepEqual(
        (
          (await (
            await h.send('POST', '/api/v1/devices/unlock', { device_names: ['sample_x'], item_id: 'item-1' })
          ).json()) as any
        ).unlocked_devices,
        [],
      );

      await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['sample_x'],
        item_id: 'item-3',
        plan_name: 'count',
      });
      const partial = await h.send('POST', '/api/v1/devices/force-unlock', {
        device_names: ['sample_x', 'nonexistent'],
        reason: 'x',
      });
      assert.equal(partial.status, 404);
      assert.equal((await h.json('/api/v1/devices/sample_x/status')).lock_status, 'locked');
      const forced = await h.send('POST', '/api/v1/devices/force-unlock', {
        device_names: ['sample_x'],
        reason: 'stuck',
      });
      assert.equal(forced.status, 200);
      assert.equal((await h.json('/api/v1/devices/sample_x/status')).lock_status, 'unlocked');
      const audit = (await h.json('/api/v1/devices/history?device_name=sample_x')) as any[];
      assert.deepEqual(JSON.parse(audit[0].details), { reason: 'stuck', admin: true });
      assert.equal(
        audit.filter((a) => a.operation === 'force_unlock').length,
        1,
        'the refused force-unlock wrote nothing',
      );
    });

    it('9. enables and disables', async () => {
      const off = await h.send('PATCH', '/api/v1/devices/det1/disable');
      assert.equal(((await off.json()) as any).operation, 'disable');
      assert.equal((await h.json('/api/v1/devices/det1/instantiation')).active, false);
      assert.match(
        ((await (await h.send('PATCH', '/api/v1/devices/det1/disable')).json()) as any).message,
        /already disabled/,
      );
      assert.equal('det1' in (await h.json('/api/v1/devices/instantiation')), false);
      assert.equal((await h.json('/api/v1/devices/instantiation?active_only=false')).det1.active, false);
      assert.deepEqual((await h.json('/api/v1/devices/det1/status')).available, false);
      const disabledLock = await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['det1'],
        item_id: 'i',
        plan_name: 'p',
      });
      assert.equal(disabledLock.status, 422);
      const audit = (await h.json('/api/v1/devices/history?device_name=det1&limit=1')) as any[];
      assert.deepEqual(JSON.parse(audit[0].details), { field: 'active', old: true, new: false });
      assert.match(
        ((await (await h.send('PATCH', '/api/v1/devices/det1/enable')).json()) as any).message,
        /det1' enabled/,
      );
      assert.match(
        ((await (await h.send('PATCH', '/api/v1/devices/det1/enable')).json()) as any).message,
        /already enabled/,
      );
    });

    it('12. exports happi and BITS', async () => {
      const happi = await h.json('/api/v1/registry/export');
      assert.equal(happi.sample_x._id, 'sample_x');
      assert.equal(happi.sample_x.device_class, 'ophyd.EpicsMotor');
      assert.equal(happi.sample_x.prefix, 'BL01:SAMPLE:X');
      assert.equal(happi.sample_x.active, true);
      const bits = await h.get('/api/v1/registry/export?format=bits');
      assert.match(bits.headers.get('content-type') ?? '', /yaml/);
      assert.match(await bits.text(), /- name: sample_x/);
      const xml = await h.get('/api/v1/registry/export?format=xml');
      assert.equal(xml.status, 400);
      assert.match(((await xml.json()) as any).detail, /bits/);
    });

    it('13–14. history and the change feed', async () => {
      const seeds = ((await h.json('/api/v1/devices/history?limit=10000')) as any[]).filter(
        (a) => a.operation === 'seed',
      );
      assert.equal(seeds.length, 3);
      assert.equal(((await h.json('/api/v1/devices/history?limit=2')) as any[]).length, 2);
      assert.equal((await h.get('/api/v1/devices/history?device_name=a%00b')).status, 422);
      const start = await h.json('/api/v1/devices/changes?since_version=0');
      assert.ok(
        start.current_version > 0 && start.service_epoch !== 'unseeded' && start.reset_occurred === false,
      );
      const cursor = start.current_version;
      assert.deepEqual((await h.json(`/api/v1/devices/changes?since_version=${cursor}`)).changes, []);
      await h.send('POST', '/api/v1/devices', motor('feed_m'));
      for (const arg of ['a:1', 'a:2', 'a:3'])
        await h.send('PUT', '/api/v1/devices/feed_m', { instantiation_spec: { args: [arg] } });
      const feed = await h.json(`/api/v1/devices/changes?since_version=${cursor}`);
      assert.equal(feed.changes.length, 1);
      assert.equal(feed.changes[0].op, 'upsert');
      assert.deepEqual(feed.changes[0].spec.args, ['a:3']);
      assert.equal(feed.changes[0].version, feed.current_version);
      await h.send('DELETE', '/api/v1/devices/feed_m');
      const gone = await h.json(`/api/v1/devices/changes?since_version=${cursor}`);
      assert.deepEqual(
        gone.changes.map((c: any) => [c.op, c.metadata]),
        [['delete', null]],
      );
      assert.equal((await h.get('/api/v1/devices/changes?since_version=-1')).status, 422);
    });

    it('19–21. device and PV status, and the lock_all policy', async () => {
      assert.deepEqual(await h.json('/api/v1/devices/lock/policy'), { lock_all: false });
      assert.deepEqual(
        await (await h.send('PUT', '/api/v1/devices/lock/policy', { lock_all: true })).json(),
        {
          lock_all: true,
        },
      );
      await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['sample_x'],
        item_id: 'run-1',
        plan_name: 'count',
      });
      const det = await h.json('/api/v1/devices/det1/status');
      assert.equal(det.available, false);
      assert.equal(det.locked_by_plan, 'count');
      const pv = await h.json('/api/v1/pvs/status?pv_name=BL01:DET1:CNT');
      assert.equal(pv.available, false);
      assert.equal(pv.device_lock_status, 'locked');
      await h.send('PUT', '/api/v1/devices/lock/policy', { lock_all: false });
      assert.equal((await h.json('/api/v1/devices/det1/status')).available, true);
      assert.equal((await h.json('/api/v1/pvs/status?pv_name=BL01:SAMPLE:X.RBV')).available, false);
      await h.send('POST', '/api/v1/devices/unlock', { device_names: ['sample_x'], item_id: 'run-1' });
      assert.equal((await h.get('/api/v1/pvs/status?pv_name=NOPE')).status, 404);
      assert.equal((await h.get('/api/v1/pvs/status')).status, 422);
    });

    it('26. standalone PVs', async () => {
      assert.equal(
        (await h.send('POST', '/api/v1/pvs', { pv_name: 'SR:C01:CURRENT', labels: ['ring', 'diag'] })).status,
        201,
      );
      assert.equal(
        (
          await h.send('POST', '/api/v1/pvs', {
            pv_name: 'VAC:G1',
            protocol: 'pva',
            access_mode: 'read-write',
            labels: ['diag'],
          })
        ).status,
        201,
      );
      assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: 'SR:C01:CURRENT' })).status, 409);
      assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: 'BL01:DET1:CNT' })).status, 409);
      for (const bad of [
        '',
        'a b',
        'x\u0000',
        'x\u007f',
        'x\u00a0y',
        'x\u200by',
        '\ufeffx',
        'x\u3000y',
        '\tx',
      ]) {
        const res = await h.send('POST', '/api/v1/pvs', { pv_name: bad });
        assert.equal(res.status, 422, JSON.stringify(bad));
        assert.match(JSON.stringify(await res.json()), /pv_name/);
      }
      assert.deepEqual(
        ((await h.json('/api/v1/pvs/standalone?labels=diag,ring')) as any[]).map((p) => p.pv_name),
        ['SR:C01:CURRENT'],
      );
      assert.deepEqual(await h.json('/api/v1/pvs/labels'), ['diag', 'ring']);
      assert.equal((await h.json('/api/v1/pvs/SR:C01:CURRENT')).device_name, null);
      assert.equal((await h.json('/api/v1/pvs/status?pv_name=SR:C01:CURRENT')).available, true);
      assert.equal(
        (await h.send('PUT', '/api/v1/pvs/standalone/VAC:G1', { description: 'gauge' })).status,
        200,
      );
      const updated = ((await h.json('/api/v1/pvs/standalone')) as any[]).find((p) => p.pv_name === 'VAC:G1');
      assert.deepEqual(
        [updated.description, updated.protocol, updated.access_mode],
        ['gauge', 'pva', 'read-write'],
      );
      assert.equal((await h.send('PUT', '/api/v1/pvs/standalone/NOPE', {})).status, 404);
      assert.equal((await h.send('DELETE', '/api/v1/pvs/standalone/VAC:G1')).status, 200);
      assert.equal((await h.send('DELETE', '/api/v1/pvs/standalone/VAC:G1')).status, 404);
    });

    it('27–28. PV health', async () => {
      const pv = 'BL01:SAMPLE:X.RBV';
      const first = (await (
        await h.send('POST', `/api/v1/pvs/${pv}/failure`, { message: 'timeout' })
      ).json()) as any;
      assert.deepEqual(
        [first.consecutive_failures, first.state, first.last_failure_message],
        [1, 'degraded', 'timeout'],
      );
      await h.send('POST', `/api/v1/pvs/${pv}/failure`, {});
      const third = (await (
        await h.send('POST', `/api/v1/pvs/${pv}/failure`, { message: 'again' })
      ).json()) as any;
      assert.deepEqual([third.state, third.last_failure_message], ['unresponsive', 'again']);
      const ok = (await (await h.send('POST', `/api/v1/pvs/${pv}/success`, {})).json()) as any;
      assert.deepEqual([ok.consecutive_failures, ok.state, ok.last_failure_message], [0, 'healthy', 'again']);
      await h.send('POST', '/api/v1/pvs/BL01:DET1:CNT/success', {});
      const none = await h.get('/api/v1/pvs/BL01:DET1:CNT/health');
      assert.equal(none.status, 404);
      assert.match(((await none.json()) as any).detail, /treat as healthy/);
      assert.equal((await h.send('POST', '/api/v1/pvs/NOT:REG/failure', {})).status, 404);
      assert.equal(
        (await h.send('POST', `/api/v1/pvs/${pv}/failure`, { message: 'x', extra: 1 })).status,
        422,
      );
      assert.deepEqual(Object.keys((await h.json('/api/v1/devices/sample_x/status')).pv_health), [pv]);
      assert.deepEqual(await h.json('/api/v1/admin/pv-health/stats'), {
        by_state: { healthy: 1, degraded: 0, unresponsive: 0 },
        tracked_pvs: 1,
      });
      assert.deepEqual(await (await h.send('DELETE', `/api/v1/pvs/${pv}/health`)).json(), { cleared: 1 });
      assert.deepEqual(await (await h.send('DELETE', `/api/v1/pvs/${pv}/health`)).json(), { cleared: 0 });
    });

    it('29. resolves addresses through the class catalog', async () => {
      const res = await h.send('POST', '/api/v1/devices/resolve', {
        addresses: [
          'sample_x.user_setpoint',
          'does_not_exist.foo',
          'sample_x.user_readback',
          'sample_x.does_not_exist',
          'sample_x.velocity',
        ],
      });
      const { resolved } = (await res.json()) as { resolved: any[] };
      assert.deepEqual(
        resolved.map((r) => r.ok),
        [true, false, true, false, true],
      );
      assert.deepEqual(
        resolved.filter((r) => r.ok).map((r) => r.pv_name),
        ['BL01:SAMPLE:X.VAL', 'BL01:SAMPLE:X.RBV', 'BL01:SAMPLE:X.VELO'],
      );
      assert.equal(resolved[1].outcome, 'device_not_found');
      assert.match(resolved[1].message, /does_not_exist/);
      assert.equal(resolved[3].outcome, 'no_such_attr');
      assert.equal((await h.send('POST', '/api/v1/devices/resolve', { addresses: [] })).status, 422);
      assert.equal(
        (await h.send('POST', '/api/v1/devices/resolve', { addresses: new Array(201).fill('x') })).status,
        422,
      );
      const asyncMotor = {
        metadata: { name: 'amot', device_label: 'motor', ophyd_class: 'Motor' },
        instantiation_spec: {
          name: 'amot',
          device_class: 'ophyd_async.epics.motor.Motor',
          args: ['BL01:ASYNC:MOT'],
          framework: 'ophyd-async',
        },
      };
      assert.equal((await h.send('POST', '/api/v1/devices', asyncMotor)).status, 201);
      const mixed = (await (
        await h.send('POST', '/api/v1/devices/resolve', {
          addresses: ['amot.user_setpoint', 'sample_x.user_readback', 'amot'],
        })
      ).json()) as any;
      assert.deepEqual(
        mixed.resolved.map((r: any) => r.pv_name),
        ['BL01:ASYNC:MOT.VAL', 'BL01:SAMPLE:X.RBV', null],
      );
    });

    it('30. component listings, lookups and the 404 of removed endpoints', async () => {
      assert.equal(((await h.json('/api/v1/devices/cam1/components')) as any[]).length, 9);
      assert.deepEqual(
        ((await h.json('/api/v1/devices/cam1/components?max_depth=1')) as any[]).map((c) => c.name),
        ['image'],
      );
      assert.equal(((await h.json('/api/v1/devices/cam1/components?max_depth=2')) as any[]).length, 5);
      assert.equal((await h.get('/api/v1/devices/cam1/components?max_depth=-1')).status, 422);
      const pvs = await h.json('/api/v1/devices/sample_x/pvs');
      assert.equal(pvs.device_label, 'motor');
      assert.equal(pvs.pvs.user_readback.pv_name, 'BL01:SAMPLE:X.RBV');
      const lookup = await h.json('/api/v1/pvs/lookup?pv_name=BL01:SAMPLE:X.RBV');
      assert.deepEqual([lookup.device_name, lookup.prefix, lookup.count], ['sample_x', 'BL01:SAMPLE:X', 3]);
      assert.equal((await h.json('/api/v1/pvs/lookup?pv_name=BL01:DET1:CNT')).prefix, 'BL01:DET1:');
      assert.equal((await h.get('/api/v1/pvs/lookup?pv_name=NOPE')).status, 404);
      assert.equal((await h.json('/api/v1/devices/sample_x/component')).component_type, 'EpicsMotor');
      assert.equal(
        (await h.json('/api/v1/devices/sample_x.user_readback/component')).pv,
        'BL01:SAMPLE:X.RBV',
      );
      assert.equal((await h.get('/api/v1/plans')).status, 404);
      const detailed = await h.json('/api/v1/pvs/detailed');
      assert.equal(
        detailed.pv_count,
        Object.values(detailed.devices).reduce((n: number, m: any) => n + Object.keys(m).length, 0),
      );
    });

    it('11. reset restores the profile and drops locks; clear empties the registry', async () => {
      await h.send('POST', '/api/v1/devices', motor('temp_m'));
      await h.send('POST', '/api/v1/devices/lock', {
        device_names: ['det1'],
        item_id: 'held',
        plan_name: 'count',
      });
      const reset = await h.send('POST', '/api/v1/registry/reset');
      assert.equal(((await reset.json()) as any).operation, 'reset');
      assert.deepEqual(await h.json('/api/v1/devices'), ['cam1', 'det1', 'sample_x']);
      assert.equal(
        (
          await h.send('POST', '/api/v1/devices/lock', {
            device_names: ['det1'],
            item_id: 'other',
            plan_name: 'p',
          })
        ).status,
        200,
      );
      assert.equal(
        (await h.json('/api/v1/pvs/SR:C01:CURRENT')).pv,
        'SR:C01:CURRENT',
        'standalone PVs survive',
      );
      await h.send('POST', '/api/v1/registry/clear');
      assert.deepEqual(await h.json('/api/v1/devices'), []);
      assert.equal((await h.json('/api/v1/devices/changes?since_version=0')).reset_occurred, true);
    });
  });

  describe('persistence across restarts (§6.2 10)', () => {
    it('keeps created and deleted devices, and never re-reads the profile', async () => {
      const first = await startConfiguration();
      await first.send('POST', '/api/v1/devices', motor('kept'));
      await first.send('DELETE', '/api/v1/devices/det1');
      await first.close();
      const second = await startConfiguration({}, first.databaseUrl);
      assert.deepEqual(await second.json('/api/v1/devices'), ['cam1', 'kept', 'sample_x']);
      for (const name of ['cam1', 'kept', 'sample_x']) await second.send('DELETE', `/api/v1/devices/${name}`);
      await second.close();
      const third = await startConfiguration({}, first.databaseUrl);
      assert.deepEqual(await third.json('/api/v1/devices'), []);
      await third.close();
    });
  });

  describe('concurrency (§6.2 25)', () => {
    it('lets exactly one of eight identical creates win, and all eight distinct ones', async () => {
      const h = await startConfiguration();
      try {
        const same = await Promise.all(
          Array.from({ length: 8 }, () => h.send('POST', '/api/v1/devices', motor('race'))),
        );
        assert.deepEqual(same.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
        const distinct = await Promise.all(
          Array.from({ length: 8 }, (_, i) => h.send('POST', '/api/v1/devices', motor(`race_${i}`))),
        );
        assert.ok(distinct.every((r) => r.status === 201));
      } finally {
        await h.close();
      }
    });

    it('lets exactly one of 100 concurrent lock requests from different owners win', async () => {
      const h = await startConfiguration();
      try {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            h.send('POST', '/api/v1/devices/lock', {
              device_names: ['sample_x'],
              item_id: `owner-${i}`,
              plan_name: 'p',
            }),
          ),
        );
        const statuses = results.map((r) => r.status);
        assert.equal(statuses.filter((s) => s === 200).length, 1);
        assert.equal(statuses.filter((s) => s === 409).length, 99);
      } finally {
        await h.close();
      }
    });
  });

  describe('persistence off', () => {
    it('answers 501 on the routes that need the store, but locks still work (they live in memory)', async () => {
      const h = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
      try {
        assert.equal((await h.send('POST', '/api/v1/devices', motor('nope'))).status, 501);
        assert.equal((await h.get('/api/v1/devices/history')).status, 501);
        assert.equal((await h.get('/api/v1/pvs/standalone')).status, 501);
        assert.equal(
          (
            await h.send('POST', '/api/v1/devices/lock', {
              device_names: ['sample_x'],
              item_id: 'i',
              plan_name: 'p',
            })
          ).status,
          200,
        );
        assert.equal((await h.json('/api/v1/devices/sample_x/status')).lock_status, 'locked');
      } finally {
        await h.close();
      }
    });
  });
});
