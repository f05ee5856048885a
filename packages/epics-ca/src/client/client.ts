/**
 * The Channel Access client: `get`, `put`, `monitor` by PV name. Channels are found by search,
 * grouped one circuit per server, and reconnected (with their monitors) after any loss.
 */
import { hostname, userInfo } from 'node:os';
import { DBR, dataSize, encodeDbr, FAMILY, toNative, typeOf } from '../dbr.ts';
import { type CaEnv, hostPort, readCaEnv } from '../env.ts';
import { DBE } from '../messages.ts';
import { broadcastAddresses } from '../net.ts';
import { CaRepeater } from '../repeater.ts';
import { ECA, ecaSucceeded } from '../status.ts';
import { checkWrite, type WriteTarget } from '../write-value.ts';
import { BeaconWatch } from './beacons.ts';
import { Channel, type Monitor } from './channel.ts';
import { type CircuitOwner, ClientCircuit } from './circuit.ts';
import { CaError } from './errors.ts';
import { type Reading, readingAt } from './reading.ts';
import { type Endpoint, Searcher } from './search.ts';
import { payloadLimit, tooLargeError } from './size-limit.ts';

export type Family = 'plain' | 'sts' | 'time' | 'gr' | 'ctrl';
const FAMILIES: Record<Family, number> = {
  plain: FAMILY.PLAIN,
  sts: FAMILY.STS,
  time: FAMILY.TIME,
  gr: FAMILY.GR,
  ctrl: FAMILY.CTRL,
};

export interface CaClientOptions {
  env?: CaEnv;
  /** Default timeout for connecting and for each request. */
  timeoutMs?: number;
  /**
   * Listen for server beacons through the host's repeater (EPICS_CA_REPEATER_PORT), starting one in
   * this process when none answers, so a restarted server is found at once (default true).
   */
  repeater?: boolean;
  /** Gap after the first search for a missing channel, doubling on each retry (default 30 ms). */
  searchMinIntervalMs?: number;
  /** Longest gap between searches for a missing channel (default 5 s). */
  searchMaxIntervalMs?: number;
}

export interface GetOptions {
  /** Metadata family (default `time`), or an explicit DBR type number. */
  type?: Family | number;
  /** Elements to read (default: the current length). */
  count?: number;
  timeoutMs?: number;
}

export interface PutOptions {
  /** Wait for the server to report completion (WRITE_NOTIFY), e.g. the end of a motor move. */
  wait?: boolean;
  /** Bound on the completion (or acceptance) wait, and on connecting unless `connectTimeoutMs` is set. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Refuse values outside the PV's control limits, read fresh before the write. */
  checkLimits?: boolean;
  /** Bound on reading enum states and limits before the write (1 s); if they cannot be read, the write goes on. */
  metadataTimeoutMs?: number;
}

export interface MonitorOptions {
  type?: Family;
  /** DBE mask (default value | alarm). */
  mask?: number;
  count?: number;
  onConnection?: (connected: boolean) => void;
  /**
   * The subscription ended for good: an update was larger than EPICS_CA_MAX_ARRAY_BYTES (a CaError
   * with ECA.TOLARGE). Without this callback the error is a process warning.
   */
  onError?: (err: CaError) => void;
  /**
   * Write every update into one reading, and its values into one array while their element count
   * stays the same, instead of new ones: the subscription allocates nothing per update, as libca's
   * callbacks read an update in libca's own buffer. A reading is valid until the subscription's next
   * update: copy what you keep. Only TIME readings (the default type) are reused.
   */
  inPlace?: boolean;
}

export interface ChannelInfo {
  name: string;
  host?: string;
  nativeType: number;
  count: number;
  readable: boolean;
  writable: boolean;
}

export class CaClient {
  readonly env: CaEnv;
  private readonly timeoutMs: number;
  private readonly channels = new Map<string, Channel>();
  private readonly byCid = new Map<number, Channel>();
  private readonly circuits = new Map<string, ClientCircuit>();
  private readonly searcher: Searcher;
  private readonly beacons = new BeaconWatch(() => this.searcher.expedite());
  private embeddedRepeater?: CaRepeater;
  private readonly owner: CircuitOwner;
  private nextCid = 1;
  private closed = false;

