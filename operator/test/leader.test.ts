import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Lease } from '@kubernetes/client-node';
import { LeaderElector, type LeaseStore } from '../src/leader.ts';

/**
 * A Lease held in memory with the API server's optimistic concurrency: every write bumps the
 * resourceVersion, and a create of an existing Lease or a replace at a stale version fails with 409.
 */
class MemoryLeaseStore implements LeaseStore {
  lease: V1Lease | null = null;
  private version = 0;
  reachable = true;

  private async reach(): Promise<void> {
    await Promise.resolve(); // a request takes a turn of the event loop, so two electors can race
    if (!this.reachable) throw Object.assign(new Error('connection refused'), { code: undefined });
  }
  async read() {
    await this.reach();
    return this.lease && structuredClone(this.lease);
  }
  async create(lease: V1Lease) {
    await this.reach();
    if (this.lease) throw Object.assign(new Error('already exists'), { code: 409 });
    this.store(lease);
  }
  async replace(lease: V1Lease) {
    await this.reach();
    if (lease.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion)
      throw Object.assign(new Error('the object has been modified'), { code: 409 });
    this.store(lease);
  }
  private store(lease: V1Lease) {
    this.lease = structuredClone(lease);
    this.lease.metadata = { ...this.lease.metadata, resourceVersion: String(++this.version) };
  }
}

/** An elector on a shared store and a clock the test moves, counting its leadership callbacks. */
function elector(store: LeaseStore, identity: string, clock: { now: number }) {
  const calls = { started: 0, stopped: 0 };
  const e = new LeaderElector({
    store,
    clock: () => clock.now,
    namespace: 'default',
    identity,
    leaseSeconds: 15,
    onStartedLeading: () => {
      calls.started++;
    },
    onStoppedLeading: () => {
      calls.stopped++;
    },
  });
  return Object.assign(e, { calls });
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('leader election on a Lease', () => {
  it('acquires a Lease nobody holds, and renews it while leading', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    await a.step();
    assert.equal(a.leading, true);
    assert.deepEqual(a.calls, { started: 1, stopped: 0 });
    const spec = store.lease?.spec;
    assert.deepEqual(
      [spec?.holderIdentity, spec?.leaseDurationSeconds, spec?.leaseTransitions],
      ['a', 15, 0],
    );
    assert.equal(iso(spec!.acquireTime!.getTime()), '2026-03-01T12:00:00.000Z');
    clock.now += 2000;
    await a.step();
    assert.equal(iso(store.lease!.spec!.renewTime!.getTime()), '2026-03-01T12:00:02.000Z');
    assert.equal(iso(store.lease!.spec!.acquireTime!.getTime()), '2026-03-01T12:00:00.000Z');
    assert.deepEqual(a.calls, { started: 1, stopped: 0 }, 'a renewal starts nothing');
    assert.equal(store.lease?.metadata?.resourceVersion, '2');
  });

  it('writes Lease times as MicroTime, six fractional digits, as the API server requires', async () => {
    const written: V1Lease[] = [];
    const spy = new LeaderElector({
      store: { read: async () => null, create: async (l) => void written.push(l), replace: async () => {} },
      clock: () => T0 + 5,
      namespace: 'default',
      identity: 'b',
      onStartedLeading: () => {},
      onStoppedLeading: () => {},
    });
    await spy.step();
    assert.equal(JSON.stringify(written[0].spec?.renewTime), '"2026-03-01T12:00:00.005000Z"');
  });

  it('stands by while the holder renews, however long that goes on', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await a.step();
    for (let i = 0; i < 30; i++) {
      clock.now += 2000;
      await a.step();
      await b.step();
      assert.equal(b.leading, false);
    }
    assert.equal(b.observedHolder, 'a');
    assert.deepEqual(b.calls, { started: 0, stopped: 0 });
    assert.equal(store.lease?.spec?.holderIdentity, 'a');
  });

  it('takes over once the holder stopped renewing for a whole lease duration', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await a.step();
    await b.step(); // b first sees a's Lease now
    clock.now += 14_999;
    await b.step();
    assert.equal(b.leading, false, 'not before the lease duration has passed');
    clock.now += 1;
    await b.step();
    assert.equal(b.leading, true);
    assert.deepEqual(b.calls, { started: 1, stopped: 0 });
    const spec = store.lease?.spec;
    assert.deepEqual([spec?.holderIdentity, spec?.leaseTransitions], ['b', 1]);
    assert.equal(iso(spec!.acquireTime!.getTime()), '2026-03-01T12:00:15.000Z');
  });

  it("judges expiry by its own clock from when the Lease last changed, not by the holder's timestamps", async () => {
    const store = new MemoryLeaseStore();
    const slow = { now: T0 - 3_600_000 }; // the holder's clock is an hour behind
    const clock = { now: T0 };
    const a = elector(store, 'a', slow);
    const b = elector(store, 'b', clock);
    await a.step();
    await b.step();
    clock.now += 5000;
    slow.now += 5000;
    await b.step();
    assert.equal(b.leading, false, 'a renewTime an hour old by b’s clock is not an expired Lease');
  });

  it('steps down at once when it finds another holder in the Lease', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    await a.step();
    // Another operator wrote itself into the Lease (it judged the Lease expired, say).
    const lease = (await store.read())!;
    lease.spec = { ...lease.spec, holderIdentity: 'c', leaseTransitions: 1 };
    await store.replace(lease);
    clock.now += 2000;
    await a.step();
    assert.equal(a.leading, false);
    assert.deepEqual(a.calls, { started: 1, stopped: 1 });
    assert.equal(a.observedHolder, 'c');
    assert.equal(store.lease?.spec?.holderIdentity, 'c', 'and leaves the Lease to it');
  });

  it('keeps leading through failed renewals until the renew deadline, then steps down', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock); // 15 s lease: a 10 s renew deadline
    await a.step();
    store.reachable = false;
    clock.now += 10_000;
    await a.step();
    assert.equal(a.leading, true, 'still within the deadline');
    clock.now += 1;
    await a.step();
    assert.equal(a.leading, false);
    assert.deepEqual(a.calls, { started: 1, stopped: 1 });
    store.reachable = true;
    await a.step();
    assert.equal(a.leading, true, 'its own Lease again once the API server answers');
    assert.deepEqual(a.calls, { started: 2, stopped: 1 });
  });

  it('lets exactly one of two electors win a race for a new Lease', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await Promise.all([a.step(), b.step()]);
    assert.equal([a.leading, b.leading].filter(Boolean).length, 1);
    assert.equal(store.lease?.spec?.holderIdentity, a.leading ? 'a' : 'b');
  });

  it('releases the Lease on stop, so a standby takes over at once', async () => {
    const store = new MemoryLeaseStore();
    const clock = { now: T0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await a.step();
    await b.step();
    await a.stop();
    assert.equal(a.leading, false);
    assert.equal(store.lease?.spec?.holderIdentity, undefined);
    await b.step();
    assert.equal(b.leading, true, 'no lease duration to wait');
    await a.step();
    assert.equal(a.leading, false, 'a stopped elector never leads again');
  });
});
