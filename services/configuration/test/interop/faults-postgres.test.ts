/**
 * Database faults on a real PostgreSQL (TEST_DATABASE_URL, or the local server that
 * scripts/provision.sh sets up): the service runs through a TCP relay that the test can cut (every
 * relayed socket closed, new connections refused) and restore, and in a second scenario the
 * server itself terminates the service's connections. Reads served from memory keep working,
 * writes answer 503 and change nothing, nothing hangs, and the service recovers by itself.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testSignal, untilAsync } from '../../../../packages/epics-ca/test/waits.ts';
import { openStore } from '../../src/store/mikro-store.ts';
import { type Harness, startConfiguration } from '../harness.ts';
import {
  dropServiceTables,
  POSTGRES_URL,
  postgresTarget,
  requirePostgres,
  withPostgres,
} from '../postgres.ts';

const URL_ = POSTGRES_URL;
const target = postgresTarget(URL_);

/** Writes that must die with their connection in the kill storm: more than the pool's 15 connections. */
const STORM_FAILURES = 20;

const dropTables = () => dropServiceTables();

/**
 * A TCP relay to PostgreSQL that can be cut: `cut()` closes every relayed socket and stops
 * listening (new connections are refused), `restore()` listens again on the same port.
 */
class CuttableRelay {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #host: string;
  readonly #upstreamPort: number;
  #port = 0;
  /** Connections accepted since start: lets a test see the service reconnect. */
  accepted = 0;

  private constructor(host: string, port: number) {
    this.#host = host;
    this.#upstreamPort = port;
    this.#server = createServer((client) => this.#relay(client));
  }

  static async start(host: string, port: number): Promise<CuttableRelay> {
    const relay = new CuttableRelay(host, port);
    await relay.#listen(0);
    return relay;
  }

  get port(): number {
    return this.#port;
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  /** A database URL that reaches the server through this relay. */
  url(base: string): string {
    const proxied = new URL(base);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.#port);
    return proxied.href;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closed;
  }

  async restore(): Promise<void> {
    await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.cut();
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as { port: number }).port;
  }

