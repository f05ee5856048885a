/**
 * One client's TCP circuit on the server side: channels, reads, writes, subscriptions and flow
 * control. It sees the connection only through `Transport`, so tests can drive it directly.
 *
 * Monitor updates wait in a bounded per-subscription queue; when it is full the oldest update is
 * dropped (keep-latest), and while the client has said EVENTS_OFF, or the socket is backed up,
 * only the latest state of each subscription is kept. Memory is therefore bounded by the number of
 * subscriptions, whatever the client does.
 */
import { convertValues } from '../convert.ts';
import {
  DBR,
  dataSize,
  decodeDbr,
  encodeDbr,
  familyOf,
  isValidType,
  nativeType,
  padded,
  type Values,
} from '../dbr.ts';
import {
  ACCESS_READ,
  ACCESS_WRITE,
  CMD,
  DBE,
  encode,
  frameInto,
  frameSize,
  type Header,
  PROTOCOL_MINOR_VERSION,
  type Request,
} from '../messages.ts';
import { ECA } from '../status.ts';
import { convertPut } from './put-values.ts';
import { type ProcessVariable, PutError, type PvState } from './pv.ts';

export interface Transport {
  /** Queues bytes; returns false once the transport is backed up. */
  write(bytes: Buffer): boolean;
  /** Bytes accepted but not yet handed to the kernel. */
  readonly writableLength: number;
  close(reason: string): void;
}

export interface CircuitHost {
  find(name: string): ProcessVariable | undefined;
  /** The TCP port circuits connect to (announced in name-server search replies). */
  readonly tcpPort: number;
  maxArrayBytes: number;
  /** Per-subscription queue bound. */
  queueLimit: number;
  /** Socket backlog (bytes) above which monitor sends wait for a drain. */
  highWaterMark: number;
  log(level: 'debug' | 'warn', message: string): void;
}

interface Channel {
  cid: number;
  sid: number;
  pv: ProcessVariable;
  subscriptions: Set<Subscription>;
  unsubscribe: () => void;
}

