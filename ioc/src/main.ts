/** `ophyd-service ioc <name…> [--prefix P] [--list-pvs]`: serve simulated IOCs over Channel Access. */
import { parseArgs } from 'node:util';
import { TYPE_NAMES } from '@ophyd-service/epics-ca';
import { IOCS, serveIocs } from './index.ts';

const USAGE = `Usage: ophyd-service ioc <name…> [options]

Serves one or more simulated IOCs from one Channel Access server.
Names: ${Object.entries(IOCS)
  .map(([name, d]) => `\n  ${name.padEnd(14)} ${d.defaultPrefix.padEnd(13)} ${d.description}`)
  .join('')}

Options:
  --prefix <P>   PV prefix (only with a single IOC name)
  --list-pvs     print the PV list (name, type, count, access) at start-up
  --seed <n>     seed the simulated noise, for reproducible runs
  -h, --help     this text

Environment: EPICS_CAS_SERVER_PORT (default 5064), EPICS_CAS_INTF_ADDR_LIST,
EPICS_CAS_BEACON_ADDR_LIST, EPICS_CAS_AUTO_BEACON_ADDR_LIST, EPICS_CA_MAX_ARRAY_BYTES (default here 10000000).`;

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      prefix: { type: 'string' },
      'list-pvs': { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  // Bad input is the CLI's to report in one line with exit 2 (`exitCode`, the CLI's contract).
  const usage = (message: string) => Object.assign(new Error(message), { exitCode: 2 });
  const unknown = positionals.find((name) => !Object.hasOwn(IOCS, name));
  if (unknown !== undefined)
    throw usage(`unknown IOC ${JSON.stringify(unknown)}; choose from ${Object.keys(IOCS).join(', ')}`);
  if (values.prefix !== undefined && positionals.length > 1)
    throw usage('--prefix needs exactly one IOC name');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw usage('--seed must be an integer');
  // Signal handlers first, so a SIGTERM that arrives while the PV list is printed still stops us cleanly.
  let stopping: Promise<void> | undefined;
  let running: Awaited<ReturnType<typeof serveIocs>> | undefined;
  const stop = () => {
    stopping ??= (running ? running.stop() : Promise.resolve()).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  running = await serveIocs(
    positionals.map((name) => ({ name, prefix: values.prefix })),
    {
      seed,
      logger: { debug() {}, info: (m) => console.log(m), warn: (m) => console.error(m) },
    },
  );
  if (stopping) {
    await running.stop();
    return;
  }
  if (values['list-pvs']) {
    console.log('PVs available:');
    for (const p of running.pvs) {
      const access = p.writable ? 'read/write' : 'read-only';
      console.log(
        `    ${p.name.padEnd(32)} ${`DBR_${TYPE_NAMES[p.nativeType]}`.padEnd(12)} ${String(p.maxCount).padStart(7)}  ${access}`,
      );
    }
  }
}
