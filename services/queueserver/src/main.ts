/**
 * `ophyd-service queueserver [--http-port N] [--startup-dir DIR] …`: the queue server in one process
 * (the reference's unified mode): 0MQ CONTROL on 60615, INFO on 60625, HTTP and WebSockets on 60610,
 * the RunEngine in a worker process opened on request.
 */
import { publishOpenApiWhenAsked } from '@ophyd-service/cluster';
import {
  CommandError,
  closeOnSignals,
  createLogger,
  describeConfig,
  readFlaggedConfig,
  SERVER_OPTIONS_USAGE,
  serviceCommandLine,
} from '@ophyd-service/service-kit';
import { createQueueServerService, SERVICE_NAME } from './app.ts';
import { configSchema, readConfig } from './config.ts';
import { httpAuthConfigSchema, httpAuthSetup } from './http/auth/config.ts';
import { httpAuth } from './http/gate.ts';
import { startQueueServer } from './server.ts';

const FLAGS = {
  'http-port': { env: 'QSERVER_HTTP_PORT' },
  'http-host': { env: 'QSERVER_HTTP_HOST' },
  host: { env: 'QSERVER_HTTP_HOST' },
  'zmq-control-addr': { env: 'QSERVER_ZMQ_CONTROL_ADDRESS_FOR_SERVER' },
  'zmq-info-addr': { env: 'QSERVER_ZMQ_INFO_ADDRESS_FOR_SERVER' },
  'zmq-publish-console': { env: 'QSERVER_ZMQ_PUBLISH_CONSOLE', choices: ['ON', 'OFF'] },
  'zmq-encoding': { env: 'QSERVER_ZMQ_ENCODING_FOR_SERVER', choices: ['json', 'msgpack'] },
  'queue-store-uri': { env: 'QSERVER_QUEUE_STORE_URI' },
  'startup-dir': { env: 'QSERVER_STARTUP_DIR' },
  'existing-plans-devices': { env: 'QSERVER_EXISTING_PLANS_DEVICES' },
  'update-existing-plans-devices': {
    env: 'QSERVER_UPDATE_EXISTING_PLANS_DEVICES',
    choices: ['NEVER', 'ENVIRONMENT_OPEN', 'ALWAYS'],
  },
  'user-group-permissions': { env: 'QSERVER_USER_GROUP_PERMISSIONS' },
  'user-group-permissions-reload': {
    env: 'QSERVER_USER_GROUP_PERMISSIONS_RELOAD',
    choices: ['NEVER', 'ON_REQUEST', 'ON_STARTUP'],
  },
  'permitted-re-metadata-keys': { env: 'QSERVER_PERMITTED_RE_METADATA_KEYS' },
};

const USAGE = `Usage: ophyd-service queueserver [options]

Options:
  --http-port <N>                 HTTP and WebSocket port (QSERVER_HTTP_PORT, default 60610)
  --http-host, --host <H>         HTTP listen address (QSERVER_HTTP_HOST)
  --zmq-control-addr <A>          0MQ CONTROL bind address, e.g. tcp://*:60615
  --zmq-info-addr <A>             0MQ INFO bind address, e.g. tcp://*:60625
  --zmq-publish-console ON|OFF    publish console output and status on INFO (default ON)
  --zmq-encoding json|msgpack     0MQ message encoding
  --queue-store-uri <URI>         sqlite:///path or postgresql://… (default: a SQLite file)
  --startup-dir <DIR>             TypeScript/JavaScript modules with plans, devices and functions
  --existing-plans-devices <F>    existing_plans_and_devices.yaml
  --update-existing-plans-devices NEVER|ENVIRONMENT_OPEN|ALWAYS
  --user-group-permissions <F>    user_group_permissions.yaml
  --user-group-permissions-reload NEVER|ON_REQUEST|ON_STARTUP
  --permitted-re-metadata-keys <K:K…>
${SERVER_OPTIONS_USAGE}

Environment:
${[...describeConfig(configSchema), ...describeConfig(httpAuthConfigSchema)]
  .map((line) => `  ${line}`)
  .join('\n')}`;

export async function main(argv: string[]): Promise<void> {
  const command = serviceCommandLine(argv, USAGE, FLAGS);
  if (!command) return;
  const env = { ...command.env };
  if (env.QSERVER_ZMQ_PUBLISH_CONSOLE === 'ON') env.QSERVER_ZMQ_PUBLISH_CONSOLE = 'true';
  if (env.QSERVER_ZMQ_PUBLISH_CONSOLE === 'OFF') env.QSERVER_ZMQ_PUBLISH_CONSOLE = 'false';
  const config = readFlaggedConfig(FLAGS, () => readConfig(env));
  const logger = createLogger(SERVICE_NAME, command.logLevel);
  const authSetup = readFlaggedConfig(FLAGS, () => httpAuthSetup(config, env));
  if (authSetup.generatedApiKey)
    // The reference makes a random key and never says it (spec §17.14): we say it.
    logger.warn(
      `QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY is not set: this run's API key is ${authSetup.generatedApiKey}`,
    );
  const server = await startQueueServer(config, { logger }).catch((error: Error) => {
    throw new CommandError(error.message);
  });
  let service: ReturnType<typeof createQueueServerService>;
  try {
    service = createQueueServerService({
      runtime: server.runtime,
      auth: httpAuth(authSetup.settings, authSetup.authenticators),
      corsOrigins: authSetup.allowOrigins,
      logger,
      config,
    });
  } catch (error) {
    // A custom module that does not exist, say: named with its variable, not as a crash.
    await server.close();
    throw new CommandError((error as Error).message);
  }
  service.onClose(() => server.close());
  server.runtime.on('exit', () => void service.close().then(() => process.exit(0)));
  server.runtime.manager.data.httpServerState = 'starting';
  try {
    await service.listen(config.QSERVER_HTTP_PORT, config.QSERVER_HTTP_HOST, { tls: command.tls });
    server.runtime.manager.data.httpServerState = 'running';
  } catch (error) {
    // 0MQ keeps serving when the HTTP port is taken (spec §16.40).
    server.runtime.manager.data.httpServerState = 'failed';
    logger.error(`HTTP server failed to start: ${(error as Error).message}`);
  }
  closeOnSignals(service);
  // In a pod the operator asks (OPHYD_SERVICE_OPENAPI_CONFIGMAP) for the document in a ConfigMap.
  await publishOpenApiWhenAsked(service, SERVICE_NAME);
}
