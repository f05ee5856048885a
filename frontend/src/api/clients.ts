import type { paths as ConfigurationPaths } from '@ophyd-service/api-types/configuration';
import type { paths as DirectControlPaths } from '@ophyd-service/api-types/direct-control';
import type { paths as QueueServerPaths } from '@ophyd-service/api-types/queueserver';
import createClient from 'openapi-fetch';
import type { UiConfig } from '../config.ts';

/** The typed clients of the services the page calls over HTTP. */
export interface Clients {
  configuration: ReturnType<typeof createClient<ConfigurationPaths>>;
  directControl: ReturnType<typeof createClient<DirectControlPaths>>;
  queueServer: ReturnType<typeof createClient<QueueServerPaths>>;
}

/** Builds the typed clients from the served configuration (the queue server's key as its header). */
export function makeClients(config: UiConfig): Clients {
  return {
    configuration: createClient<ConfigurationPaths>({ baseUrl: config.configurationUrl }),
    directControl: createClient<DirectControlPaths>({ baseUrl: config.directControlUrl }),
    queueServer: createClient<QueueServerPaths>({
      baseUrl: config.queueServerUrl,
      headers: config.queueServerApiKey ? { Authorization: `ApiKey ${config.queueServerApiKey}` } : {},
    }),
  };
}
