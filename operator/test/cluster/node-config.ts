/** The files the real-node cluster's components read: the kubelet's configuration and the signing keys. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the service-account signing key pair (sa.key, sa.pub) into `dir`. */
export function writeServiceAccountKeys(dir: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
}

/**
 * The KubeletConfiguration: cgroup v1 accepted (failCgroupV1: false, these machines run v1), the
 * cgroupfs driver (as Docker here), our containerd, everything under `dir`, the API server trusted
 * to call in without client certificates (it runs beside it in the same namespace), the cluster
 * DNS (cluster-dns.ts) on the node's address, and no image
 * garbage collection or disk-pressure eviction: the images cannot be pulled again here.
 */
export function kubeletConfig(dir: string, containerdSocket: string, nodeIp: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://${containerdSocket}
failSwapOn: false
# Lowering an oom_score_adj needs CAP_SYS_RESOURCE, which this machine's bounding set lacks.
oomScoreAdj: 0
address: ${nodeIp}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization:
  mode: AlwaysAllow
podLogsDir: ${join(dir, 'pod-logs')}
resolvConf: ""
clusterDNS: [${nodeIp}]
clusterDomain: cluster.local
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
`;
}
