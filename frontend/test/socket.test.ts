/**
 * The page's shared socket client against a real WebSocket server on loopback: it reconnects after
 * the server drops it, re-sends its subscriptions, delivers frames sent while closed, and backs off.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { type WebSocket as ServerSocket, WebSocketServer } from 'ws';
import { backoffDelay, ReconnectingSocket } from '../src/socket.ts';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await once(server, 'listening');
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

/** The next connection the server accepts, with a queue of the JSON frames it receives. */
function nextConnection(): Promise<{ socket: ServerSocket; frames: () => Promise<unknown> }> {
  return new Promise((resolve) =>
    server.once('connection', (socket) => {
      const received: unknown[] = [];
      const waiting: ((frame: unknown) => void)[] = [];
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        const waiter = waiting.shift();
        if (waiter) waiter(frame);
        else received.push(frame);
      });
      const frames = () =>
        received.length ? Promise.resolve(received.shift()) : new Promise((r) => waiting.push(r));
      resolve({ socket, frames });
    }),
  );
}

describe('ReconnectingSocket', () => {
  it('re-sends kept subscriptions after the server drops it, and hears the server again', async () => {
    const first = nextConnection();
    const client = new ReconnectingSocket(url, { initialMs: 10, maxMs: 50 });
    client.keep('pv:mini:current', { action: 'subscribe', pv: 'mini:current' });
    const a = await first;
    assert.deepEqual(await a.frames(), { action: 'subscribe', pv: 'mini:current' });

    const states: string[] = [];
    client.onState((state) => states.push(state));
    const second = nextConnection();
    a.socket.terminate();
    const b = await second;
    assert.deepEqual(await b.frames(), { action: 'subscribe', pv: 'mini:current' });

    const heard = new Promise((resolve) => client.onMessage(resolve));
    b.socket.send(JSON.stringify({ event_type: 'pv_update', pv: 'mini:current', value: 1.5 }));
    assert.deepEqual(await heard, { event_type: 'pv_update', pv: 'mini:current', value: 1.5 });
    assert.deepEqual(states.slice(0, 3), ['closed', 'connecting', 'open']);
    client.close();
  });

  it('sends a frame given while connecting once the socket opens, and a forgotten one never again', async () => {
    const first = nextConnection();
    const client = new ReconnectingSocket(url, { initialMs: 10, maxMs: 50 });
    client.send({ action: 'refresh' });
    client.keep('gone', { action: 'subscribe', pv: 'gone' });
    const a = await first;
    assert.deepEqual(await a.frames(), { action: 'subscribe', pv: 'gone' });
    assert.deepEqual(await a.frames(), { action: 'refresh' });
    client.forget('gone');
    client.keep('kept', { action: 'subscribe', pv: 'kept' });
    assert.deepEqual(await a.frames(), { action: 'subscribe', pv: 'kept' });
    const second = nextConnection();
    a.socket.terminate();
    const b = await second;
    assert.deepEqual(await b.frames(), { action: 'subscribe', pv: 'kept' });
    client.close();
  });

  it('hands binary frames (camera images) to binary listeners, and JSON text to the others', async () => {
    const first = nextConnection();
    const client = new ReconnectingSocket(url, { initialMs: 10, maxMs: 50 });
    const a = await first;
    const text: unknown[] = [];
    client.onMessage((message) => text.push(message));
    const binary = new Promise<ArrayBuffer>((resolve) => client.onBinary(resolve));
    a.socket.send(Buffer.from([0xff, 0xd8, 0xff, 0x00]));
    assert.deepEqual([...new Uint8Array(await binary)], [0xff, 0xd8, 0xff, 0x00]);
    const heard = new Promise((resolve) => client.onMessage(resolve));
    a.socket.send(JSON.stringify({ x: 4, y: 4 }));
    assert.deepEqual(await heard, { x: 4, y: 4 });
    assert.deepEqual(text, [{ x: 4, y: 4 }], 'the binary frame never reached the JSON listeners');
    client.close();
  });

  it('doubles its reconnection delay up to the cap', () => {
    const options = { initialMs: 250, maxMs: 8000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options)),
      [250, 500, 1000, 2000, 4000, 8000, 8000],
    );
  });
});
