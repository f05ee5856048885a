/**
 * Child processes of the benches: each child answers on stdout with one JSON line per report and
 * takes commands on stdin. Every child is killed when the bench exits, however it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Json = Record<string, unknown>;

const children = new Set<ChildProcess>();
export const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(1);
  });
}

export interface JsonChild {
  child: ChildProcess;
  /** The next JSON line, or a rejection naming `what`, the reason and the child's last stderr lines. */
  next<T = Json>(ms: number, what: string): Promise<T>;
  send(line: string): void;
  /** Closes stdin and waits for the exit, killing the child after `graceMs`. */
  stop(): Promise<void>;
}

export function jsonChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; graceMs?: number } = {},
): JsonChild {
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const queue: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  let stderr = '';
  let exited = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return; // banners (softioc prints its iocInit log on stdout)
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  // 'close', not 'exit': a child that prints its last line and exits at once can exit before that
  // line is read; 'close' comes after its output has ended.
  child.on('close', () => {
    exited = true;
    children.delete(child);
    for (const waiter of waiters.splice(0)) waiter(undefined);
  });
  const next = <T = Json>(ms: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const fail = (why: string) =>
        reject(
          new Error(`${what}: ${why}${stderr ? `\n${stderr.trim().split('\n').slice(-8).join('\n')}` : ''}`),
        );
      const take = (line: string | undefined) => {
        clearTimeout(timer);
        if (line === undefined) return fail('process exited');
        try {
          resolve(JSON.parse(line) as T);
        } catch {
          fail(`not JSON: ${line.slice(0, 200)}`);
        }
      };
      const timer = setTimeout(() => {
        const i = waiters.indexOf(take);
        if (i >= 0) waiters.splice(i, 1);
        fail(`no answer in ${ms} ms`);
      }, ms);
      const queued = queue.shift();
      if (queued !== undefined) take(queued);
      else if (exited) take(undefined);
      else waiters.push(take);
    });
  const send = (line: string) => {
    if (!exited) child.stdin.write(`${line}\n`);
  };
  const stop = () => {
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 5000);
    return new Promise<void>((resolve) => {
      if (exited) resolve();
      else child.once('close', () => resolve());
    }).finally(() => clearTimeout(killer));
  };
  return { child, next, send, stop };
}
