import createClient from 'openapi-fetch';
import type { UiConfig } from '../config.ts';
import type { paths as ConfigurationPaths } from './generated/configuration.ts';
import type { paths as QueueServerPaths } from './generated/queueserver.ts';

/** The typed clients of the services the page calls over HTTP. */
export interface Clients {
  configuration: ReturnType<typeof createClient<ConfigurationPaths>>;
  queueServer: ReturnType<typeof createClient<QueueServerPaths>>;
}

/** Builds the typed clients from the served configuration (the queue server's key as its header). */
export function makeClients(config: UiConfig): Clients {
  return {
    configuration: createClient<ConfigurationPaths>({ baseUrl: config.configurationUrl }),
    queueServer: createClient<QueueServerPaths>({
      baseUrl: config.queueServerUrl,
      headers: config.queueServerApiKey ? { Authorization: `ApiKey ${config.queueServerApiKey}` } : {},
    }),
  };
}
