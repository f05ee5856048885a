/**
 * Helpers for the acceptance tests that drive a running queue server in-process: calls, and waits
 * on the status the runtime publishes (events, not sleeps).
 */
import type { RunningQueueServer } from './harness.ts';

export type Reply = Record<string, any>;

export const USER = { user: 'acceptance', user_group: 'primary' };

/** A plan item of the simulated profile. */
export const countPlan = (kwargs: Record<string, unknown> = {}) => ({
  item_type: 'plan',
  name: 'count',
  args: [['det1']],
  kwargs,
});

/** Calls a manager method as a 0MQ request would. */
export function caller(qs: RunningQueueServer) {
  return (method: string, params: Record<string, unknown> = {}): Promise<Reply> =>
    qs.server.runtime.call(method, params);
}

/** The first published status (the current one included) that satisfies `test`. */
export function until(qs: RunningQueueServer, test: (status: Reply) => boolean): Promise<Reply> {
  const runtime = qs.server.runtime;
  return new Promise((resolve, reject) => {
    const check = (status: Reply) => {
      if (!test(status)) return;
      runtime.off('status', check);
      resolve(status);
    };
    runtime.on('status', check);
    runtime.call('status', {}).then(check, reject);
  });
}

/** Waits for an idle manager (after a queue, a plan or an environment change). */
export const idle = (qs: RunningQueueServer) => until(qs, (s) => s.manager_state === 'idle');
