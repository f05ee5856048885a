/**
 * The queue store's tables, mapped with `defineEntity` (no decorators under type stripping). The
 * schema itself comes from the committed migrations (migrations/<dialect>/); test/store.test.ts
 * checks that the two agree. Payloads are JSON text, so key order and floats survive as written.
 */
import { defineEntity, p } from '@mikro-orm/core';

/** One queue item: its uid, order key and JSON text. */
export const QueueRow = defineEntity({
  name: 'QueueRow',
  tableName: 'qs_queue',
  properties: {
    itemUid: p.text().primary().fieldName('item_uid'),
    /** Order key: the queue is the rows sorted by it (see queue-order.ts). */
    position: p.double().runtimeType('number').$type<number>(),
    item: p.text(),
  },
  indexes: [{ properties: ['position'], name: 'qs_queue_position_index' }],
});

/** One history entry under its sequence number. */
export const HistoryRow = defineEntity({
  name: 'HistoryRow',
  tableName: 'qs_history',
  properties: {
    /** Assigned by the store, increasing in execution order (see history-diff.ts). */
    seq: p.bigint('number').primary().autoincrement(false),
    item: p.text(),
  },
});

/** One scalar part (running item, mode, lock, permissions, flags) as JSON text. */
export const StateRow = defineEntity({
  name: 'StateRow',
  tableName: 'qs_state',
  properties: {
    key: p.text().primary(),
    value: p.text(),
  },
});

/** Every entity of the store, for MikroORM. */
export const entities = [QueueRow, HistoryRow, StateRow];

/**
 * Where MikroORM records the applied migrations: our own table, so a database shared with the
 * configuration service keeps the two services' migration logs apart.
 */
export const MIGRATIONS_TABLE = 'qs_migrations';

/** Every table the store creates (tests drop them for a fresh database). */
export const STORE_TABLES = ['qs_queue', 'qs_history', 'qs_state', MIGRATIONS_TABLE];
