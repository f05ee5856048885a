/** What the direct-control routes share: configuration, CA client, monitor hub and registry. */
import type { CaClient } from '@ophyd-service/epics-ca';
import type { DirectControlConfig } from './config.ts';
import type { MonitorHub } from './monitor/hub.ts';
import type { RegistryProvider } from './registry/provider.ts';

export interface DirectControl {
  config: DirectControlConfig;
  client: CaClient;
  hub: MonitorHub;
  registry: RegistryProvider;
  /** Lock checks on (off in file mode, which has no lock authority). */
  coordination: boolean;
}
