/**
 * The queue server's parts around the manager: its store, its lists and permissions files, the
 * runtime and the two 0MQ sockets. The HTTP side (app.ts) is added on top by main.ts and the tests.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { callInChild, type Logger, yaml } from '@ophyd-service/service-kit';
import type { QueueServerConfig } from './config.ts';
import { QueueRuntime } from './manager/runtime.ts';
import type { ExistingLists } from './manager/state.ts';
import { Refusal } from './manager/types.ts';
import { DEFAULT_PERMISSIONS, loadPermissionsFile } from './permissions/permissions.ts';
import { RegistryCoordination } from './registry/coordination.ts';
import { configServiceMethods } from './registry/sync-methods.ts';
import { openQueueStore } from './store/mikro-queue-store.ts';
import type { QueueStore } from './store/queue-store.ts';
import { ControlServer } from './zmq/control-server.ts';
import { InfoPublisher } from './zmq/info-publisher.ts';

export const VERSION_BANNER = 'RE Manager v1.0.0';
/** How long a killed manager stays frozen before it restarts (the reference's watchdog: ~5 s). */
const KILL_RESTART_MS = 5000;

export interface QueueServer {
  runtime: QueueRuntime;
  control: ControlServer;
  info: InfoPublisher | null;
  store: QueueStore;
  close(): Promise<void>;
}

/** Opens the store, starts the manager and binds the 0MQ sockets. */
export async function startQueueServer(
  config: QueueServerConfig,
  options: { logger?: Logger; store?: QueueStore } = {},
): Promise<QueueServer> {
  const startupDir = config.QSERVER_STARTUP_DIR ? resolve(config.QSERVER_STARTUP_DIR) : undefined;
  if (startupDir && !existsSync(startupDir))
    throw new Error(`The startup directory ${startupDir} does not exist`);
  // Without a file, the built-in rules (a copy each time: the manager may keep what it is given).
  const permissionsPath =
    config.QSERVER_USER_GROUP_PERMISSIONS ||
    (startupDir && existsSync(resolve(startupDir, 'user_group_permissions.yaml'))
      ? resolve(startupDir, 'user_group_permissions.yaml')
      : undefined);
  const listsPath =
    config.QSERVER_EXISTING_PLANS_DEVICES ||
    (startupDir ? resolve(startupDir, 'existing_plans_and_devices.yaml') : undefined);
  const store =
    options.store ??
    (await openQueueStore(
      config.QSERVER_QUEUE_STORE_URI ||
        `sqlite:///${resolve(config.OPHYD_SERVICE_DATA_DIR, 'queueserver.db')}`,
    ));
  const startup = startupDir ? { startupDir } : {};
  // The runtime is created below; the registry's hooks reach it through this holder.
  const holder: { runtime?: QueueRuntime } = {};
  const registry = config.QSERVER_CONFIG_SERVICE_ENABLED
    ? new RegistryCoordination(config, {
        planDescription: (name) => holder.runtime?.manager.data.existing.plans[name],
        reportError: (msg) => {
          if (holder.runtime) holder.runtime.manager.data.configServiceSyncError = msg;
        },
        console: (text) => holder.runtime?.console(text),
        updateWorker: async (update) => {
          if (!holder.runtime) throw new Error('the manager is not running');
          await holder.runtime.updateWorkerDevices(update);
        },
      })
    : null;
  const runtime = await QueueRuntime.start({
    store,
    startup: registry ? () => registry.workerStartup(startup) : startup,
    workerReady: registry?.environmentOpened,
    workerDevicesChanged: registry?.devicesDescribed,
    outsideMethods: configServiceMethods(registry),
    beforePlan: registry?.beforePlan,
    afterPlan: registry?.afterPlan,
    environmentClosed: registry?.environmentClosed,
    permittedMetadataKeys: config.QSERVER_PERMITTED_RE_METADATA_KEYS.split(':').filter(Boolean),
    workerHeapMb: config.QSERVER_WORKER_HEAP_MB,
    deps: {
      now: () => Date.now() / 1000,
      newUid: randomUUID,
      version: VERSION_BANNER,
      emergencyLockKey: config.QSERVER_EMERGENCY_LOCK_KEY_FOR_SERVER || undefined,
      permissionsReload: config.QSERVER_USER_GROUP_PERMISSIONS_RELOAD,
      readPermissionsFile: () => {
        if (permissionsPath === undefined) return structuredClone(DEFAULT_PERMISSIONS);
        try {
          return loadPermissionsFile(permissionsPath);
        } catch (error) {
          throw new Refusal(
            `Failed to load user group permissions from ${permissionsPath}: ${(error as Error).message}`,
          );
        }
      },
      readExistingLists: () => existingLists(listsPath),
    },
  });
  holder.runtime = runtime;
  const control = await ControlServer.bind({
    address: config.QSERVER_ZMQ_CONTROL_ADDRESS_FOR_SERVER,
    encoding: config.QSERVER_ZMQ_ENCODING_FOR_SERVER,
    curveSecretKey: config.QSERVER_ZMQ_PRIVATE_KEY_FOR_SERVER || undefined,
    call: (method, params) => runtime.call(method, params),
  });
  // manager_kill (a test hook): the manager freezes, then comes back from its store (spec §3.10).
  runtime.on('kill', () => {
    const timer = setTimeout(() => {
      runtime
        .restartFromStore()
        .then(() => control.reset())
        .catch((error: Error) =>
          options.logger?.error(`the manager did not come back after manager_kill: ${error.message}`),
        );
    }, KILL_RESTART_MS);
    timer.unref();
  });
  let info: InfoPublisher | null = null;
  if (config.QSERVER_ZMQ_PUBLISH_CONSOLE) {
    info = await InfoPublisher.bind(
      config.QSERVER_ZMQ_INFO_ADDRESS_FOR_SERVER,
      config.QSERVER_ZMQ_ENCODING_FOR_SERVER,
    );
    const publisher = info;
    runtime.on('console', (message) => publisher.console(message));
    runtime.on('status', (status) => publisher.status(status, Date.now() / 1000));
  }
  runtime.on('console', (message) => options.logger?.debug({ console: message.msg }, 'console'));
  return {
    runtime,
    control,
    info,
    store,
    async close() {
      await control.close();
      info?.close();
      await runtime.close();
      registry?.close();
      await store.close();
    },
  };
}

/**
 * The existing plans and devices before any environment opens (spec §9.5): the lists file when
 * there is one, else (the built-in profile) the simulated profile's own descriptions.
 */
function existingLists(path: string | undefined): ExistingLists {
  if (path && existsSync(path)) {
    const doc = (yaml().parse(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;
    return {
      plans: (doc.existing_plans ?? {}) as Record<string, unknown>,
      devices: (doc.existing_devices ?? {}) as Record<string, unknown>,
    };
  }
  if (path) return { plans: {}, devices: {} };
  // Described in a child process, once: the manager itself never loads the run engine.
  simProfileDescribed ??= JSON.stringify(
    callInChild<ExistingLists>(SIM_PROFILE_LISTS, 'simProfileLists', []),
  );
  return JSON.parse(simProfileDescribed) as ExistingLists;
}

/** The built-in profile's lists as JSON (each reader gets its own copy). */
let simProfileDescribed: string | undefined;
const SIM_PROFILE_LISTS = new URL('./worker/sim-profile-lists.ts', import.meta.url).href;
