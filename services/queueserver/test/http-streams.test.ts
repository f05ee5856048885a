/**
 * The HTTP console routes and the three WebSockets on a real server (spec §10.4, §10.5, §16.39,
 * §16.40): frames for clients with credentials on the upgrade or in their first message, close
 * codes 4401/4001 and never a data frame for the others; the streaming console route; and
 * console_output_update with "", "ALL" and the previous uid.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

const AUTH_WAIT_MS = 1_500;

/** A WebSocket client that keeps every frame and its close code. */
class Client {
  readonly ws: WebSocket;
  readonly frames: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = once(this.ws, 'close').then(([code, reason]) => ({
      code: code as number,
      reason: String(reason),
    }));
  }

  opened(): Promise<unknown> {
    return once(this.ws, 'open');
  }

  /** The first frame received that satisfies `test`; fails if the socket closes first. */
  async frame(test: (frame: any) => boolean = () => true): Promise<any> {
    for (;;) {
      const found = this.frames.find(test);
      if (found) return found;
      const next = new Promise<void>((resolve) => this.waiters.push(resolve));
      const closed = this.closed.then((c) => {
        throw new Error(`socket closed (${c.code}) before the frame came`);
      });
      await Promise.race([next, closed]);
    }
  }

  close(): void {
    this.ws.close();
  }
}

