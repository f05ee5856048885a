/** The Python peers of the interop suite, from the venv that scripts/peers.sh builds. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { testSignal } from '../waits.ts';

const repoRoot = join(import.meta.dirname, '../../../..');
export const venv = process.env.OPHYD_PEERS_VENV ?? join(repoRoot, '.venv-peers');
export const python = join(venv, 'bin/python');
export const script = (name: string) => join(import.meta.dirname, 'py', name);

export function requirePeers(): void {
  if (!existsSync(python)) throw new Error(`Python peers missing at ${venv}: run scripts/peers.sh first.`);
}

/** CA settings for a peer talking to a server on loopback at `port`. */
export const caEnv = (port: number, extra: Record<string, string> = {}) => ({
  ...process.env,
  EPICS_CA_ADDR_LIST: '127.0.0.1',
  EPICS_CA_AUTO_ADDR_LIST: 'NO',
  EPICS_CA_SERVER_PORT: String(port),
  EPICS_CAS_SERVER_PORT: String(port),
  EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO',
  EPICS_CAS_BEACON_ADDR_LIST: '127.0.0.1',
  ...extra,
});

/**
 * Runs a peer script to completion and parses the JSON line it prints. `name` is a script of this
 * folder's `py/`, or an absolute path. The peer is killed if the test is aborted (its timeout).
 */
export function runJson(
  name: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [isAbsolute(name) ? name : script(name), ...args],
      { env, signal: testSignal(), maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${name} failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`${name} printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** Starts a long-running peer (an IOC); stopped with `.kill()`. */
export function startPeer(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(python, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** A TCP (and so CA) port that is free right now. */
export { freePort } from '../../../../cli/test/network.ts';
