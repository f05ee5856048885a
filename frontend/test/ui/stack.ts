/**
 * The real stack for the browser tests: `ophyd-service up` (IOCs, configuration, direct control,
 * queue server, web UI) on free loopback ports, with the page's origin allowed by every service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, type Run, run } from '../../../cli/test/process.ts';
import { buildPage } from '../../serve.ts';

export interface Stack {
  run: Run;
  /** Where the browser opens the page. */
  uiUrl: string;
  /** With `iocApart`: the IOC process, outside `up` (which stops everything when a component dies). */
  ioc?: Run;
  /** With `iocApart`: starts the IOCs again (after the test killed them), resolved once serving. */
  startIoc?: () => Promise<Run>;
  /** The environment the stack runs with (ports, loopback CA), for a test starting a peer beside it. */
  env: NodeJS.ProcessEnv;
}

export interface StackOptions {
  /** Run the IOCs as their own process beside `up`, so a test can kill and restart them. */
  iocApart?: boolean;
}

/** The IOCs `up` would run (the ioc component's arguments), started as their own process. */
async function startIocProcess(env: NodeJS.ProcessEnv): Promise<Run> {
  // Beacons on loopback too, as `up` sets for its own components.
  const loopback = { EPICS_CAS_BEACON_ADDR_LIST: '127.0.0.1', EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO' };
  const ioc = run(BIN, ['ioc', 'mini_beamline', 'camera', 'motors'], { ...env, ...loopback });
  await ioc.waitFor(/^CA server on .* serving \d+ PVs/);
  return ioc;
}

/** Starts the whole stack and resolves once `up` says every component is up. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // `up` serves frontend/dist as it is: build it from the current sources, never test a stale page.
  buildPage();
  const [ui, configuration, directControl, queueHttp, control, info, ca, repeater] = await Promise.all(
    Array.from({ length: 8 }, freePort),
  );
  const uiOrigin = `http://127.0.0.1:${ui}`;
  const clear = Object.keys(process.env).filter((name) =>
    /^(EPICS_|CONFIG_|DIRECT_CONTROL_|QSERVER_)/.test(name),
  );
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(clear.map((name) => [name, undefined])),
    WEB_UI_PORT: String(ui),
    CONFIG_PORT: String(configuration),
    CONFIG_CORS_ORIGINS: JSON.stringify([uiOrigin]),
    DIRECT_CONTROL_PORT: String(directControl),
    DIRECT_CONTROL_CORS_ORIGINS: JSON.stringify([uiOrigin]),
    DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: `http://127.0.0.1:${configuration}`,
    QSERVER_HTTP_PORT: String(queueHttp),
    QSERVER_HTTP_SERVER_ALLOW_ORIGINS: uiOrigin,
    QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: 'uitestkey',
    QSERVER_ZMQ_CONTROL_ADDRESS_FOR_SERVER: `tcp://127.0.0.1:${control}`,
    QSERVER_ZMQ_INFO_ADDRESS_FOR_SERVER: `tcp://127.0.0.1:${info}`,
    QSERVER_CONFIG_SERVICE_URL: `http://127.0.0.1:${configuration}`,
    EPICS_CAS_SERVER_PORT: String(ca),
    EPICS_CA_SERVER_PORT: String(ca),
    EPICS_CA_REPEATER_PORT: String(repeater),
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
    OPHYD_SERVICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'ophyd-ui-')),
  };
  const ioc = options.iocApart ? await startIocProcess(env) : undefined;
  const only = options.iocApart ? ['--only', 'configuration,direct-control,queueserver,web-ui'] : [];
  const stack = run(BIN, ['up', '--no-color', ...only], env);
  const exited = stack.exit().then(() => {
    throw new Error(`up exited before every component was up:\n${stack.output()}`);
  });
  await Promise.race([stack.waitFor(/^up +\| \d+ components are up:$/), exited]);
  return { run: stack, uiUrl: `${uiOrigin}/`, ioc, startIoc: ioc && (() => startIocProcess(env)), env };
}
