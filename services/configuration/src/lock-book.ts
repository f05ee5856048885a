/**
 * The device locks as one object: the lock table, the registry's turn (the mutex every registry
 * change takes) and the audit log. Lock, unlock, renew, force-unlock and the policy each run their
 * check, their change to the table and their audit rows inside one turn, so no other lock or
 * registry change comes between them; a lock whose audit cannot be written is released before
 * the turn ends. Nothing outside this module reaches the table, and the lock use cases never take
 * the turn themselves.
 */

import type { components } from '@ophyd-service/api-types/configuration';
import { DomainError } from '@ophyd-service/service-kit';
import { iso, type Lock, LockTable } from './locks.ts';
import type { Mutex } from './mutex.ts';
import type { Registry } from './registry.ts';
import type { AuditInput } from './store/store.ts';

type Schemas = components['schemas'];
export type LockConflict = Schemas['DeviceLockConflict'];

/** A lock request as validated (locked_by_service has its default). */
export type LockRequest = Schemas['DeviceLockRequest'];

export type LockOutcome =
  | { granted: true; lock_id: string; expires_at: Date | null; version: number }
  | { granted: false; conflicts: LockConflict[] };

export interface RenewOutcome {
  renewed: string[];
  lost: string[];
  conflict: string[];
  expires_at: Date | null;
}

export class LockBook {
  private readonly table: LockTable;
  private readonly turn: Mutex;
  private readonly registry: () => Registry;
  private readonly audit: (entries: AuditInput[]) => Promise<void>;

  constructor(options: {
    /** The registry's mutex: device changes take the same turn, so a lock never sees half of one. */
    turn: Mutex;
    /** The registry as it is now (reset and clear replace it). */
    registry: () => Registry;
    /** Writes audit rows (a no-op without a database); throws when they cannot be written. */
    audit: (entries: AuditInput[]) => Promise<void>;
    lockAll: boolean;
    ttlSeconds: number;
    /** The lease clock (ms since the epoch); Date.now unless a test injects one. */
    now?: () => number;
  }) {
    this.turn = options.turn;
    this.registry = options.registry;
    this.audit = options.audit;
    this.table = new LockTable({
      lockAll: options.lockAll,
      ttlSeconds: options.ttlSeconds,
      now: options.now,
    });
  }

  get epoch(): string {
    return this.table.epoch;
  }
  get version(): number {
    return this.table.version;
  }
  get ttlSeconds(): number {
    return this.table.ttlSeconds;
  }
  get lockAll(): boolean {
    return this.table.lockAll;
  }
  /** Lock and registry changes waiting for their turn (a test knows from it that one has arrived). */
  get waiting(): number {
    return this.turn.waiting;
  }

  /** The device's own lock, unless it has lapsed. */
  live(name: string): Lock | undefined {
    return this.table.live(name);
  }

  /** The lock that makes a device unavailable: its own, or under lock_all the earliest live one. */
  effective(name: string): Lock | undefined {
    return this.table.effective(name);
  }

  /**
   * All the named devices for one plan item, or none: every name must be a registered, enabled
   * device with a spec and no live lock. The refusal lists each name in the way.
   */
  lock(request: LockRequest): Promise<LockOutcome> {
    return this.turn.run(async () => {
      const conflicts = this.conflicts(request.device_names);
      if (conflicts.length > 0) return { granted: false, conflicts };
      const { plan_name, item_id, locked_by_service } = request;
      const granted = this.table.acquire(request.device_names, { plan_name, item_id, locked_by_service });
      try {
        await this.audit(
          [...new Set(request.device_names)].map((name) => ({
            deviceName: name,
            operation: 'lock' as const,
            details: { plan: plan_name, item_id, service: locked_by_service, lock_id: granted.lock_id },
          })),
        );
      } catch (err) {
        this.table.release(request.device_names); // nothing held when the audit could not be written
        throw err;
      }
      return { granted: true, ...granted, version: this.table.version };
    });
  }

  /**
   * The owner's release: refused (`forbidden`) if another item holds a live lock on any name;
   * unknown and unlocked names are ignored. The audit rows are written before the release, so
   * when they cannot be the locks stay held.
   */
  unlock(request: {
    device_names: string[];
    item_id: string;
  }): Promise<{ unlocked: string[]; version: number }> {
    return this.turn.run(async () => {
      const other = this.table.heldByOther(request.device_names, request.item_id);
      if (other) {
        throw new DomainError(
          'forbidden',
          `Device '${other.name}' is locked by item ${other.holder}, not ${request.item_id}`,
        );
      }
      const held = [...new Set(request.device_names)].filter((name) => this.table.has(name));
      await this.audit(
        held.map((name) => ({
          deviceName: name,
          operation: 'unlock' as const,
          details: { item_id: request.item_id, reason: 'plan_completed' },
        })),
      );
      return { unlocked: this.table.release(held), version: this.table.version };
    });
  }

  /** Extends the item's live leases; no audit. */
  renew(request: { device_names: string[]; item_id: string }): Promise<RenewOutcome> {
    return this.turn.run(() => this.table.renew(request.device_names, request.item_id));
  }

  /**
   * The admin's release of any lock, orphans of deleted devices included: `not_found` (and nothing
   * released) if a name is neither a device nor in the table. Audited before the release, in the
   * same turn, so a lock granted meanwhile cannot be the one released.
   */
  forceUnlock(request: {
    device_names: string[];
    reason: string;
  }): Promise<{ unlocked: string[]; version: number }> {
    return this.turn.run(async () => {
      const names = [...new Set(request.device_names)];
      const registry = this.registry();
      const unknown = names.filter((name) => !registry.devices.has(name) && !this.table.has(name));
      if (unknown.length > 0) throw new DomainError('not_found', `Devices not found: ${unknown.join(', ')}`);
      await this.audit(
        names.map((name) => ({
          deviceName: name,
          operation: 'force_unlock' as const,
          details: { reason: request.reason, admin: true },
        })),
      );
      this.table.release(names);
      return { unlocked: names, version: this.table.version };
    });
  }

  /** Sets the lock_all policy (in memory); returns it. */
  setPolicy(lockAll: boolean): Promise<boolean> {
    return this.turn.run(() => {
      this.table.setPolicy(lockAll);
      return this.table.lockAll;
    });
  }

  /**
   * Drops every lock (reset and clear). Only inside the registry's turn (ConfigurationState.reseed):
   * taking it here would wait for itself.
   */
  dropAll(): void {
    this.table.clearAll();
  }

  private conflicts(names: string[]): LockConflict[] {
    const registry = this.registry();
    const conflicts: LockConflict[] = [];
    const none = { locked_by_plan: null, locked_at: null };
    for (const name of names) {
      const spec = registry.specs.get(name);
      const held = this.table.live(name);
      if (!registry.devices.has(name)) conflicts.push({ device_name: name, reason: 'not_found', ...none });
      else if (!spec) conflicts.push({ device_name: name, reason: 'spec_missing', ...none });
      else if (!spec.active) conflicts.push({ device_name: name, reason: 'disabled', ...none });
      else if (held)
        conflicts.push({
          device_name: name,
          reason: 'already_locked',
          locked_by_plan: held.plan_name,
          locked_at: iso(held.locked_at),
        });
    }
    return conflicts;
  }
}
