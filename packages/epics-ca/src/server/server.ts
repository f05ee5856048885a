/**
 * The Channel Access server: a UDP search responder, beacons, and a TCP listener whose circuits
 * (see circuit.ts) serve the PVs registered with `add`.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { type CaEnv, hostPort, readCaEnv } from '../env.ts';
import { decodeRequest, encode, PROTOCOL_MINOR_VERSION } from '../messages.ts';
import { broadcastAddresses, ipToInt } from '../net.ts';
import { type Frame, FrameReader, splitDatagram } from '../stream.ts';
import { type CircuitHost, ServerCircuit } from './circuit.ts';
import type { ProcessVariable } from './pv.ts';

export interface CaLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface CaServerOptions {
  pvs?: Iterable<ProcessVariable>;
  /** Extra lookup for names not registered (record fields such as `pv.DESC`). */
  resolve?: (name: string) => ProcessVariable | undefined;
  env?: CaEnv;
  /** UDP and TCP port; 0 picks a free one (default EPICS_CAS_SERVER_PORT). */
  port?: number;
  /** Interfaces to serve on (default EPICS_CAS_INTF_ADDR_LIST, else all). */
  interfaces?: string[];
  /** Beacon destinations `host[:port]` (default EPICS_CAS_BEACON_ADDR_LIST + broadcast addresses). */
  beaconAddresses?: string[];
  queueLimit?: number;
  highWaterMark?: number;
  inactivityTimeoutMs?: number;
  logger?: CaLogger;
}

const quiet: CaLogger = { debug() {}, info() {}, warn() {} };

export class CaServer {
  private readonly pvs = new Map<string, ProcessVariable>();
  private readonly options: CaServerOptions;
  private readonly env: CaEnv;
  private readonly logger: CaLogger;
  /** Open circuits, with when each last heard from its client (for the inactivity timeout). */
  private readonly connections = new Map<Socket, { circuit: ServerCircuit; lastHeard: number }>();
  private udp: UdpSocket[] = [];
  private tcp: Server[] = [];
  private beaconSocket?: UdpSocket;
  private beaconTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private beaconId = 0;
  private host: CircuitHost;
  /** Ports actually bound, once started. */
  tcpPort = 0;
  udpPort = 0;

  constructor(options: CaServerOptions = {}) {
    this.options = options;
    this.env = options.env ?? readCaEnv();
    this.logger = options.logger ?? quiet;
    for (const pv of options.pvs ?? []) this.add(pv);
    const server = this;
    this.host = {
      find: (name) => this.find(name),
      get tcpPort() {
        return server.tcpPort;
      },
      maxArrayBytes: this.env.maxArrayBytes,
      queueLimit: options.queueLimit ?? 16,
      highWaterMark: options.highWaterMark ?? 256 * 1024,
      log: (level, message) => this.logger[level](message),
    };
  }

  add(pv: ProcessVariable): ProcessVariable {
    if (this.pvs.has(pv.name)) throw new Error(`PV ${pv.name} is already served`);
    this.pvs.set(pv.name, pv);
    return pv;
  }

  /** Stops serving a PV; clients connected to it receive SERVER_DISCONN. */
  remove(name: string): void {
    const pv = this.pvs.get(name);
    if (!pv) return;
    this.pvs.delete(name);
    for (const { circuit } of this.connections.values()) circuit.disconnectPv(pv);
  }

  get(name: string): ProcessVariable | undefined {
    return this.pvs.get(name);
  }

  names(): string[] {
    return [...this.pvs.keys()];
  }

  find(name: string): ProcessVariable | undefined {
    return this.pvs.get(name) ?? this.options.resolve?.(name);
  }

  /** Per-circuit figures: what each client holds of the server's memory. */
  stats() {
    return [...this.connections.values()].map(({ circuit: c }) => ({
      peer: c.peer,
      channels: c.channelCount,
      subscriptions: c.subscriptionCount,
      queuedUpdates: c.queuedUpdates,
      dropped: c.dropped,
    }));
  }