  constructor(options: CaClientOptions = {}) {
    this.env = options.env ?? readCaEnv();
    this.timeoutMs = options.timeoutMs ?? 5000;
    const port = this.env.serverPort;
    const addresses: Endpoint[] = [
      ...this.env.addrList.map((a) => hostPort(a, port)),
      ...(this.env.autoAddrList ? broadcastAddresses().map((host) => ({ host, port })) : []),
    ];
    this.searcher = new Searcher({
      addresses,
      nameServers: this.env.nameServers.map((a) => hostPort(a, port)),
      found: (cid, server) => this.found(cid, server),
      beacon: (server, id) => this.beacons.heard(server, id),
      minIntervalMs: options.searchMinIntervalMs,
      maxIntervalMs: options.searchMaxIntervalMs,
    });
    if (options.repeater ?? true) void this.joinRepeater();
    this.owner = {
      hostName: hostname(),
      userName: safeUserName(),
      connTimeoutMs: this.env.connTimeout * 1000,
      maxArrayBytes: this.env.maxArrayBytes,
      channelConnected: (channel) => this.connected(channel),
      channelLost: (channel, reason) => this.lost(channel, reason),
      monitorFailed: (monitor, err) => this.monitorFailed(monitor, err),
      circuitClosed: (circuit) => {
        if (this.circuits.get(circuit.address) === circuit) this.circuits.delete(circuit.address);
      },
    };
  }

  /** Connects (if needed) and describes a channel. */
  async info(name: string, timeoutMs = this.timeoutMs): Promise<ChannelInfo> {
    const channel = this.channel(name);
    await channel.waitConnected(timeoutMs);
    return {
      name,
      host: channel.host,
      nativeType: channel.nativeType,
      count: channel.nativeCount,
      readable: (channel.rights & 1) !== 0,
      writable: (channel.rights & 2) !== 0,
    };
  }

