/** A client channel: one per PV name per client, shared by every get, put and monitor on it. */
import type { ClientCircuit } from './circuit.ts';
import { type CaError, CaTimeoutError } from './errors.ts';
import type { Reading } from './reading.ts';

export type ChannelState = 'searching' | 'connecting' | 'connected' | 'closed';

export interface Monitor {
  /** The subscription id on the circuit it is subscribed on (SubscriptionTable gives it). */
  id: number;
  channel: Channel;
  /** DBR family (FAMILY.*) the updates are requested in; the type follows the native type. */
  family: number;
  count: number;
  mask: number;
  onUpdate: (reading: Reading) => void;
  onConnection?: (connected: boolean) => void;
  /** The subscription ended for good (an update over EPICS_CA_MAX_ARRAY_BYTES); no more updates follow. */
  onError?: (err: CaError) => void;
  /** The DBR type currently subscribed with (set when the subscription is sent). */
  dataType?: number;
  /** Updates are written into one reading (MonitorOptions.inPlace). */
  inPlace: boolean;
  /**
   * The channel's name and element count, copied here when the subscription is sent: an update
   * then reads only its monitor, not the channel too (one object less to fetch per update, where
   * fetching from memory is most of what an update costs).
   */
  name: string;
  nativeCount: number;
  /** The reading last delivered, kept to be written into by an in-place subscription. */
  last?: Reading;
}

export class Channel {
  readonly name: string;
  readonly cid: number;
  state: ChannelState = 'searching';
  circuit?: ClientCircuit;
  sid = 0;
  nativeType = -1;
  nativeCount = 0;
  rights = 0;
  /** Search bookkeeping: attempts so far and when the next search is due. */
  searchAttempt = 0;
  searchDue = 0;
  readonly monitors = new Set<Monitor>();
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(name: string, cid: number) {
    this.name = name;
    this.cid = cid;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** The server the channel is on, as `host:port`. */
  get host(): string | undefined {
    return this.circuit?.address;
  }

  /** Resolves once connected; rejects with a timeout error naming the channel's state. */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const why = this.state === 'searching' ? 'no server answered the search' : `channel is ${this.state}`;
        reject(new CaTimeoutError(`${this.name}: not connected after ${timeoutMs / 1000} s (${why})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  settleWaiters(err?: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }
}
