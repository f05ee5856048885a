/**
 * One TCP virtual circuit from the client to a server: channel creation, reads, writes,
 * subscriptions, echo-based liveness and flow control (EVENTS_OFF while the consumer lags).
 */
import { connect, type Socket } from 'node:net';
import { dataSize, nativeType, typeOf } from '../dbr.ts';
import {
  CMD,
  decodeResponse,
  encode,
  type Header,
  PROTOCOL_MINOR_VERSION,
  ProtocolError,
  type Response,
} from '../messages.ts';
import { ECA, ecaSucceeded } from '../status.ts';
import { FrameReader, type FrameView } from '../stream.ts';
import type { Channel, Monitor } from './channel.ts';
import { CaError, CaTimeoutError } from './errors.ts';
import { readingAt } from './reading.ts';
import { payloadLimit, tooLargeError } from './size-limit.ts';
import { SubscriptionTable } from './subscriptions.ts';

export interface CircuitOwner {
  hostName: string;
  userName: string;
  connTimeoutMs: number;
  maxArrayBytes: number;
  channelConnected(channel: Channel): void;
  channelLost(channel: Channel, reason: string): void;
  /** A subscription the circuit ended (its updates cannot be received): it must not be renewed. */
  monitorFailed(monitor: Monitor, err: CaError): void;
  circuitClosed(circuit: ClientCircuit, reason: string): void;
}

interface PendingIo {
  /** The request, as errors name it: `get <pv>`. */
  what: string;
  resolve: (response: Extract<Response, { kind: 'readNotifyReply' | 'writeNotifyReply' }>) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A read that fills the circuit's whole read buffer (64 KiB, as libuv's own reads) means more bytes were
 * waiting: this many such reads in a row, with monitor data in them, is a backlog (libca counts full
 * receive buffers the same way). Counting frames instead would see a backlog in every burst of a
 * slow, regular IOC (1,000 PVs posted at once at 10 Hz) and toggle EVENTS_OFF for nothing.
 */
const FULL_READ_BYTES = 64 * 1024;
const BACKLOG_READS = 3;

export class ClientCircuit {
  readonly address: string;
  serverMinorVersion = 0;
  private readonly owner: CircuitOwner;
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly readBuffer = Buffer.allocUnsafeSlow(FULL_READ_BYTES);
  private readonly channels = new Map<number, Channel>();
  private readonly monitors = new SubscriptionTable<Monitor>();
  private readonly pending = new Map<number, PendingIo>();
  private nextIoid = 1;
  private closed = false;
  private lastHeard = Date.now();
  private echoPending = false;
  private livenessTimer?: NodeJS.Timeout;
  private backlogReads = 0;
  /** Monitor updates in the chunk being read, for flow control. */
  private monitorFrames = 0;
  private eventsOff = false;

