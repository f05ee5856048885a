import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from '../src/queue.ts';

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled<T>(promise: Promise<T>): Promise<{ value: T } | undefined> {
  let result: { value: T } | undefined;
  void promise.then((value) => {
    result = { value };
  });
  await new Promise((r) => setImmediate(r));
  return result;
}

describe('the work queue', () => {
  it('keeps one entry per waiting key, in first-added order', async () => {
    const q = new WorkQueue();
    for (const key of ['bl/a', 'bl/b', 'bl/a', 'bl/a', 'bl/c', 'bl/b']) q.add(key);
    assert.equal(q.depth, 3);
    assert.equal(await q.get(), 'bl/a');
    assert.equal(await q.get(), 'bl/b');
    assert.equal(await q.get(), 'bl/c');
    assert.equal(q.depth, 0);
  });

  it('hands a key to a worker already waiting for one', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    assert.equal(await settled(waiting), undefined, 'nothing to take yet');
    q.add('bl/a');
    assert.deepEqual(await settled(waiting), { value: 'bl/a' });
    assert.equal(q.depth, 0);
  });

  it('never hands out a key being processed; one re-added meanwhile runs once more after done', async () => {
    const q = new WorkQueue();
    q.add('bl/a');
    assert.equal(await q.get(), 'bl/a');
    q.add('bl/a');
    q.add('bl/a');
    assert.equal(q.depth, 0, 'not queued while it is processed');
    const next = q.get();
    assert.equal(await settled(next), undefined, 'a second worker does not get it');
    q.done('bl/a');
    assert.deepEqual(await settled(next), { value: 'bl/a' }, 'once, after done');
    q.done('bl/a');
    assert.equal(await settled(q.get()), undefined, 'and not again');
  });

  it('a key done without being re-added does not come back', async () => {
    const q = new WorkQueue();
    q.add('bl/a');
    assert.equal(await q.get(), 'bl/a');
    q.done('bl/a');
    assert.equal(q.depth, 0);
    assert.equal(await settled(q.get()), undefined);
  });

  it('retries a failing key after a per-key exponential back-off, capped, reset by forget', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1000 });
    /** Fails the key once more and returns the delay after which it came back. */
    const failOnce = async (key: string) => {
      const delay = q.addRateLimited(key);
      t.mock.timers.tick(delay - 1);
      assert.equal(q.depth, 0, `${key} not back before ${delay} ms`);
      t.mock.timers.tick(1);
      assert.equal(q.depth, 1, `${key} back after ${delay} ms`);
      assert.equal(await q.get(), key);
      q.done(key);
      return delay;
    };
    const delays = [];
    for (let i = 0; i < 6; i++) delays.push(await failOnce('bl/a'));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    assert.equal(await failOnce('bl/b'), 100, 'another key has a back-off of its own');
    q.forget('bl/a');
    assert.equal(await failOnce('bl/a'), 100, 'a success starts over');
  });

  it('a key waiting on its back-off is taken at once when an event adds it, and only once', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = new WorkQueue({ baseDelayMs: 100 });
    q.addRateLimited('bl/a');
    q.add('bl/a');
    assert.equal(await q.get(), 'bl/a');
    q.done('bl/a');
    t.mock.timers.tick(100);
    assert.equal(q.depth, 1, 'the retry still comes');
    assert.equal(await q.get(), 'bl/a');
  });

  it('shuts down: waiting workers get null, nothing more is queued, pending retries are dropped', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = new WorkQueue({ baseDelayMs: 100 });
    const workers = [q.get(), q.get()];
    q.addRateLimited('bl/late');
    q.shutDown();
    assert.deepEqual(await Promise.all(workers), [null, null]);
    q.add('bl/a');
    assert.equal(q.depth, 0);
    t.mock.timers.tick(1000);
    assert.equal(q.depth, 0, 'the retry was cancelled');
    assert.equal(await q.get(), null);
  });
});
