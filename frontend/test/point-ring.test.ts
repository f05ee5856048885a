/** The strip chart's bounded ring buffer and the shared-time-axis alignment uPlot draws from. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignSeries, PointRing } from '../src/components/pointRing.ts';

function contents(ring: PointRing): [number, number][] {
  return Array.from({ length: ring.length }, (_, i) => [ring.timeAt(i), ring.valueAt(i)]);
}

describe('PointRing', () => {
  it('keeps the newest points up to its capacity, oldest first', () => {
    const ring = new PointRing(3);
    for (let t = 1; t <= 5; t++) ring.push(t, t * 10);
    assert.deepEqual(contents(ring), [
      [3, 30],
      [4, 40],
      [5, 50],
    ]);
    assert.equal(ring.received, 5);
  });

  it('finds the first point at or after a time, across the wrap-around', () => {
    const ring = new PointRing(4);
    for (const t of [1, 2, 3, 4, 5, 6]) ring.push(t, 0);
    assert.equal(ring.firstIndexFrom(0), 0);
    assert.equal(ring.firstIndexFrom(4.5), 2);
    assert.equal(ring.firstIndexFrom(6), 3);
    assert.equal(ring.firstIndexFrom(7), 4);
  });

  it('holds ten thousand points of a long run and no more', () => {
    const ring = new PointRing(10_000);
    for (let i = 0; i < 25_000; i++) ring.push(i, i);
    assert.equal(ring.length, 10_000);
    assert.equal(ring.timeAt(0), 15_000);
  });
});

describe('alignSeries', () => {
  it('merges two series on the union of their times, null where one has no point', () => {
    const a = new PointRing(10);
    const b = new PointRing(10);
    a.push(1, 10);
    a.push(3, 30);
    b.push(2, 200);
    b.push(3, 300);
    assert.deepEqual(alignSeries([a, b], 0), [
      [1, 2, 3],
      [10, null, 30],
      [null, 200, 300],
    ]);
  });

  it('leaves out points before the window', () => {
    const a = new PointRing(10);
    for (const t of [1, 2, 3]) a.push(t, t);
    assert.deepEqual(alignSeries([a], 2), [
      [2, 3],
      [2, 3],
    ]);
  });
});
