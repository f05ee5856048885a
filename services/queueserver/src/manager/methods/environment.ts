/** The worker environment (spec §3.5): open, close, destroy, update. */
import { type MethodTable, ok, refuse } from '../method.ts';
import { startTask } from './tasks.ts';

export const environmentMethods: MethodTable = {
  environment_open: {
    params: ['lock_key'],
    lock: 'environment',
    run: (manager) => {
      const { data } = manager;
      if (data.worker.exists) return refuse('RE Worker environment already exists.');
      if (data.state === 'creating_environment')
        return refuse('Manager is already in the process of creating the RE Worker environment.');
      if (data.state !== 'idle') return refuse(`Manager state is not idle. Current state: ${data.state}`);
      data.state = 'creating_environment';
      data.worker = { ...data.worker, state: 'initializing' };
      manager.emit({ kind: 'open_worker' });
      return ok();
    },
  },

  environment_close: {
    params: ['lock_key'],
    lock: 'environment',
    run: (manager) => {
      const { data } = manager;
      if (data.state === 'closing_environment')
        return refuse('Manager is already in the process of closing the RE Worker environment.');
      if (!data.worker.exists) return refuse('RE Worker environment does not exist.');
      if (data.state === 'starting_queue' || data.state === 'executing_queue')
        return refuse('Queue execution is in progress.');
      if (data.state === 'executing_task') return refuse('Foreground task execution is in progress.');
      if (data.state !== 'idle') return refuse(`Manager state is not idle. Current state: ${data.state}`);
      data.state = 'closing_environment';
      data.worker = { ...data.worker, state: 'closing' };
      manager.emit({ kind: 'close_worker' });
      return ok();
    },
  },

  environment_destroy: {
    params: ['lock_key'],
    lock: 'environment',
    run: (manager) => {
      const { data } = manager;
      if (
        !data.worker.exists &&
        data.state !== 'creating_environment' &&
        data.state !== 'closing_environment'
      )
        return refuse('RE environment does not exist');
      data.state = 'destroying_environment';
      manager.emit({ kind: 'kill_worker' });
      return ok();
    },
  },

  environment_update: {
    params: ['run_in_background', 'lock_key'],
    lock: 'environment',
    failure: () => ({ task_uid: null }),
    run: (manager, p) =>
      startTask(manager, p.run_in_background, {
        kind: 'script',
        script: '',
        update_lists: true,
        update_re: true,
      }),
  },
};
