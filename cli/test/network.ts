/** Network probes for the reachability tests: which addresses the stack answers on. */
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
