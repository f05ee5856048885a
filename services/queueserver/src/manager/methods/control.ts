/** Running the queue (spec §3.6) and the RunEngine (spec §3.7). */

import { pythonRepr } from '../../zmq/python-repr.ts';
import type { Manager } from '../manager.ts';
import { type MethodTable, ok, refuse } from '../method.ts';
import { Refusal, type Reply } from '../types.ts';
import { prepare } from './context.ts';

/** Why the manager cannot start a plan now, or null (queue_start, queue_item_execute). */
export function cannotStart(manager: Manager): string | null {
  const { data } = manager;
  if (!data.worker.exists) return 'RE Worker environment does not exist.';
  if (!data.worker.rePresent) return 'Run Engine is not found in the RE Worker environment.';
  if (data.state !== 'idle') return 'RE Manager is busy.';
  return null;
}

const continueWith =
  (option: 'resume' | 'stop' | 'abort' | 'halt') =>
  (manager: Manager): Reply => {
    const { data } = manager;
    if (data.state !== 'paused') return refuse(`RE Manager is not paused: current state is '${data.state}'`);
    data.state = 'executing_queue';
    data.worker = { ...data.worker, state: 'executing_plan' };
    manager.emit({ kind: 'send', message: { type: 'continue', option } });
    return ok();
  };

export const controlMethods: MethodTable = {
  queue_start: {
    params: ['lock_key'],
    lock: 'environment',
    run: (manager) => {
      const why = cannotStart(manager);
      if (why) return refuse(why);
      manager.startQueue();
      return ok();
    },
  },

  queue_stop: {
    params: ['lock_key'],
    lock: 'environment',
    run: (manager) => {
      const { data } = manager;
      if (data.state !== 'starting_queue' && data.state !== 'executing_queue' && data.state !== 'paused')
        return refuse(`Failed to stop the queue: the queue is not running. Manager state: '${data.state}'`);
      data.stopPending = true;
      return ok();
    },
  },

  queue_stop_cancel: {
    params: ['lock_key'],
    lock: 'environment',
    run: ({ data }) => {
      data.stopPending = false;
      return ok();
    },
  },

  queue_autostart: {
    params: ['enable', 'lock_key'],
    lock: 'environment',
    run: (manager, p) => {
      if (!('enable' in p))
        throw new Refusal("Required 'enable' parameter is missing in 'queue_autostart' API call.");
      if (typeof p.enable !== 'boolean')
        throw new Refusal(`Required 'enable' parameter must be boolean: enable=${pythonRepr(p.enable)}`);
      manager.data.autostart = p.enable;
      manager.nudgeAutostart();
      return ok();
    },
  },

  re_pause: {
    params: ['option', 'lock_key'],
    lock: 'environment',
    run: (manager, p) => {
      const { data } = manager;
      const option = p.option ?? 'deferred';
      if (option !== 'deferred' && option !== 'immediate')
        return refuse(
          `Option ${pythonRepr(option)} is not supported. Available options: ('deferred', 'immediate')`,
        );
      if (!data.worker.exists) return refuse('Environment does not exist. Can not pause Run Engine.');
      if (!data.worker.rePresent) return refuse('Run Engine is not found in the RE Worker environment.');
      if (data.worker.re !== 'running')
        return refuse(`Run engine can be paused only in 'running' state. Current state: '${data.worker.re}'`);
      data.pausePending = true;
      manager.emit({ kind: 'send', message: { type: 'pause', option } });
      return ok();
    },
  },

  re_resume: { params: ['lock_key'], lock: 'environment', run: continueWith('resume') },
  re_stop: { params: ['lock_key'], lock: 'environment', run: continueWith('stop') },
  re_abort: { params: ['lock_key'], lock: 'environment', run: continueWith('abort') },
  re_halt: { params: ['lock_key'], lock: 'environment', run: continueWith('halt') },

  re_runs: {
    params: ['option'],
    failure: () => ({ run_list: [], run_list_uid: '' }),
    run: ({ data }, p) => {
      const option = p.option ?? 'active';
      if (option !== 'active' && option !== 'open' && option !== 'closed')
        throw new Refusal(
          `Option ${pythonRepr(option)} is not supported. Available options: ('active', 'open', 'closed')`,
        );
      const runs = data.runs.filter((run) => option === 'active' || run.is_open === (option === 'open'));
      return ok({ run_list: runs, run_list_uid: data.uids.run_list_uid });
    },
  },

  kernel_interrupt: {
    params: ['interrupt_task', 'interrupt_plan', 'lock_key'],
    lock: 'environment',
    run: () =>
      refuse(
        'Failed to interrupt IPython kernel: RE Manager is not in IPython mode: IPython kernel is not used',
      ),
  },

  queue_item_execute: {
    params: ['user_group', 'user', 'item', 'lock_key'],
    lock: 'environment',
    prefix: 'Failed to start execution of the item: ',
    failure: (p) => ({ qsize: null, item: p.item ?? null }),
    run: (manager, p) => {
      const item = prepare(manager, p, ['plan', 'instruction']);
      const why = cannotStart(manager);
      if (why) throw new Refusal(why);
      manager.executeNow(item);
      return ok({ qsize: manager.data.queue.length, item });
    },
  },
};
