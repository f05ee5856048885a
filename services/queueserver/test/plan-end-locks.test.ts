/**
 * A plan's end is seen only once its device locks are given back: while the registry has not yet
 * answered the unlock (held here by a gate in front of it), the queue server still shows the plan
 * running and keeps it out of the history; once the unlock is through, the idle status and the
 * history come with the devices free, so a client that waits for idle can write to them at once.
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { orAbort } from '../../../packages/epics-ca/test/waits.ts';
import { ENV_OPEN, type Json, type RegistryStack, startRegistryStack, statusWhen } from './registry-stack.ts';

/** Passes requests through to the registry; while `holding`, unlock requests wait for `release()`. */
class UnlockGate extends EventEmitter<{ held: [] }> {
  holding = false;
  private readonly held: (() => void)[] = [];
  private target = '';
  private server: Server | null = null;

  async start(target: string): Promise<string> {
    this.target = target;
    this.server = createServer((req, res) => {
      void this.pass(req).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        (error: Error) => {
          res.writeHead(502);
          res.end(error.message);
        },
      );
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Lets the held unlock requests through, and the later ones. */
  release(): void {
    this.holding = false;
    for (const pass of this.held.splice(0)) pass();
  }

  close(): void {
    this.release();
    this.server?.close();
  }

  private async pass(req: IncomingMessage): Promise<Response> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.holding && req.url === '/api/v1/devices/unlock') {
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        this.emit('held');
      });
    }
    return fetch(this.target + req.url, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
  }
}

describe("a plan's end waits for its locks to be given back (spec §12)", () => {
  const gate = new UnlockGate();
  let stack: RegistryStack;
  const lockOf = async (device: string): Promise<Json> =>
    stack.config.json(`/api/v1/devices/${device}/status`);

  before(async () => {
    stack = await startRegistryStack(30, { queueServerRegistryUrl: (url) => gate.start(url) });
  });
  after(async () => {
    gate.close();
    await stack?.close();
  });

  it('shows the plan running until the registry has unlocked its devices, then idle with them free', async () => {
    assert.equal((await stack.api('POST', '/api/environment/open')).success, true);
    await statusWhen(stack.qs, ENV_OPEN, 'the environment open');
    const added = await stack.api('POST', '/api/queue/item/add', {
      item: { item_type: 'plan', name: 'count', args: [['pinhole']], kwargs: { num: 2 } },
    });
    assert.equal(added.success, true, added.msg);
    const uid = added.item.item_uid as string;

    gate.holding = true;
    const held = once(gate, 'held');
    assert.equal((await stack.api('POST', '/api/queue/start')).success, true);
    await orAbort(held, 'the unlock request after the plan');

    // The worker has finished the plan; the registry has not yet unlocked pinhole.
    assert.equal((await lockOf('pinhole')).locked_by_item, uid);
    const during = stack.qs.server.runtime.status();
    assert.deepEqual([during.manager_state, during.running_item_uid], ['executing_queue', uid]);
    const history = (await stack.api('GET', '/api/history/get')).items as Json[];
    assert.ok(!history.some((h) => h.item_uid === uid), 'the plan is not in the history yet');

    gate.release();
    await statusWhen(stack.qs, (s) => s.manager_state === 'idle' && s.running_item_uid === null, 'idle');
    assert.equal((await lockOf('pinhole')).lock_status, 'unlocked');
    const last = ((await stack.api('GET', '/api/history/get')).items as Json[]).at(-1);
    assert.deepEqual([last?.item_uid, last?.result.exit_status], [uid, 'completed']);
  });
});
