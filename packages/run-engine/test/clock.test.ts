import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wallClock } from '../src/clock.ts';

describe('wallClock', () => {
  it('never wakes from a sleep before its own time says it is up', async () => {
    // setTimeout counts monotonic milliseconds and now() wall-clock ones: on this machine about one
    // bare 7 ms timer in a hundred woke a millisecond early by the wall clock, so 300 sleeps would
    // catch a sleep that trusted the timer.
    const early: number[] = [];
    for (let i = 0; i < 300; i++) {
      // now() is milliseconds over 1000: compared as the whole milliseconds it read, exactly.
      const start = Math.round(wallClock.now() * 1000);
      await wallClock.sleep(0.007);
      const slept = Math.round(wallClock.now() * 1000) - start;
      if (slept < 7) early.push(slept);
    }
    assert.deepEqual(early, [], 'sleeps of 7 ms that woke early (their lengths, ms)');
  });

  it('rejects with the signal reason when aborted, before or during the sleep', async () => {
    const before = new AbortController();
    before.abort(new Error('gone already'));
    await assert.rejects(wallClock.sleep(1, before.signal), /gone already/);
    const during = new AbortController();
    const sleeping = wallClock.sleep(60, during.signal);
    during.abort(new Error('stopped'));
    await assert.rejects(sleeping, /stopped/);
  });
});
