/**
 * The queue server in its pods (spec integration-iocs-pods.md §3.2 F, G, H): the runtime image's
 * `queueserver` on the pod's network, driven from the host over HTTP (API key `mad`), its
 * WebSockets and 0MQ (bluesky-queueserver-api from the Python peers' venv).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../../../cli/deployment-checks.ts';
import { type Pod, startPod } from '../src/pods.ts';
import { type Json, pythonScenario, QueueServerHttp, watchSocket } from './queueserver-client.ts';

describe('with-queueserver pod: IOC, registry, direct control and the queue server', () => {
  let pod: Pod;
  let qs: QueueServerHttp;
  before(async () => {
    pod = await startPod('with-queueserver');
    qs = new QueueServerHttp(pod.queueServer!.url, pod.queueServer!.apiKey);
  });
  after(() => pod?.stop());

  it('answers the smoke checks: the other services healthy, the manager idle with the key, 401 without', async () => {
    assert.equal((await call('GET', `${pod.configurationUrl}/health`)).status, 200);
    assert.equal((await call('GET', `${pod.directControlUrl}/health`)).status, 200);
    const status = await qs.status();
    assert.equal(status.manager_state, 'idle');
    assert.equal(status.worker_environment_exists, false);
    assert.equal((await qs.call('GET', '/api/status', undefined, false)).status, 401);
  });

  it('is driven by bluesky-queueserver-api over 0MQ and HTTP through the mapped ports', async () => {
    const { control, info, url, apiKey } = pod.queueServer!;
    const out = await pythonScenario('queueserver_api_compat.py', [control, info, url, apiKey]);
    assert.equal(out.zmq_manager_state, 'idle');
    assert.equal(out.zmq_queue_len, 1);
    assert.equal(out.zmq_plans_allowed_has_count, true);
    assert.equal(typeof out.console_msg, 'string');
    assert.doesNotMatch(out.console_msg, /^timeout/, 'a console message within 30 s');
    assert.ok(Array.isArray(out.system_info_keys), `a status message: ${out.system_info_keys}`);
    assert.ok(out.system_info_keys.includes('status'));
    assert.equal(out.http_manager_state, 'idle');
    assert.deepEqual(out.http_queue, ['count'], 'HTTP sees the item added over 0MQ');
    assert.ok(out.http_devices_allowed > 0);
    assert.equal(out.zmq_queue_len_after_http_clear, 0, 'a clear over HTTP is seen over 0MQ');
  });

  it('streams status, info and console over its WebSockets with the key, and nothing to a socket without credentials', async () => {
    const status = watchSocket(qs.url, '/api/status/ws', qs.apiKey);
    const info = watchSocket(qs.url, '/api/info/ws', qs.apiKey);
    const consoleOutput = watchSocket(qs.url, '/api/console_output/ws', qs.apiKey);
    const anonymous = watchSocket(qs.url, '/api/status/ws', null);
    try {
      // Opening the environment prints to the console; the status is published every second.
      await qs.openEnvironment();
      const [statusFrame, infoFrame, consoleFrame] = await Promise.all([
        status.first,
        info.first,
        consoleOutput.first,
      ]);
      assert.equal(typeof statusFrame.msg.status.manager_state, 'string');
      assert.equal(typeof infoFrame.msg.status.manager_state, 'string');
      assert.equal(typeof consoleFrame.msg, 'string');
      // The server gives a socket without credentials ten seconds to authenticate, sending nothing.
      const refused = await anonymous.closed;
      assert.equal(refused.code, 4401);
      assert.deepEqual(refused.frames, []);
    } finally {
      for (const socket of [status, info, consoleOutput, anonymous]) socket.close();
    }
  });

  it('runs count and scan from the simulated profile to completion', async () => {
    await qs.waitForStatus('the environment', (s) => s.worker_environment_exists === true);
    await qs.ok('POST', '/api/history/clear');
    await qs.addPlan('count', [['det1', 'det2']], { num: 3 });
    await qs.addPlan('scan', [['det1'], 'motor', -1, 1, 5]);
    const history = await qs.runQueue();
    assert.deepEqual(
      history.map((h: Json) => [h.name, h.result.exit_status, h.result.run_uids.length]),
      [
        ['count', 'completed', 1],
        ['scan', 'completed', 1],
      ],
    );
  });

  it('keeps its queue and history when its container is killed mid-plan; the running plan is then unknown', async () => {
    await qs.waitForStatus('the environment', (s) => s.worker_environment_exists === true);
    const running = await qs.addPlan('count', [['det1']], { num: 600, delay: 0.1 });
    const waiting = await qs.addPlan('count', [['det2']], { num: 1 });
    const before = (await qs.ok('GET', '/api/history/get')).items.length;
    await qs.ok('POST', '/api/queue/start');
    await qs.waitForStatus(
      'the long count to run',
      (s) => s.running_item_uid === running && s.re_state === 'running',
    );

    await pod.kill('queueserver');

    qs = new QueueServerHttp(pod.queueServer!.url, pod.queueServer!.apiKey);
    const status = await qs.status();
    assert.equal(status.manager_state, 'idle');
    assert.equal(status.worker_environment_exists, false, 'the worker died with the container');
    assert.equal(status.running_item_uid, null);
    const queue = (await qs.ok('GET', '/api/queue/get')).items.map((i: Json) => i.item_uid);
    assert.deepEqual(queue, [waiting], 'the waiting item is still queued');
    const history = (await qs.ok('GET', '/api/history/get')).items;
    assert.equal(history.length, before + 1);
    const last = history.at(-1);
    assert.deepEqual([last.item_uid, last.result.exit_status], [running, 'unknown']);
  });
});
