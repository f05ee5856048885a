/**
 * Name resolution: batched SEARCH datagrams to the address list (and broadcast addresses), and
 * SEARCH over TCP to name servers. Each channel backs off from 30 ms to 5 s between attempts.
 * Host names in the lists are looked up again whenever searching restarts after a loss, so a
 * server that moved (a rescheduled pod) is found at its new address (libca resolves them once).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';
import { decodeResponse, encode, PROTOCOL_MINOR_VERSION } from '../messages.ts';
import { intToIp } from '../net.ts';
import { type Frame, FrameReader, splitDatagram } from '../stream.ts';
import type { Channel } from './channel.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface SearchOptions {
  /** UDP destinations, names allowed. */
  addresses: Endpoint[];
  nameServers: Endpoint[];
  /** Called with the server that answered for a channel. */
  found: (cid: number, server: Endpoint) => void;
  /** Called for each server beacon the repeater forwards (see `registerWithRepeater`). */
  beacon?: (server: Endpoint, beaconId: number) => void;
  minIntervalMs?: number;
  maxIntervalMs?: number;
}

const MAX_DATAGRAM = 1024;

export class Searcher {
  private readonly options: SearchOptions;
  private readonly waiting = new Map<number, Channel>();
  private udp?: UdpSocket;
  private udpReady?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private resolved?: Promise<Endpoint[]>;
  private readonly links = new Map<string, NameServerLink>();
  private closed = false;
  private onConfirm?: () => void;

  constructor(options: SearchOptions) {
    this.options = options;
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Starts (or restarts, from the shortest interval) searching for a channel. */
  add(channel: Channel, fresh = true): void {
    if (this.closed) return;
    if (fresh) {
      channel.searchAttempt = 0;
      channel.searchDue = 0;
      this.resolved = undefined; // look the host names up again
    }
    this.waiting.set(channel.cid, channel);
    this.schedule(0);
  }

  /**
   * Searches again soon for every channel still waiting (a server restarted or appeared), with a
   * little jitter so many clients hearing the same beacon do not search in one burst.
   */
  expedite(): void {
    const now = Date.now();
    for (const channel of this.waiting.values()) {
      channel.searchAttempt = Math.min(channel.searchAttempt, 1);
      channel.searchDue = Math.min(channel.searchDue, now + Math.floor(Math.random() * 50));
    }
    if (this.waiting.size > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule(1);
    }
  }

  /** Registers the search socket with the repeater on this host; resolves true once it confirms. */
  async registerWithRepeater(port: number, timeoutMs = 1000): Promise<boolean> {
    await this.openUdp();
    if (this.closed || !this.udp) return false;
    const confirmed = new Promise<boolean>((resolve) => {
      this.onConfirm = () => resolve(true);
      setTimeout(() => resolve(false), timeoutMs).unref();
    });
    this.udp.send(encode({ kind: 'repeaterRegister', address: 0 }), port, '127.0.0.1');
    return confirmed;
  }

  remove(cid: number): void {
    this.waiting.delete(cid);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.udp?.close();
    for (const link of this.links.values()) link.close();
    this.waiting.clear();
  }

  private schedule(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick().catch(() => {});
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const min = this.options.minIntervalMs ?? 30;
    const max = this.options.maxIntervalMs ?? 5000;
    const due: Channel[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const channel of this.waiting.values()) {
      if (channel.searchDue <= now) {
        due.push(channel);
        channel.searchDue = now + Math.min(max, min * 2 ** channel.searchAttempt);
        channel.searchAttempt++;
      }
      next = Math.min(next, channel.searchDue);
    }
    if (due.length > 0) await this.send(due);
    if (this.waiting.size > 0 && !this.closed) this.schedule(Math.max(1, next - Date.now()));
  }

  private async send(channels: Channel[]): Promise<void> {
    const searches = channels.map((c) =>
      encode({
        kind: 'search',
        name: c.name,
        cid: c.cid,
        reply: false,
        minorVersion: PROTOCOL_MINOR_VERSION,
      }),
    );
    for (const ns of this.options.nameServers) this.link(ns).search(searches);
    if (this.options.addresses.length === 0) return;
    const destinations = await this.destinations();
    await this.openUdp();
    const version = encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION });
    let batch: Buffer[] = [version];
    let size = version.length;
    const flush = () => {
      if (batch.length === 1) return;
      const datagram = Buffer.concat(batch);
      for (const d of destinations) this.udp?.send(datagram, d.port, d.host);
      batch = [version];
      size = version.length;
    };
    for (const search of searches) {
      if (size + search.length > MAX_DATAGRAM) flush();
      batch.push(search);
      size += search.length;
    }
    flush();
  }

  private destinations(): Promise<Endpoint[]> {
    this.resolved ??= Promise.all(
      this.options.addresses.map(async (e) => {
        if (isIP(e.host)) return [e];
        try {
          const found = await lookup(e.host, { family: 4, all: true });
          return found.map((f) => ({ host: f.address, port: e.port }));
        } catch {
          return [];
        }
      }),
    ).then((lists) => lists.flat());
    return this.resolved;
  }

  private openUdp(): Promise<void> {
    this.udpReady ??= new Promise((resolve) => {
      const socket = createSocket('udp4');
      this.udp = socket;
      socket.on('error', () => {});
      socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.address));
      socket.bind(0, () => {
        socket.setBroadcast(true);
        resolve();
      });
    });
    return this.udpReady;
  }

  private onDatagram(msg: Buffer, from: string): void {
    let frames: Frame[];
    try {
      frames = splitDatagram(msg);
    } catch {
      return;
    }
    for (const { header, payload } of frames) {
      const response = decodeResponse(header, payload);
      if (response?.kind === 'beacon') {
        const host = response.address === 0 ? from : intToIp(response.address);
        this.options.beacon?.({ host, port: response.port }, response.beaconId);
      } else if (response?.kind === 'repeaterConfirm') {
        this.onConfirm?.();
      } else {
        this.answer(response, from);
      }
    }
  }

  /**
   * A search reply: the server is at the address it names, or at the sender's when it names none.
   * A name server that names none over TCP is the IOC itself: its circuit is the endpoint we already
   * reached (`via`), whose port may differ from the one it announces when a container's port is
   * mapped (libca would dial the announced, unmapped port and fail).
   */
  answer(response: ReturnType<typeof decodeResponse>, from: string, via?: Endpoint): void {
    if (response?.kind !== 'searchReply' || !this.waiting.has(response.cid)) return;
    this.waiting.delete(response.cid);
    const named = response.address !== 0xffffffff && response.address !== 0;
    if (named) this.options.found(response.cid, { host: intToIp(response.address), port: response.port });
    else this.options.found(response.cid, { host: from, port: via?.port ?? response.port });
  }

  private link(ns: Endpoint): NameServerLink {
    const key = `${ns.host}:${ns.port}`;
    let link = this.links.get(key);
    if (!link) {
      link = new NameServerLink(ns, (response, from) => this.answer(response, from, ns));
      this.links.set(key, link);
    }
    return link;
  }
}

