/**
 * Storage for the real-node cluster: it has no dynamic provisioner, so claims without a storage
 * class bind to hostPath PersistentVolumes made ahead, one directory each under the cluster's
 * directory, owned by uid 1000 (the runtime image's user).
 */
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RealCluster } from './cluster.ts';

/** Creates `count` hostPath PersistentVolumes of `size` (no storage class) for claims to bind. */
export async function addHostPathVolumes(cluster: RealCluster, count: number, size = '2Gi'): Promise<void> {
  const items = [];
  for (let i = 0; i < count; i++) {
    const path = join(cluster.dir, 'volumes', `pv-${i}`);
    mkdirSync(path, { recursive: true });
    chownSync(path, 1000, 1000);
    items.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pv-${i}` },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        hostPath: { path, type: 'Directory' },
      },
    });
  }
  const applied = await cluster.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  if (applied.code !== 0) throw new Error(`creating the PersistentVolumes failed: ${applied.stderr}`);
}
