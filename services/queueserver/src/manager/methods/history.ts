/** History (spec §3.4). */
import { type MethodTable, ok } from '../method.ts';
import { trimHistory } from '../queue-ops.ts';

export const historyMethods: MethodTable = {
  history_get: {
    params: [],
    failure: () => ({ items: [], plan_history_uid: '' }),
    run: ({ data }) => ok({ items: data.history, plan_history_uid: data.uids.plan_history_uid }),
  },

  history_clear: {
    params: ['size', 'item_uid', 'lock_key'],
    lock: 'queue',
    run: (manager, p) => {
      const { history, changed } = trimHistory(manager.data.history, { size: p.size, item_uid: p.item_uid });
      if (changed) manager.setHistory(history);
      return ok();
    },
  },
};
