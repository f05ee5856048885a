/**
 * bluesky-queueserver-api, unchanged, drives our queue server over 0MQ and over HTTP: status, open
 * the environment, add count and scan, run the queue, history, a refused item, pause and stop
 * mid-plan, close. Needs the venv of scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from '../harness.ts';

const run = promisify(execFile);
const PYTHON = join(import.meta.dirname, '../../../../.venv-peers/bin/python');
const SCENARIO = join(import.meta.dirname, 'py/api_scenario.py');

async function scenario(args: string[]): Promise<Record<string, unknown>> {
  assert.ok(existsSync(PYTHON), `no Python peers venv at ${PYTHON}: run scripts/peers.sh`);
  const { stdout } = await run(PYTHON, [SCENARIO, ...args], { timeout: 300_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

function checkScenario(out: Record<string, unknown>, user: string): void {
  assert.equal(out.boot_state, 'idle');
  assert.match(String(out.boot_msg), /^RE Manager/);
  assert.equal(out.env_exists, true);
  assert.equal(out.re_state, 'idle');
  assert.equal(out.plans_allowed_has_count, true);
  assert.equal(out.devices_allowed_has_det1, true);
  assert.match(String(out.bad_kwarg_msg), /got an unexpected keyword argument 'abc'/);
  assert.equal(out.queue_len_before, 2);
  assert.deepEqual(out.history, [
    { name: 'count', exit_status: 'completed', n_runs: 1, time_start_is_float: true, user },
    { name: 'scan', exit_status: 'completed', n_runs: 1, time_start_is_float: true, user },
  ]);
  assert.equal(out.queue_len_after, 0);
  assert.equal(out.paused_state, 'paused');
  assert.equal(out.after_stop, 'stopped');
  assert.equal(out.env_after_close, false);
}

describe('bluesky-queueserver-api against our queue server', () => {
  let qs: RunningQueueServer | undefined;
  beforeEach(async () => {
    qs = await startTestQueueServer();
  });
  afterEach(async () => {
    await qs?.close();
    if (qs) removeDir(qs.dataDir);
  });

  it('over 0MQ', async () => {
    assert.ok(qs);
    checkScenario(await scenario(['zmq', qs.control, qs.info]), 'Queue Server API User');
  });

  it('over HTTP', async () => {
    assert.ok(qs);
    const out = await scenario(['http', qs.url, API_KEY]);
    checkScenario(out, 'UNAUTHENTICATED_SINGLE_USER');
  });
});
