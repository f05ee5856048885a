import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs on stdout; the level comes from LOG_LEVEL so every component obeys the same switch. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
