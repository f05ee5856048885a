/**
 * Command lines of the services and tools: flags parsed strictly, and every mistake reported as one
 * line that names the flag and what it accepts (the CLI prints it and exits 2) instead of a stack.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from './config.ts';
import { LOG_LEVELS, pinoLevel } from './logger.ts';

/**
 * A failure the CLI reports as one line, exiting with `exitCode`. The contract is the property, not
 * the class: an entry that cannot import this package throws any Error with `exitCode` set.
 */
export class CommandError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

/** Bad input on the command line: an unknown flag, name or value. Exit code 2, as argparse's. */
export class UsageError extends CommandError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

const spell = (name: string, options: Options) =>
  options[name].short ? `--${name}/-${options[name].short}` : `--${name}`;

/**
 * `parseArgs`, strict, with its refusals as UsageErrors listing the options there are ("unknown
 * option '--bogus'; options: --port, --host, …").
 */
export function parseCommandLine<const T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code?.startsWith('ERR_PARSE_ARGS_')) throw err;
    // Node's first sentence names the problem; the rest is advice about `--`.
    const [first] = (err as Error).message.split(/\.(?: |$)/);
    const options = config.options ?? {};
    const choices = Object.keys(options).map((name) => spell(name, options));
    throw new UsageError(
      `${first.charAt(0).toLowerCase()}${first.slice(1)}${choices.length ? `; options: ${choices.join(', ')}` : ''}`,
    );
  }
}

/** A value checked against its choices: the refusal lists them. */
export function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
  return value as T;
}

/** A command-line flag that sets an environment variable: `--port 8004` → CONFIG_PORT=8004. */
export interface EnvFlag {
  env: string;
  /** For a flag without a value: what the variable becomes when it is given. */
  setsTo?: string;
  /** The values the flag accepts, checked here so the refusal names the flag and lists them. */
  choices?: readonly string[];
}

/** The certificate and key an HTTPS listener serves, read from PEM files. */
export interface TlsFiles {
  key: Buffer;
  cert: Buffer;
}

/** What a service's command line says: its environment, log level and TLS files. */
export interface ServiceCommandLine {
  env: NodeJS.ProcessEnv;
  /** A pino level: `--log-level` mapped from the reference's names, else LOG_LEVEL, else info. */
  logLevel: string;
  tls?: TlsFiles;
}

/** The options every service takes beside its own, for its usage text. */
export const SERVER_OPTIONS_USAGE = `  --log-level <L>      ${Object.keys(LOG_LEVELS).join('|')} (default info, or LOG_LEVEL)
  --ssl-keyfile <F>    PEM private key: serve HTTPS (and WSS) instead of HTTP; needs --ssl-certfile
  --ssl-certfile <F>   PEM certificate (chain) for --ssl-keyfile`;

/**
 * A service's flags: its own as environment overrides (flags win over the environment and go
 * through the same validation), plus `--log-level`, `--ssl-keyfile` and `--ssl-certfile`. Prints
 * `usage` and returns null for --help; bad input throws a UsageError.
 */
export function serviceCommandLine(
  argv: string[],
  usage: string,
  flags: Record<string, EnvFlag>,
  env: NodeJS.ProcessEnv = process.env,
): ServiceCommandLine | null {
  const options: Options = {
    help: { type: 'boolean', short: 'h' },
    'log-level': { type: 'string' },
    'ssl-keyfile': { type: 'string' },
    'ssl-certfile': { type: 'string' },
  };
  for (const [name, flag] of Object.entries(flags))
    options[name] = { type: flag.setsTo ? 'boolean' : 'string' };
  const { values } = parseCommandLine({ args: argv, options });
  if (values.help) {
    console.log(usage);
    return null;
  }
  const out = { ...env };
  for (const [name, flag] of Object.entries(flags)) {
    const value = values[name];
    if (value === undefined || value === false) continue;
    if (flag.choices) oneOf(`--${name}`, String(value), flag.choices);
    out[flag.env] = flag.setsTo ?? String(value);
  }
  const level = values['log-level'];
  const logLevel =
    typeof level === 'string'
      ? LOG_LEVELS[oneOf('--log-level', level, Object.keys(LOG_LEVELS))]
      : pinoLevel(env.LOG_LEVEL ?? 'info');
  return { env: out, logLevel, tls: tlsFiles(values['ssl-keyfile'], values['ssl-certfile']) };
}

function tlsFiles(keyfile: unknown, certfile: unknown): TlsFiles | undefined {
  if (keyfile === undefined && certfile === undefined) return undefined;
  if (typeof keyfile !== 'string' || typeof certfile !== 'string')
    throw new UsageError('--ssl-keyfile and --ssl-certfile go together: give both, or neither for HTTP');
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new UsageError(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`);
    }
  };
  return { key: read('--ssl-keyfile', keyfile), cert: read('--ssl-certfile', certfile) };
}

/**
 * Runs `read` (the service's config parser) and turns a refused variable that a flag sets into a
 * UsageError naming the flag too: `--port (CONFIG_PORT): must be integer (got "abc")`.
 */
export function readFlaggedConfig<T>(flags: Record<string, EnvFlag>, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const flag = Object.entries(flags).find(([, f]) => f.env === err.variable)?.[0];
    const reason = err.message.replace(/^invalid environment variable [^:]+: /, '');
    throw new UsageError(flag ? `--${flag} (${err.variable}): ${reason}` : `${err.variable}: ${reason}`);
  }
}
