/**
 * The daemons of the real-node cluster: each runs inside the cluster's network namespace (entered
 * with nsenter, which keeps the host's mount namespace so the kubelet's volume mounts and
 * containerd's rootfs mounts see each other) and logs to its own file, whose tail goes into errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Daemon {
  name: string;
  child: ChildProcess;
  logPath: string;
}

/** The last `lines` lines of a daemon's log file (what an error message quotes). */
export function logTail(logPath: string, lines = 25): string {
  if (!existsSync(logPath)) return '(no log)';
  return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts `command` inside the network namespace `netns`, its output appended to `<logDir>/<name>.log`. */
export function startDaemon(
  name: string,
  netns: string,
  command: string,
  args: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Daemon {
  const logPath = join(logDir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', command, ...args], {
    stdio: ['ignore', fd, fd],
    env,
  });
  closeSync(fd);
  return { name, child, logPath };
}

/** Stops a daemon by its pid: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export function stopDaemon(daemon: Daemon | undefined, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const child = daemon?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Polls `check` up to `attempts` times, `intervalMs` apart, failing with `what` and the log tails of
 * `daemons` (a daemon that exited is named as such: the usual reason a check never passes).
 */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  daemons: Daemon[],
  attempts = 300,
  intervalMs = 500,
): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check().catch(() => false)) return;
    const dead = daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null);
    if (dead) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const report = daemons
    .map((d) => {
      const state = d.child.exitCode !== null || d.child.signalCode !== null ? ' (EXITED)' : '';
      return `--- ${d.name}${state}: ${d.logPath}\n${logTail(d.logPath, 12)}`;
    })
    .join('\n');
  throw new Error(`${what}: not reached\n${report}`);
}
