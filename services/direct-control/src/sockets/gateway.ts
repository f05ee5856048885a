/**
 * The WebSocket endpoints: routes HTTP upgrades by path, enforces the global connection cap (the
 * socket is accepted, then closed with 1013), sends heartbeat frames and protocol pings (a peer that
 * misses two pings is dropped), and closes everything with 1001 on shutdown.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Logger, type Upgrades, webSocketServer } from '@ophyd-service/service-kit';
import type { WebSocket, WebSocketServer } from 'ws';
import { Connection, type ConnectionOptions } from './connection.ts';
import { envelope } from './frames.ts';
import { WireFrame } from './wire-frame.ts';

export interface Endpoint {
  /** Heartbeat frames (`{"type":"heartbeat"}`) on this endpoint. */
  heartbeat: boolean;
  accept(connection: Connection): void;
}

export interface GatewayOptions extends ConnectionOptions {
  maxConnections: number;
  heartbeatSeconds: number;
  pingSeconds: number;
  logger: Logger;
}

export class SocketGateway implements Upgrades {
  /** Made at the first upgrade (service-kit's webSocketServer loads ws then). */
  private server: WebSocketServer | null = null;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly connections = new Set<Connection>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly options: GatewayOptions;
  /** Sockets refused because the cap was reached. */
  refused = 0;

  constructor(options: GatewayOptions) {
    this.options = options;
    if (options.heartbeatSeconds > 0) {
      this.every(options.heartbeatSeconds, () => {
        const frame = WireFrame.text(envelope('heartbeat'));
        for (const c of this.connections) if (this.endpoints.get(c.path)?.heartbeat) c.reply(frame);
      });
    }
    if (options.pingSeconds > 0) {
      this.every(options.pingSeconds, () => {
        for (const c of this.connections) {
          if (!this.alive.has(c.ws)) {
            options.logger.warn({ path: c.path }, 'WebSocket peer missed its pings; dropping it');
            c.ws.terminate();
            continue;
          }
          this.alive.delete(c.ws);
          c.ws.ping();
        }
      });
    }
  }

  route(path: string, endpoint: Endpoint): this {
    this.endpoints.set(path, endpoint);
    return this;
  }

  /** Open connections, by endpoint path. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const path of this.endpoints.keys()) counts[path] = 0;
    for (const c of this.connections) counts[c.path]++;
    return counts;
  }

  get size(): number {
    return this.connections.size;
  }

  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const endpoint = this.endpoints.get(path);
    if (!endpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // No permessage-deflate: connections frame their messages themselves (see connection.ts).
    this.server ??= webSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
    this.server.handleUpgrade(request, socket, head, (ws) => {
      if (this.connections.size >= this.options.maxConnections) {
        this.refused++;
        ws.close(1013, 'server at WebSocket connection capacity; try again later');
        return;
      }
      const connection = new Connection(ws, path, this.options);
      this.connections.add(connection);
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      ws.on('error', (err) => this.options.logger.debug({ err, path }, 'WebSocket error'));
      connection.onClose(() => this.connections.delete(connection));
      endpoint.accept(connection);
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    const closing = [...this.connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.onClose(resolve);
          c.close(1001, 'Service shutting down');
          setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 2000).unref();
        }),
    );
    await Promise.all(closing);
    this.server?.close();
  }

  private every(seconds: number, run: () => void): void {
    const timer = setInterval(run, seconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }
}
