/**
 * The manager's handle on its worker: a child Node process running main.ts, spoken to over IPC.
 * The child is a separate process with a bounded heap, so a plan that exhausts memory or never
 * yields takes down only the child; kill() ends it whatever it is doing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from '@ophyd-service/service-kit/compile-cache';
import type { FromWorker, ToWorker, WorkerStartup } from './protocol.ts';

export interface WorkerHandlers {
  message(m: FromWorker): void;
  /** Text the child printed (stdout and stderr), decoded as UTF-8, in chunks as they arrive. */
  output(text: string): void;
  /** The child is gone and all its output was delivered. */
  exit(code: number | null, signal: string | null): void;
}

export interface WorkerOptions {
  /** The child's V8 heap limit in MiB (`--max-old-space-size`). */
  maxOldSpaceMb?: number;
  env?: NodeJS.ProcessEnv;
}

export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Sends a message; dropped when the child is already gone (its exit is reported anyway). */
  send(m: ToWorker): void;
  /** SIGKILLs the child; resolves once it is gone. Safe to call again. */
  kill(): Promise<void>;
}

export const DEFAULT_WORKER_HEAP_MB = 1024;

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Starts a worker loading `startup`; its messages, output and exit go to `handlers`. */
export function spawnWorker(
  startup: WorkerStartup,
  handlers: WorkerHandlers,
  options: WorkerOptions = {},
): WorkerProcess {
  const heap = options.maxOldSpaceMb ?? DEFAULT_WORKER_HEAP_MB;
  const env = options.env ?? process.env;
  const child = spawn(process.execPath, [`--max-old-space-size=${heap}`, MAIN, JSON.stringify(startup)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Node's on-disk compile cache (type-stripped TypeScript and V8 code) more than halves the CPU a
    // worker spends loading its modules, and so the time environment_open takes (bench/queueserver.ts).
    env: { ...compileCacheEnv(env, { always: true }), ...env },
  });
  let closed = false;
  const gone = new Promise<void>((resolve) => {
    // 'close' comes after 'exit' once stdout/stderr are drained, so no output is lost.
    child.once('close', (code, signal) => {
      closed = true;
      handlers.exit(code, signal);
      resolve();
    });
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => handlers.output(text));
  }
  child.on('message', (m) => handlers.message(m as FromWorker));
  child.on('error', (err) => handlers.output(`RE Worker process error: ${err.message}\n`));
  return {
    get pid() {
      return child.pid;
    },
    send(m) {
      if (child.connected) child.send(m, () => {});
    },
    async kill() {
      if (!closed) child.kill('SIGKILL');
      await gone;
    },
  };
}
