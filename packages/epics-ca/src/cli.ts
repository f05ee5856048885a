/**
 * `ophyd-service ca get|put|monitor|info`: caget, caput, camonitor and cainfo on our client.
 * Settings come from the usual EPICS_CA_* variables.
 */
import { parseArgs } from 'node:util';
import { CaClient, type Family } from './client/client.ts';
import type { Reading } from './client/reading.ts';
import { TYPE_NAMES } from './dbr.ts';

const USAGE = `Usage: ophyd-service ca <get|put|monitor|info> [options] <pv> [value…]

  get <pv…>            read PVs (like caget)
  put <pv> <value…>    write a value or an array (like caput)
  monitor <pv…>        print every update until Ctrl-C (like camonitor)
  info <pv…>           native type, element count, server and access (like cainfo)

Options:
  -t, --type <family>  plain | sts | time | gr | ctrl (get, monitor; default time)
  -w, --wait           put with completion: return when the server says it is done
      --timeout <s>    seconds to wait for connection and replies (default 5)
      --json           one JSON object per line
  -h, --help           this text

Environment: EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_NAME_SERVERS,
EPICS_CA_SERVER_PORT, EPICS_CA_MAX_ARRAY_BYTES, EPICS_CA_CONN_TMO.`;

const FAMILIES = ['plain', 'sts', 'time', 'gr', 'ctrl'];
const VERBS = ['get', 'put', 'monitor', 'info'];

export async function main(argv: string[]): Promise<void> {
  const { values: opts, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      type: { type: 'string', short: 't', default: 'time' },
      wait: { type: 'boolean', short: 'w', default: false },
      timeout: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [verb, ...rest] = positionals;
  if (opts.help || !verb) {
    console.log(USAGE);
    if (!opts.help) process.exitCode = 2;
    return;
  }
  if (!VERBS.includes(verb))
    throw usage(`unknown verb ${JSON.stringify(verb)}; choose from ${VERBS.join(', ')}`);
  const timeoutMs = Number(opts.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw usage(`--timeout must be a positive number of seconds`);
  if (!FAMILIES.includes(opts.type)) throw usage(`--type must be one of ${FAMILIES.join(', ')}`);
  const type = opts.type as Family;
  if (rest.length === 0) throw usage(`${verb} needs a PV name`);
  const client = new CaClient({ timeoutMs });
  const show = (r: Reading) => console.log(opts.json ? JSON.stringify(toJson(r)) : line(r));
  try {
    switch (verb) {
      case 'get':
        for (const name of rest) show(await client.get(name, { type }));
        return;
      case 'put': {
        const [name, ...values] = rest;
        if (values.length === 0) throw usage('put needs a value');
        const numeric = values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
        const info = await client.info(name);
        const value = numeric && info.nativeType !== 0 ? values.map(Number) : values;
        await client.put(name, value.length === 1 ? value[0] : value, { wait: opts.wait });
        show(await client.get(name, { type }));
        return;
      }
      case 'info':
        for (const name of rest) {
          const info = await client.info(name);
          if (opts.json)
            console.log(JSON.stringify({ ...info, nativeTypeName: TYPE_NAMES[info.nativeType] }));
          else {
            const access = `${info.readable ? 'read' : 'no read'}, ${info.writable ? 'write' : 'no write'}`;
            console.log(
              `${name}\n  native type: DBR_${TYPE_NAMES[info.nativeType]}\n  elements: ${info.count}\n  server: ${info.host}\n  access: ${access}`,
            );
          }
        }
        return;
      case 'monitor':
        for (const name of rest) {
          client.monitor(name, show, {
            type,
            onConnection: (up) => console.error(`${name} ${up ? 'connected' : 'disconnected'}`),
          });
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        return;
      default:
        throw usage(`unknown verb ${JSON.stringify(verb)}`);
    }
  } finally {
    await client.close();
  }
}

function usage(message: string): Error {
  process.exitCode = 2;
  return new Error(`${message}\n\n${USAGE}`);
}

function toJson(r: Reading) {
  const value = typeof r.value === 'object' ? Array.from(r.value as ArrayLike<unknown>) : r.value;
  const { values: _values, ...rest } = r;
  return { ...rest, value };
}

function line(r: Reading): string {
  const value =
    typeof r.value === 'object'
      ? `${r.values.length} ${Array.from(r.values as ArrayLike<unknown>)
          .slice(0, 10)
          .join(' ')}${r.values.length > 10 ? ' …' : ''}`
      : String(r.value);
  const when = r.timestamp === undefined ? '' : `${new Date(r.timestamp * 1000).toISOString()} `;
  const alarm = r.severity ? ` (severity ${r.severity}, status ${r.status})` : '';
  const units = r.units ? ` ${r.units}` : '';
  return `${r.name.padEnd(28)} ${when}${value}${units}${alarm}`;
}
