/**
 * Runs one of the Python scenario scripts of `py/` (bluesky-queueserver-api, unchanged) and returns
 * the JSON object it prints last: what the client saw, for the TypeScript test to assert on.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningQueueServer } from '../harness.ts';
import { API_KEY } from '../harness.ts';

const run = promisify(execFile);
const PYTHON = join(import.meta.dirname, '../../../../.venv-peers/bin/python');

export type Observed = Record<string, any>;

/** Runs `py/<script>` with `args` (and extra environment) and parses its last output line. */
export async function runScenario(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Observed> {
  assert.ok(existsSync(PYTHON), `no Python peers venv at ${PYTHON}: run scripts/peers.sh`);
  const { stdout } = await run(PYTHON, [join(import.meta.dirname, 'py', script), ...args], {
    timeout: 300_000,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/** The command-line arguments that point a scenario at `qs` over one transport. */
export function transportArgs(qs: RunningQueueServer, transport: 'zmq' | 'http'): string[] {
  return transport === 'zmq' ? ['zmq', qs.control, qs.info] : ['http', qs.url, API_KEY];
}

/** The `user` the queue records for the scenario's client on each transport. */
export const CLIENT_USER = { zmq: 'Queue Server API User', http: 'UNAUTHENTICATED_SINGLE_USER' } as const;