  async get(name: string, options: GetOptions = {}): Promise<Reading> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const channel = this.channel(name);
    await channel.waitConnected(timeoutMs);
    const type = options.type ?? 'time';
    const dataType = typeof type === 'number' ? type : typeOf(FAMILIES[type], channel.nativeType);
    const circuit = channel.circuit!;
    const count = options.count ?? (circuit.serverMinorVersion >= 13 ? 0 : channel.nativeCount);
    // A fixed count whose reply could not be received is refused before asking. A dynamic one (0,
    // the current length) is asked for: the circuit fails the get if the reply is over the limit.
    const bytes = dataSize(dataType, count);
    if (count > 0 && bytes > payloadLimit(this.env.maxArrayBytes)) {
      throw tooLargeError(`get ${name}`, bytes, this.env.maxArrayBytes);
    }
    const reply = await circuit.read(channel, dataType, count, timeoutMs);
    if (reply.kind !== 'readNotifyReply') throw new CaError(`get ${name}: unexpected reply`);
    if (!ecaSucceeded(reply.status)) throw new CaError(`get ${name} failed`, reply.status);
    return readingAt(
      name,
      reply.dataType,
      channel.nativeCount,
      reply.data,
      0,
      reply.data.length,
      reply.count,
    );
  }

  /**
   * Writes a value in the channel's native type, after `checkWrite` has made sure the channel can
   * hold it exactly (a WriteRefused otherwise, and nothing is sent): numeric strings become numbers,
   * enum state names their index. Resolves when the server has taken the value, or with `wait`
   * when it reports completion; a server's refusal rejects with its status.
   */
  async put(name: string, value: unknown, options: PutOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const channel = this.channel(name);
    await channel.waitConnected(options.connectTimeoutMs ?? timeoutMs);
    if ((channel.rights & 2) === 0) throw new CaError(`put ${name}: no write access`, ECA.NOWTACCESS);
    const native = channel.nativeType;
    const target: WriteTarget = { nativeType: native, count: channel.nativeCount };
    if (native === DBR.ENUM || options.checkLimits) {
      try {
        const ctrl = await this.get(name, {
          type: 'ctrl',
          count: 1,
          timeoutMs: options.metadataTimeoutMs ?? 1000,
        });
        target.enumStrings = ctrl.enumStrings;
        if (options.checkLimits)
          target.limits = { low: ctrl.limits?.controlLow, high: ctrl.limits?.controlHigh };
      } catch {
        // Metadata that cannot be read does not stop the write (the reference's fail-open).
      }
    }
    const checked = checkWrite(name, target, value);
    const values = toNative(native, (Array.isArray(checked) ? checked : [checked]) as number[]);
    const data = encodeDbr(native, { values });
    if (data.length > payloadLimit(this.env.maxArrayBytes)) {
      throw tooLargeError(`put ${name}`, data.length, this.env.maxArrayBytes);
    }
    await channel.circuit!.write(channel, native, values.length, data, options.wait ?? false, timeoutMs);
  }

  /** Subscribes; the callback receives every update. Returns the function that unsubscribes. */
  monitor(name: string, onUpdate: (reading: Reading) => void, options: MonitorOptions = {}): () => void {
    const channel = this.channel(name);
    const monitor: Monitor = {
      id: 0, // given by the circuit it is subscribed on
      channel,
      family: FAMILIES[options.type ?? 'time'],
      count: options.count ?? 0,
      mask: options.mask ?? DBE.VALUE | DBE.ALARM,
      onUpdate,
      onConnection: options.onConnection,
      onError: options.onError,
      inPlace: options.inPlace ?? false,
      name,
      nativeCount: 0,
    };
    channel.monitors.add(monitor);
    if (channel.connected) {
      monitor.onConnection?.(true);
      channel.circuit!.subscribe(monitor);
    }
    return () => {
      if (!channel.monitors.delete(monitor)) return;
      channel.circuit?.unsubscribe(monitor);
    };
  }

  /** Channels by state, circuits, searches in flight and beacon anomalies heard. */
  stats() {
    const states: Record<string, number> = {};
    for (const c of this.channels.values()) states[c.state] = (states[c.state] ?? 0) + 1;
    return {
      channels: states,
      circuits: this.circuits.size,
      searching: this.searcher.pending,
      beaconAnomalies: this.beacons.anomalies,
    };
  }

  /** Registers with the host's repeater, or becomes it when there is none (as libca spawns caRepeater). */
  private async joinRepeater(): Promise<void> {
    const port = this.env.repeaterPort;
    if (await this.searcher.registerWithRepeater(port)) return;
    if (this.closed) return;
    const repeater = new CaRepeater();
    try {
      // A client that searches loopback only hears beacons over loopback: its repeater (which takes
      // registrations from anyone who can reach it) stays off the machine's network too.
      await repeater.start(port, searchesLoopbackOnly(this.env) ? '127.0.0.1' : '0.0.0.0');
      repeater.unref();
      this.embeddedRepeater = repeater;
    } catch {
      // Another process won the port in the meantime: register with it.
    }
    if (!this.closed) await this.searcher.registerWithRepeater(port);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.searcher.close();
    this.embeddedRepeater?.stop();
    for (const channel of this.channels.values()) {
      channel.state = 'closed';
      channel.settleWaiters(new CaError(`${channel.name}: client closed`));
    }
    for (const circuit of this.circuits.values()) circuit.close();
    this.channels.clear();
    this.circuits.clear();
  }

  private channel(name: string): Channel {
    if (this.closed) throw new CaError('client is closed');
    let channel = this.channels.get(name);
    if (!channel) {
      if (!name || name.length > 1024) throw new CaError(`bad PV name ${JSON.stringify(name.slice(0, 60))}`);
      channel = new Channel(name, this.nextCid++);
      this.channels.set(name, channel);
      this.byCid.set(channel.cid, channel);
      this.searcher.add(channel);
    }
    return channel;
  }

  private found(cid: number, server: Endpoint): void {
    const channel = this.byCid.get(cid);
    if (channel?.state !== 'searching') return;
    const key = `${server.host}:${server.port}`;
    let circuit = this.circuits.get(key);
    if (!circuit || circuit.isClosed) {
      circuit = new ClientCircuit(this.owner, server.host, server.port);
      this.circuits.set(key, circuit);
    }
    circuit.createChannel(channel);
  }

  private connected(channel: Channel): void {
    channel.settleWaiters();
    for (const monitor of channel.monitors) {
      monitor.onConnection?.(true);
      channel.circuit!.subscribe(monitor);
    }
  }

  /** Forgets a subscription the circuit ended, so no reconnection renews it, and tells its owner. */
  private monitorFailed(monitor: Monitor, err: CaError): void {
    monitor.channel.monitors.delete(monitor);
    // Later, not inside monitor() or a frame's handling: the owner may not hold its unsubscribe yet.
    queueMicrotask(() => {
      if (monitor.onError) monitor.onError(err);
      else process.emitWarning(err);
    });
  }

  private lost(channel: Channel, _reason: string): void {
    const wasConnected = channel.connected;
    channel.circuit = undefined;
    channel.sid = 0;
    if (this.closed) return;
    channel.state = 'searching';
    if (wasConnected) for (const monitor of channel.monitors) monitor.onConnection?.(false);
    this.searcher.add(channel);
  }
}

/** Every search destination is this machine (e.g. `npm start`'s EPICS_CA_ADDR_LIST=127.0.0.1, auto list off). */
function searchesLoopbackOnly(env: CaEnv): boolean {
  const hosts = [...env.addrList, ...env.nameServers].map((a) => hostPort(a, 1).host);
  const local = (host: string) => host === 'localhost' || host.startsWith('127.');
  return !env.autoAddrList && hosts.length > 0 && hosts.every(local);
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'ophyd-service';
  }
}
