/**
 * Registry changes reach the running environment before each plan (spec §12) among real parts: the
 * simulated IOCs, our configuration service (empty at start, SQLite) and the queue server on the
 * test_collection profile with its worker. A device added to the registry is built into the
 * environment, a changed one rebuilt from its new spec, deleted and disabled ones removed; after a
 * registry reset the environment drops what it took from the registry. A registry that cannot be
 * asked keeps the plan from starting, its item first in the queue.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ENV_OPEN,
  type Json,
  poll,
  type RegistryStack,
  startRegistryStack,
  statusWhen,
} from './registry-stack.ts';

const TEST_COLLECTION = join(import.meta.dirname, '../../../integration/profile_collections/test_collection');

describe("registry changes applied to the running environment's devices (spec §12)", () => {
  let stack: RegistryStack;
  const call = (method: string, params: Json = {}) =>
    stack.qs.server.runtime.call(method, params) as Promise<Json>;
  const send = async (method: string, path: string, body?: unknown, expected = 200) => {
    const response = await stack.config.send(method, path, body);
    assert.equal(response.status, expected, await response.text());
  };
  const existing = async () => Object.keys((await call('devices_existing')).devices_existing).sort();
  const user = { user: 'tester', user_group: 'primary' };
  /** Runs one plan through the queue; answers its history entry. */
  const runPlan = async (item: Json): Promise<Json> => {
    const before = (await call('history_get')).items.length as number;
    const added = await call('queue_item_add', { item, ...user });
    assert.equal(added.success, true, added.msg);
    assert.equal((await call('queue_start')).success, true);
    await statusWhen(
      stack.qs,
      (s) => s.manager_state === 'idle' && s.items_in_history === before + 1,
      `${item.name} done`,
    );
    return (await call('history_get')).items.at(-1);
  };
  const count = (detector: string) => ({ item_type: 'plan', name: 'count', args: [[detector]] });

  before(async () => {
    stack = await startRegistryStack(0, {
      configEnv: { CONFIG_LOAD_STRATEGY: 'empty' },
      queueServerEnv: { QSERVER_STARTUP_DIR: TEST_COLLECTION },
    });
    assert.equal((await call('environment_open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open');
    await poll(async () => {
      const info = await stack.config.json<Json>('/api/v1/devices-info');
      return Object.keys(info).length === 8 ? true : undefined;
    }, 'the registry seeded');
  });
  after(() => stack?.close());

  it('builds, rebuilds and removes devices as the registry changed, before the next plan', async () => {
    await send(
      'POST',
      '/api/v1/devices',
      {
        metadata: { name: 'slit_det', device_label: 'signal', ophyd_class: 'EpicsSignalRO', pvs: {} },
        instantiation_spec: {
          name: 'slit_det',
          device_class: 'ophyd.EpicsSignalRO',
          args: ['mini:slit:det'],
        },
      },
      201,
    );
    await send('DELETE', '/api/v1/devices/edge_motor');
    await send('PUT', '/api/v1/devices/det_edge', { instantiation_spec: { args: ['mini:ph'] } });
    await send('PATCH', '/api/v1/devices/sample_y/disable');
    const before = await existing();
    assert.ok(before.includes('edge_motor') && before.includes('sample_y') && !before.includes('slit_det'));

    assert.equal((await runPlan(count('det_pinhole'))).result.exit_status, 'completed');
    const after = await existing();
    assert.ok(after.includes('slit_det'), 'slit_det built');
    assert.ok(!after.includes('edge_motor'), 'edge_motor removed');
    assert.ok(!after.includes('sample_y'), 'the disabled sample_y removed');
    const console = stack.console.join('');
    assert.match(console, /Registry devices changed \(added or updated: [^)]*slit_det/);
    assert.match(console, /Registry changes applied to the environment: built [^;\n]*det_edge/);
    // What the environment holds is now what the registry says: the diff finds only the disabled device.
    const diff = await call('config_service_diff');
    assert.deepEqual(diff.diff, { added: [], removed: [], modified: [], disabled: ['sample_y'] });
  });

  it('runs plans on the devices it took from the registry and refuses the removed ones', async () => {
    const slit = await runPlan(count('slit_det'));
    assert.equal(slit.result.exit_status, 'completed', slit.result.msg);
    // det_edge now reads the pinhole's PVs (its spec's new prefix).
    const edge = await runPlan(count('det_edge'));
    assert.equal(edge.result.exit_status, 'completed', edge.result.msg);
    const gone = await runPlan(count('edge_motor'));
    assert.equal(gone.result.exit_status, 'failed');
    assert.match(gone.result.msg, /"edge_motor" is not a known device/);
    // A failed plan stays first in the queue (spec §6.5).
    assert.equal((await call('queue_clear')).success, true);
    assert.equal((await call('status')).config_service_sync_error, null);
  });

  it('after a registry reset, drops what it took from the registry', async () => {
    await send('POST', '/api/v1/registry/reset');
    assert.equal((await runPlan(count('det_pinhole'))).result.exit_status, 'completed');
    const now = await existing();
    assert.ok(!now.includes('slit_det'), 'slit_det dropped');
    assert.ok(!now.includes('det_edge'), 'det_edge (taken from the registry) dropped');
    assert.ok(now.includes('det_pinhole') && now.includes('sample_x'), 'the profile devices stay');
    assert.match(stack.console.join(''), /Registry devices changed \(the registry was reset/);
  });

  it('keeps the plan from starting when the registry cannot be asked: item first, manager idle', async () => {
    await stack.config.close();
    const added = await call('queue_item_add', { item: count('det_pinhole'), ...user });
    assert.equal(added.success, true, added.msg);
    assert.equal((await call('queue_start')).success, true);
    const status = await statusWhen(
      stack.qs,
      (s) => s.manager_state === 'idle' && s.config_service_sync_error !== null,
      'the plan refused',
    );
    assert.match(
      status.config_service_sync_error,
      /^Cannot apply the registry's changes before plan 'count': Configuration service at .* is unreachable/,
    );
    assert.equal(status.items_in_queue, 1);
    assert.equal((await call('queue_get')).items[0].item_uid, added.item.item_uid);
  });
});
