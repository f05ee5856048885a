/**
 * A queue server on loopback for the tests: ephemeral 0MQ and HTTP ports, a SQLite store in a
 * temporary directory (or the one given, to restart on it), the single-user API key `mad`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@ophyd-service/service-kit';
import { createQueueServerService, type QueueServerService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { httpAuthSetup } from '../src/http/auth/config.ts';
import { httpAuth } from '../src/http/gate.ts';
import { type QueueServer, startQueueServer } from '../src/server.ts';
import type { QueueStore } from '../src/store/queue-store.ts';

export const API_KEY = 'mad';

export interface RunningQueueServer {
  server: QueueServer;
  http: QueueServerService;
  url: string;
  control: string;
  info: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** How long a WebSocket without credentials may take to authenticate (the reference's 10 s). */
  socketAuthWaitMs?: number;
  /** The store to run on (a wrapper that counts writes, say) instead of a SQLite file in `dataDir`. */
  store?: QueueStore;
}

export async function startTestQueueServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'qs-test-')),
  options: TestServerOptions = {},
): Promise<RunningQueueServer> {
  const config = readConfig({
    QSERVER_ZMQ_CONTROL_ADDRESS_FOR_SERVER: 'tcp://127.0.0.1:*',
    QSERVER_ZMQ_INFO_ADDRESS_FOR_SERVER: 'tcp://127.0.0.1:*',
    OPHYD_SERVICE_DATA_DIR: dataDir,
    ...env,
  });
  const logger = createLogger('queueserver-test', 'silent');
  const server = await startQueueServer(config, { logger, store: options.store });
  let http: QueueServerService;
  try {
    // The environment's authentication settings (and QSERVER_HTTP_SERVER_CONFIG), key `mad` by default.
    const auth = httpAuthSetup(
      {
        ...config,
        QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: config.QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY || API_KEY,
        QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS:
          config.QSERVER_HTTP_SERVER_SERVER_SECRET_KEYS || 'test-secret',
      },
      env,
    );
    http = createQueueServerService({
      runtime: server.runtime,
      auth: httpAuth(auth.settings, auth.authenticators),
      logger,
      socketAuthWaitMs: options.socketAuthWaitMs,
      config,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  const { url } = await http.listen(0, '127.0.0.1');
  server.runtime.manager.data.httpServerState = 'running';
  return {
    server,
    http,
    url,
    control: server.control.endpoint,
    info: server.info?.endpoint ?? '',
    dataDir,
    async close() {
      await http.close();
      await server.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
