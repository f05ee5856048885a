/**
 * `ophyd-service direct-control [--port N] [--read-write] …`: PV reads, writes and monitors on port
 * 8003. Writes stay off unless DIRECT_CONTROL_GLOBAL_READ_ONLY=false or --read-write is given.
 */
import { publishOpenApiWhenAsked } from '@ophyd-service/cluster';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import {
  CommandError,
  closeOnSignals,
  createLogger,
  describeConfig,
  readFlaggedConfig,
  SERVER_OPTIONS_USAGE,
  serviceCommandLine,
} from '@ophyd-service/service-kit';
import { createDirectControlService, SERVICE_NAME } from './app.ts';
import { configSchema, type DirectControlConfig, readConfig } from './config.ts';
import { selectRegistry } from './registry/select.ts';

const FLAGS = {
  port: { env: 'DIRECT_CONTROL_PORT' },
  host: { env: 'DIRECT_CONTROL_HOST' },
  'read-write': { env: 'DIRECT_CONTROL_GLOBAL_READ_ONLY', setsTo: 'false' },
};

const USAGE = `Usage: ophyd-service direct-control [options]

Options:
  --port <N>           HTTP and WebSocket port (DIRECT_CONTROL_PORT)
  --host <H>           listen address (DIRECT_CONTROL_HOST)
  --read-write         allow writes (DIRECT_CONTROL_GLOBAL_READ_ONLY=false)
${SERVER_OPTIONS_USAGE}

Environment:
${describeConfig(configSchema)
  .map((line) => `  ${line}`)
  .join('\n')}
  EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_NAME_SERVERS, EPICS_CA_MAX_ARRAY_BYTES: Channel Access`;

/** The array limit when EPICS_CA_MAX_ARRAY_BYTES is unset (pyepics's). */
const DEFAULT_MAX_ARRAY_BYTES = 16 * 1024 * 1024;

export async function main(argv: string[]): Promise<void> {
  const command = serviceCommandLine(argv, USAGE, FLAGS);
  if (!command) return;
  const config = readFlaggedConfig(FLAGS, () => readConfig(command.env));
  const logger = createLogger(SERVICE_NAME, command.logLevel);
  // Every failure here is about the deployment (no registry file, configuration service away):
  // one line for the operator.
  const registry = await selectRegistry(config, (message) => logger.warn(message)).catch((err: Error) => {
    throw new CommandError(err.message);
  });
  // pyepics raises libca's 16 kB array limit to 16 MB when the variable is unset, so the
  // reference reads detector images on defaults; so do we. An explicit variable still wins.
  const client = new CaClient({
    env: readCaEnv(caEnvironment(config, process.env)),
  });
  const service = createDirectControlService({ config, client, registry, logger });
  service.onClose(() => client.close());
  await service.listen(config.DIRECT_CONTROL_PORT, config.DIRECT_CONTROL_HOST, { tls: command.tls });
  closeOnSignals(service);
  // In a pod the operator asks (OPHYD_SERVICE_OPENAPI_CONFIGMAP) for the document in a ConfigMap.
  await publishOpenApiWhenAsked(service, SERVICE_NAME);
}

/**
 * The CA client's environment: the process's, with pyepics's 16 MB array limit when unset and the
 * service's own address-list overrides applied before the client starts (the reference copied them
 * after CA had started, and defaulted the auto list to YES).
 */
export function caEnvironment(config: DirectControlConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    EPICS_CA_MAX_ARRAY_BYTES: String(DEFAULT_MAX_ARRAY_BYTES),
    ...env,
    ...(config.DIRECT_CONTROL_EPICS_CA_ADDR_LIST !== undefined && {
      EPICS_CA_ADDR_LIST: config.DIRECT_CONTROL_EPICS_CA_ADDR_LIST,
    }),
    ...(config.DIRECT_CONTROL_EPICS_CA_AUTO_ADDR_LIST !== undefined && {
      EPICS_CA_AUTO_ADDR_LIST: config.DIRECT_CONTROL_EPICS_CA_AUTO_ADDR_LIST.toUpperCase(),
    }),
  };
}
