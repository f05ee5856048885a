/** What the direct-control routes and sockets share: configuration, CA client, monitor hub, registry, devices. */
import type { Catalog } from '@ophyd-service/devices';
import type { CaClient } from '@ophyd-service/epics-ca';
import type { DirectControlConfig } from './config.ts';
import type { DeviceManager } from './devices/manager.ts';
import type { MonitorHub } from './monitor/hub.ts';
import type { RegistryProvider } from './registry/provider.ts';

export interface DirectControl {
  config: DirectControlConfig;
  client: CaClient;
  hub: MonitorHub;
  registry: RegistryProvider;
  catalog: Catalog;
  devices: DeviceManager;
  /** Lock checks on (off in file mode, which has no lock authority). */
  coordination: boolean;
}
