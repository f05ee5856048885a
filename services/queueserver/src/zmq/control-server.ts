/**
 * The CONTROL socket (spec §1): a REP socket answering every frame with exactly one frame, in
 * lock-step, including frames it cannot read. Only an accepted manager_kill goes unanswered.
 */
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
  private readonly socket: ReplySocket;
  private loop: Promise<void> = Promise.resolve();

  private readonly options: ControlServerOptions;

  private constructor(socket: ReplySocket, options: ControlServerOptions) {
    this.socket = socket;
    this.options = options;
  }

  static async bind(options: ControlServerOptions): Promise<ControlServer> {
    const socket = new ReplySocket(
      options.curveSecretKey ? { curveServer: true, curveSecretKey: options.curveSecretKey } : {},
    );
    socket.linger = 0;
    await socket.bind(options.address);
    const server = new ControlServer(socket, options);
    server.loop = server.serve();
    return server;
  }

  /** The address actually bound (a `tcp://…:0` request gets its port here). */
  get endpoint(): string {
    return this.socket.lastEndpoint ?? this.options.address;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop.catch(() => {});
  }

  private async serve(): Promise<void> {
    for await (const [frame] of this.socket) {
      const reply = await this.answer(frame ?? Buffer.alloc(0));
      await this.socket.send(encodeMessage(reply, this.options.encoding));
    }
  }

  private async answer(frame: Buffer): Promise<Reply> {
    let request: { method: string; params: Params };
    try {
      request = checkEnvelope(decodeMessage(frame, this.options.encoding));
    } catch (error) {
      return { success: false, msg: envelopeMessage(error) };
    }
    try {
      return await this.options.call(request.method, request.params);
    } catch (error) {
      return { success: false, msg: (error as Error).message };
    }
  }
}

function envelopeMessage(error: unknown): string {
  const text = (error as Error).message;
  return /decode error/i.test(text) ? `Failed to decode the request: ${text}` : text;
}
