/** Network helpers shared by client and server: interface broadcast addresses and IPv4 packing. */
import { networkInterfaces } from 'node:os';

/** Broadcast addresses of the machine's IPv4 interfaces that are up (loopback excluded, as EPICS does). */
export function broadcastAddresses(): string[] {
  const out = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const ip = ipToInt(a.address);
      const mask = ipToInt(a.netmask);
      out.add(intToIp((ip | ~mask) >>> 0));
    }
  }
  return [...out];
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export const intToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
