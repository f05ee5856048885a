import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubscriptionTable } from '../src/client/subscriptions.ts';

const subscription = (name: string) => ({ id: -1, name });

describe('a circuit subscription table', () => {
  it('finds each subscription by the id it gave, and nothing by an id it did not give', () => {
    const table = new SubscriptionTable<ReturnType<typeof subscription>>();
    const a = subscription('a');
    const b = subscription('b');
    const idA = table.add(a);
    const idB = table.add(b);
    assert.notEqual(idA, idB);
    assert.equal(a.id, idA);
    assert.equal(table.get(idA), a);
    assert.equal(table.get(idB), b);
    assert.equal(table.get(idB + 1), undefined);
    assert.equal(table.get(12345678), undefined);
    assert.equal(table.size, 2);
  });

  it('never gives an id twice: an update for a cancelled subscription cannot reach the one in its slot', () => {
    const table = new SubscriptionTable<ReturnType<typeof subscription>>();
    const old = subscription('old');
    const oldId = table.add(old);
    assert.equal(table.delete(old), true);
    assert.equal(table.delete(old), false, 'a second delete finds nothing');
    const next = subscription('next');
    const nextId = table.add(next);
    assert.notEqual(nextId, oldId);
    assert.equal(table.get(oldId), undefined, 'the late update of the cancelled subscription');
    assert.equal(table.get(nextId), next);
  });

  it('retires a slot whose ids are spent instead of wrapping them, and every id stays a u32', () => {
    const table = new SubscriptionTable<ReturnType<typeof subscription>>();
    const seen = new Set<number>();
    // One slot reused until its 4,096 ids (2^32 / 2^20 slots) are spent, then the next.
    for (let i = 0; i < 4096 + 3; i++) {
      const s = subscription(`s${i}`);
      const id = table.add(s);
      assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffffffff, `id ${id} fits the wire's u32`);
      assert.ok(!seen.has(id), `id ${id} given twice`);
      seen.add(id);
      table.delete(s);
    }
    assert.equal(seen.size, 4099);
    assert.equal(table.size, 0);
  });

  it('clear() removes every subscription', () => {
    const table = new SubscriptionTable<ReturnType<typeof subscription>>();
    const all = ['a', 'b', 'c'].map(subscription);
    for (const s of all) table.add(s);
    table.delete(all[1]);
    table.clear();
    assert.equal(table.size, 0);
    for (const s of all) assert.equal(table.get(s.id), undefined);
  });
});
