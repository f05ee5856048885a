/**
 * The real-node cluster's DNS, standing in for CoreDNS (whose image cannot be pulled here):
 * `node cluster-dns.ts <kubeconfig> <address>` answers A queries over UDP on <address>:53 for
 * `<service>.<namespace>.svc.cluster.local` (a Service's cluster IP, or for a headless Service
 * its ready endpoints' addresses), from a view of the API server refreshed every second. Every
 * other name is NXDOMAIN: pods here have no upstream to ask. Run by cluster.ts inside the
 * cluster's network namespace, as a daemon.
 */
import { createSocket } from 'node:dgram';
import { CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';

const DOMAIN = 'svc.cluster.local';
const [kubeconfigPath, address] = process.argv.slice(2);
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const core = kubeConfig.makeApiClient(CoreV1Api);
const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);

/** `<service>.<namespace>.svc.cluster.local` → IPv4 addresses. */
let records = new Map<string, string[]>();

/** Rebuilds the records from the Services and, for headless ones, their EndpointSlices. */
async function refresh(): Promise<void> {
  const [services, slices] = await Promise.all([
    core.listServiceForAllNamespaces(),
    discovery.listEndpointSliceForAllNamespaces(),
  ]);
  const next = new Map<string, string[]>();
  for (const svc of services.items) {
    const name = `${svc.metadata?.name}.${svc.metadata?.namespace}.${DOMAIN}`;
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') next.set(name, [ip]);
  }
  for (const slice of slices.items) {
    const service = slice.metadata?.labels?.['kubernetes.io/service-name'];
    const name = `${service}.${slice.metadata?.namespace}.${DOMAIN}`;
    if (!service || next.has(name) || slice.addressType !== 'IPv4') continue;
    const ready = (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
    next.set(
      name,
      ready.flatMap((e) => e.addresses),
    );
  }
  records = next;
}

/** The question's name (lower case, no trailing dot) and where its type field starts. */
function question(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (msg[at] !== 0) {
    labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString('latin1'));
    at += 1 + msg[at];
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

/** The answer to one query: the question echoed, then A records (TTL 5 s) or NXDOMAIN. */
function answer(msg: Buffer): Buffer {
  const { name, end } = question(msg);
  const type = msg.readUInt16BE(end);
  const known = records.get(name);
  const ips = type === 1 ? (known ?? []) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0);
  // QR, the query's RD bit, RA; rcode 3 (NXDOMAIN) for names we do not know.
  header.writeUInt16BE(0x8080 | (msg.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(ips.length, 6);
  const records_ = ips.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(1, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(5, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => {
      rr[12 + i] = Number(octet);
    });
    return rr;
  });
  return Buffer.concat([header, msg.subarray(12, end + 4), ...records_]);
}

const socket = createSocket('udp4');
socket.on('message', (msg, peer) => {
  try {
    socket.send(answer(msg), peer.port, peer.address);
  } catch (error) {
    console.error(`bad query from ${peer.address}: ${(error as Error).message}`);
  }
});
await refresh();
socket.bind(53, address, () => console.log(`cluster DNS on ${address}:53, ${records.size} names`));
// A daemon's refresh loop: stale for at most a second, which DNS's own TTL (5 s) exceeds anyway.
setInterval(() => {
  refresh().catch((error) => console.error(`refresh failed: ${error.message}`));
}, 1000);
