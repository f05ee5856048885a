/**
 * A bare CA circuit for tests of what a server does with what arrives: it sends any DBR type and
 * value, unchecked (where CaClient would convert to the native type or refuse first), and hands back
 * every reply. It speaks through the library's own message codec over a real TCP connection.
 */
import { connect, type Socket } from 'node:net';
import { type DbrData, decodeDbr, encodeDbr, toNative } from '../src/dbr.ts';
import { decodeResponse, encode, PROTOCOL_MINOR_VERSION, type Response } from '../src/messages.ts';
import { FrameReader } from '../src/stream.ts';

export interface RawChannel {
  sid: number;
  cid: number;
  nativeType: number;
  count: number;
}

type Error = Extract<Response, { kind: 'error' }>;

export class RawCircuit {
  private readonly socket: Socket;
  private readonly reader = new FrameReader(1 << 24);
  private readonly waiting: { match: (r: Response) => boolean; resolve: (r: Response) => void }[] = [];
  /** CA_PROTO_ERROR messages received, in order. */
  readonly errors: Error[] = [];
  /** Every reply received, in the order it came off the wire. */
  readonly replies: Response[] = [];
  private nextId = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      for (const { header, payload } of this.reader.push(chunk)) {
        const response = decodeResponse(header, payload);
        if (response) this.received(response);
      }
    });
  }

  static async open(tcpPort: number): Promise<RawCircuit> {
    const socket = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const circuit = new RawCircuit(socket);
    socket.write(
      Buffer.concat([
        encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }),
        encode({ kind: 'hostName', name: 'raw-test' }),
        encode({ kind: 'clientName', name: 'raw-test' }),
      ]),
    );
    return circuit;
  }

  async channel(name: string): Promise<RawChannel> {
    const cid = this.nextId++;
    const reply = this.next(
      (r) => (r.kind === 'createChanReply' || r.kind === 'createChFail') && r.cid === cid,
    );
    this.socket.write(encode({ kind: 'createChan', cid, minorVersion: PROTOCOL_MINOR_VERSION, name }));
    const r = await reply;
    if (r.kind !== 'createChanReply') throw new Error(`no channel ${name}`);
    return { sid: r.sid, cid, nativeType: r.dataType, count: r.count };
  }

  /** A WRITE_NOTIFY of `values` as `dataType`; resolves with the status of its reply. */
  async writeNotify(channel: RawChannel, dataType: number, values: (number | string)[]): Promise<number> {
    const ioid = this.nextId++;
    const reply = this.next((r) => r.kind === 'writeNotifyReply' && r.ioid === ioid);
    this.socket.write(
      encode({
        kind: 'writeNotify',
        dataType,
        count: values.length,
        sid: channel.sid,
        ioid,
        data: encodeDbr(dataType, { values: toNative(dataType, values as number[]) }),
      }),
    );
    return ((await reply) as Extract<Response, { kind: 'writeNotifyReply' }>).status;
  }

  /** An EVENT_ADD on value changes in the native type; resolves with its first update. */
  async subscribe(channel: RawChannel, subscriptionId: number): Promise<void> {
    const first = this.next((r) => r.kind === 'eventAddReply' && r.subscriptionId === subscriptionId);
    this.socket.write(
      encode({
        kind: 'eventAdd',
        dataType: channel.nativeType,
        count: channel.count,
        sid: channel.sid,
        subscriptionId,
        mask: 1,
      }),
    );
    await first;
  }

  /** A plain WRITE (no reply unless it fails). */
  write(channel: RawChannel, dataType: number, values: (number | string)[]): void {
    this.socket.write(
      encode({
        kind: 'write',
        dataType,
        count: values.length,
        sid: channel.sid,
        ioid: this.nextId++,
        data: encodeDbr(dataType, { values: toNative(dataType, values as number[]) }),
      }),
    );
  }

  /** Resolves with the next CA_PROTO_ERROR (one already received and not yet taken comes first). */
  nextError(): Promise<Error> {
    const queued = this.errors.shift();
    if (queued) return Promise.resolve(queued);
    return this.next((r) => r.kind === 'error', true) as Promise<Error>;
  }

  /** A READ_NOTIFY, by default in the channel's native type. */
  async read(channel: RawChannel, dataType = channel.nativeType): Promise<DbrData> {
    const ioid = this.nextId++;
    const reply = this.next((r) => r.kind === 'readNotifyReply' && r.ioid === ioid);
    this.socket.write(encode({ kind: 'readNotify', dataType, count: 0, sid: channel.sid, ioid }));
    const r = (await reply) as Extract<Response, { kind: 'readNotifyReply' }>;
    return decodeDbr(r.dataType, r.data, r.count);
  }

  close(): void {
    this.socket.destroy();
  }

  private next(match: (r: Response) => boolean, takesError = false): Promise<Response> {
    return new Promise((resolve) =>
      this.waiting.push({
        match,
        resolve: (r) => {
          if (takesError) this.errors.splice(this.errors.indexOf(r as Error), 1);
          resolve(r);
        },
      }),
    );
  }

  private received(response: Response): void {
    this.replies.push(response);
    if (response.kind === 'error') this.errors.push(response);
    const at = this.waiting.findIndex((w) => w.match(response));
    if (at >= 0) this.waiting.splice(at, 1)[0].resolve(response);
  }
}
