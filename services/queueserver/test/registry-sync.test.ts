/**
 * `config_service_diff` and `config_service_sync` (spec §3.11) and their HTTP routes (§10.3) among
 * real parts: the simulated IOCs, our configuration service (empty at start, SQLite) and the queue
 * server on the test_collection profile with its worker. The environment seeds the registry with its
 * eight EPICS devices; the registry is then changed behind its back (a device added, one deleted,
 * one's spec changed, one disabled) and the diff says so; each strategy writes its share; bad
 * requests, no environment, the feature off and an unreachable registry are refused (409 / 503).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Request } from 'zeromq';
import { removeDir, startTestQueueServer } from './harness.ts';
import { httpJson, type JsonResponse } from './http-client.ts';
import {
  ENV_OPEN,
  type Json,
  poll,
  type RegistryStack,
  startRegistryStack,
  statusWhen,
} from './registry-stack.ts';

const TEST_COLLECTION = join(import.meta.dirname, '../../../integration/profile_collections/test_collection');
const DIFF_ROUTE = '/api/devices/diff_against_profile';
const SYNC_ROUTE = '/api/devices/sync_from_profile';
const NO_CHANGES = { added: [], removed: [], modified: [], disabled: [] };

/** One request over the queue server's real 0MQ CONTROL socket (JSON encoding). */
async function zmqCall(address: string, method: string, params: Json = {}): Promise<Json> {
  const socket = new Request({ receiveTimeout: 30_000, linger: 0 });
  socket.connect(address);
  try {
    await socket.send(JSON.stringify({ method, params }));
    const [frame] = await socket.receive();
    return JSON.parse(frame.toString()) as Json;
  } finally {
    socket.close();
  }
}

