/** The lock (spec §3.9, §8). */
import { describeLockInfo, lock, lockInfo, unlock } from '../locks.ts';
import type { Manager } from '../manager.ts';
import type { MethodTable } from '../method.ts';
import type { Params, Reply } from '../types.ts';

const current = (_p: Params, manager: Manager): Reply => ({
  lock_info: describeLockInfo(manager.data.lock, manager.emergencyKeySet),
  lock_info_uid: manager.data.lock.uid,
});

export const lockMethods: MethodTable = {
  lock: {
    params: ['lock_key', 'user', 'environment', 'queue', 'note'],
    failure: current,
    run: (manager, p) => {
      const { state, reply } = lock(
        manager.data.lock,
        p,
        manager.deps.now(),
        manager.deps.newUid,
        manager.emergencyKeySet,
      );
      manager.data.lock = state;
      return { ...reply };
    },
  },

  unlock: {
    params: ['lock_key'],
    failure: current,
    run: (manager, p) => {
      const { state, reply } = unlock(
        manager.data.lock,
        p,
        manager.deps.newUid,
        manager.deps.emergencyLockKey,
      );
      manager.data.lock = state;
      return { ...reply };
    },
  },

  lock_info: {
    params: ['lock_key'],
    failure: current,
    run: (manager, p) => lockInfo(manager.data.lock, p, manager.emergencyKeySet).reply as unknown as Reply,
  },
};
