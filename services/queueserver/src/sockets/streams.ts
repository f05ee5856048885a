/**
 * The three WebSockets (spec §10.5): server to client only, JSON text frames. A client without good
 * credentials on the upgrade gets ten seconds to send `{"type": "auth", …}` and never any data
 * before it has authenticated; anonymous access never applies here.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { webSocketServer } from '@ophyd-service/service-kit';
import type { WebSocket, WebSocketServer } from 'ws';

export interface SocketAuth {
  /** The upgrade request's credentials: 'ok', or 'ask' (wait for the first message). */
  fromUpgrade(request: IncomingMessage, scope: string): Promise<'ok' | 'ask'>;
  /** The first message's credentials: 'ok' or a close code (4001 invalid). */
  fromFirstMessage(text: string): Promise<'ok' | number>;
}

/** How long an accepted socket may take to send its auth frame (the reference's 10 s). */
export const AUTH_WAIT_MS = 10_000;
/** A client this far behind loses frames rather than growing our memory. */
const HIGH_WATER = 4 * 1024 * 1024;

export class StreamSockets {
  /** Made at the first upgrade (service-kit's webSocketServer loads ws then). */
  private server: WebSocketServer | null = null;
  private readonly clients = new Map<string, Set<WebSocket>>();
  private readonly scopes: Record<string, string>;

  private readonly auth: SocketAuth;
  private readonly authWaitMs: number;

  constructor(auth: SocketAuth, routes: Record<string, string>, authWaitMs = AUTH_WAIT_MS) {
    this.auth = auth;
    this.scopes = routes;
    this.authWaitMs = authWaitMs;
    for (const path of Object.keys(routes)) this.clients.set(path, new Set());
  }

  /** Sends a JSON frame to every authenticated client of `path`. */
  broadcast(path: string, payload: unknown): void {
    const sockets = this.clients.get(path);
    if (!sockets?.size) return;
    const text = JSON.stringify(payload);
    for (const socket of sockets) if (socket.bufferedAmount < HIGH_WATER) socket.send(text);
  }

  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const scope = this.scopes[path];
    if (scope === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.server ??= webSocketServer({ noServer: true });
    this.server.handleUpgrade(request, socket, head, (ws) => void this.admit(ws, request, path, scope));
  }

  private async admit(ws: WebSocket, request: IncomingMessage, path: string, scope: string): Promise<void> {
    {
      const join = () => {
        this.clients.get(path)?.add(ws);
        ws.on('close', () => this.clients.get(path)?.delete(ws));
      };
      // Frames from the client are read only to notice the first-message handshake and a close.
      if ((await this.auth.fromUpgrade(request, scope)) === 'ok') {
        ws.on('message', () => {});
        join();
        return;
      }
      const timer = setTimeout(() => ws.close(4401, 'Auth required'), this.authWaitMs);
      ws.once('message', async (data) => {
        clearTimeout(timer);
        const verdict = await this.auth.fromFirstMessage(String(data));
        if (verdict !== 'ok') {
          ws.close(verdict, 'Invalid token');
          return;
        }
        ws.on('message', () => {});
        join();
      });
      ws.on('close', () => clearTimeout(timer));
    }
  }

  close(): void {
    if (!this.server) return;
    for (const ws of this.server.clients) ws.terminate();
    this.server.close();
  }
}
