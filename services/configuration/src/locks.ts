/**
 * The lock table (spec §5): which plan holds which device, optional leases that lapse lazily, and
 * the lock_all policy under which any live lock makes every device unavailable. In memory only;
 * `epoch` changes per process. Only the LockBook (lock-book.ts) holds one: it runs every change
 * here inside the registry's turn, with its audit rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Lock {
  plan_name: string;
  item_id: string;
  locked_by_service: string;
  lock_id: string;
  locked_at: Date;
  expires_at: Date | null;
}

export class LockTable {
  readonly epoch = randomBytes(16).toString('hex');
  version = 0;
  lockAll: boolean;
  readonly ttlSeconds: number;
  private readonly locks = new Map<string, Lock>();
  private readonly now: () => number;

  constructor(options: { lockAll: boolean; ttlSeconds: number; now?: () => number }) {
    this.lockAll = options.lockAll;
    this.ttlSeconds = options.ttlSeconds;
    this.now = options.now ?? Date.now;
  }

  /** The device's own lock, unless it has lapsed. */
  live(name: string): Lock | undefined {
    const lock = this.locks.get(name);
    return lock && (!lock.expires_at || lock.expires_at.getTime() > this.now()) ? lock : undefined;
  }

  /** The lock that makes a device unavailable: its own, or under lock_all the earliest live one. */
  effective(name: string): Lock | undefined {
    const own = this.live(name);
    if (own || !this.lockAll) return own;
    let earliest: Lock | undefined;
    for (const key of this.locks.keys()) {
      const lock = this.live(key);
      if (lock && (!earliest || lock.locked_at < earliest.locked_at)) earliest = lock;
    }
    return earliest;
  }

  private expiry(): Date | null {
    return this.ttlSeconds > 0 ? new Date(this.now() + this.ttlSeconds * 1000) : null;
  }

  /** Locks every name (already validated free) under one new lock id. */
  acquire(
    names: string[],
    holder: { plan_name: string; item_id: string; locked_by_service: string },
  ): { lock_id: string; expires_at: Date | null } {
    const lock_id = randomUUID();
    const locked_at = new Date(this.now());
    const expires_at = this.expiry();
    for (const name of names) this.locks.set(name, { ...holder, lock_id, locked_at, expires_at });
    this.version++;
    return { lock_id, expires_at };
  }

  /** The first name whose live lock belongs to another item, if any. */
  heldByOther(names: string[], itemId: string): { name: string; holder: string } | undefined {
    for (const name of names) {
      const lock = this.live(name);
      if (lock && lock.item_id !== itemId) return { name, holder: lock.item_id };
    }
    return undefined;
  }

  /** Removes the named entries that exist; returns those removed. */
  release(names: string[]): string[] {
    const removed = [...new Set(names)].filter((name) => this.locks.delete(name));
    if (removed.length > 0) this.version++;
    return removed;
  }

  has(name: string): boolean {
    return this.locks.has(name);
  }

  renew(names: string[], itemId: string) {
    const expires_at = this.expiry();
    const renewed: string[] = [];
    const lost: string[] = [];
    const conflict: string[] = [];
    for (const name of names) {
      const lock = this.live(name);
      if (!lock) lost.push(name);
      else if (lock.item_id !== itemId) conflict.push(name);
      else {
        lock.expires_at = expires_at;
        renewed.push(name);
      }
    }
    return { renewed, lost, conflict, expires_at };
  }

  clearAll(): void {
    if (this.locks.size > 0) this.version++;
    this.locks.clear();
  }

  setPolicy(lockAll: boolean): void {
    if (lockAll !== this.lockAll) this.version++;
    this.lockAll = lockAll;
  }
}

export const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
