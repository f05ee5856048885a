/**
 * The INFO socket (spec §7): a PUB socket sending two-frame messages, the topic then the payload:
 * `QS_Console` for console text and `QS_Info` for status. Never encrypted.
 */
import { Publisher } from 'zeromq';
import type { Reply } from '../manager/types.ts';
import { type Encoding, encodeMessage } from './encoding.ts';

export class InfoPublisher {
  private sending: Promise<void> = Promise.resolve();

  private readonly socket: Publisher;
  private readonly encoding: Encoding;

  private constructor(socket: Publisher, encoding: Encoding) {
    this.socket = socket;
    this.encoding = encoding;
  }

  static async bind(address: string, encoding: Encoding): Promise<InfoPublisher> {
    const socket = new Publisher();
    socket.linger = 0;
    await socket.bind(address);
    return new InfoPublisher(socket, encoding);
  }

  get endpoint(): string {
    return this.socket.lastEndpoint ?? '';
  }

  console(message: { time: number; msg: string }): void {
    this.publish('QS_Console', message);
  }

  status(status: Reply, time: number): void {
    this.publish('QS_Info', { time, msg: { status } });
  }

  close(): void {
    this.socket.close();
  }

  /** Sends in order; a PUB socket never blocks (messages to slow subscribers are dropped by 0MQ). */
  private publish(topic: string, payload: unknown): void {
    const frames = [Buffer.from(topic, 'ascii'), encodeMessage(payload, this.encoding)];
    this.sending = this.sending.then(() => this.socket.send(frames)).catch(() => {});
  }
}
