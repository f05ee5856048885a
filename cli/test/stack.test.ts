/**
 * The real `ophyd-service up` (what `npm start` runs) with the real IOC, configuration service and
 * direct control, on ports of its own: who can reach it, and what a SIGKILLed supervisor leaves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../../packages/epics-ca/test/waits.ts';
import { freePort, lanAddress, preflight, tcpProbe, udpBindings } from './network.ts';
import { BIN, isAlive, killStarted, type Run, run } from './process.ts';

/** The web UI's port on this machine: its origin is one of the stack's own. */
const UI_ORIGIN = 'http://localhost:5173';

const dataDirs: string[] = [];
const pids = new Set<number>();
after(() => {
  killStarted();
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Ports {
  configuration: number;
  directControl: number;
  ca: number;
  repeater: number;
}

/** The stack's environment: its own ports and data, and none of the machine's EPICS or HTTP settings. */
async function stackEnv(extra: NodeJS.ProcessEnv = {}): Promise<{ ports: Ports; env: NodeJS.ProcessEnv }> {
  const ports = {
    configuration: await freePort(),
    directControl: await freePort(),
    ca: await freePort(),
    repeater: await freePort(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'ophyd-up-'));
  dataDirs.push(dataDir);
  const unset = Object.keys(process.env).filter(
    (name) => /^(EPICS_|CONFIG_|DIRECT_CONTROL_)/.test(name) || name === 'LOG_LEVEL',
  );
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(unset.map((name) => [name, undefined])),
    CONFIG_PORT: String(ports.configuration),
    DIRECT_CONTROL_PORT: String(ports.directControl),
    DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: `http://127.0.0.1:${ports.configuration}`,
    EPICS_CAS_SERVER_PORT: String(ports.ca),
    EPICS_CA_SERVER_PORT: String(ports.ca),
    EPICS_CA_REPEATER_PORT: String(ports.repeater),
    OPHYD_SERVICE_DATA_DIR: dataDir,
    ...extra,
  };
  return { ports, env };
}

/** Starts `up` and waits until every component is ready; resolves to the bound address each service logged. */
async function startStack(args: string[], env: NodeJS.ProcessEnv) {
  const stack = run(BIN, ['up', '--no-color', ...args], env);
  const bound = async (name: string, service: string) =>
    (await stack.waitFor(new RegExp(`^${name} +\\| .*"msg":"${service} listening on ([^"]+)"`)))[1];
  const [configuration, directControl] = await Promise.all([
    bound('configuration', 'configuration_service'),
    bound('direct-control', 'direct_control'),
    stack.waitFor(/^up +\| \d+ components are up:$/),
  ]);
  for (const [, pid] of stack.output().matchAll(/^up +\| starting \S+ \(pid (\d+)\)/gm))
    pids.add(Number(pid));
  return { stack, bound: { configuration, directControl } };
}

async function stop(stack: Run): Promise<void> {
  stack.child.kill('SIGTERM');
  assert.deepEqual(await stack.exit(), { code: 0, signal: null }, stack.output());
  assert.match(stack.output(), /^up +\| every component stopped$/m);
}

describe('npm start (ophyd-service up) by default', () => {
  let lan: string;
  let ports: Ports;
  let env: NodeJS.ProcessEnv;
  let stack: Run;
  let bound: { configuration: string; directControl: string };
  let childPids: number[];

  before(async () => {
    lan = lanAddress();
    ({ ports, env } = await stackEnv());
    ({ stack, bound } = await startStack(['--only', 'ioc,configuration,direct-control'], env));
    childPids = [...stack.output().matchAll(/^up +\| starting \S+ \(pid (\d+)\)/gm)].map((m) => Number(m[1]));
    assert.equal(childPids.length, 3, stack.output());
  });

  it('serves HTTP and Channel Access on loopback only', async () => {
    assert.equal(bound.configuration, `127.0.0.1:${ports.configuration}`);
    assert.equal(bound.directControl, `127.0.0.1:${ports.directControl}`);
    for (const port of [ports.configuration, ports.directControl, ports.ca]) {
      assert.equal(await tcpProbe(lan, port), 'refused', `port ${port} answers on ${lan}`);
      assert.equal(await tcpProbe('127.0.0.1', port), 'accepted', `port ${port} refuses loopback`);
    }
    assert.deepEqual(udpBindings(ports.ca), ['127.0.0.1'], 'the IOC answers CA searches on loopback only');
    // Direct control's CA client runs the repeater (none answered): on loopback, as it searches.
    await until(() => udpBindings(ports.repeater).length > 0, 'the CA repeater to bind');
    assert.deepEqual(udpBindings(ports.repeater), ['127.0.0.1'], 'the CA repeater is on loopback only');
    // Direct control still reaches the IOC: its CA client searches loopback, where the IOC serves.
    const read = await fetch(`http://127.0.0.1:${ports.directControl}/api/v1/pv/mini:current/value`);
    assert.equal(read.status, 200, await read.clone().text());
    assert.equal(typeof ((await read.json()) as { value: unknown }).value, 'number');
  });

  it("answers CORS preflights from the stack's own origins only", async () => {
    const routes = [
      `http://127.0.0.1:${ports.configuration}/api/v1/devices`,
      `http://127.0.0.1:${ports.directControl}/api/v1/pv/set`,
    ];
    for (const url of routes) {
      assert.equal(await preflight(url, 'http://evil.example'), null, url);
      assert.equal(await preflight(url, UI_ORIGIN), UI_ORIGIN, url);
      assert.equal(await preflight(url, 'http://127.0.0.1:8004'), 'http://127.0.0.1:8004', url);
    }
  });

  it('leaves no component holding its port when the supervisor is SIGKILLed', async () => {
    stack.child.kill('SIGKILL');
    assert.equal((await stack.exit()).signal, 'SIGKILL');
    // The components are not this test's children (no exit event to wait for): poll until each has gone.
    await until(() => !childPids.some(isAlive), `the components to exit:\n${stack.output()}`);
    assert.deepEqual(
      childPids.filter(isAlive),
      [],
      `components outlived their supervisor:\n${stack.output()}`,
    );
    // A fresh `up` on the very same ports starts (no EADDRINUSE), and stops cleanly.
    const again = await startStack(['--only', 'ioc,configuration,direct-control'], env);
    assert.equal(again.bound.configuration, `127.0.0.1:${ports.configuration}`);
    assert.equal(again.bound.directControl, `127.0.0.1:${ports.directControl}`);
    await stop(again.stack);
  });
});

describe('npm start -- --host 0.0.0.0, with CORS opened to any origin', () => {
  it('serves HTTP on every interface and answers any origin', async () => {
    const lan = lanAddress();
    const { ports, env } = await stackEnv({
      CONFIG_CORS_ORIGINS: '["*"]',
      DIRECT_CONTROL_CORS_ORIGINS: '["*"]',
    });
    const { stack, bound } = await startStack(
      ['--only', 'configuration,direct-control', '--host', '0.0.0.0'],
      env,
    );
    assert.match(stack.output(), /^up +\| starting configuration \(pid \d+\): .* --host 0\.0\.0\.0$/m);
    assert.equal(bound.configuration, `0.0.0.0:${ports.configuration}`);
    assert.equal(bound.directControl, `0.0.0.0:${ports.directControl}`);
    for (const port of [ports.configuration, ports.directControl]) {
      assert.equal(await tcpProbe(lan, port), 'accepted', `port ${port} refuses ${lan}`);
    }
    assert.equal(
      await preflight(`http://${lan}:${ports.directControl}/api/v1/pv/set`, 'http://evil.example'),
      '*',
    );
    assert.equal(
      await preflight(`http://${lan}:${ports.configuration}/api/v1/devices`, 'http://evil.example'),
      '*',
    );
    await stop(stack);
  });
});
