/**
 * The worker environment as the reload flow uses it: close, then open, each waited on until the
 * manager reports it done (the reference fires the open right after the close, which the manager
 * refuses while it is still closing, and reports the environment recycled anyway: spec §17.18).
 */
import { DomainError } from '@ophyd-service/service-kit';
import type { QueueRuntime } from '../manager/runtime.ts';

/** The manager refused the request (its reply's `msg`). */
export class EnvironmentRefused extends Error {
  override name = 'EnvironmentRefused';
}

export interface WorkerEnvironment {
  exists(): boolean;
  /** Resolves once the environment is closed; EnvironmentRefused when the manager will not close it. */
  close(lockKey?: string): Promise<void>;
  /** Resolves once the open has finished: true when the environment is open, false when it failed. */
  open(lockKey?: string): Promise<boolean>;
}

const DEFAULT_WAIT_MS = 300_000;

export function runtimeEnvironment(runtime: QueueRuntime, waitMs = DEFAULT_WAIT_MS): WorkerEnvironment {
  const settled = () => runtime.manager.data.state === 'idle';
  const request = async (method: 'environment_close' | 'environment_open', lockKey?: string) => {
    const reply = await runtime.call(method, lockKey === undefined ? {} : { lock_key: lockKey });
    if (!reply.success) throw new EnvironmentRefused(String(reply.msg));
  };
  return {
    exists: () => runtime.manager.data.worker.exists,
    async close(lockKey) {
      await request('environment_close', lockKey);
      await until(runtime, () => settled() && !runtime.manager.data.worker.exists, waitMs, 'close');
    },
    async open(lockKey) {
      await request('environment_open', lockKey);
      await until(runtime, settled, waitMs, 'open');
      return runtime.manager.data.worker.exists;
    },
  };
}

/** Resolves when `test` holds, checked now and at each status the runtime publishes. */
function until(runtime: QueueRuntime, test: () => boolean, waitMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!test()) return;
      stop();
      resolve();
    };
    const timer = setTimeout(() => {
      stop();
      reject(
        new DomainError(
          'timeout',
          `The worker environment did not finish its ${what} within ${waitMs / 1000} s`,
        ),
      );
    }, waitMs);
    timer.unref();
    const stop = () => {
      clearTimeout(timer);
      runtime.off('status', check);
    };
    runtime.on('status', check);
    check();
  });
}
