/**
 * `ophyd-service pod up <pod>`: starts a pod on the local Docker with
 * Testcontainers (building the runtime image when the tree changed), prints its URLs, and removes
 * it on Ctrl-C.
 */
import { parseCommandLine, UsageError } from '@ophyd-service/service-kit';
import { POD_NAMES, PODS, type PodName, startPod } from './pods.ts';

const width = Math.max(...POD_NAMES.map((n) => n.length));
const USAGE = `Usage: ophyd-service pod up <${POD_NAMES.join('|')}>

${POD_NAMES.map((n) => `  ${n.padEnd(width)}  ${PODS[n].description}`).join('\n')}

Needs a Docker engine (scripts/provision.sh) and the base images (integration/images/offline-base.sh
where they cannot be pulled).`;

export async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  const [verb, name, ...extra] = positionals;
  if (values.help || verb === undefined) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (verb !== 'up') throw new UsageError(`unknown verb ${JSON.stringify(verb)}; choose from up`);
  if (name === undefined) throw new UsageError(`up needs a pod: ${POD_NAMES.join(', ')}`);
  if (!POD_NAMES.includes(name as PodName))
    throw new UsageError(`unknown pod ${JSON.stringify(name)}; choose from ${POD_NAMES.join(', ')}`);
  if (extra.length) throw new UsageError(`unexpected ${JSON.stringify(extra[0])} after the pod name`);
  const log = (line: string) => console.error(`[pod] ${line}`);
  const pod = await startPod(name as PodName, log);
  const lines = [
    ...(pod.configurationUrl ? [`configuration   ${pod.configurationUrl}/docs`] : []),
    `direct control  ${pod.directControlUrl}/docs`,
    `WebSockets      ${pod.directControlUrl.replace('http', 'ws')}/api/v1/pv-socket (and device-socket, camera-socket)`,
    ...(pod.queueServer
      ? [
          `queue server    ${pod.queueServer.url}/docs (Authorization: ApiKey ${pod.queueServer.apiKey})`,
          `queue 0MQ       CONTROL ${pod.queueServer.control}, INFO ${pod.queueServer.info}`,
        ]
      : []),
    `Channel Access  EPICS_CA_NAME_SERVERS="${pod.caEnv().EPICS_CA_NAME_SERVERS}" EPICS_CA_AUTO_ADDR_LIST=NO`,
  ];
  console.log(`pod ${name} is up; Ctrl-C removes it\n${lines.map((l) => `  ${l}`).join('\n')}`);
  // Nothing else holds the event loop open while the containers run: a timer does, until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  log('removing the pod…');
  await pod.stop();
  log('removed');
}