/** A TCP connection to a name server, reopened (and its host looked up again) when lost. */
class NameServerLink {
  private socket?: Socket;
  private connected = false;
  private queue: Buffer[] = [];
  private closed = false;
  private readonly endpoint: Endpoint;
  private readonly onReply: (r: ReturnType<typeof decodeResponse>, from: string) => void;

  constructor(endpoint: Endpoint, onReply: (r: ReturnType<typeof decodeResponse>, from: string) => void) {
    this.endpoint = endpoint;
    this.onReply = onReply;
  }

  search(frames: Buffer[]): void {
    if (this.closed) return;
    if (this.connected) {
      this.socket!.write(Buffer.concat(frames));
      return;
    }
    // Only the latest round matters while connecting: older searches would be repeats.
    this.queue = frames;
    if (!this.socket) this.open();
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private open(): void {
    const socket = connect({ host: this.endpoint.host, port: this.endpoint.port, noDelay: true });
    this.socket = socket;
    const reader = new FrameReader(1 << 16);
    socket.on('connect', () => {
      this.connected = true;
      socket.write(
        Buffer.concat([
          encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }),
          ...this.queue,
        ]),
      );
      this.queue = [];
    });
    socket.on('data', (chunk) => {
      try {
        for (const f of reader.push(chunk))
          this.onReply(decodeResponse(f.header, f.payload), socket.remoteAddress ?? this.endpoint.host);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.connected = false;
      this.socket = undefined;
    });
  }
}
