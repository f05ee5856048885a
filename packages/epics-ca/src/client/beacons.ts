/**
 * Beacon anomalies: a server that restarts begins a new beacon sequence, at short intervals. Either
 * sign (an ID out of sequence, a gap much shorter than the last, a server never heard before) means
 * channels still searching may now be found, so their searches are brought forward.
 */
import type { Endpoint } from './search.ts';

interface Heard {
  id: number;
  at: number;
  gap: number;
}

export class BeaconWatch {
  private readonly servers = new Map<string, Heard>();
  private readonly onAnomaly: (server: Endpoint) => void;
  /** Anomalies seen (for stats and tests). */
  anomalies = 0;

  constructor(onAnomaly: (server: Endpoint) => void) {
    this.onAnomaly = onAnomaly;
  }

  heard(server: Endpoint, id: number, now = Date.now()): void {
    const key = `${server.host}:${server.port}`;
    const last = this.servers.get(key);
    this.servers.set(key, { id, at: now, gap: last ? now - last.at : 0 });
    if (this.servers.size > 10_000) this.servers.delete(this.servers.keys().next().value!);
    const anomaly = !last || id !== (last.id + 1) >>> 0 || (last.gap > 0 && now - last.at < last.gap / 3);
    if (anomaly) {
      this.anomalies++;
      this.onAnomaly(server);
    }
  }
}
