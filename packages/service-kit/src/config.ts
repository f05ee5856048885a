import { ENDPOINTS } from '@ophyd-service/endpoints';
import { Ajv } from 'ajv';

/**
 * Environment configuration, described once as a JSON schema: the schema parses and
 * validates the environment, gives the TypeScript type, and documents the variables.
 */
export interface EnvVar {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
}
export interface EnvSchema {
  type: 'object';
  properties: Record<string, EnvVar>;
  required?: readonly string[];
}

type ValueOf<V> = V extends { enum: readonly (infer E)[] }
  ? E
  : V extends { type: 'integer' | 'number' }
    ? number
    : V extends { type: 'boolean' }
      ? boolean
      : string;
/** The typed config a schema yields: variables with a default are always present. */
export type ConfigOf<S extends EnvSchema> = {
  -readonly [K in keyof S['properties']]: S['properties'][K] extends { default: unknown }
    ? ValueOf<S['properties'][K]>
    : ValueOf<S['properties'][K]> | undefined;
};

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`invalid environment variable ${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n']);

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false, strict: false });

/** Reads the variables named in `schema` from `env`; the first invalid one throws a ConfigError naming it. */
export function loadConfig<const S extends EnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const raw: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[name] = prop.type === 'boolean' ? parseBoolean(name, value) : value;
  }
  const validate = ajv.compile(schema);
  if (!validate(raw)) {
    const error = validate.errors![0];
    const variable =
      error.instancePath.split('/')[1] ??
      (error.params as { missingProperty?: string }).missingProperty ??
      '?';
    const given = raw[variable] === undefined ? 'missing' : `got ${JSON.stringify(env[variable])}`;
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const problem = allowed ? `must be one of ${allowed.join(', ')}` : error.message;
    throw new ConfigError(variable, `${problem} (${given})`);
  }
  return raw as ConfigOf<S>;
}

function parseBoolean(name: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError(name, `expected a boolean (true/false, yes/no, 1/0), got ${JSON.stringify(value)}`);
}

/** One line per variable, for `--help` texts and READMEs. */
export function describeConfig(schema: EnvSchema): string[] {
  return Object.entries(schema.properties).map(([name, prop]) => {
    const fallback = prop.default === undefined ? '' : ` (default ${JSON.stringify(prop.default)})`;
    return `${name}${fallback}: ${prop.description ?? ''}`;
  });
}

/**
 * Where the stack's own web pages are served on one machine: the web UI (the reference frontend's
 * port) and the HTTP services (direct control, configuration, queue server).
 */
export const STACK_HTTP_PORTS: readonly number[] = [
  ENDPOINTS['web-ui'].port,
  ENDPOINTS['direct-control'].port,
  ENDPOINTS.configuration.port,
  ENDPOINTS.queueserver.port,
];

/**
 * The default CORS allowlist of every service: the stack's own origins on this machine. With writes
 * on and no authentication, `*` would let any page a user visits drive the beamline, so `["*"]` is
 * an explicit opt-in (the reference defaults to it).
 */
export const STACK_ORIGINS: readonly string[] = ['localhost', '127.0.0.1'].flatMap((host) =>
  STACK_HTTP_PORTS.map((port) => `http://${host}:${port}`),
);

/** Where a service listens unless told otherwise: this machine only (`0.0.0.0` is an explicit opt-in). */
export const DEFAULT_HOST = '127.0.0.1';

/** A variable holding a JSON list of strings (CORS origins, allowlists); anything else names the variable. */
export function jsonList(name: string, text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(name, `expected a JSON list of strings, got ${JSON.stringify(text)}`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ConfigError(name, `expected a JSON list of strings, got ${JSON.stringify(text)}`);
  }
  return value;
}
