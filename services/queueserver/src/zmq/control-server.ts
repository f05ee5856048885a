/**
 * The CONTROL socket (spec §1): a REP socket answering every frame with exactly one frame, in
 * lock-step, including frames it cannot read. Only an accepted manager_kill goes unanswered.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Reply as ReplySocket } from 'zeromq';
import type { Params, Reply } from '../manager/types.ts';
import { checkEnvelope, decodeMessage, type Encoding, encodeMessage } from './encoding.ts';

export interface ControlServerOptions {
  address: string;
  encoding: Encoding;
  /** CurveZMQ server secret key (z85, 40 characters); absent = plain text. */
  curveSecretKey?: string;
  call(method: string, params: Params): Promise<Reply>;
}

export class ControlServer {
  private socket: ReplySocket;
  private loop: Promise<void> = Promise.resolve();

  private readonly options: ControlServerOptions;

  private constructor(socket: ReplySocket, options: ControlServerOptions) {
    this.socket = socket;
    this.options = options;
  }

  static async bind(options: ControlServerOptions): Promise<ControlServer> {
    const server = new ControlServer(await ControlServer.bound(options.address, options), options);
    server.loop = server.serve();
    return server;
  }

  private static async bound(address: string, options: ControlServerOptions): Promise<ReplySocket> {
    const socket = new ReplySocket(
      options.curveSecretKey ? { curveServer: true, curveSecretKey: options.curveSecretKey } : {},
    );
    socket.linger = 0;
    await socket.bind(address);
    return socket;
  }

  /** The address actually bound (a `tcp://…:0` request gets its port here). */
  get endpoint(): string {
    return this.socket.lastEndpoint ?? this.options.address;
  }

  /**
   * A fresh socket on the same address: after `manager_kill` the old one still owes a reply it will
   * never send, and a REP socket cannot take another request until it does.
   */
  async reset(): Promise<void> {
    const endpoint = this.endpoint;
    // Unbinding resolves once the port is free; a bare close frees it later, and a bind too soon fails.
    await this.socket.unbind(endpoint).catch(() => {});
    this.socket.close();
    await this.loop.catch(() => {});
    for (let attempt = 1; ; attempt++) {
      try {
        this.socket = await ControlServer.bound(endpoint, this.options);
        break;
      } catch (error) {
        // The old socket's port can take a moment to be released by the 0MQ I/O thread.
        if (attempt >= 50) throw error;
        await sleep(100);
      }
    }
    this.loop = this.serve();
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop.catch(() => {});
  }

  private async serve(): Promise<void> {
    const socket = this.socket;
    for await (const [frame] of socket) {
      const reply = await this.answer(frame ?? Buffer.alloc(0));
      if (reply === UNANSWERED) return;
      await socket.send(encodeMessage(reply, this.options.encoding));
    }
  }

  private async answer(frame: Buffer): Promise<Reply> {
    let request: { method: string; params: Params };
    try {
      request = checkEnvelope(decodeMessage(frame, this.options.encoding));
    } catch (error) {
      return { success: false, msg: envelopeMessage(error) };
    }
    if (request.method === 'manager_kill' && Object.keys(request.params).length === 0) {
      // The test hook freezes the manager: no reply; the server restarts it (server.ts).
      void this.options.call(request.method, request.params);
      return UNANSWERED;
    }
    try {
      return await this.options.call(request.method, request.params);
    } catch (error) {
      return { success: false, msg: (error as Error).message };
    }
  }
}

const UNANSWERED: Reply = {};

function envelopeMessage(error: unknown): string {
  const text = (error as Error).message;
  return /decode error/i.test(text) ? `Failed to decode the request: ${text}` : text;
}
