/**
 * A connection's per-PV throttle (`max_rate` on the pv-socket) on a mocked clock: what it sends
 * depends on time, so the test owns time. The socket is a stand-in that records what is sent.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { Connection } from '../src/sockets/connection.ts';

/** One sequence for updates made and frames sent: which came first at the same mocked instant. */
let order = 0;

/**
 * Enough of a ws WebSocket for a Connection: its socket takes every write at once, and each
 * WebSocket message in the bytes written is recorded with the time it was written.
 */
class RecordingSocket extends EventEmitter {
  readonly sent: { at: number; frame: string; order: number }[] = [];
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  private unread = Buffer.alloc(0);
  readonly _socket = {
    cork() {},
    uncork() {},
    write: (chunk: Buffer, done?: (err?: Error) => void) => {
      this.unread = Buffer.concat([this.unread, chunk]);
      this.readMessages();
      done?.();
      return true;
    },
  };

  /** Text messages of up to 125 bytes, all the tests send. */
  private readMessages() {
    while (this.unread.length >= 2) {
      assert.equal(this.unread[0], 0x81, 'a final text frame');
      const length = this.unread[1];
      assert.ok(length < 126, 'a short unmasked frame');
      if (this.unread.length < 2 + length) return;
      const frame = this.unread.subarray(2, 2 + length).toString();
      this.sent.push({ at: Date.now(), frame, order: order++ });
      this.unread = this.unread.subarray(2 + length);
    }
  }

  close() {
    this.readyState = 3;
    this.emit('close', 1000, Buffer.alloc(0));
  }
}

/** Lets the end-of-turn flush run (setImmediate stays real; only Date and setTimeout are mocked). */
const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('connection throttle (max_rate) on a mocked clock', () => {
  it('sends at most one update per interval, each the newest at its time, and never drops the last', async (t) => {
    t.mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 1_000_000 });
    const socket = new RecordingSocket();
    const connection = new Connection(socket as unknown as WebSocket, '/api/v1/pv-socket', {
      highWater: 1 << 20,
      frameLimit: 1 << 20,
      replyLimit: 256,
    });
    const intervalMs = 1000 / 2; // max_rate 2
    const updated: { frame: string; order: number }[] = [];
    // A PV updating at 10 Hz for 2 s.
    for (let i = 0; i < 20; i++) {
      const frame = `v${i}`;
      updated.push({ frame, order: order++ });
      connection.update('mini:current', frame, intervalMs);
      await endOfTurn();
      t.mock.timers.tick(100);
      await endOfTurn();
    }
    // Then silence, long enough for a held update to go out.
    t.mock.timers.tick(intervalMs);
    await endOfTurn();

    const sent = socket.sent;
    assert.ok(sent.length >= 4, `about 2 a second over 2 s: ${JSON.stringify(sent)}`);
    assert.ok(sent.length < updated.length / 2, `thinned out: ${sent.length} of ${updated.length}`);
    for (let i = 1; i < sent.length; i++)
      assert.ok(
        sent[i].at - sent[i - 1].at >= intervalMs,
        `${sent[i - 1].frame} and ${sent[i].frame} too close`,
      );
    // Each frame sent is the newest update made before it was sent (the log keeps their order).
    for (const { at, frame, order } of sent) {
      const newest = updated.filter((u) => u.order < order).at(-1)!;
      assert.equal(frame, newest.frame, `at ${at} the newest update was ${newest.frame}`);
    }
    assert.equal(sent[0].frame, 'v0', 'the first update goes at once');
    assert.equal(sent.at(-1)!.frame, 'v19', 'the last update is held, not dropped');
    socket.close();
  });

  it('forgets a throttle on release: nothing held is sent after an unsubscribe', async (t) => {
    t.mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 1_000_000 });
    const socket = new RecordingSocket();
    const connection = new Connection(socket as unknown as WebSocket, '/api/v1/pv-socket', {
      highWater: 1 << 20,
      frameLimit: 1 << 20,
      replyLimit: 256,
    });
    connection.update('pv', 'first', 500);
    await endOfTurn();
    connection.update('pv', 'held', 500);
    connection.release('pv');
    t.mock.timers.tick(1000);
    await endOfTurn();
    assert.deepEqual(
      socket.sent.map((s) => s.frame),
      ['first'],
    );
    socket.close();
  });
});
