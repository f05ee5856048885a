/**
 * `ophyd-service healthcheck [component]`: the container HEALTHCHECK. Without an argument it reads
 * which subcommand PID 1 runs (the image's entrypoint is the CLI), then checks that component the
 * way a client would: `GET /ready` for the HTTP services, a Channel Access read of the first PV of
 * the first IOC for `ioc`. Exits 0 when healthy, 1 with the reason otherwise.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { IOCS, ManualClock, Random } from '@ophyd-service/ioc';
import { COMPONENTS } from './components.ts';
import { usageError } from './usage.ts';

/** The subcommand and its arguments from a command line `node …/ophyd-service.ts <sub> <args…>`. */
export function componentOf(cmdline: string[]): { command: string; args: string[] } | null {
  const at = cmdline.findIndex((a) => a.endsWith('ophyd-service.ts') || a.endsWith('ophyd-service'));
  if (at < 0 || at + 1 >= cmdline.length) return null;
  return { command: cmdline[at + 1], args: cmdline.slice(at + 2) };
}

/**
 * The variables that move each checkable component off its declared port, first set wins (an HTTP
 * service's `--port` wins over them).
 */
const PORT_VARIABLES: Record<string, readonly string[]> = {
  configuration: ['CONFIG_PORT'],
  'direct-control': ['DIRECT_CONTROL_PORT'],
  queueserver: ['QSERVER_HTTP_PORT'],
  'web-ui': ['WEB_UI_PORT'],
  ioc: ['EPICS_CAS_SERVER_PORT', 'EPICS_CA_SERVER_PORT'],
};

/** What the probe knows how to check. */
const CHECKABLE = Object.keys(PORT_VARIABLES);

export type Check =
  | { kind: 'http'; port: number; path: string }
  | { kind: 'channel-access'; port: number; args: string[] };

/**
 * How to check the component `command` runs with `args`: its probe and port from the component
 * table, the port moved by its environment or its `--port`; null when there is nothing to check.
 */
export function checkOf(command: string, args: string[], env: NodeJS.ProcessEnv): Check | null {
  const component = COMPONENTS.find((c) => c.command === command);
  const variables = PORT_VARIABLES[command];
  if (!component?.probe || !component.ports?.length || !variables) return null;
  const fromEnv = variables.map((name) => env[name]).find((value) => value !== undefined);
  const port = Number(fromEnv ?? component.ports[0]);
  if (component.probe.kind === 'channel-access') return { kind: 'channel-access', port, args };
  // The queue server's HTTP port flag is the reference's `--http-port`; the others' is `--port`.
  const flag = args.findIndex((a) => a === '--port' || a === '--http-port');
  return { kind: 'http', port: flag >= 0 ? Number(args[flag + 1]) : port, path: component.probe.path };
}

async function ready(port: number, path: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`GET ${path} on port ${port} answered ${res.status}`);
}

async function iocReadable(args: string[], port: number): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: false,
    options: { prefix: { type: 'string' }, seed: { type: 'string' } },
  });
  const name = positionals.find((p) => p in IOCS);
  if (!name) throw new Error(`no known IOC name in ${JSON.stringify(args)}`);
  const ioc = IOCS[name].create({
    prefix: typeof values.prefix === 'string' ? values.prefix : IOCS[name].defaultPrefix,
    clock: new ManualClock(),
    random: new Random(0),
  });
  const pv = ioc.pvs[0].name;
  const client = new CaClient({
    env: readCaEnv({ EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: 'NO' }),
    repeater: false,
    timeoutMs: 3000,
  });
  try {
    await client.get(pv);
  } finally {
    await client.close();
  }
}

const USAGE = `Usage: ophyd-service healthcheck [configuration|direct-control|queueserver|ioc <names…>]

Checks a component the way a client would (GET /ready, or a CA read of an IOC's first PV). Without
arguments it checks whatever PID 1 runs: the container HEALTHCHECK of the runtime image.`;

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(USAGE);
    return;
  }
  // A name on the command line is the user's input: an unknown one is bad input (exit 2), while an
  // unknown PID 1 below is an unhealthy container (exit 1).
  if (argv.length && !CHECKABLE.includes(argv[0]))
    throw usageError(`nothing to check for ${JSON.stringify(argv[0])}; choose from ${CHECKABLE.join(', ')}`);
  const target = argv.length
    ? { command: argv[0], args: argv.slice(1) }
    : componentOf(readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean));
  try {
    const check = target ? checkOf(target.command, target.args, process.env) : null;
    if (!target || !check)
      throw new Error(`nothing to check for ${JSON.stringify(target?.command ?? 'an unknown command')}`);
    if (check.kind === 'http') await ready(check.port, check.path);
    else await iocReadable(check.args, check.port);
    console.log(`${target.command}: healthy`);
  } catch (err) {
    console.error(`${target?.command ?? 'healthcheck'}: unhealthy: ${(err as Error).message}`);
    process.exit(1);
  }
}