interface Subscription {
  id: number;
  channel: Channel;
  dataType: number;
  count: number;
  mask: number;
  queue: PvState[];
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The payloads of each PV's state last encoded, by type and count: every subscription that asks
 * for that state the same way (one per client, usually) sends the same bytes. Kept per PV, for its
 * latest state only: an entry per state (a WeakMap keyed by each post's state) cost the collector
 * more than the encoding it saved.
 */
const encodings = new WeakMap<ProcessVariable, { state: PvState; byKey: Map<number, Buffer> }>();

export class ServerCircuit {
  readonly peer: string;
  clientMinorVersion = 0;
  hostName = '';
  userName = '';
  private readonly host: CircuitHost;
  private readonly transport: Transport;
  private readonly channels = new Map<number, Channel>();
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly dirty = new Set<Subscription>();
  private nextSid = 1;
  private eventsOff = false;
  private flushScheduled = false;
  private closed = false;
  /** Updates dropped by keep-latest coalescing (for stats and tests). */
  dropped = 0;

  constructor(host: CircuitHost, transport: Transport, peer: string) {
    this.host = host;
    this.transport = transport;
    this.peer = peer;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Monitor updates waiting to be sent, over all subscriptions. */
  get queuedUpdates(): number {
    let n = 0;
    for (const s of this.subscriptions.values()) n += s.queue.length;
    return n;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  handle(header: Header, request: Request | null): void {
    if (this.closed || !request) return;
    switch (request.kind) {
      case 'version':
        this.clientMinorVersion = request.minorVersion;
        this.send(encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }));
        return;
      case 'hostName':
        this.hostName = request.name;
        return;
      case 'clientName':
        this.userName = request.name;
        return;
      case 'echo':
        this.send(encode({ kind: 'echo' }));
        return;
      case 'search': {
        // Name-server (TCP) search: answer only for names we serve.
        const pv = this.host.find(request.name);
        if (pv) {
          this.send(
            encode({
              kind: 'searchReply',
              port: this.host.tcpPort,
              address: 0xffffffff,
              cid: request.cid,
              minorVersion: PROTOCOL_MINOR_VERSION,
            }),
          );
        } else if (request.reply) {
          this.send(encode({ kind: 'notFound', cid: request.cid, minorVersion: PROTOCOL_MINOR_VERSION }));
        }
        return;
      }
      case 'createChan':
        return this.createChannel(request.cid, request.name);
      case 'clearChannel':
        return this.clearChannel(header, request.sid, request.cid);
      case 'readNotify':
        return this.read(header, request.sid, request.dataType, request.count, request.ioid);
      case 'write':
      case 'writeNotify':
        return void this.write(header, request);
      case 'eventAdd':
        return this.subscribe(header, request);
      case 'eventCancel':
        return this.unsubscribe(request.subscriptionId, request.sid, request.dataType);
      case 'eventsOff':
        this.eventsOff = true;
        for (const s of this.subscriptions.values()) this.trim(s, 1);
        return;
      case 'eventsOn':
        this.eventsOff = false;
        this.scheduleFlush();
        return;
      default:
        return;
    }
  }

  /** The transport drained: send what waited. */
  drained(): void {
    this.scheduleFlush();
  }

  /** The PV went away: tell the client its channels to it are gone (SERVER_DISCONN). */
  disconnectPv(pv: ProcessVariable): void {
    for (const channel of [...this.channels.values()]) {
      if (channel.pv !== pv) continue;
      this.dropChannel(channel);
      this.send(encode({ kind: 'serverDisconn', cid: channel.cid }));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of [...this.channels.values()]) this.dropChannel(channel);
  }

  private send(bytes: Buffer): void {
    if (!this.closed) this.transport.write(bytes);
  }

  private error(header: Header, cid: number, status: number, message: string): void {
    this.send(encode({ kind: 'error', cid, status, request: header, message }));
  }

  private createChannel(cid: number, name: string): void {
    const pv = this.host.find(name);
    if (!pv) {
      this.send(encode({ kind: 'createChFail', cid }));
      return;
    }
    const sid = this.nextSid++;
    const channel: Channel = { cid, sid, pv, subscriptions: new Set(), unsubscribe: () => {} };
    channel.unsubscribe = pv.subscribe((_, mask) => this.posted(channel, mask));
    this.channels.set(sid, channel);
    const rights = ACCESS_READ | (pv.writable ? ACCESS_WRITE : 0);
    this.send(
      Buffer.concat([
        encode({ kind: 'accessRights', cid, rights }),
        encode({ kind: 'createChanReply', cid, sid, dataType: pv.nativeType, count: pv.maxCount }),
      ]),
    );
  }

  private clearChannel(header: Header, sid: number, cid: number): void {
    const channel = this.channels.get(sid);
    if (!channel) return this.error(header, cid, ECA.BADCHID, `no channel with server id ${sid}`);
    this.dropChannel(channel);
    this.send(encode({ kind: 'clearChannelReply', sid, cid }));
  }

  private dropChannel(channel: Channel): void {
    channel.unsubscribe();
    for (const s of channel.subscriptions) {
      this.subscriptions.delete(s.id);
      this.dirty.delete(s);
    }
    this.channels.delete(channel.sid);
  }

  /** Encodes a PV state as `dataType` × `count` (0 = current length), or returns an ECA status. */
  private encodeState(
    pv: ProcessVariable,
    state: PvState,
    dataType: number,
    count: number,
  ): { data: Buffer; count: number } | number {
    if (!isValidType(dataType) || dataType === DBR.PUT_ACKT || dataType === DBR.PUT_ACKS) return ECA.BADTYPE;
    const n = count === 0 ? state.values.length : count; // 0 asks for the current (dynamic) length
    if (n > pv.maxCount) return ECA.BADCOUNT;
    if (dataSize(dataType, n) > this.host.maxArrayBytes + 512) return ECA.TOLARGE;
    const key = dataType * 0x1000000 + n;
    let cache = encodings.get(pv);
    if (!cache) {
      cache = { state, byKey: new Map() };
      encodings.set(pv, cache);
    } else if (cache.state !== state) {
      cache.state = state;
      cache.byKey.clear();
    }
    const cached = cache.byKey.get(key);
    if (cached) return { data: cached, count: n };
    let data: Buffer;
    if (dataType === DBR.CLASS_NAME) {
      data = encodeDbr(dataType, { values: [recordType(pv)] }, n); // the rest zero-filled, as rsrv does
    } else {
      let values: Values;
      try {
        values = convertValues(state.values, pv.nativeType, nativeType(dataType), pv.meta);
      } catch {
        return ECA.NOCONVERT;
      }
      data = encodeDbr(
        dataType,
        { ...pv.meta, values, status: state.status, severity: state.severity, stamp: state.stamp },
        n,
      );
    }
    cache.byKey.set(key, data);
    return { data, count: n };
  }

  private read(header: Header, sid: number, dataType: number, count: number, ioid: number): void {
    const channel = this.channels.get(sid);
    if (!channel) return this.error(header, 0, ECA.BADCHID, `no channel with server id ${sid}`);
    const result = this.encodeState(channel.pv, channel.pv.state, dataType, count);
    if (typeof result === 'number') {
      const safeCount = Math.min(count, channel.pv.maxCount);
      const data = isValidType(dataType)
        ? Buffer.alloc(padded(dataSize(dataType, safeCount)))
        : Buffer.alloc(0);
      this.send(encode({ kind: 'readNotifyReply', dataType, count: safeCount, status: result, ioid, data }));
      return;
    }
    this.send(
      encode({
        kind: 'readNotifyReply',
        dataType,
        count: result.count,
        status: ECA.NORMAL,
        ioid,
        data: result.data,
      }),
    );
  }

  private async write(
    header: Header,
    request: Extract<Request, { kind: 'write' | 'writeNotify' }>,
  ): Promise<void> {
    const channel = this.channels.get(request.sid);
    const notify = request.kind === 'writeNotify';
    const reply = (status: number, message: string) => {
      if (notify) {
        // The updates the put posted go first: a client reading its monitor once the put has
        // completed must see the new value (they would otherwise wait for the next turn's flush).
        if (this.dirty.size > 0) this.flush();
        this.send(
          encode({
            kind: 'writeNotifyReply',
            dataType: request.dataType,
            count: request.count,
            status,
            ioid: request.ioid,
          }),
        );
      } else if (status !== ECA.NORMAL) {
        this.error(header, channel?.cid ?? 0, status, message);
      }
    };
    if (!channel) return reply(ECA.BADCHID, `no channel with server id ${request.sid}`);
    const pv = channel.pv;
    if (request.dataType === DBR.PUT_ACKT || request.dataType === DBR.PUT_ACKS) return reply(ECA.NORMAL, '');
    if (!isValidType(request.dataType) || familyOf(request.dataType) !== 0) {
      return reply(ECA.BADTYPE, `cannot write DBR type ${request.dataType}`);
    }
    if (!pv.writable) return reply(ECA.NOWTACCESS, `${pv.name} is read-only`);
    try {
      const decoded = decodeDbr(request.dataType, request.data, request.count);
      const values = convertPut(decoded.values, nativeType(request.dataType), pv);
      await pv.put(values);
      if (this.channels.get(request.sid) === channel) reply(ECA.NORMAL, '');
    } catch (err) {
      const eca = err instanceof PutError ? err.eca : ((err as { eca?: number }).eca ?? ECA.PUTFAIL);
      this.host.log('debug', `put to ${pv.name} from ${this.peer} refused: ${(err as Error).message}`);
      if (this.channels.get(request.sid) === channel) reply(eca, (err as Error).message);
    }
  }

  private subscribe(header: Header, request: Extract<Request, { kind: 'eventAdd' }>): void {
    const channel = this.channels.get(request.sid);
    if (!channel) return this.error(header, 0, ECA.BADCHID, `no channel with server id ${request.sid}`);
    if (this.subscriptions.has(request.subscriptionId)) {
      return this.error(
        header,
        channel.cid,
        ECA.BADMONID,
        `subscription id ${request.subscriptionId} in use`,
      );
    }
    const probe = this.encodeState(channel.pv, channel.pv.state, request.dataType, request.count);
    if (typeof probe === 'number')
      return this.error(
        header,
        channel.cid,
        probe,
        `cannot subscribe to ${channel.pv.name} as type ${request.dataType} × ${request.count}`,
      );
    const subscription: Subscription = {
      id: request.subscriptionId,
      channel,
      dataType: request.dataType,
      count: request.count,
      mask: request.mask || DBE.VALUE | DBE.ALARM,
      queue: [channel.pv.state],
    };
    channel.subscriptions.add(subscription);
    this.subscriptions.set(subscription.id, subscription);
    this.dirty.add(subscription);
    this.scheduleFlush();
  }

  private unsubscribe(id: number, sid: number, dataType: number): void {
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.channel.sid !== sid) return;
    subscription.channel.subscriptions.delete(subscription);
    this.subscriptions.delete(id);
    this.dirty.delete(subscription);
    this.send(
      encode({
        kind: 'eventAddReply',
        dataType,
        count: 0,
        status: ECA.NORMAL,
        subscriptionId: id,
        data: Buffer.alloc(0),
      }),
    );
  }

  private posted(channel: Channel, mask: number): void {
    for (const s of channel.subscriptions) {
      if ((s.mask & mask) === 0) continue;
      s.queue.push(channel.pv.state);
      const limit =
        this.eventsOff || this.transport.writableLength > this.host.highWaterMark ? 1 : this.host.queueLimit;
      this.trim(s, limit);
      this.dirty.add(s);
    }
    this.scheduleFlush();
  }

  private trim(s: Subscription, limit: number): void {
    if (s.queue.length > limit) {
      this.dropped += s.queue.length - limit;
      s.queue.splice(0, s.queue.length - limit);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Sends queued monitor updates, written one after another into chunks of about 64 kB (no buffer
   * per update, no joining), so the socket sees few large writes, until it backs up (the rest waits
   * for 'drain', coalescing meanwhile).
   */
  private flush(): void {
    if (this.closed || this.eventsOff) return;
    let chunk = EMPTY;
    let filled = 0;
    const send = () => {
      if (filled === 0) return;
      this.transport.write(chunk.subarray(0, filled));
      chunk = EMPTY;
      filled = 0;
    };
    while (this.dirty.size > 0 && this.transport.writableLength <= this.host.highWaterMark) {
      for (const s of this.dirty) {
        const state = s.queue.shift();
        if (s.queue.length === 0) this.dirty.delete(s);
        if (!state) continue;
        const result = this.encodeState(s.channel.pv, state, s.dataType, s.count);
        if (typeof result === 'number') continue;
        const payloadSize = padded(result.data.length);
        const bytes = frameSize(payloadSize, result.count);
        if (filled + bytes > chunk.length) {
          send();
          chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
        }
        filled = frameInto(
          chunk,
          filled,
          CMD.EVENT_ADD,
          s.dataType,
          result.count,
          ECA.NORMAL,
          s.id,
          result.data,
          payloadSize,
        );
        if (filled >= CHUNK_BYTES) {
          send();
          if (this.transport.writableLength > this.host.highWaterMark) break;
        }
      }
      send();
    }
  }
}

const EMPTY = Buffer.alloc(0);

function recordType(pv: ProcessVariable): string {
  if (pv.maxCount > 1) return 'waveform';
  return ['stringin', 'longin', 'ai', 'mbbi', 'longin', 'longin', 'ai'][pv.nativeType];
}
