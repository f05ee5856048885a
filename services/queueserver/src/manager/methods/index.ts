/** Every 0MQ method the manager answers, by name. */
import type { MethodTable } from '../method.ts';
import { controlMethods } from './control.ts';
import { environmentMethods } from './environment.ts';
import { historyMethods } from './history.ts';
import { listMethods } from './lists.ts';
import { lockMethods } from './locks.ts';
import { managerMethods } from './manager-methods.ts';
import { queueMethods } from './queue.ts';
import { taskMethods } from './tasks.ts';

export const METHODS: MethodTable = {
  ...managerMethods,
  ...listMethods,
  ...queueMethods,
  ...historyMethods,
  ...environmentMethods,
  ...controlMethods,
  ...taskMethods,
  ...lockMethods,
};
