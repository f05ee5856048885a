/**
 * A signal's latest value as a Channel Access monitor delivers it, kept the way ophyd's
 * auto-monitored signals keep theirs: once the subscription has given a first update, a read
 * answers from it without a round trip, and is as current as the last update that arrived (the
 * server sends a put's updates before it reports the put complete, so a read after a finished
 * move sees where the move ended).
 */
import type { CaClient, Reading } from '@ophyd-service/epics-ca';

export class MonitorCache {
  private readonly client: CaClient;
  private readonly pv: string;
  private latest: Reading | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Set for an array channel or a subscription the client ended: reads keep using gets. */
  private refused = false;

  constructor(client: CaClient, pv: string) {
    this.client = client;
    this.pv = pv;
  }

  /** The latest monitored reading, or undefined while there is none to trust (the caller gets). */
  current(): Reading | undefined {
    return this.latest;
  }

  /**
   * Subscribes, once, after a get has shown what the channel holds. Scalars only: an array's
   * monitor would ship every new frame (an image, a spectrum) whether or not anyone reads it.
   */
  startAfter(got: Reading): void {
    if (this.unsubscribe || this.refused) return;
    if (typeof got.value === 'object') {
      this.refused = true;
      return;
    }
    this.unsubscribe = this.client.monitor(
      this.pv,
      (reading) => {
        this.latest = reading;
      },
      {
        type: 'time',
        // Until the renewed subscription's first update after a reconnection, reads get.
        onConnection: (connected) => {
          if (!connected) this.latest = undefined;
        },
        onError: () => {
          this.refused = true;
          this.stop();
        },
      },
    );
  }

  /** Ends the subscription; reads get again until the next `startAfter`. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.latest = undefined;
  }
}
