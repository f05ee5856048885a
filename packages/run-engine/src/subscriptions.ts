/**
 * Document subscribers, each behind its own bounded queue: the engine only enqueues, so a slow
 * callback delays nobody but itself, and when its queue is full the newest documents for it are
 * dropped and counted rather than stalling acquisition.
 */
import type { Document, DocumentName } from './documents.ts';

export type Callback = (name: DocumentName, doc: Document) => unknown;
export type SubscriptionName = DocumentName | 'all';

interface Subscriber {
  callback: Callback;
  name: SubscriptionName;
  queue: [DocumentName, Document][];
  pumping: boolean;
  dropped: number;
}

export class Dispatcher {
  private readonly subscribers = new Map<number, Subscriber>();
  private nextToken = 1;
  private idleWaiters: (() => void)[] = [];

  private readonly capacity: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    capacity = 100_000,
    onError: (err: unknown) => void = (err) => console.error('run-engine subscriber failed:', err),
  ) {
    this.capacity = capacity;
    this.onError = onError;
  }

  subscribe(callback: Callback, name: SubscriptionName = 'all'): number {
    const token = this.nextToken++;
    this.subscribers.set(token, { callback, name, queue: [], pumping: false, dropped: 0 });
    return token;
  }

  unsubscribe(token: number): void {
    this.subscribers.delete(token);
    this.notifyIfIdle();
  }

  /** Documents a subscriber missed because its queue was full. */
  dropped(token: number): number {
    return this.subscribers.get(token)?.dropped ?? 0;
  }

  emit(name: DocumentName, doc: Document): void {
    for (const sub of this.subscribers.values()) {
      if (sub.name !== 'all' && sub.name !== name) continue;
      if (sub.queue.length >= this.capacity) {
        sub.dropped++;
        continue;
      }
      sub.queue.push([name, doc]);
      if (!sub.pumping) {
        sub.pumping = true;
        queueMicrotask(() => void this.pump(sub));
      }
    }
  }

  /** Resolves once every queued document has been handed to its callbacks. */
  flush(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    for (const sub of this.subscribers.values()) if (sub.pumping) return false;
    return true;
  }

  private async pump(sub: Subscriber): Promise<void> {
    while (sub.queue.length) {
      const [name, doc] = sub.queue.shift()!;
      try {
        const result = sub.callback(name, doc);
        // Only an asynchronous callback is awaited: it paces its own queue, nobody else's.
        if (typeof (result as Promise<unknown>)?.then === 'function') await result;
      } catch (err) {
        this.onError(err);
      }
    }
    sub.pumping = false;
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (!this.idleWaiters.length || !this.idle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