  constructor(owner: CircuitOwner, host: string, port: number) {
    this.owner = owner;
    this.address = `${host}:${port}`;
    // One reply over EPICS_CA_MAX_ARRAY_BYTES fails its own request (see oversized), not the circuit.
    this.reader = new FrameReader(payloadLimit(owner.maxArrayBytes), {
      skipOversized: true,
      reusedChunks: true,
    });
    // Every read lands in one buffer of the circuit's own: no allocation per read, and none of the
    // stream machinery a 'data' event goes through. Nothing may keep a view of it past onData.
    this.socket = connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: this.readBuffer,
        callback: (n) => {
          this.onData(this.readBuffer.subarray(0, n));
          return true;
        },
      },
    });
    // Written now, so the handshake precedes any request queued before the connection opens
    // (EPICS-base servers ignore channels created before VERSION and HOST_NAME).
    this.socket.write(
      Buffer.concat([
        encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }),
        encode({ kind: 'hostName', name: owner.hostName }),
        encode({ kind: 'clientName', name: owner.userName }),
      ]),
    );
    this.socket.on('error', () => {});
    this.socket.on('close', () => this.shutdown('circuit closed by the server or the network'));
    const tick = Math.min(owner.connTimeoutMs / 2, 5000);
    this.livenessTimer = setInterval(() => this.checkLiveness(), tick);
    this.livenessTimer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  createChannel(channel: Channel): void {
    this.channels.set(channel.cid, channel);
    channel.circuit = this;
    channel.state = 'connecting';
    this.send(
      encode({
        kind: 'createChan',
        cid: channel.cid,
        minorVersion: PROTOCOL_MINOR_VERSION,
        name: channel.name,
      }),
    );
  }

  clearChannel(channel: Channel): void {
    if (!this.channels.delete(channel.cid)) return;
    for (const m of channel.monitors) this.monitors.delete(m);
    if (channel.sid) this.send(encode({ kind: 'clearChannel', sid: channel.sid, cid: channel.cid }));
  }

  read(channel: Channel, dataType: number, count: number, timeoutMs: number) {
    const ioid = this.nextIoid++;
    const reply = this.expect(ioid, timeoutMs, `get ${channel.name}`);
    this.send(encode({ kind: 'readNotify', dataType, count, sid: channel.sid, ioid }));
    return reply;
  }

  /**
   * A put; with `notify` it resolves when the server reports completion. Without it, it resolves
   * once the server has taken the value: a server refuses a plain write with an ERROR naming it,
   * and handles a circuit's requests in order, so a read sent after the write and answered without
   * such an ERROR means the write was applied. (A channel we may not read is not confirmed.)
   */
  async write(
    channel: Channel,
    dataType: number,
    count: number,
    data: Buffer,
    notify: boolean,
    timeoutMs: number,
  ) {
    const ioid = this.nextIoid++;
    if (!notify) {
      const refused = (channel.rights & 1) !== 0 && this.expect(ioid, timeoutMs, `put ${channel.name}`);
      this.send(encode({ kind: 'write', dataType, count, sid: channel.sid, ioid, data }));
      if (!refused) return;
      const taken = this.read(channel, nativeType(dataType), 1, timeoutMs).then(
        () => {},
        () => {}, // a failed read says nothing of the write; a lost circuit rejects `refused` first
      );
      try {
        await Promise.race([refused, taken]);
      } finally {
        this.forget(ioid);
      }
      return;
    }
    const reply = this.expect(ioid, timeoutMs, `put ${channel.name}`);
    this.send(encode({ kind: 'writeNotify', dataType, count, sid: channel.sid, ioid, data }));
    const response = await reply;
    if (!ecaSucceeded(response.status)) throw new CaError(`put ${channel.name} failed`, response.status);
  }

  subscribe(monitor: Monitor): void {
    const channel = monitor.channel;
    monitor.dataType = typeOf(monitor.family, channel.nativeType);
    // Count 0 asks for the current length of a variable-length array (protocol 4.13).
    const count = monitor.count || (this.serverMinorVersion >= 13 ? 0 : channel.nativeCount);
    // A fixed count that cannot fit is refused here, as get refuses it; a dynamic one (0) fits or
    // not by the array's length at each update, so it is judged by `oversized` as updates arrive.
    const bytes = dataSize(monitor.dataType, count);
    if (count > 0 && bytes > payloadLimit(this.owner.maxArrayBytes)) {
      this.owner.monitorFailed(
        monitor,
        tooLargeError(`monitor ${channel.name}`, bytes, this.owner.maxArrayBytes),
      );
      return;
    }
    monitor.nativeCount = channel.nativeCount;
    this.monitors.add(monitor);
    this.send(
      encode({
        kind: 'eventAdd',
        dataType: monitor.dataType,
        count,
        sid: channel.sid,
        subscriptionId: monitor.id,
        mask: monitor.mask,
      }),
    );
  }

  unsubscribe(monitor: Monitor): void {
    if (!this.monitors.delete(monitor) || !monitor.channel.connected) return;
    const dataType = monitor.dataType ?? 0;
    this.send(
      encode({
        kind: 'eventCancel',
        dataType,
        count: 0,
        sid: monitor.channel.sid,
        subscriptionId: monitor.id,
      }),
    );
  }

  close(reason = 'closed by the client'): void {
    this.socket.destroy();
    this.shutdown(reason);
  }

  private send(bytes: Buffer): void {
    if (this.closed) return;
    this.socket.write(bytes);
  }

  /** Stops waiting for `ioid` (its answer, if one ever comes, is ignored). */
  private forget(ioid: number): void {
    const io = this.pending.get(ioid);
    if (!io) return;
    clearTimeout(io.timer);
    this.pending.delete(ioid);
  }

  private expect(ioid: number, timeoutMs: number, what: string) {
    return new Promise<Extract<Response, { kind: 'readNotifyReply' | 'writeNotifyReply' }>>(
      (resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(ioid);
          reject(
            new CaTimeoutError(
              `${what}: no reply from ${this.address} within ${timeoutMs / 1000} s`,
              ECA.TIMEOUT,
            ),
          );
        }, timeoutMs);
        this.pending.set(ioid, { what, resolve, reject, timer });
      },
    );
  }

  private onData(chunk: Buffer): void {
    this.lastHeard = Date.now();
    this.echoPending = false;
    this.monitorFrames = 0;
    try {
      this.reader.visit(chunk, this.onFrame);
    } catch (err) {
      const what = err instanceof ProtocolError ? 'protocol error' : 'bad message';
      this.close(`${what} from ${this.address}: ${(err as Error).message}`);
      return;
    }
    this.flowControl(this.monitorFrames > 0 && chunk.length >= FULL_READ_BYTES);
  }

  /** Each frame, seen in place. Monitor updates, nearly all the traffic, take the path that allocates least. */
  private readonly onFrame = (frame: FrameView): void => {
    const header = frame.header;
    if (header.command === CMD.EVENT_ADD && !frame.skipped)
      this.onMonitorUpdate(header, frame.bytes, frame.start, frame.end);
    else this.onOtherFrame(frame);
  };

  /** Any frame but an update (kept apart so that the update's path stays short enough to inline). */
  private onOtherFrame(frame: FrameView): void {
    const { header, bytes, start, end } = frame;
    if (frame.skipped) return this.oversized(header);
    // A reply may be read after this read's buffer is reused (a get's, by its awaiting caller).
    const payload = bytes.subarray(start, end);
    const response = decodeResponse(
      header,
      bytes.buffer === this.readBuffer.buffer ? Buffer.from(payload) : payload,
    );
    if (response) this.handle(response);
  }

  /** An EVENT_ADD frame: the update of a subscription, decoded straight from the received bytes. */
  private onMonitorUpdate(header: Header, bytes: Buffer, start: number, end: number): void {
    this.monitorFrames++;
    const monitor = this.monitors.get(header.param2);
    // A zero-count reply acknowledges a cancel; failures carry an error status.
    if (!monitor || (header.dataCount === 0 && end === start) || !ecaSucceeded(header.param1)) return;
    const { dataType, dataCount } = header;
    const reading = readingAt(
      monitor.name,
      dataType,
      monitor.nativeCount,
      bytes,
      start,
      end,
      dataCount,
      monitor.last,
    );
    if (monitor.inPlace && monitor.last !== reading) monitor.last = reading;
    monitor.onUpdate(reading);
  }

  /**
   * A reply over EPICS_CA_MAX_ARRAY_BYTES, its payload discarded unread: fails the one read or
   * subscription it answers. A subscription is cancelled at the server too, so it stops sending.
   */
  private oversized(header: Header): void {
    const limit = this.owner.maxArrayBytes;
    if (header.command === CMD.READ_NOTIFY) {
      const io = this.pending.get(header.param2);
      if (!io) return;
      this.pending.delete(header.param2);
      clearTimeout(io.timer);
      io.reject(tooLargeError(io.what, header.payloadSize, limit));
    } else if (header.command === CMD.EVENT_ADD) {
      const monitor = this.monitors.get(header.param2);
      if (!monitor) return; // already ended: more updates were on their way
      this.unsubscribe(monitor);
      this.owner.monitorFailed(
        monitor,
        tooLargeError(`monitor ${monitor.channel.name}`, header.payloadSize, limit),
      );
    }
    // Any other oversized frame answers nothing we wait for: dropping it is all there is to do.
  }

  /** Asks the server to pause monitors while reads keep arriving full of them, and to resume once they don't. */
  private flowControl(backlogged: boolean): void {
    if (backlogged) this.backlogReads++;
    else this.backlogReads = 0;
    if (!this.eventsOff && this.backlogReads >= BACKLOG_READS) {
      this.eventsOff = true;
      this.send(encode({ kind: 'eventsOff' }));
      setImmediate(() => {
        this.eventsOff = false;
        this.backlogReads = 0;
        this.send(encode({ kind: 'eventsOn' }));
      });
    }
  }

  private handle(r: Response): void {
    switch (r.kind) {
      case 'version':
        this.serverMinorVersion = r.minorVersion;
        return;
      case 'accessRights': {
        const channel = this.channels.get(r.cid);
        if (channel) channel.rights = r.rights;
        return;
      }
      case 'createChanReply': {
        const channel = this.channels.get(r.cid);
        if (!channel) return;
        channel.sid = r.sid;
        channel.nativeType = r.dataType;
        channel.nativeCount = r.count;
        channel.state = 'connected';
        this.owner.channelConnected(channel);
        return;
      }
      case 'createChFail':
      case 'serverDisconn': {
        const channel = this.channels.get(r.cid);
        if (!channel) return;
        this.channels.delete(r.cid);
        for (const m of channel.monitors) this.monitors.delete(m);
        this.owner.channelLost(
          channel,
          r.kind === 'createChFail' ? 'the server refused the channel' : 'the server dropped the PV',
        );
        return;
      }
      case 'readNotifyReply':
      case 'writeNotifyReply': {
        const io = this.pending.get(r.ioid);
        if (!io) return;
        this.pending.delete(r.ioid);
        clearTimeout(io.timer);
        io.resolve(r);
        return;
      }
      case 'error': {
        const io = r.request ? this.pending.get(r.request.param2) : undefined;
        if (io && r.request) {
          this.pending.delete(r.request.param2);
          clearTimeout(io.timer);
          io.reject(new CaError(`request to ${this.address} failed (${r.message})`, r.status));
        }
        return;
      }
      default: // echo, and replies that answer nothing we wait for
        return;
    }
  }

  /** Silence for EPICS_CA_CONN_TMO: probe with ECHO; no answer to the probe: drop the circuit. */
  private checkLiveness(): void {
    const silent = Date.now() - this.lastHeard;
    if (silent < this.owner.connTimeoutMs) return;
    if (!this.echoPending) {
      this.echoPending = true;
      this.lastHeard = Date.now() - this.owner.connTimeoutMs + Math.min(5000, this.owner.connTimeoutMs);
      this.send(encode({ kind: 'echo' }));
      return;
    }
    this.close(`server ${this.address} unresponsive`);
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.livenessTimer);
    for (const [ioid, io] of this.pending) {
      clearTimeout(io.timer);
      io.reject(new CaError(`${reason} (${this.address})`, ECA.DISCONN));
      this.pending.delete(ioid);
    }
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.monitors.clear();
    for (const channel of channels) this.owner.channelLost(channel, reason);
    this.owner.circuitClosed(this, reason);
  }
}
