import { type Logger, pino } from 'pino';
import { ConfigError } from './config.ts';

export type { Logger };

/** The reference's `--log-level` names (uvicorn's), as pino calls them. */
export const LOG_LEVELS: Readonly<Record<string, string>> = {
  critical: 'fatal',
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'trace',
};

/**
 * The pino level for a name from LOG_LEVEL or a flag: the reference's names (`warning`,
 * `critical`) and pino's own (`warn`, `fatal`, `silent`) both work, in any case; anything else stops
 * start-up naming the variable.
 */
export function pinoLevel(name: string, variable = 'LOG_LEVEL'): string {
  const lower = name.toLowerCase();
  const level = LOG_LEVELS[lower] ?? lower;
  if (level !== 'silent' && !(level in pino.levels.values))
    throw new ConfigError(variable, `'${name}' is not a log level (${Object.keys(LOG_LEVELS).join(', ')})`);
  return level;
}

/** JSON logs on stdout; the level comes from LOG_LEVEL so every component obeys the same switch. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level: pinoLevel(level),
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