describe('the environment against the registry: diff and sync (spec §3.11)', () => {
  let stack: RegistryStack;
  const call = (method: string, params: Json = {}) =>
    stack.qs.server.runtime.call(method, params) as Promise<Json>;
  const http = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonResponse> =>
    httpJson(method, stack.qs.url + path, body);
  const specs = () =>
    stack.config.json<Record<string, Json>>('/api/v1/devices/instantiation?active_only=false');
  const send = async (method: string, path: string, body?: unknown, expected = 200) => {
    const response = await stack.config.send(method, path, body);
    assert.equal(response.status, expected, await response.text());
  };

  before(async () => {
    stack = await startRegistryStack(0, {
      configEnv: { CONFIG_LOAD_STRATEGY: 'empty' },
      queueServerEnv: { QSERVER_STARTUP_DIR: TEST_COLLECTION },
    });
  });
  after(() => stack?.close());

  it('refuses while no environment is open (409), whatever the request', async () => {
    const diff = await call('config_service_diff');
    assert.deepEqual(diff, {
      success: false,
      msg: 'RE Worker environment does not exist: open it before comparing its devices with the registry',
      diff: null,
    });
    const sync = await call('config_service_sync', { strategy: 'additions_only' });
    assert.equal(sync.success, false);
    assert.match(sync.msg, /^RE Worker environment does not exist/);
    assert.deepEqual([sync.applied, sync.diff_after, sync.error_kind], [null, null, undefined]);
    const routed = await http('GET', DIFF_ROUTE);
    assert.deepEqual([routed.status, routed.body.detail], [409, diff.msg]);
    assert.equal((await http('POST', SYNC_ROUTE, {})).status, 409);
  });

  it('finds nothing to do once the environment has seeded the empty registry', async () => {
    assert.equal((await call('environment_open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open');
    await poll(
      async () => (Object.keys(await specs()).length === 8 ? true : undefined),
      'the registry seeded',
    );
    assert.deepEqual(await call('config_service_diff'), { success: true, msg: '', diff: NO_CHANGES });
  });

  it('reports devices added to, deleted from, changed in and disabled in the registry', async () => {
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
    await send('PUT', '/api/v1/devices/det_spot', { instantiation_spec: { args: ['mini:elsewhere'] } });
    await send('PUT', '/api/v1/devices/sample_y', { instantiation_spec: { active: false } });

    const expected = {
      added: ['edge_motor'],
      removed: ['slit_det'],
      modified: [
        {
          name: 'det_spot',
          before: {
            name: 'det_spot',
            device_class: 'localdevs.Spot',
            args: ['mini:elsewhere'],
            kwargs: { name: 'det_spot' },
            active: true,
            framework: null,
          },
          after: {
            name: 'det_spot',
            device_class: 'localdevs.Spot',
            args: ['mini:dot'],
            kwargs: { name: 'det_spot' },
            active: true,
          },
          fields_changed: ['args'],
        },
      ],
      disabled: ['sample_y'],
    };
    assert.deepEqual(await call('config_service_diff'), { success: true, msg: '', diff: expected });
    const routed = await http('GET', DIFF_ROUTE);
    assert.deepEqual([routed.status, routed.body], [200, { diff: expected }]);
    const overZmq = await zmqCall(stack.qs.control, 'config_service_diff');
    assert.deepEqual(overZmq.diff, expected);
  });

  it('sees a device a script added to the environment', async () => {
    const script =
      "import { det_edge } from 'queueserver:namespace';\nexport const det_edge_copy = det_edge;\n";
    assert.equal((await call('script_upload', { script })).success, true);
    const added = await poll(async () => {
      const diff = (await call('config_service_diff')).diff as Json;
      return diff.added.includes('det_edge_copy') ? diff.added : undefined;
    }, 'det_edge_copy in the diff');
    assert.deepEqual(added, ['det_edge_copy', 'edge_motor']);
  });

  it('additions_only registers the added devices and nothing else', async () => {
    const reply = await call('config_service_sync', { strategy: 'additions_only' });
    assert.equal(reply.success, true, reply.msg);
    assert.deepEqual(reply.applied, { upserted: ['det_edge_copy', 'edge_motor'], deleted: [] });
    assert.deepEqual(reply.diff_after.added, []);
    assert.deepEqual(reply.diff_after.removed, ['slit_det']);
    assert.deepEqual(
      reply.diff_after.modified.map((m: Json) => m.name),
      ['det_spot'],
    );
    assert.deepEqual(reply.diff_after.disabled, ['sample_y']);
    const now = await specs();
    assert.deepEqual(now.edge_motor.args, ['mini:edge:mtr']);
    assert.deepEqual(now.det_spot.args, ['mini:elsewhere']);
    assert.ok(now.slit_det);
  });

  it('selected writes only the named devices, and re-enables a named disabled one', async () => {
    const reply = await call('config_service_sync', {
      strategy: 'selected',
      devices: ['det_spot', 'sample_y', 'not_a_device'],
    });
    assert.equal(reply.success, true, reply.msg);
    assert.deepEqual(reply.applied, { upserted: ['det_spot', 'sample_y'], deleted: [] });
    assert.deepEqual(reply.diff_after, { added: [], removed: ['slit_det'], modified: [], disabled: [] });
    const now = await specs();
    assert.deepEqual([now.det_spot.args, now.sample_y.active], [['mini:dot'], true]);
  });

  it('fails a sync whose write the registry refuses, naming it (409)', async () => {
    const lock = { device_names: ['slit_det'], item_id: 'someone-else', plan_name: 'elsewhere' };
    await send('POST', '/api/v1/devices/lock', { ...lock, locked_by_service: 'test' });
    try {
      const reply = await call('config_service_sync');
      assert.deepEqual([reply.success, reply.applied, reply.diff_after], [false, null, null]);
      assert.equal(
        reply.msg,
        "Error: the registry refused slit_det (Device 'slit_det' is locked and cannot be deleted; unlock it (or wait for the plan to finish) first)",
      );
      const routed = await http('POST', SYNC_ROUTE, {});
      assert.deepEqual([routed.status, routed.body.detail], [409, reply.msg]);
      assert.ok((await specs()).slit_det, 'slit_det kept');
    } finally {
      await send('POST', '/api/v1/devices/unlock', {
        device_names: lock.device_names,
        item_id: lock.item_id,
      });
    }
  });

  it('all deletes the removed devices and leaves a disabled one alone (over HTTP)', async () => {
    await send('PUT', '/api/v1/devices/sample_y', { instantiation_spec: { active: false } });
    const routed = await http('POST', SYNC_ROUTE, {});
    assert.equal(routed.status, 200, JSON.stringify(routed.body));
    assert.deepEqual(routed.body, {
      applied: { upserted: [], deleted: ['slit_det'] },
      diff_after: { ...NO_CHANGES, disabled: ['sample_y'] },
    });
    const now = await specs();
    assert.equal(now.slit_det, undefined);
    assert.equal(now.sample_y.active, false);
  });

  it('refuses a bad strategy, selected without devices and unknown parameters', async () => {
    const bad = await call('config_service_sync', { strategy: 'everything' });
    assert.deepEqual(bad, {
      success: false,
      msg: "Unknown strategy 'everything': expected one of ['all', 'additions_only', 'selected']",
      applied: null,
      diff_after: null,
    });
    const empty = await call('config_service_sync', { strategy: 'selected', devices: [] });
    assert.equal(empty.msg, "Strategy 'selected' needs a non-empty list of device names in 'devices'");
    assert.equal((await call('config_service_sync', { strategy: 'selected' })).msg, empty.msg);
    const names = await call('config_service_sync', { strategy: 'selected', devices: 'det_spot' });
    assert.equal(names.msg, "'devices' must be a list of device names: 'det_spot'");
    const extra = await call('config_service_diff', { verbose: true });
    assert.match(extra.msg, /^Error: API request contains unsupported parameters: 'verbose'/);

    const routedBad = await http('POST', SYNC_ROUTE, { strategy: 'everything' });
    assert.deepEqual([routedBad.status, routedBad.body.detail], [409, bad.msg]);
    const routedEmpty = await http('POST', SYNC_ROUTE, { strategy: 'selected', devices: null });
    assert.deepEqual([routedEmpty.status, routedEmpty.body.detail], [409, empty.msg]);
    assert.equal((await http('POST', SYNC_ROUTE, { strategy: 5 })).status, 422);
    assert.equal((await http('POST', SYNC_ROUTE, { strategy: 'all', device: ['x'] })).status, 400);
    // Nothing was written by any of them.
    assert.deepEqual((await call('config_service_diff')).diff, { ...NO_CHANGES, disabled: ['sample_y'] });
  });

  it('tags an unreachable registry config_service_unreachable (HTTP 503)', async () => {
    await stack.config.close();
    const diff = await call('config_service_diff');
    assert.deepEqual([diff.success, diff.diff, diff.error_kind], [false, null, 'config_service_unreachable']);
    assert.match(diff.msg, /^Configuration service at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    const sync = await call('config_service_sync');
    assert.deepEqual(
      [sync.success, sync.applied, sync.diff_after, sync.error_kind],
      [false, null, null, 'config_service_unreachable'],
    );
    const routed = await http('GET', DIFF_ROUTE);
    assert.deepEqual([routed.status, routed.body.detail], [503, diff.msg]);
    assert.equal((await http('POST', SYNC_ROUTE, { strategy: 'additions_only' })).status, 503);
  });
});

describe('diff and sync with the configuration service off', () => {
  it('are refused (409), environment or not; the sync needs write:manager:control', async () => {
    const qs = await startTestQueueServer({ QSERVER_HTTP_SERVER_ALLOW_ANONYMOUS_ACCESS: 'true' });
    try {
      const msg =
        'The configuration service is not enabled on this manager (QSERVER_CONFIG_SERVICE_ENABLED is off)';
      assert.deepEqual(await zmqCall(qs.control, 'config_service_diff'), { success: false, msg, diff: null });
      assert.deepEqual(await qs.server.runtime.call('config_service_sync', {}), {
        success: false,
        msg,
        applied: null,
        diff_after: null,
      });
      const routed = await httpJson('POST', qs.url + SYNC_ROUTE, { strategy: 'all' });
      assert.deepEqual([routed.status, routed.body.detail], [409, msg]);
      // Anonymous callers may read the status: the diff is theirs to ask for, the sync is not.
      const anonymousDiff = await httpJson('GET', qs.url + DIFF_ROUTE, undefined, {});
      assert.deepEqual([anonymousDiff.status, anonymousDiff.body.detail], [409, msg]);
      const anonymousSync = await httpJson('POST', qs.url + SYNC_ROUTE, {}, {});
      assert.equal(anonymousSync.status, 401, JSON.stringify(anonymousSync.body));
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
    }
  });
});
