/**
 * `ophyd-service check [<url>…] [--config-url U] [--direct-url U]`: the black-box checks of the pods
 * (deployment-checks.ts) against any running deployment, one PASS/FAIL line each; exit 1 on any
 * failure. What an operator runs after `helm install` or `docker compose up`.
 */
import { parseArgs } from 'node:util';
import {
  type Check,
  call,
  configurationChecks,
  directControlChecks,
  directControlMode,
  runChecks,
  socketChecks,
} from './deployment-checks.ts';
import { usageError } from './usage.ts';

const USAGE = `Usage: ophyd-service check [<url>…] [--config-url U] [--direct-url U] [options]

Runs the black-box checks of the reference's exercisers against a running deployment and prints one
PASS or FAIL line per check; exits 1 when any fails. A bare <url> is told apart by its /health.

The checks expect the stack's seed (integration/seed/happi_db.json) and its simulated IOCs. With
writes on they move mini:dot:mtrx and motor_spotx and put them back, and create and delete the
scratch entries exer:test:pv and exer_test_motor; with direct control read-only they check that
writes are refused instead.

Options:
  --config-url <U>     configuration service, e.g. http://localhost:8004
  --direct-url <U>     direct control, e.g. http://localhost:8003 (REST and both WebSockets)
  --pv <PV>            the PV the pv-socket check subscribes to (default mini:current)
  --device <D>         the device the device-socket check subscribes to (default beam_current)
  --timeout <s>        per request (default 10)
  -h, --help           this text

An HTTPS deployment with a private CA: NODE_EXTRA_CA_CERTS=<ca.pem> ophyd-service check …`;

const OPTIONS = {
  'config-url': { type: 'string' },
  'direct-url': { type: 'string' },
  pv: { type: 'string' },
  device: { type: 'string' },
  timeout: { type: 'string', default: '10' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    const [problem] = (err as Error).message.split(/\.(?: |$)/);
    const options = Object.keys(OPTIONS).map((o) => `--${o}`);
    throw usageError(`${problem.charAt(0).toLowerCase()}${problem.slice(1)}; options: ${options.join(', ')}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(timeoutMs > 0))
    throw usageError(`--timeout must be a positive number of seconds, not ${values.timeout}`);
  for (const url of [values['config-url'], values['direct-url'], ...positionals])
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
      throw usageError(`${JSON.stringify(url)} is not an http:// or https:// URL`);
  if (!values['config-url'] && !values['direct-url'] && positionals.length === 0)
    throw usageError('nothing to check: give --config-url, --direct-url or a URL');

  const checks: Check[] = [];
  let failedToIdentify = 0;
  const targets = { configuration: values['config-url'], direct: values['direct-url'] };
  for (const url of positionals) {
    const kind = await identify(url, timeoutMs);
    if (kind === 'configuration') targets.configuration = url;
    else if (kind === 'direct-control') targets.direct = url;
    else {
      failedToIdentify++;
      console.log(`FAIL identify ${url}: ${kind.unknown}`);
    }
  }
  if (targets.configuration) checks.push(...configurationChecks(targets.configuration, { timeoutMs }));
  if (targets.direct) {
    const mode = await directControlMode(targets.direct, { timeoutMs }).catch(() => ({}));
    checks.push(...directControlChecks(targets.direct, mode, { timeoutMs }));
    checks.push(...socketChecks(targets.direct, { pv: values.pv, device: values.device }));
  }
  const outcomes = await runChecks(checks, (o) =>
    console.log(o.passed ? `PASS ${o.name}` : `FAIL ${o.name}: ${o.detail}`),
  );
  const passed = outcomes.filter((o) => o.passed).length;
  const failed = outcomes.length - passed + failedToIdentify;
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}

/** Which service answers at `url`, by what its /health holds. */
async function identify(
  url: string,
  timeoutMs: number,
): Promise<'configuration' | 'direct-control' | { unknown: string }> {
  try {
    const { body } = await call('GET', `${url.replace(/\/+$/, '')}/health`, undefined, timeoutMs);
    if (body?.service === 'configuration_service') return 'configuration';
    if (body && typeof body === 'object' && 'registry_backend' in body) return 'direct-control';
    return { unknown: `its /health is neither the configuration service's nor direct control's` };
  } catch (err) {
    return { unknown: ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message };
  }
}
