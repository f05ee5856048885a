/**
 * `ophyd-service healthcheck [component]`: the container HEALTHCHECK. Without an argument it reads
 * which subcommand PID 1 runs (the image's entrypoint is the CLI), then checks that component the
 * way a client would: `GET /ready` for the HTTP services, a Channel Access read of the first PV of
 * the first IOC for `ioc`. Exits 0 when healthy, 1 with the reason otherwise.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { IOCS } from '../ioc/src/index.ts';
import { ManualClock } from '../ioc/src/sim/clock.ts';
import { Random } from '../ioc/src/sim/random.ts';
import { usageError } from './usage.ts';

/** The subcommand and its arguments from a command line `node …/ophyd-service.ts <sub> <args…>`. */
export function componentOf(cmdline: string[]): { command: string; args: string[] } | null {
  const at = cmdline.findIndex((a) => a.endsWith('ophyd-service.ts') || a.endsWith('ophyd-service'));
  if (at < 0 || at + 1 >= cmdline.length) return null;
  return { command: cmdline[at + 1], args: cmdline.slice(at + 2) };
}

function portArg(args: string[], fallback: number): number {
  const i = args.indexOf('--port');
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function ready(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`GET /ready on port ${port} answered ${res.status}`);
}

async function iocReadable(args: string[]): Promise<void> {
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
  const port = process.env.EPICS_CAS_SERVER_PORT ?? process.env.EPICS_CA_SERVER_PORT ?? '5064';
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

const USAGE = `Usage: ophyd-service healthcheck [configuration|direct-control|ioc <names…>]

Checks a component the way a client would (GET /ready, or a CA read of an IOC's first PV). Without
arguments it checks whatever PID 1 runs: the container HEALTHCHECK of the runtime image.`;

/** What the probe knows how to check. */
const CHECKABLE = ['configuration', 'direct-control', 'ioc'];

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
    switch (target?.command) {
      case 'configuration':
        await ready(portArg(target.args, Number(process.env.CONFIG_PORT ?? 8004)));
        break;
      case 'direct-control':
        await ready(portArg(target.args, Number(process.env.DIRECT_CONTROL_PORT ?? 8003)));
        break;
      case 'ioc':
        await iocReadable(target.args);
        break;
      default:
        throw new Error(`nothing to check for ${JSON.stringify(target?.command ?? 'an unknown command')}`);
    }
    console.log(`${target.command}: healthy`);
  } catch (err) {
    console.error(`${target?.command ?? 'healthcheck'}: unhealthy: ${(err as Error).message}`);
    process.exit(1);
  }
}
