/** The queue's methods (spec §3.3): add, batch add, update, get, remove, move, clear, mode. */

import { prepareItem, storedItem } from '../items.ts';
import { type MethodTable, ok, refuse } from '../method.ts';
import {
  getItem,
  insertItems,
  mergeQueueMode,
  moveBatch,
  moveItem,
  removeBatch,
  removeItem,
  replaceItem,
} from '../queue-ops.ts';
import { type Params, type QueueItem, Refusal } from '../types.ts';
import { itemContext, prepare } from './context.ts';

const where = (p: Params) => ({ pos: p.pos, before_uid: p.before_uid, after_uid: p.after_uid });
const echo = (p: Params) => ({ qsize: null, item: p.item ?? null });

export const queueMethods: MethodTable = {
  queue_get: {
    params: [],
    failure: () => ({ items: [], running_item: {}, plan_queue_uid: '' }),
    run: ({ data }) =>
      ok({ items: data.queue, running_item: data.running ?? {}, plan_queue_uid: data.uids.plan_queue_uid }),
  },

  queue_mode_set: {
    params: ['mode', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to set queue mode: ',
    run: (manager, p) => {
      if (!('mode' in p)) throw new Refusal(`Parameter 'mode' is not found in request ${JSON.stringify(p)}`);
      manager.data.mode = mergeQueueMode(manager.data.mode, p.mode);
      return ok();
    },
  },

  queue_item_add: {
    params: ['user_group', 'user', 'item', 'pos', 'before_uid', 'after_uid', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to add an item: ',
    failure: echo,
    run: (manager, p) => {
      const item = prepare(manager, p, ['plan', 'instruction']);
      const queue = insertItems(manager.data.queue, [item], where(p), manager.data.running);
      manager.setQueue(queue);
      manager.emit({
        kind: 'console',
        text: `Item added: success=True item_type='${item.item_type}' name='${item.name}' qsize=${queue.length}\n`,
      });
      manager.nudgeAutostart();
      return ok({ qsize: queue.length, item });
    },
  },

  queue_item_add_batch: {
    params: ['user_group', 'user', 'items', 'pos', 'before_uid', 'after_uid', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to add an item: ',
    failure: (p) => ({ qsize: null, items: Array.isArray(p.items) ? p.items : [], results: [] }),
    run: (manager, p) => {
      if (!('items' in p)) throw new Refusal('Invalid request format: the list of items is not found');
      if (!Array.isArray(p.items)) throw new Refusal("Invalid request format: 'items' must be a list");
      const context = itemContext(manager);
      const submitted = p.items as unknown[];
      const prepared: QueueItem[] = [];
      const results = submitted.map((item) => {
        try {
          prepared.push(storedItem(prepareItem({ ...p, item }, context, ['plan', 'instruction'])));
          return { success: true, msg: '' };
        } catch (error) {
          if (!(error instanceof Refusal)) throw error;
          return { success: false, msg: `Failed to add a plan: ${error.message}` };
        }
      });
      const failed = results.filter((r) => !r.success).length;
      const qsize = manager.data.queue.length;
      if (failed) {
        return refuse(
          `Failed to add all items: validation of ${failed} out of ${submitted.length} submitted items failed`,
          {
            qsize,
            items: submitted,
            results,
          },
        );
      }
      let queue: QueueItem[];
      try {
        queue = prepared.length
          ? insertItems(manager.data.queue, prepared, where(p), manager.data.running)
          : [...manager.data.queue];
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        const msg = `Failed to add item to queue: ${error.message}`;
        return refuse(`Failed to add all items: ${error.message}`, {
          qsize,
          items: submitted,
          results: submitted.map(() => ({ success: false, msg })),
        });
      }
      if (prepared.length) manager.setQueue(queue);
      manager.nudgeAutostart();
      return ok({ qsize: queue.length, items: prepared, results });
    },
  },

  queue_item_update: {
    params: ['user_group', 'user', 'item', 'replace', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to add an item: ',
    // The reference answers qsize 0 here (spec §17.9); null is what every other failure says.
    failure: echo,
    run: (manager, p) => {
      const replace = p.replace === true;
      const submitted = p.item as { item_uid?: unknown } | undefined;
      const originalUid = submitted && typeof submitted === 'object' ? submitted.item_uid : undefined;
      // replace=true gives the item a new uid; otherwise it keeps the one it names (which must exist).
      const item = storedItem(
        prepareItem(p, itemContext(manager), ['plan', 'instruction'], { keepUid: !replace }),
      );
      const { queue, changed } = replaceItem(
        manager.data.queue,
        item,
        manager.data.running,
        originalUid ?? null,
      );
      if (changed) manager.setQueue(queue);
      return ok({ qsize: manager.data.queue.length, item });
    },
  },

  queue_item_get: {
    params: ['pos', 'uid'],
    prefix: 'Failed to get an item: ',
    failure: () => ({ item: {} }),
    run: ({ data }, p) => ok({ item: getItem(data.queue, { pos: p.pos, uid: p.uid }, data.running) }),
  },

  queue_item_remove: {
    params: ['pos', 'uid', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to remove an item: ',
    failure: () => ({ item: {}, qsize: null }),
    run: (manager, p) => {
      const { queue, item } = removeItem(
        manager.data.queue,
        { pos: p.pos, uid: p.uid },
        manager.data.running,
      );
      manager.setQueue(queue);
      return ok({ item, qsize: queue.length });
    },
  },

  queue_item_remove_batch: {
    params: ['uids', 'ignore_missing', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to remove a batch of items: ',
    failure: () => ({ items: [], qsize: null }),
    run: (manager, p) => {
      if (!('uids' in p)) throw new Refusal('Request does not contain the list of UIDs');
      const { queue, items } = removeBatch(manager.data.queue, p.uids, p.ignore_missing ?? true);
      if (items.length) manager.setQueue(queue);
      return ok({ items, qsize: manager.data.queue.length });
    },
  },

  queue_item_move: {
    params: ['pos', 'uid', 'pos_dest', 'before_uid', 'after_uid', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to move the item: ',
    failure: () => ({ item: {}, qsize: null }),
    run: (manager, p) => {
      const { queue, item, changed } = moveItem(manager.data.queue, p);
      if (changed) manager.setQueue(queue);
      return ok({ item, qsize: manager.data.queue.length });
    },
  },

  queue_item_move_batch: {
    params: ['uids', 'pos_dest', 'before_uid', 'after_uid', 'reorder', 'lock_key'],
    lock: 'queue',
    prefix: 'Failed to move the batch of items: ',
    failure: () => ({ items: [], qsize: null }),
    run: (manager, p) => {
      const { queue, items, changed } = moveBatch(manager.data.queue, p);
      if (changed) manager.setQueue(queue);
      return ok({ items, qsize: manager.data.queue.length });
    },
  },

  queue_clear: {
    params: ['lock_key'],
    lock: 'queue',
    run: (manager) => {
      manager.setQueue([]);
      return ok();
    },
  },
};
