import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { orAbort, testSignal } from '../../packages/epics-ca/test/waits.ts';

export const BIN = join(import.meta.dirname, '../../bin/ophyd-service.ts');
export const FIXTURE_CLI = join(import.meta.dirname, 'fixtures/cli.ts');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process under test, with its output as lines and waits that end on its lines or exit. */
export interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** stdout and stderr, in arrival order. */
  output(): string;
  /**
   * The first line matching `pattern`; fails at once when the process ends without one, or when
   * the test times out.
   */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** How it ended; if the test times out first, the process is killed and the wait fails. */
  exit(): Promise<Exit>;
}

const started = new Set<ChildProcess>();

/** SIGKILLs every process `run` started that is still running (for an `after` hook: a failed test leaks none). */
export function killStarted(): void {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs a script with this test's Node (24), piping both streams. */
export function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
  });
  started.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const all: string[] = [];
  const watchers = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream, into: string[]) =>
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      into.push(line);
      all.push(line);
      for (const watcher of watchers) watcher();
    });
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  let closed = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      closed = true;
      for (const watcher of watchers) watcher();
      resolve({ code, signal });
    }),
  );
  const output = () => all.join('\n');

  return {
    child,
    stdout,
    stderr,
    output,
    waitFor(pattern) {
      const signal = testSignal();
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of all) {
            const match = line.match(pattern);
            if (match) {
              done();
              resolve(match);
              return;
            }
          }
          // Every line is in once the process has closed: no match now means none ever.
          if (closed) {
            done();
            reject(new Error(`exited without a line matching ${pattern}; output:\n${output()}`));
          }
        };
        const aborted = () => {
          done();
          reject(new Error(`no line matching ${pattern} when the test timed out; output:\n${output()}`));
        };
        const done = () => {
          signal?.removeEventListener('abort', aborted);
          watchers.delete(check);
        };
        signal?.addEventListener('abort', aborted, { once: true });
        watchers.add(check);
        check();
      });
    },
    exit() {
      // Killed if the test times out first, so nothing outlives a failed test.
      return orAbort(exited, 'the process to exit', () => {
        child.kill('SIGKILL');
        return `output:\n${output()}`;
      });
    },
  };
}

/** True while a process with this pid runs; a zombie waiting for a slow init to reap it counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