  async start(): Promise<{ tcpPort: number; udpPort: number }> {
    const interfaces =
      this.options.interfaces ?? (this.env.casIntfAddrList.length ? this.env.casIntfAddrList : ['0.0.0.0']);
    const wanted = this.options.port ?? this.env.casServerPort;
    for (const address of interfaces) {
      const socket = createSocket({ type: 'udp4', reuseAddr: true });
      socket.on('message', (msg, rinfo) => this.onDatagram(socket, msg, rinfo));
      socket.on('error', (err) => this.logger.warn(`UDP ${address}: ${err.message}`));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.udpPort || wanted, address, () => resolve());
      });
      this.udpPort = socket.address().port;
      this.udp.push(socket);
    }
    // TCP on the same port as UDP when free; otherwise any port (searches announce the real one).
    for (const address of interfaces) {
      const server = createServer((socket) => this.onConnection(socket));
      this.tcpPort = await listen(server, this.tcpPort || this.udpPort, address).catch(() =>
        listen(server, 0, address),
      );
      this.tcp.push(server);
    }
    this.startBeacons();
    const idleMs = this.options.inactivityTimeoutMs ?? Math.max(60, 2 * this.env.connTimeout + 5) * 1000;
    this.idleTimer = setInterval(() => this.closeIdle(idleMs), Math.min(idleMs / 2, 5000));
    this.idleTimer.unref();
    this.logger.info(`CA server on UDP ${this.udpPort}, TCP ${this.tcpPort} serving ${this.pvs.size} PVs`);
    return { tcpPort: this.tcpPort, udpPort: this.udpPort };
  }

  async stop(): Promise<void> {
    clearTimeout(this.beaconTimer);
    clearInterval(this.idleTimer);
    for (const socket of this.udp) socket.close();
    this.beaconSocket?.close();
    for (const [socket, { circuit }] of this.connections) {
      circuit.close();
      socket.destroy();
    }
    await Promise.all(this.tcp.map((s) => new Promise((resolve) => s.close(resolve))));
    this.udp = [];
    this.tcp = [];
    this.connections.clear();
  }

  private onDatagram(socket: UdpSocket, msg: Buffer, rinfo: RemoteInfo): void {
    let frames: Frame[];
    try {
      frames = splitDatagram(msg);
    } catch (err) {
      this.logger.debug(`bad datagram from ${rinfo.address}:${rinfo.port}: ${(err as Error).message}`);
      return;
    }
    const replies: Buffer[] = [];
    for (const { header, payload } of frames) {
      const request = decodeRequest(header, payload);
      if (request?.kind !== 'search') continue;
      if (this.find(request.name)) {
        replies.push(
          encode({
            kind: 'searchReply',
            port: this.tcpPort,
            address: 0xffffffff,
            cid: request.cid,
            minorVersion: PROTOCOL_MINOR_VERSION,
          }),
        );
      } else if (request.reply) {
        replies.push(encode({ kind: 'notFound', cid: request.cid, minorVersion: PROTOCOL_MINOR_VERSION }));
      }
    }
    if (replies.length === 0) return;
    const datagram = Buffer.concat([
      encode({ kind: 'version', priority: 0, minorVersion: PROTOCOL_MINOR_VERSION }),
      ...replies,
    ]);
    socket.send(datagram, rinfo.port, rinfo.address);
  }

  private onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const reader = new FrameReader(this.env.maxArrayBytes + 1024);
    const circuit = new ServerCircuit(
      this.host,
      {
        write: (bytes) => socket.write(bytes),
        get writableLength() {
          return socket.writableLength;
        },
        close: () => socket.destroy(),
      },
      peer,
    );
    const connection = { circuit, lastHeard: Date.now() };
    this.connections.set(socket, connection);
    this.logger.debug(`circuit from ${peer}`);
    socket.on('data', (chunk) => {
      connection.lastHeard = Date.now();
      try {
        for (const { header, payload } of reader.push(chunk))
          circuit.handle(header, decodeRequest(header, payload));
      } catch (err) {
        this.logger.warn(`closing circuit from ${peer}: ${(err as Error).message}`);
        socket.destroy();
      }
      // A client that sends requests but does not read replies stops being read.
      if (socket.writableLength > 4 * this.host.highWaterMark) socket.pause();
    });
    socket.on('drain', () => {
      socket.resume();
      circuit.drained();
    });
    socket.on('error', (err) => this.logger.debug(`circuit ${peer}: ${err.message}`));
    socket.on('close', () => {
      circuit.close();
      this.connections.delete(socket);
      this.logger.debug(`circuit from ${peer} closed`);
    });
  }

  private closeIdle(idleMs: number): void {
    const now = Date.now();
    for (const [socket, { lastHeard }] of this.connections) {
      if (now - lastHeard > idleMs) {
        this.logger.info(`closing idle circuit from ${socket.remoteAddress}:${socket.remotePort}`);
        socket.destroy();
      }
    }
  }

  /** Beacons start 20 ms apart and the gap doubles up to the beacon period, so clients notice a restart fast. */
  private startBeacons(): void {
    const destinations = (
      this.options.beaconAddresses ?? [
        ...this.env.casBeaconAddrList,
        ...(this.env.casAutoBeaconAddrList ? broadcastAddresses() : []),
      ]
    ).map((entry) => hostPort(entry, this.env.repeaterPort));
    if (destinations.length === 0) return;
    const socket = createSocket('udp4');
    this.beaconSocket = socket;
    socket.on('error', (err) => this.logger.debug(`beacon: ${err.message}`));
    socket.bind(0, () => {
      socket.setBroadcast(true);
      const address = this.options.interfaces?.[0] ?? '0.0.0.0';
      let gap = 20;
      const beat = () => {
        const beacon = encode({
          kind: 'beacon',
          minorVersion: PROTOCOL_MINOR_VERSION,
          port: this.tcpPort,
          beaconId: this.beaconId++,
          address: ipToInt(address),
        });
        for (const d of destinations) socket.send(beacon, d.port, d.host);
        gap = Math.min(gap * 2, this.env.beaconPeriod * 1000);
        this.beaconTimer = setTimeout(beat, gap);
        this.beaconTimer.unref();
      };
      beat();
    });
    socket.unref();
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}