  #relay(client: Socket): void {
    this.accepted++;
    const upstream = tcpConnect(this.#upstreamPort, this.#host);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * One request. A service that hangs fails the test at its timeout: the request is aborted then,
 * naming itself, so the suite's after hooks still run.
 */
async function call(h: Harness, method: string, path: string, body?: unknown): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(h.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: testSignal(),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError')
      assert.fail(`${method} ${path} had not answered when the test timed out (the service hangs)`);
    throw error;
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

async function ok(h: Harness, path: string): Promise<any> {
  const answer = await call(h, 'GET', path);
  assert.equal(answer.status, 200, `GET ${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Asks `check` again after a short pause until it answers true (bounded by the test's timeout). */
const waitFor = (what: string, check: () => Promise<boolean>) => untilAsync(check, what);

const motor = (name: string) => ({
  metadata: {
    name,
    device_label: 'motor',
    ophyd_class: 'EpicsMotor',
    is_movable: true,
    is_readable: true,
    pvs: { user_setpoint: `FAULT:${name}`, user_readback: `FAULT:${name}.RBV` },
  },
  instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [`FAULT:${name}`], kwargs: { name } },
});

/** Everything the service serves from memory, to compare before and after a fault. */
async function memorySnapshot(h: Harness) {
  return {
    devices: await ok(h, '/api/v1/devices'),
    info: await ok(h, '/api/v1/devices-info'),
    specs: await ok(h, '/api/v1/devices/instantiation?active_only=false'),
    pvs: await ok(h, '/api/v1/pvs'),
  };
}

/** The device rows and audit log as PostgreSQL holds them (read directly, not through the service). */
async function databaseRows() {
  return withPostgres(async (c) => {
    const devices = (await c.query('select name from device_registry order by name')).rows.map(
      (r) => r.name as string,
    );
    const audit = (
      await c.query('select id, device_name, operation from device_audit_log order by id')
    ).rows.map((r) => `${r.operation}:${r.device_name}`);
    const standalone = (await c.query('select pv_name from standalone_pvs order by pv_name')).rows.map(
      (r) => r.pv_name as string,
    );
    return { devices: devices.sort(), audit, standalone };
  });
}

const sorted = (names: string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

before(() => requirePostgres());

describe('configuration service on PostgreSQL under database faults', { concurrency: 1 }, () => {
  describe('the database link is cut, then restored', () => {
    let relay: CuttableRelay;
    let h: Harness;

    before(async () => {
      await dropTables();
      relay = await CuttableRelay.start(target.host, target.port);
      h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'mock' }, relay.url(URL_));
    });
    after(async () => {
      await h?.close();
      await relay?.close();
    });

    it('serves reads from memory, refuses writes with 503, and recovers without a restart', async () => {
      // Healthy start, and one write that succeeds before the fault.
      assert.deepEqual(await ok(h, '/ready'), { status: 'ready' });
      assert.equal((await call(h, 'POST', '/api/v1/devices', motor('before_cut'))).status, 201);
      const auditBefore = (await databaseRows()).audit;
      assert.deepEqual(auditBefore, ['seed:sample_x', 'seed:det1', 'seed:cam1', 'add:before_cut']);
      const historyBefore = await ok(h, '/api/v1/devices/history');
      const memory = await memorySnapshot(h);
      const sampleX = await ok(h, '/api/v1/devices/sample_x');
      const lookup = await ok(h, '/api/v1/pvs/lookup?pv_name=BL01:SAMPLE:X.RBV');
      const pvStatus = await ok(h, '/api/v1/pvs/status?pv_name=BL01:DET1:CNT');
      const deviceStatus = await ok(h, '/api/v1/devices/det1/status');

      await relay.cut();

      // Reads served from memory keep working, with the same answers.
      assert.deepEqual(await ok(h, '/api/v1/devices'), memory.devices);
      assert.deepEqual(await ok(h, '/api/v1/devices/sample_x'), sampleX);
      assert.deepEqual(await ok(h, '/api/v1/pvs/lookup?pv_name=BL01:SAMPLE:X.RBV'), lookup);
      assert.deepEqual(await ok(h, '/api/v1/pvs/status?pv_name=BL01:DET1:CNT'), pvStatus);
      assert.deepEqual(await ok(h, '/api/v1/devices/det1/status'), deviceStatus);

      // Writes answer 503 with a clear detail (a hang would fail the test at its timeout).
      const writes: [string, string, unknown?][] = [
        ['POST', '/api/v1/devices', motor('during_cut')],
        ['DELETE', '/api/v1/devices/sample_x'],
        ['PATCH', '/api/v1/devices/det1/disable'],
        ['PUT', '/api/v1/devices/cam1', { metadata: { documentation: 'changed during the cut' } }],
        ['POST', '/api/v1/pvs', { pv_name: 'FAULT:STANDALONE' }],
      ];
      for (const [method, path, body] of writes) {
        const answer = await call(h, method, path, body);
        assert.equal(answer.status, 503, `${method} ${path}: ${JSON.stringify(answer.body)}`);
        assert.match(
          answer.body.detail,
          /^Registry store unavailable; nothing was changed/,
          `${method} ${path}`,
        );
      }
      // Database-backed reads answer 503 too (not a 500, not a hang).
      for (const path of ['/api/v1/devices/history', '/api/v1/pvs/standalone', '/api/v1/registry/export']) {
        const answer = await call(h, 'GET', path);
        assert.equal(answer.status, 503, `GET ${path}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.body.detail, /Registry store unavailable/, path);
      }

      // Probes report the outage.
      const ready = await call(h, 'GET', '/ready');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'not_ready');
      const health = await call(h, 'GET', '/health');
      assert.equal(health.status, 503);
      assert.deepEqual(health.body, {
        status: 'unhealthy',
        service: 'configuration_service',
        detail: 'registry store unreachable',
      });

      // Memory did not move.
      assert.deepEqual(await memorySnapshot(h), memory);
      assert.equal((await ok(h, '/api/v1/devices/det1/instantiation')).active, true);
      assert.equal((await call(h, 'GET', '/api/v1/pvs/FAULT:STANDALONE')).status, 404);

      // Restore the link: the service becomes ready again by itself (no restart).
      const acceptedBeforeRestore = relay.accepted;
      await relay.restore();
      await waitFor('/ready answering 200 after the relay came back', async () => {
        return (await call(h, 'GET', '/ready')).status === 200;
      });
      assert.ok(relay.accepted > acceptedBeforeRestore, 'the service opened fresh connections');
      assert.equal((await call(h, 'GET', '/health')).status, 200);

      // Writes succeed again.
      assert.equal((await call(h, 'POST', '/api/v1/devices', motor('after_restore'))).status, 201);
      assert.equal((await call(h, 'PATCH', '/api/v1/devices/det1/disable')).status, 200);
      assert.equal((await call(h, 'DELETE', '/api/v1/devices/sample_x')).status, 200);
      assert.equal((await call(h, 'POST', '/api/v1/pvs', { pv_name: 'FAULT:STANDALONE' })).status, 201);

      // No partial writes: the audit log holds exactly the writes that succeeded.
      const rows = await databaseRows();
      assert.deepEqual(rows.audit, [...auditBefore, 'add:after_restore', 'disable:det1', 'delete:sample_x']);
      assert.deepEqual(rows.devices, sorted(['after_restore', 'before_cut', 'cam1', 'det1']));
      assert.deepEqual(rows.standalone, ['FAULT:STANDALONE']);
      const history = (await ok(h, '/api/v1/devices/history')) as any[];
      assert.deepEqual(
        history.slice(0, 3).map((e) => `${e.operation}:${e.device_name}`),
        ['delete:sample_x', 'disable:det1', 'add:after_restore'],
      );
      assert.deepEqual(history.slice(3), historyBefore);
      assert.deepEqual(await ok(h, '/api/v1/devices'), rows.devices);
      assert.equal(
        (await ok(h, '/api/v1/devices/cam1')).documentation,
        null,
        'the refused PUT left no trace',
      );
    });

    it('goes through a second cut and restore the same way', async () => {
      const auditBefore = (await databaseRows()).audit;
      await relay.cut();
      const refused = await call(h, 'POST', '/api/v1/devices', motor('second_cut'));
      assert.equal(refused.status, 503);
      assert.equal((await call(h, 'GET', '/ready')).status, 503);
      await relay.restore();
      await waitFor('/ready answering 200 after the second restore', async () => {
        return (await call(h, 'GET', '/ready')).status === 200;
      });
      assert.equal((await call(h, 'POST', '/api/v1/devices', motor('second_cut'))).status, 201);
      assert.deepEqual((await databaseRows()).audit, [...auditBefore, 'add:second_cut']);
    });

    it('keeps locks as they were when lock, unlock and force-unlock cannot be audited', async () => {
      const lockBody = (device: string, item: string) => ({
        device_names: [device],
        item_id: item,
        plan_name: 'count',
      });
      assert.equal((await call(h, 'POST', '/api/v1/devices/lock', lockBody('cam1', 'plan-1'))).status, 200);
      const auditBefore = (await databaseRows()).audit;
      await relay.cut();
      const refused: [string, unknown][] = [
        ['/api/v1/devices/lock', lockBody('before_cut', 'plan-2')],
        ['/api/v1/devices/unlock', { device_names: ['cam1'], item_id: 'plan-1' }],
        ['/api/v1/devices/force-unlock', { device_names: ['cam1'], reason: 'stuck' }],
      ];
      for (const [path, body] of refused) {
        const answer = await call(h, 'POST', path, body);
        assert.equal(answer.status, 503, `${path}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.body.detail, /nothing was changed/);
      }
      const cam = await ok(h, '/api/v1/devices/cam1/status');
      assert.deepEqual([cam.lock_status, cam.locked_by_item], ['locked', 'plan-1'], 'cam1 is still locked');
      assert.equal((await ok(h, '/api/v1/devices/before_cut/status')).lock_status, 'unlocked');
      await relay.restore();
      await waitFor('/ready answering 200', async () => (await call(h, 'GET', '/ready')).status === 200);
      const unlocked = await call(h, 'POST', '/api/v1/devices/unlock', {
        device_names: ['cam1'],
        item_id: 'plan-1',
      });
      assert.equal(unlocked.status, 200);
      assert.deepEqual(unlocked.body.unlocked_devices, ['cam1']);
      assert.deepEqual((await databaseRows()).audit, [...auditBefore, 'unlock:cam1']);
    });
  });

  describe('the server terminates the service connections', () => {
    let h: Harness;

    before(async () => {
      await dropTables();
      h = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'mock' }, URL_);
    });
    after(async () => {
      await h?.close();
    });

    /**
     * Terminates every other backend of the test database and waits until they are gone on the
     * server (so their connections are closed before the next request); returns how many it hit.
     */
    const terminateBackends = () =>
      withPostgres(async (c) => {
        const { rows } = await c.query(
          'select pid, pg_terminate_backend(pid) as killed from pg_stat_activity ' +
            'where datname = current_database() and pid <> pg_backend_pid()',
        );
        const pids = rows.filter((r) => r.killed).map((r) => r.pid as number);
        await waitFor('the terminated backends to exit', async () => {
          const left = await c.query('select count(*)::int as n from pg_stat_activity where pid = any($1)', [
            pids,
          ]);
          return left.rows[0].n === 0;
        });
        return pids.length;
      });

    it('keeps answering after idle pooled connections are killed', async () => {
      // Warm the pool with several connections, then kill them all while they are idle.
      await Promise.all(Array.from({ length: 6 }, () => call(h, 'GET', '/api/v1/devices/history?limit=5')));
      assert.ok((await terminateBackends()) > 0, 'there were service connections to terminate');
      // Subsequent requests succeed: every one of them, not just eventually.
      for (let i = 0; i < 5; i++) {
        const answer = await call(h, 'POST', '/api/v1/devices', motor(`after_kill_${i}`));
        assert.equal(answer.status, 201, `write ${i} after the kill: ${JSON.stringify(answer.body)}`);
        assert.equal((await call(h, 'GET', '/api/v1/devices/history?limit=1')).status, 200);
        assert.equal((await call(h, 'GET', '/ready')).status, 200);
      }
    });

    it('stays consistent when connections are killed while requests run', async () => {
      const auditBefore = (await databaseRows()).audit;
      const results: { name: string; status: number }[] = [];
      const others: number[] = [];
      let stop = false;
      // A failing request stops the whole load (its error is rethrown below).
      const guarded = (work: () => Promise<void>) => async () => {
        try {
          await work();
        } finally {
          stop = true;
        }
      };
      const writer = (worker: number) =>
        guarded(async () => {
          for (let i = 0; !stop && i < 2000; i++) {
            const name = `storm_${worker}_${i}`;
            const answer = await call(h, 'POST', '/api/v1/devices', motor(name));
            results.push({ name, status: answer.status });
          }
        });
      const reader = guarded(async () => {
        while (!stop) others.push((await call(h, 'GET', '/api/v1/devices/history?limit=20')).status);
      });
      const load = Promise.all([writer(0)(), writer(1)(), writer(2)(), reader()]);
      load.catch(() => {}); // awaited (and rethrown) in the finally below
      let kills = 0;
      const refusedSoFar = () => results.filter((r) => r.status === 503).length;
      try {
        // Keep killing until more transactions have died with their connection than the pool has
        // connections (15): a pool that leaked one slot per dead transaction would be exhausted.
        for (let round = 0; !stop && round < 400 && refusedSoFar() < STORM_FAILURES; round++) {
          // Kill only once requests are under way, then again after another one has completed.
          const seen = results.length;
          await waitFor('requests running', async () => stop || results.length > seen);
          kills += await terminateBackends();
        }
      } finally {
        stop = true;
        await load;
      }
      assert.ok(kills > 0, 'connections were terminated while requests ran');
      assert.ok(
        refusedSoFar() >= STORM_FAILURES,
        `only ${refusedSoFar()} writes died with their connection in 400 rounds`,
      );
      // Under the storm every answer is a success or a clean 503 (never a 500, never a hang).
      for (const r of results) assert.ok(r.status === 201 || r.status === 503, `${r.name}: ${r.status}`);
      for (const s of others) assert.ok(s === 200 || s === 503, `history read: ${s}`);

      // Memory and database agree on every create that was answered.
      const created = results.filter((r) => r.status === 201).map((r) => r.name);
      const refused = results.filter((r) => r.status === 503).map((r) => r.name);
      assert.ok(created.length > 0, 'some creates succeeded during the storm');
      const memory = new Set((await ok(h, '/api/v1/devices')) as string[]);
      const rows = await databaseRows();
      const stored = new Set(rows.devices);
      for (const name of created) assert.ok(memory.has(name) && stored.has(name), `${name} was created`);
      for (const name of refused) assert.ok(!memory.has(name), `${name} was refused but is in memory`);
      for (const name of memory) assert.ok(stored.has(name), `${name} is in memory but not in the database`);
      // The audit log gained exactly one `add` row per device row that appeared (no half-written pair).
      const added = rows.audit.slice(auditBefore.length);
      assert.deepEqual(
        sorted(added),
        sorted(rows.devices.filter((n) => n.startsWith('storm_')).map((n) => `add:${n}`)),
      );

      // Subsequent requests succeed.
      for (let i = 0; i < 5; i++) {
        const answer = await call(h, 'POST', '/api/v1/devices', motor(`after_storm_${i}`));
        assert.equal(answer.status, 201, `write ${i} after the storm: ${JSON.stringify(answer.body)}`);
      }
      assert.equal((await call(h, 'GET', '/ready')).status, 200);
      assert.equal((await call(h, 'GET', '/health')).status, 200);
    });
  });
});

// The store itself, without HTTP: a cut link fails fast with a StoreError and heals on restore.
describe('registry store through a cut link', () => {
  it('fails each call while cut, on the refused connection rather than a timeout, and works again after restore', async () => {
    await dropTables();
    const relay = await CuttableRelay.start(target.host, target.port);
    const store = await openStore(relay.url(URL_), { connectTimeoutMs: 3000 });
    try {
      await store.seed([{ name: 'd1', metadata: { name: 'd1' }, spec: null }]);
      await relay.cut();
      // The ping's own limit is a day: only the refused connection can fail it while the test runs.
      await assert.rejects(store.ping(86_400_000), { name: 'StoreError', message: /ping failed/ });
      await assert.rejects(store.loadDevices(), { name: 'StoreError' });
      await assert.rejects(
        store.upsertDevice(
          { name: 'd2', metadata: { name: 'd2' }, spec: null },
          { deviceName: 'd2', operation: 'add', details: null },
        ),
        { name: 'StoreError' },
      );
      await relay.restore();
      await waitFor('the store answering again', async () => {
        await store.ping(2000);
        return true;
      });
      assert.deepEqual(
        (await store.loadDevices()).map((d) => d.name),
        ['d1'],
      );
    } finally {
      await store.close();
      await relay.close();
    }
  });
});
