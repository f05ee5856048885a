/**
 * The CA repeater: one per host on EPICS_CA_REPEATER_PORT. Clients register from their UDP search
 * socket; every other datagram arriving here (server beacons) is forwarded to all of them, which is
 * how a client hears that a server restarted without each binding the beacon port itself.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { CMD, encode, HEADER_SIZE } from './messages.ts';
import { ipToInt } from './net.ts';

const MAX_CLIENTS = 4096;

export class CaRepeater {
  private socket?: UdpSocket;
  private readonly clients = new Map<string, { address: string; port: number }>();

  get clientCount(): number {
    return this.clients.size;
  }

  /** Binds the repeater port; rejects with EADDRINUSE when another repeater already runs. */
  start(port: number, host = '0.0.0.0'): Promise<number> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve(socket.address().port);
      });
    });
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
    this.clients.clear();
  }

  /** Lets the process exit while only the repeater is left running. */
  unref(): void {
    this.socket?.unref();
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    const socket = this.socket;
    if (!socket) return;
    const isRegister = msg.length >= HEADER_SIZE && msg.readUInt16BE(0) === CMD.REPEATER_REGISTER;
    if (isRegister) {
      const key = `${address}:${port}`;
      if (!this.clients.has(key) && this.clients.size < MAX_CLIENTS) this.clients.set(key, { address, port });
      socket.send(encode({ kind: 'repeaterConfirm', address: ipToInt(address) }), port, address);
      return;
    }
    // A beacon that leaves the server address blank gets the sender's, so clients can tell servers apart.
    let forward = msg;
    if (msg.length >= HEADER_SIZE && msg.readUInt16BE(0) === CMD.RSRV_IS_UP && msg.readUInt32BE(12) === 0) {
      forward = Buffer.from(msg);
      forward.writeUInt32BE(ipToInt(address), 12);
    }
    for (const [key, client] of this.clients) {
      if (client.address === address && client.port === port) continue;
      socket.send(forward, client.port, client.address, (err) => {
        if (err) this.clients.delete(key);
      });
    }
  }
}