describe('HTTP console routes and WebSockets', () => {
  let qs: RunningQueueServer;
  let ws: string;
  const user = { user: 'streams test', user_group: 'primary' };
  const addItem = (num: number) =>
    qs.server.runtime.call('queue_item_add', {
      item: { item_type: 'plan', name: 'count', args: [['det1']], kwargs: { num } },
      ...user,
    });

  before(async () => {
    qs = await startTestQueueServer({}, undefined, { socketAuthWaitMs: AUTH_WAIT_MS });
    ws = qs.url.replace(/^http/, 'ws');
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
  });

  it('streams status and info frames to a client with an API key header or query (§10.5)', async () => {
    const status = new Client(`${ws}/api/status/ws`, { Authorization: `ApiKey ${API_KEY}` });
    const info = new Client(`${ws}/api/info/ws?api_key=${API_KEY}`);
    try {
      await Promise.all([status.opened(), info.opened()]);
      await addItem(1);
      for (const client of [status, info]) {
        const frame = await client.frame((f) => f.msg?.status?.items_in_queue >= 1);
        assert.equal(typeof frame.time, 'number');
        assert.equal(frame.msg.status.manager_state, 'idle');
        assert.equal(typeof frame.msg.status.plan_queue_uid, 'string');
      }
    } finally {
      status.close();
      info.close();
    }
  });

  it('streams console messages as {time, msg} (§10.5)', async () => {
    const consoleWs = new Client(`${ws}/api/console_output/ws`, { Authorization: `apikey ${API_KEY}` });
    try {
      await consoleWs.opened();
      await addItem(2);
      const frame = await consoleWs.frame((f) => String(f.msg).includes('Item added'));
      assert.equal(typeof frame.time, 'number');
      assert.match(frame.msg, /Item added: success=True item_type='plan' name='count'/);
    } finally {
      consoleWs.close();
    }
  });

  it('never sends data to a client without credentials and closes it with 4401 (§16.40)', async () => {
    const watcher = new Client(`${ws}/api/status/ws`, { Authorization: `ApiKey ${API_KEY}` });
    const anonymous = new Client(`${ws}/api/status/ws`);
    try {
      await Promise.all([watcher.opened(), anonymous.opened()]);
      const before = (await qs.server.runtime.call('status', {})).items_in_queue as number;
      await addItem(3);
      // The watcher sees the change, so a frame went out while the anonymous client waited.
      await watcher.frame((f) => f.msg.status.items_in_queue === before + 1);
      const { code, reason } = await anonymous.closed;
      assert.equal(code, 4401);
      assert.equal(reason, 'Auth required');
      assert.deepEqual(anonymous.frames, []);
    } finally {
      watcher.close();
    }
  });

  it('closes with 4001 on a bad first message, after a bad key on the upgrade (§10.5)', async () => {
    const client = new Client(`${ws}/api/info/ws`, { Authorization: 'ApiKey wrong' });
    await client.opened();
    client.ws.send(JSON.stringify({ type: 'auth', api_key: 'also-wrong' }));
    const { code, reason } = await client.closed;
    assert.equal(code, 4001);
    assert.equal(reason, 'Invalid token');
    assert.deepEqual(client.frames, []);

    const garbage = new Client(`${ws}/api/console_output/ws`);
    await garbage.opened();
    garbage.ws.send('not json');
    assert.equal((await garbage.closed).code, 4001);
  });

  it('admits a client that authenticates with its first message', async () => {
    const client = new Client(`${ws}/api/console_output/ws?api_key=wrong`);
    try {
      await client.opened();
      client.ws.send(JSON.stringify({ type: 'auth', api_key: API_KEY }));
      // Admission is asynchronous: keep adding items until one's console line arrives.
      let added = 0;
      const seen = client.frame((f) => String(f.msg).includes('Item added'));
      const timer = setInterval(() => {
        if (added++ < 50) void addItem(4);
      }, 100);
      try {
        assert.match((await seen).msg, /Item added/);
      } finally {
        clearInterval(timer);
      }
    } finally {
      client.close();
    }
  });

  it('streams console messages back to back as text/plain (§10.4)', async () => {
    const controller = new AbortController();
    const response = await fetch(`${qs.url}/api/stream_console_output`, {
      headers: { Authorization: `ApiKey ${API_KEY}` },
      signal: controller.signal,
    });
    try {
      assert.equal(response.status, 200);
      assert.match(String(response.headers.get('content-type')), /^text\/plain/);
      const reader = response.body!.getReader();
      await addItem(5);
      await addItem(6);
      let text = '';
      for (let reads = 0; reads < 100 && (text.match(/Item added/g) ?? []).length < 2; reads++) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      // Objects follow each other without a separator: `}{`.
      const objects = text.split(/(?<=\})(?=\{)/).map((part) => JSON.parse(part));
      assert.ok(objects.length >= 2);
      for (const object of objects) {
        assert.equal(typeof object.time, 'number');
        assert.equal(typeof object.msg, 'string');
      }
      assert.ok(text.includes('}{"time":'));
    } finally {
      controller.abort();
    }
  });

  it('answers console_output_update for "", "ALL" and the previous uid (§16.39)', async () => {
    const url = `${qs.url}/api/console_output_update`;
    const empty = await httpJson('GET', url, { last_msg_uid: '' });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body.console_output_msgs, []);
    assert.equal(typeof empty.body.last_msg_uid, 'string');
    const all = await httpJson('GET', url, { last_msg_uid: 'ALL' });
    const added = (msgs: { msg: string }[]) => msgs.filter((m) => m.msg.includes('Item added')).length;
    // Every item this suite added printed one line, all still in the buffer.
    assert.equal(
      added(all.body.console_output_msgs),
      (await qs.server.runtime.call('status', {})).items_in_queue,
    );
    assert.equal(all.body.last_msg_uid, empty.body.last_msg_uid);
    await addItem(7);
    await addItem(8);
    const fresh = await httpJson('GET', url, { last_msg_uid: all.body.last_msg_uid });
    assert.deepEqual(
      fresh.body.console_output_msgs.map(
        (m: { msg: string }) => m.msg.match(/Item added: success=True/)?.[0],
      ),
      ['Item added: success=True', 'Item added: success=True'],
    );
    assert.notEqual(fresh.body.last_msg_uid, all.body.last_msg_uid);
    const none = await httpJson('GET', url, { last_msg_uid: fresh.body.last_msg_uid });
    assert.deepEqual(none.body.console_output_msgs, []);
    const missing = await httpJson('GET', url, {});
    assert.equal(missing.status, 400);
    const extra = await httpJson('GET', url, { last_msg_uid: 'ALL', nlines: 3 });
    assert.equal(extra.status, 400);
    assert.equal(extra.body.detail, "Request contains keys the are not supported: {'nlines'}");
  });
});
