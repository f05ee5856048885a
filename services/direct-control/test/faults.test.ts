import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaClient } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import { clientEnv, freeUdpPort } from '../../../packages/epics-ca/test/loopback.ts';
import { testSignal, until } from '../../../packages/epics-ca/test/waits.ts';
import { startConfiguration } from '../../configuration/test/harness.ts';
import { createDirectControlService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';
import type { Connection } from '../src/sockets/connection.ts';
import { type Frame, isType, seed, startIocs, startStack, TestSocket, updateOf } from './stack.ts';

const PVS = ['mini:current', 'mini:ph:mtr', 'sim:mtr1.RBV'];

describe('faults', () => {
  it('IOC stopped under 50 clients: each told connected:false once per PV, then monitors resume with no duplicate CA subscriptions', async () => {
    const stack = await startStack();
    const sockets = await Promise.all(
      Array.from({ length: 50 }, () => TestSocket.open(`${stack.ws}/api/v1/pv-socket`)),
    );
    try {
      await Promise.all(
        sockets.map((s) => s.request({ action: 'subscribe', pv_names: PVS }, isType('subscribed'))),
      );
      const udpPort = stack.iocs.server.udpPort;
      const marks = sockets.map((s) => s.frames.length);
      // The circuit's loss is an event: every client hears of it for every PV, without asking.
      await stack.iocs.stop();
      await Promise.all(
        sockets.map((s, i) =>
          Promise.all(PVS.map((pv) => s.next((f) => updateOf(pv)(f) && f.connected === false, marks[i]))),
        ),
      );
      const down = sockets[0].frames.slice(marks[0]).find((f) => f.connected === false)!;
      assert.deepEqual([down.read_access, down.write_access], [false, false]);

      stack.iocs = await startIocs(udpPort); // a new server process would look the same to CA clients
      const back = sockets.map((s) => s.frames.length);
      await Promise.all(
        sockets.map((s, i) =>
          Promise.all(PVS.map((pv) => s.next((f) => updateOf(pv)(f) && f.connected === true, back[i]))),
        ),
      );
      // and values flow again, with no client action
      await Promise.all(
        sockets.map((s) => s.next((f) => updateOf('mini:current')(f) && 'value' in f, s.frames.length)),
      );
      const circuits = stack.iocs.server.stats();
      const subscriptions = circuits.reduce((n, c) => n + c.subscriptions, 0);
      assert.equal(subscriptions, PVS.length, 'one CA subscription per PV, whatever the number of clients');
      for (const [i, s] of sockets.entries())
        for (const pv of PVS) {
          const lost = s.frames.slice(marks[i]).filter((f) => updateOf(pv)(f) && f.connected === false);
          assert.equal(lost.length, 1, `client ${i} told once that ${pv} went`);
        }
    } finally {
      for (const s of sockets) s.close();
      await stack.close();
    }
  });

  it('IOC process SIGKILLed and started again: subscribers see it go and come back, with no client action', async () => {
    const port = await freeUdpPort();
    const iocEnv = {
      ...process.env,
      EPICS_CAS_SERVER_PORT: String(port),
      EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO',
      EPICS_CAS_BEACON_ADDR_LIST: '',
    };
    const startIocProcess = async () => {
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, '../../../bin/ophyd-service.ts'), 'ioc', 'mini_beamline'],
        {
          env: iocEnv,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('CA server on UDP')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`IOC exited (${code})`)));
      });
      return child;
    };
    let ioc = await startIocProcess();
    const config = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: seed });
    const client = new CaClient({ env: clientEnv(port, {}), repeater: false, searchMaxIntervalMs: 200 });
    const service = createDirectControlService({
      config: readConfig({ DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url }),
      client,
      registry: new HttpRegistry({ baseUrl: config.url }),
      logger: createLogger('direct_control', 'silent'),
    });
    const ws = (await service.listen(0, '127.0.0.1')).url.replace('http', 'ws');
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => TestSocket.open(`${ws}/api/v1/pv-socket`)),
    );
    try {
      await Promise.all(
        sockets.map((s) => s.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'))),
      );
      const marks = sockets.map((s) => s.frames.length);
      ioc.kill('SIGKILL');
      await Promise.all(
        sockets.map((s, i) => s.next((f) => updateOf('mini:current')(f) && f.connected === false, marks[i])),
      );
      ioc = await startIocProcess();
      const back = sockets.map((s) => s.frames.length);
      await Promise.all(
        sockets.map((s, i) => s.next((f) => updateOf('mini:current')(f) && f.connected === true, back[i])),
      );
    } finally {
      for (const s of sockets) s.close();
      ioc.kill('SIGKILL');
      await service.close();
      await client.close();
      await config.close();
    }
  });

  it('configuration service down: cached PVs still read, unknown writes get 503, nothing hangs', async () => {
    const stack = await startStack({}, 30_000);
    const socket = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const closeConfig = stack.config.close.bind(stack.config);
    let configClosed = false;
    stack.config.close = async () => {
      if (!configClosed) await closeConfig();
      configClosed = true;
    };
    try {
      assert.equal((await fetch(`${stack.url}/api/v1/pvs/mini:current/value`)).status, 200);
      await stack.config.close();
      // A hang is a failure when the test's own timeout aborts these requests.
      const opts = { signal: testSignal() };
      const cached = await fetch(`${stack.url}/api/v1/pvs/mini:current/value`, opts);
      assert.equal(cached.status, 200, 'a PV validated before the outage still reads');
      await socket.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
      const write = await fetch(`${stack.url}/api/v1/pv/set`, {
        ...opts,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pv_name: 'mini:unknown', value: 1 }),
      });
      assert.equal(write.status, 503);
      assert.match(((await write.json()) as any).detail, /Configuration service unavailable/);
      const health = await fetch(`${stack.url}/health`, opts);
      assert.equal(health.status, 503);
      const unknown = await socket.request({ action: 'subscribe', pv: 'mini:unknown2' }, isType('error'));
      assert.match(unknown.error, /unavailable/i);
      const device = await TestSocket.open(`${stack.ws}/api/v1/device-socket`);
      const refused = await device.request({ action: 'subscribe', device: 'sim_mtr2' }, isType('error'));
      assert.equal(refused.reason, 'upstream_unreachable');
      device.close();
    } finally {
      socket.close();
      await stack.close();
    }
  });

  it('a client that stops reading: its queue stays bounded and other clients get every update', async () => {
    const stack = await startStack({ DIRECT_CONTROL_WS_SEND_BUFFER_BYTES: '262144' });
    const stalled = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    const healthy = await TestSocket.open(`${stack.ws}/api/v1/pv-socket`);
    try {
      // Big camera frames (about 3 MB of JSON each at 5 Hz) fill the stalled client's buffers fast.
      await stack.client.put('13SIM1:cam1:SizeX', 1024, { wait: true });
      await stack.client.put('13SIM1:cam1:SizeY', 768, { wait: true });
      await stalled.request(
        { action: 'subscribe', pv_names: ['13SIM1:image1:ArrayData', 'mini:current'] },
        isType('subscribed'),
      );
      await healthy.request({ action: 'subscribe', pv: 'mini:current' }, isType('subscribed'));
      (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const connections = () => [...(stack.service.sockets.gateway as any).connections] as Connection[];
      await until(
        () => connections().some((c) => c.queue.coalesced > 0),
        "the stalled client's transport to back up and its updates to coalesce",
      );
      const server = connections().find((c) => c.queue.coalesced > 0)!;
      const other = connections().find((c) => c !== server)!;
      const coalescedBefore = [server.queue.coalesced, other.queue.coalesced];

      // Twenty updates in a row reach the healthy client; as each arrives, look at the stalled queue.
      const received: Frame[] = [];
      const pending: number[] = [];
      let from = healthy.frames.length;
      while (received.length < 20) {
        const update = await healthy.next(updateOf('mini:current'), from);
        from = healthy.frames.indexOf(update) + 1;
        received.push(update);
        pending.push(server.queue.pending);
      }
      assert.ok(Math.max(...pending) <= 2, `at most one pending update per PV (saw ${pending})`);
      assert.ok(
        server.queue.coalesced > coalescedBefore[0],
        "meanwhile the stalled client's updates were replaced, not queued",
      );
      assert.ok(
        server.ws.bufferedAmount < 262_144 + 4 * 3_500_000,
        'unsent bytes bounded by the mark plus a frame',
      );
      assert.equal(other.queue.coalesced, coalescedBefore[1], 'the healthy client lost no update');
      const stamps = received.map((f) => f.timestamp as number);
      assert.ok(
        stamps.every((t, i) => i === 0 || t > stamps[i - 1]),
        `each update a newer reading: ${stamps}`,
      );
      (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await stalled.request({ action: 'ping' }, isType('pong'));
    } finally {
      stalled.close();
      healthy.close();
      await stack.close();
    }
  });
});
