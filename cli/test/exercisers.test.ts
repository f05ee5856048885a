/**
 * The reference's black-box exercisers (spec integration-iocs-pods §3.2 A, B, D and E) against
 * `npm start` (`ophyd-service up`) with its default seed: the device names they use (beam_current,
 * spot, pinhole, motor_spotx, …) are the reference's, so they must pass as written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, exerciseConfiguration, exerciseDirectControl, exerciseSockets } from '../deployment-checks.ts';
import { exerciseRegistryRoundtrip } from '../registry-roundtrip.ts';
import { freePort } from './network.ts';
import { BIN, killStarted, type Run, run } from './process.ts';

describe('the reference exercisers against npm start and its default seed', () => {
  let stack: Run;
  let configuration: string;
  let directControl: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'ophyd-exercisers-'));

  before(async () => {
    const ports = { configuration: await freePort(), directControl: await freePort(), ca: await freePort() };
    // Ports and data of its own, and none of the machine's EPICS or service settings.
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
      EPICS_CA_REPEATER_PORT: String(await freePort()),
      OPHYD_SERVICE_DATA_DIR: dataDir,
    };
    stack = run(BIN, ['up', '--no-color', '--only', 'ioc,configuration,direct-control'], env);
    // Up, or out early (a component that fails to start stops the supervisor): fail with its output.
    let onExit = () => {};
    const exitedEarly = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`up exited before every component was up:\n${stack.output()}`));
      stack.child.once('close', onExit);
    });
    try {
      await Promise.race([stack.waitFor(/^up +\| \d+ components are up:$/), exitedEarly]);
    } finally {
      stack.child.off('close', onExit);
    }
    configuration = `http://127.0.0.1:${ports.configuration}`;
    directControl = `http://127.0.0.1:${ports.directControl}`;
  });
  after(async () => {
    if (stack && stack.child.exitCode === null) {
      stack.child.kill('SIGTERM');
      await stack.exit();
    }
    killStarted();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes the configuration-service exerciser (A)', () => exerciseConfiguration(configuration));
  it('passes the direct-control exerciser (B)', () => exerciseDirectControl(directControl));
  it('passes the WebSocket exerciser (D) on beam_current, and on the reference motor motor_ph', async () => {
    await exerciseSockets(directControl);
    await exerciseSockets(directControl, 'mini:ph:mtr', 'motor_ph');
  });
  it('passes the registry round trip (E): 18 devices added, exported, re-imported into a throwaway service, removed', async () => {
    const file = join(dataDir, 'export.json');
    await exerciseRegistryRoundtrip(configuration, {
      // The motor records are served by npm start's IOC; the random walks and thermo are not.
      live: async () => {
        const r = await call('GET', `${directControl}/api/v1/pv/sim:mtr1.RBV/value`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
      },
      // As the pod's throwaway container: happi from the export, no database.
      reimport: async (exported) => {
        writeFileSync(file, JSON.stringify(exported));
        const port = await freePort();
        const side = run(
          BIN,
          ['configuration', '--port', String(port), '--load-strategy', 'happi', '--profile-path', file],
          { CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false', OPHYD_SERVICE_DATA_DIR: dataDir },
        );
        await side.waitFor(/listening on/);
        return {
          url: `http://127.0.0.1:${port}`,
          close: async () => {
            side.child.kill('SIGTERM');
            await side.exit();
          },
        };
      },
    });
    const after = (await call('GET', `${configuration}/api/v1/devices`)).body as string[];
    assert.equal(after.includes('motor1'), false, 'the added devices are removed again');
  });
  it('stops cleanly', async () => {
    stack.child.kill('SIGTERM');
    assert.deepEqual(await stack.exit(), { code: 0, signal: null }, stack.output());
  });
});
