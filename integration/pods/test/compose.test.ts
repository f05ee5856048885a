import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { call } from '../../../cli/deployment-checks.ts';
import { composeCommand, requireImage } from '../prerequisites.ts';
import { REPO_ROOT } from '../src/image.ts';

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, () => probe.close(() => resolve(true)));
  });

/** The queue server's HTTP side as compose publishes it, with the compose file's API key. */
const queueServer = (method: string, path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:60610${path}`, {
    method,
    headers: {
      authorization: 'ApiKey mad',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

/** Polls until `probe` holds: at most `attempts` tries, 500 ms apart. */
async function until(what: string, probe: () => Promise<boolean>, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${what}: not after ${attempts} tries`);
}

describe('docker-compose.yml', () => {
  it('brings the inner loop, the queue server and the web UI up with --build under the reference service names, passes `ophyd-service check`, and exports the OpenAPI documents', async () => {
    requireImage('node:24-bookworm-slim');
    requireImage('postgres:16');
    const [command, ...prefix] = composeCommand();
    for (const port of [8003, 8004, 60610, 60615, 60625, 5173])
      assert.ok(await portFree(port), `port ${port} is taken: stop what uses it first`);
    // The OpenAPI documents go to a scratch directory instead of ./shared-schema (an override file
    // replaces the bind mounts), so the test checks them without touching the working tree.
    const schemaDir = mkdtempSync(join(tmpdir(), 'compose-schema-'));
    chmodSync(schemaDir, 0o777);
    const override = join(schemaDir, '..', `${schemaDir.split('/').pop()}.override.yml`);
    const mount = `      - ${schemaDir}:/app/shared-schema`;
    writeFileSync(
      override,
      `services:\n${['configuration_service', 'direct_control_service', 'queueserver'].map((s) => `  ${s}:\n    volumes:\n${mount}\n`).join('')}`,
    );
    const project = `ophydcompose${process.pid}`;
    const compose = (...args: string[]) =>
      spawnSync(command, [...prefix, '-p', project, '-f', 'docker-compose.yml', '-f', override, ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 600_000,
      });
    try {
      const up = compose('up', '-d', '--build');
      assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
      const deadline = Date.now() + 120_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        ready = await fetch('http://127.0.0.1:8003/ready').then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(ready, 'direct control became ready within 2 minutes');
      const current = await call('GET', 'http://127.0.0.1:8003/api/v1/pv/mini:current/value');
      assert.equal(current.status, 200);
      const set = await call('POST', 'http://127.0.0.1:8003/api/v1/pv/set', {
        pv_name: 'mini:dot:mtrx',
        value: 3.14,
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal((await call('GET', 'http://127.0.0.1:8004/health')).body.devices_loaded, 32);
      // What an operator runs after `docker compose up`: every black-box check passes.
      const check = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, 'bin/ophyd-service.ts'),
          'check',
          '--config-url',
          'http://127.0.0.1:8004',
          '--direct-url',
          'http://127.0.0.1:8003',
        ],
        { encoding: 'utf8', timeout: 300_000 },
      );
      assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
      assert.match(check.stdout, /^\d+ passed, 0 failed$/m);
      // The queue server: idle with the key, and its queue on the volume outlives its container.
      await until(
        'the queue server to answer',
        async () => (await queueServer('GET', '/api/status')).status === 200,
      );
      assert.equal((await queueServer('GET', '/api/status')).body.manager_state, 'idle');
      const added = await queueServer('POST', '/api/queue/item/add', {
        item: { item_type: 'plan', name: 'count', args: [['det1']], kwargs: { num: 1 } },
      });
      assert.equal(added.body.success, true, JSON.stringify(added.body));
      const recreated = compose('up', '-d', '--force-recreate', '--no-deps', 'queueserver');
      assert.equal(recreated.status, 0, `${recreated.stdout}\n${recreated.stderr}`);
      await until('the recreated queue server to answer', async () => {
        const queue = await queueServer('GET', '/api/queue/get');
        return queue.status === 200 && queue.body.items.length === 1;
      });
      const [item] = (await queueServer('GET', '/api/queue/get')).body.items;
      assert.equal(item.item_uid, added.body.item.item_uid);
      // The web UI: the page built into the image (its script loads), told where the services are.
      await until('the web UI to answer', async () => (await fetch('http://127.0.0.1:5173/')).ok);
      const page = await (await fetch('http://127.0.0.1:5173/')).text();
      const script = page.match(/<script[^>]+src="([^"]+\.js)"/)?.[1];
      assert.ok(script, `the page names its script: ${page.slice(0, 400)}`);
      const asset = await fetch(`http://127.0.0.1:5173${script}`);
      assert.equal(asset.status, 200);
      assert.match(String(asset.headers.get('content-type')), /^text\/javascript/);
      assert.deepEqual(await (await fetch('http://127.0.0.1:5173/config.json')).json(), {
        configurationUrl: 'http://127.0.0.1:8004',
        directControlUrl: 'http://127.0.0.1:8003',
        queueServerUrl: 'http://127.0.0.1:60610',
        queueServerApiKey: 'mad',
      });
      for (const file of [
        'configuration_service.openapi.json',
        'direct_control.openapi.json',
        'queueserver_service.openapi.json',
      ]) {
        assert.equal(
          readFileSync(join(schemaDir, file), 'utf8'),
          readFileSync(join(REPO_ROOT, 'shared-schema', file), 'utf8'),
          `${file} exported by the container matches the committed one`,
        );
      }
    } finally {
      compose('down', '-v', '--remove-orphans');
    }
  });
});
