/** Tasks in the worker (spec §3.8): functions, scripts, their status and results. */
import type { ToWorker } from '../../worker/protocol.ts';
import type { Manager } from '../manager.ts';
import { type MethodTable, ok, refuse } from '../method.ts';
import { Refusal, type Reply } from '../types.ts';
import { prepare } from './context.ts';

type Task = Extract<ToWorker, { type: 'run_task' }>['task'];

/** Starts a task in the worker, in the foreground (the manager busy) or beside everything else. */
export function startTask(manager: Manager, runInBackground: unknown, task: Task, taskUid?: string): Reply {
  const { data, deps } = manager;
  const background = runInBackground ?? false;
  if (typeof background !== 'boolean') throw new Refusal(`Parameter 'run_in_background' must be boolean`);
  if (!data.worker.exists) return refuse('RE Worker environment is not open', { task_uid: null });
  if (!background && data.state !== 'idle')
    return refuse(
      `Failed to start the task: RE Manager must be in idle state. Current state: '${data.state}'`,
      {
        task_uid: null,
      },
    );
  const task_uid = taskUid ?? deps.newUid();
  data.tasks.set(task_uid, {
    status: 'running',
    task_uid,
    time_start: deps.now(),
    run_in_background: background,
  });
  if (background) {
    data.worker = { ...data.worker, backgroundTasks: data.worker.backgroundTasks + 1 };
  } else {
    data.state = 'executing_task';
    data.worker = { ...data.worker, state: 'executing_task' };
  }
  manager.emit({ kind: 'send', message: { type: 'run_task', task_uid, background, task } });
  return ok({ task_uid });
}

export const taskMethods: MethodTable = {
  script_upload: {
    params: ['script', 'update_lists', 'update_re', 'run_in_background', 'lock_key'],
    lock: 'environment',
    failure: () => ({ task_uid: null }),
    run: (manager, p) => {
      // Verbatim, typo included (spec §3.8, §17.10): clients match this text.
      if (!('script' in p)) throw new Refusal("Required 'script' parameter is is missing in API call.");
      if (typeof p.script !== 'string') throw new Refusal(`Parameter 'script' must be a string`);
      const update_lists = p.update_lists ?? true;
      const update_re = p.update_re ?? false;
      if (typeof update_lists !== 'boolean' || typeof update_re !== 'boolean')
        throw new Refusal(`Parameters 'update_lists' and 'update_re' must be boolean`);
      return startTask(manager, p.run_in_background, {
        kind: 'script',
        script: p.script,
        update_lists,
        update_re,
      });
    },
  },

  function_execute: {
    params: ['item', 'user', 'user_group', 'run_in_background', 'lock_key'],
    lock: 'environment',
    failure: (p) => ({ item: p.item ?? null, task_uid: null }),
    run: (manager, p) => {
      const item = prepare(manager, p, ['function']);
      const reply = startTask(
        manager,
        p.run_in_background,
        { kind: 'function', name: item.name, args: item.args ?? [], kwargs: item.kwargs ?? {} },
        item.item_uid,
      );
      return { ...reply, item };
    },
  },

  task_status: {
    params: ['task_uid'],
    failure: (p) => ({ task_uid: p.task_uid ?? null, status: null }),
    run: ({ data }, p) => {
      if (!('task_uid' in p)) throw new Refusal("Required 'task_uid' parameter is missing in the API call");
      const statusOf = (uid: string) => data.tasks.get(uid)?.status ?? 'not_found';
      if (typeof p.task_uid === 'string') return ok({ task_uid: p.task_uid, status: statusOf(p.task_uid) });
      if (Array.isArray(p.task_uid) && p.task_uid.every((uid) => typeof uid === 'string'))
        return ok({
          task_uid: p.task_uid,
          status: Object.fromEntries(p.task_uid.map((uid) => [uid, statusOf(uid)])),
        });
      throw new Refusal("'task_uid' must be a string or a list of strings");
    },
  },

  task_result: {
    params: ['task_uid'],
    failure: (p) => ({ task_uid: p.task_uid ?? null, status: null, result: null }),
    run: ({ data }, p) => {
      if (!('task_uid' in p)) throw new Refusal("Required 'task_uid' parameter is missing in the API call");
      if (typeof p.task_uid !== 'string') throw new Refusal("'task_uid' must be a string");
      const task = data.tasks.get(p.task_uid);
      if (!task) return ok({ task_uid: p.task_uid, status: 'not_found', result: {} });
      if (task.status === 'running') {
        const { status: _status, ...result } = task;
        return ok({ task_uid: p.task_uid, status: 'running', result });
      }
      return ok({ task_uid: p.task_uid, status: 'completed', result: task.result });
    },
  },
};
