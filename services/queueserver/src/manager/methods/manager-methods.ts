/** Status, configuration and the manager's own lifecycle (spec §3.1, §3.10). */

import { pythonRepr } from '../../zmq/python-repr.ts';
import { type MethodTable, ok, refuse } from '../method.ts';
import { Refusal } from '../types.ts';

export const managerMethods: MethodTable = {
  status: { params: null, run: (manager) => manager.status() },
  ping: { params: null, run: (manager) => manager.status() },

  config_get: {
    params: [],
    failure: () => ({ config: {} }),
    run: () => ok({ config: { ip_connect_info: {} } }),
  },

  manager_stop: {
    params: ['option'],
    run: (manager, p) => {
      const option = p.option ?? 'safe_on';
      if (option !== 'safe_on' && option !== 'safe_off')
        throw new Refusal(
          `Option ${pythonRepr(option)} is not supported. Available options: ('safe_on', 'safe_off')`,
        );
      if (option === 'safe_on' && manager.data.state !== 'idle')
        return refuse(
          `Closing RE Manager with option 'safe_on' is allowed only in 'idle' state. Current state: '${manager.data.state}'`,
        );
      manager.emit({ kind: 'exit' });
      return ok();
    },
  },

  /** The driver never answers an accepted manager_kill (it restarts the manager from its store). */
  manager_kill: { params: [], run: () => ok({ kill: true }) },

  manager_test: {
    params: null,
    run: (_manager, p) =>
      refuse(`Test ${pythonRepr(p.test_name ?? null)} is not supported: RE Manager is not in IPython mode`),
  },
};
