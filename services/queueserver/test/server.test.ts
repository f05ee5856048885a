/**
 * The queue server on real sockets: a raw REQ socket sends frames no client would (spec §16.2), the
 * INFO socket publishes status, HTTP refuses bad credentials (§16.38), and the queue, history and
 * lock come back after a restart on the same SQLite store (§13, §16.35).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { Request, Subscriber } from 'zeromq';
import { API_KEY, removeDir, startTestQueueServer } from './harness.ts';

type Reply = Record<string, any>;

async function raw(address: string, frame: string, timeout = 10_000): Promise<Record<string, unknown>> {
  const socket = new Request({ receiveTimeout: timeout, linger: 0 });
  socket.connect(address);
  try {
    await socket.send(frame);
    const [reply] = await socket.receive();
    return JSON.parse(String(reply));
  } finally {
    socket.close();
  }
}

function getWithBody(url: string, body: unknown): Promise<{ status: number; body: Reply }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          Authorization: `ApiKey ${API_KEY}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (chunk) => {
          data += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('queue server on its sockets', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) removeDir(dir);
  });

  it('answers every raw frame and keeps serving (§16.2)', async () => {
    const qs = await startTestQueueServer();
    dirs.push(qs.dataDir);
    try {
      assert.match(String((await raw(qs.control, '')).msg), /^Failed to decode the request/);
      assert.match(String((await raw(qs.control, '{"met": "status"}')).msg), /method is not specified/);
      assert.match(String((await raw(qs.control, '{"method": "status", "id": 1}')).msg), /unexpected keys/);
      assert.equal((await raw(qs.control, '{"method": "nope"}')).msg, "Unknown method 'nope'");
      const status = await raw(qs.control, '{"method": "status"}');
      assert.equal(status.manager_state, 'idle');
      assert.equal('success' in status, false);
    } finally {
      await qs.close();
    }
  });

  it('publishes the status on QS_Info', async () => {
    const qs = await startTestQueueServer();
    dirs.push(qs.dataDir);
    const sub = new Subscriber({ receiveTimeout: 10_000, linger: 0 });
    try {
      sub.connect(qs.info);
      sub.subscribe('QS_Info');
      const [topic, payload] = await sub.receive();
      assert.equal(String(topic), 'QS_Info');
      const message = JSON.parse(String(payload));
      assert.equal(typeof message.time, 'number');
      assert.equal(message.msg.status.manager_state, 'idle');
    } finally {
      sub.close();
      await qs.close();
    }
  });

  it('refuses HTTP requests without the right credentials (§16.38)', async () => {
    const qs = await startTestQueueServer();
    dirs.push(qs.dataDir);
    try {
      const none = await fetch(`${qs.url}/api/status`);
      assert.equal(none.status, 401);
      assert.match(((await none.json()) as Reply).detail, /^Not enough permissions/);
      const wrong = await fetch(`${qs.url}/api/status`, { headers: { Authorization: 'ApiKey wrong' } });
      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as Reply).detail, 'Invalid API key');
      const good = await fetch(`${qs.url}/api/status`, { headers: { Authorization: `ApiKey ${API_KEY}` } });
      assert.equal(good.status, 200);
      assert.equal(((await good.json()) as Reply).manager_state, 'idle');
      // The Python client sends bodies with GET, which fetch() will not.
      const extra = await getWithBody(`${qs.url}/api/plans/allowed`, { unsupported: false });
      assert.equal(extra.status, 400);
      assert.equal(extra.body.detail, "Request contains keys the are not supported: {'unsupported'}");
      const reduced = await getWithBody(`${qs.url}/api/plans/allowed`, { reduced: true });
      assert.equal(reduced.status, 200);
      assert.equal(reduced.body.plans_allowed.count.parameters[0].name, 'detectors');
    } finally {
      await qs.close();
    }
  });

  it('comes back from manager_kill with its queue, answering again (§3.10)', async () => {
    const qs = await startTestQueueServer();
    dirs.push(qs.dataDir);
    try {
      const user = { user: 'u', user_group: 'primary' };
      await qs.server.runtime.call('queue_item_add', {
        item: { item_type: 'plan', name: 'count', args: [['det1']] },
        ...user,
      });
      const killer = new Request({ receiveTimeout: 1000, linger: 0 });
      killer.connect(qs.control);
      await killer.send(JSON.stringify({ method: 'manager_kill', params: {} }));
      await assert.rejects(killer.receive(), 'manager_kill must not be answered');
      killer.close();
      // The manager freezes for a while and then answers again: poll with a bounded number of tries.
      let status: Record<string, unknown> | undefined;
      for (let attempt = 0; attempt < 30 && !status; attempt++) {
        status = await raw(qs.control, '{"method": "status"}', 1000).catch(() => undefined);
      }
      assert.ok(status, 'the manager never came back');
      assert.equal(status.manager_state, 'idle');
      assert.equal(status.items_in_queue, 1);
    } finally {
      await qs.close();
    }
  });

  it('brings back the queue, history and lock after a restart (§13)', async () => {
    const first = await startTestQueueServer();
    dirs.push(first.dataDir);
    const call = (method: string, params: Record<string, unknown> = {}) =>
      first.server.runtime.call(method, params);
    const user = { user: 'u', user_group: 'primary' };
    await call('queue_item_add', { item: { item_type: 'plan', name: 'count', args: [['det1']] }, ...user });
    await call('queue_item_add', { item: { item_type: 'instruction', name: 'queue_stop' }, ...user });
    const locked = await call('lock', { lock_key: 'k', user: 'u', environment: true, note: 'maintenance' });
    assert.equal(locked.success, true);
    const queue = (await call('queue_get')).items;
    await first.close();

    const second = await startTestQueueServer({}, first.dataDir);
    try {
      const again = (method: string, params: Record<string, unknown> = {}) =>
        second.server.runtime.call(method, params);
      assert.deepEqual((await again('queue_get')).items, queue);
      const info = await again('lock_info');
      assert.deepEqual(info.lock_info, locked.lock_info);
      assert.equal(info.lock_info_uid, locked.lock_info_uid);
      assert.match(String((await again('environment_open')).msg), /^Error: Invalid lock key/);
    } finally {
      await second.close();
    }
  });
});
