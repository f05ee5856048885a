/**
 * Locks against each other while an audit write is slow. The service runs on a real SQLite store
 * whose audit call can be held at a point the test chooses (after the row is committed, or before
 * it fails); a second lock request arrives meanwhile. Whatever the interleaving, the lock table
 * and the audit trail must tell the same story: no lock is released unaudited, and nothing is
 * granted or renewed that is then taken back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { createCatalog } from '@ophyd-service/devices';
import { createLogger } from '@ophyd-service/service-kit';
import { testSignal, until } from '../../../packages/epics-ca/test/waits.ts';
import { type ConfigurationService, createConfigurationService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { openStore } from '../src/store/mikro-store.ts';
import { type AuditInput, type AuditOperation, type RegistryStore, StoreError } from '../src/store/store.ts';

const root = mkdtempSync(join(tmpdir(), 'ophyd-config-lock-races-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

interface Hold {
  operation: AuditOperation;
  outcome: 'commit' | 'fail';
  entered: () => void;
  released: Promise<void>;
}

/**
 * The store with its audit call held when asked: `hold('force_unlock', 'commit')` lets the next
 * such write commit, then keeps its caller waiting until `release()`; with 'fail' the write is
 * held and then fails. `committed` lists the audit operations written, in order.
 */
function heldAudits(store: RegistryStore) {
  const committed: AuditOperation[] = [];
  let pending: Hold | undefined;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'appendAudit') return typeof value === 'function' ? value.bind(target) : value;
      return async (entries: AuditInput[]) => {
        const hold = pending && entries.some((e) => e.operation === pending?.operation) ? pending : undefined;
        if (hold) pending = undefined;
        if (hold?.outcome === 'fail') {
          hold.entered();
          await hold.released;
          throw new StoreError('injected: the audit write failed');
        }
        await target.appendAudit(entries);
        committed.push(...entries.map((e) => e.operation));
        if (hold) {
          hold.entered();
          await hold.released;
        }
      };
    },
  });
  return {
    store: proxy as RegistryStore,
    committed,
    hold(operation: AuditOperation, outcome: Hold['outcome']) {
      let entered!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      pending = { operation, outcome, entered, released };
      return { reached, release };
    },
  };
}

describe('locks while an audit write is slow (SQLite)', { concurrency: 1 }, () => {
  let service: ConfigurationService;
  let audits: ReturnType<typeof heldAudits>;
  let base: string;

  beforeEach(async () => {
    audits = heldAudits(await openStore(`sqlite:///${join(root, `db${++counter}`, 'registry.db')}`));
    service = await createConfigurationService({
      config: readConfig({ CONFIG_LOAD_STRATEGY: 'mock' }),
      store: audits.store,
      catalog: createCatalog(),
      logger: createLogger('configuration_service', 'silent'),
    });
    base = (await service.listen(0, '127.0.0.1')).url;
  });
  afterEach(() => service.close());

  const post = (path: string, body: unknown) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: testSignal(), // a request that never ends fails the test at its timeout
    });
  const json = async (path: string): Promise<any> =>
    (await fetch(base + path, { signal: testSignal() })).json();
  const lockBy = (item: string) =>
    post('/api/v1/devices/lock', { device_names: ['det1'], item_id: item, plan_name: `plan-${item}` });

  it('a lock granted while a force-unlock is being audited is not the one it releases', async () => {
    const held = audits.hold('force_unlock', 'commit');
    const forced = post('/api/v1/devices/force-unlock', { device_names: ['det1'], reason: 'clean up' });
    await held.reached; // its audit row is committed; the write's answer is held
    const locked = lockBy('item-b');
    // The lock request has arrived: granted already (a force-unlock outside the turn) or waiting for it.
    await until(
      () => audits.committed.includes('lock') || service.state.locks.waiting > 0,
      'the lock request',
    );
    held.release();

    assert.equal((await forced).status, 200);
    const lock = await locked;
    assert.equal(lock.status, 200, 'det1 was free once the force-unlock was done');

    const status = await json('/api/v1/devices/det1/status');
    assert.deepEqual(
      [status.lock_status, status.locked_by_item, status.locked_by_plan],
      ['locked', 'item-b', 'plan-item-b'],
      'the granted lock is still held',
    );
    const trail = (await json('/api/v1/devices/history?device_name=det1')) as {
      operation: string;
      details: string;
    }[];
    assert.deepEqual(
      trail.map((row) => row.operation),
      ['lock', 'force_unlock', 'seed'],
      'newest first: the lock is the last word on det1, as in the table',
    );
    assert.equal(JSON.parse(trail[0].details).item_id, 'item-b');
  });

  it('a renew waiting behind a lock whose audit fails finds nothing to renew', async () => {
    const held = audits.hold('lock', 'fail');
    const locked = lockBy('item-a');
    await held.reached; // the lock is in the table, its audit not yet written
    let renewAnswered = false;
    const renewed = post('/api/v1/devices/lock/renew', { device_names: ['det1'], item_id: 'item-a' }).then(
      (r) => {
        renewAnswered = true;
        return r;
      },
    );
    // The renew has arrived: answered already (outside the turn) or waiting for it.
    await until(() => renewAnswered || service.state.locks.waiting > 0, 'the renew request');
    held.release();

    assert.equal((await locked).status, 503, 'no lock without its audit row');
    const renewal = (await (await renewed).json()) as Record<string, unknown>;
    assert.deepEqual(
      [renewal.renewed_devices, renewal.lost_devices, renewal.success],
      [[], ['det1'], false],
      'the lock that was taken back was never renewed',
    );
    assert.equal((await json('/api/v1/devices/det1/status')).lock_status, 'unlocked');
    const trail = (await json('/api/v1/devices/history?device_name=det1')) as { operation: string }[];
    assert.deepEqual(
      trail.map((row) => row.operation),
      ['seed'],
      'no lock row was written',
    );
  });
});
