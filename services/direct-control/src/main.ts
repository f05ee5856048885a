/**
 * `ophyd-service direct-control [--port N] [--read-write]`: PV reads, writes and monitors on port
 * 8003. Writes stay off unless DIRECT_CONTROL_GLOBAL_READ_ONLY=false or --read-write is given.
 */
import { parseArgs } from 'node:util';
import { CaClient } from '@ophyd-service/epics-ca';
import { closeOnSignals, describeConfig } from '@ophyd-service/service-kit';
import { createDirectControlService } from './app.ts';
import { configSchema, readConfig } from './config.ts';
import { FileRegistry } from './registry/file-registry.ts';
import { HttpRegistry } from './registry/http-registry.ts';
import type { RegistryProvider } from './registry/provider.ts';

const USAGE = `Usage: ophyd-service direct-control [--port N] [--host H] [--read-write]

Environment:
${describeConfig(configSchema)
  .map((line) => `  ${line}`)
  .join('\n')}
  EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_NAME_SERVERS, EPICS_CA_MAX_ARRAY_BYTES: Channel Access`;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'read-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = { ...process.env };
  if (values.port) env.DIRECT_CONTROL_PORT = values.port;
  if (values.host) env.DIRECT_CONTROL_HOST = values.host;
  if (values['read-write']) env.DIRECT_CONTROL_GLOBAL_READ_ONLY = 'false';
  const config = readConfig(env);
  let registry: RegistryProvider;
  if (config.DIRECT_CONTROL_REGISTRY_BACKEND === 'file') {
    if (!config.DIRECT_CONTROL_REGISTRY_FILE_PATH)
      throw new Error(
        'DIRECT_CONTROL_REGISTRY_FILE_PATH is required with DIRECT_CONTROL_REGISTRY_BACKEND=file',
      );
    registry = FileRegistry.load(config.DIRECT_CONTROL_REGISTRY_FILE_PATH);
  } else {
    registry = new HttpRegistry({ baseUrl: config.DIRECT_CONTROL_CONFIGURATION_SERVICE_URL });
  }
  const client = new CaClient();
  const service = createDirectControlService({ config, client, registry });
  service.onClose(() => client.close());
  await service.listen(config.DIRECT_CONTROL_PORT, config.DIRECT_CONTROL_HOST);
  closeOnSignals(service);
}
