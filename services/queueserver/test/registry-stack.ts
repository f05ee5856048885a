/**
 * The real parts the registry tests run against: the simulated beamline IOCs on an ephemeral CA
 * port (loopback), the configuration service seeded from the integration happi file (SQLite, lock
 * leases on), direct control asking it before every write, and a queue server coordinating with
 * it. The worker process finds the IOCs through the EPICS_CA_* variables it inherits.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CaClient } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import { type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../../packages/epics-ca/test/loopback.ts';
import { orAbort } from '../../../packages/epics-ca/test/waits.ts';
import { type Harness, startConfiguration } from '../../configuration/test/harness.ts';
import { createDirectControlService, type DirectControlService } from '../../direct-control/src/app.ts';
import { readConfig as readDirectControlConfig } from '../../direct-control/src/config.ts';
import { HttpRegistry } from '../../direct-control/src/registry/http-registry.ts';
import type { ConsoleMessage } from '../src/manager/runtime.ts';
import { API_KEY, type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';

const seed = join(import.meta.dirname, '../../../integration/seed/happi_db.json');

export type Json = Record<string, any>;

/** The queue server's status once `predicate` holds; it is published on every change and each second. */
export async function statusWhen(
  qs: RunningQueueServer,
  predicate: (s: Json) => boolean,
  what: string,
): Promise<Json> {
  const runtime = qs.server.runtime;
  for (let events = 0; events < 600; events++) {
    const status = runtime.status();
    if (predicate(status)) return status;
    await orAbort(once(runtime, 'status'), `status: ${what}`);
  }
  throw new Error(`the status never showed ${what}: ${JSON.stringify(runtime.status())}`);
}

/** Asks `check` again (a bounded number of times, 25 ms apart) until it returns a value. */
export async function poll<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 800; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

export const ENV_OPEN = (s: Json) => s.worker_environment_exists === true && s.manager_state === 'idle';
export const ENV_CLOSED = (s: Json) => s.worker_environment_exists === false && s.manager_state === 'idle';

export interface RegistryStack {
  iocs: RunningIocs;
  config: Harness;
  directControl: DirectControlService;
  directControlUrl: string;
  qs: RunningQueueServer;
  /** Every console line the queue server published. */
  console: string[];
  /** An authorised call to the queue server's HTTP API. */
  api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json>;
  /** A POST to direct control: its status and body. */
  directControlPost(path: string, body: unknown): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** Authorised calls to a queue server's HTTP API, answering the JSON body. */
export function queueServerApi(qs: RunningQueueServer): RegistryStack['api'] {
  return async (method, path, body) => {
    const response = await fetch(qs.url + path, {
      method,
      headers: { Authorization: `ApiKey ${API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Json;
  };
}

export interface RegistryStackOptions {
  /** Settings of the configuration service over the defaults (happi seed, leases of `leaseTtl`). */
  configEnv?: Record<string, string>;
  /** Settings of the queue server over the defaults (coordination on, built-in profile). */
  queueServerEnv?: Record<string, string>;
  /** The address the queue server reaches the registry at, given the registry's own (a gate in front). */
  queueServerRegistryUrl?: (configUrl: string) => Promise<string>;
}

/** Starts everything; `leaseTtl` is the configuration service's lock lease in seconds. */
export async function startRegistryStack(
  leaseTtl: number,
  options: RegistryStackOptions = {},
): Promise<RegistryStack> {
  const iocs = await serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }], {
    seed: 3,
    server: { port: 0, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv() },
  });
  // What the worker's CA client reads: this process's environment, which it inherits.
  Object.assign(process.env, {
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_SERVER_PORT: String(iocs.server.udpPort),
  });
  const config = await startConfiguration({
    CONFIG_LOAD_STRATEGY: 'happi',
    CONFIG_PROFILE_PATH: seed,
    CONFIG_LOCK_LEASE_TTL_SECONDS: String(leaseTtl),
    ...options.configEnv,
  });
  const client = new CaClient({ env: clientEnv(iocs.server.udpPort), repeater: false });
  const directControl = createDirectControlService({
    config: readDirectControlConfig({
      DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false',
      DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url,
    }),
    client,
    registry: new HttpRegistry({ baseUrl: config.url, cacheTtlMs: 0 }),
    logger: createLogger('direct_control', 'silent'),
  });
  const directControlUrl = (await directControl.listen(0, '127.0.0.1')).url;
  const qs = await startTestQueueServer({
    QSERVER_CONFIG_SERVICE_ENABLED: 'true',
    QSERVER_CONFIG_SERVICE_URL: (await options.queueServerRegistryUrl?.(config.url)) ?? config.url,
    QSERVER_CONFIG_SERVICE_TIMEOUT: '5',
    QSERVER_CONFIG_SERVICE_BACKOFF_MS: '50,100',
    ...options.queueServerEnv,
  });
  const lines: string[] = [];
  qs.server.runtime.on('console', (message: ConsoleMessage) => lines.push(message.msg));
  const json = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as Json,
  });
  return {
    iocs,
    config,
    directControl,
    directControlUrl,
    qs,
    console: lines,
    api: queueServerApi(qs),
    async directControlPost(path, body) {
      return json(
        await fetch(directControlUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    },
    async close() {
      await qs.close();
      removeDir(qs.dataDir);
      await directControl.close();
      await client.close();
      await config.close().catch(() => {}); // a test may have stopped it already
      await iocs.stop();
    },
  };
}
