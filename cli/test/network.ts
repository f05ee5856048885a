/** Network probes for the reachability tests: which addresses the stack answers on. */
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/** This machine's first non-loopback IPv4 address; without one the tests that need it fail, loudly. */
export function lanAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error(
    'this machine has no non-loopback IPv4 address, so nothing shows whether the stack refuses connections on one',
  );
}

/** Connects to host:port over TCP: accepted, or refused; any other outcome is an error. */
export function tcpProbe(host: string, port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`TCP ${host}:${port}: no answer within 5 s`));
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err),
    );
  });
}

/** The IPv4 addresses UDP sockets on this machine are bound to at `port`, from the kernel's table (Linux). */
export function udpBindings(port: number): string[] {
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[1]?.split(':'))
    .filter((local): local is string[] => local?.length === 2 && Number.parseInt(local[1], 16) === port)
    .map(([hex]) => [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)).join('.'));
}

/** A TCP port free on loopback right now (its UDP twin is almost always free too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The Access-Control-Allow-Origin a browser's preflight for a JSON POST from `origin` gets (null: none). */
export async function preflight(url: string, origin: string): Promise<string | null> {
  const response = await fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    },
  });
  await response.arrayBuffer();
  return response.headers.get('access-control-allow-origin');
}
