/** The queue server's push sockets: status and console text, authenticated by `?api_key=`. */
import type { UiConfig } from './config.ts';

/** A queue-server WebSocket URL with this run's key in the query (browsers cannot set headers). */
export function queueSocketUrl(config: UiConfig, path: '/api/status/ws' | '/api/console_output/ws'): string {
  const url = new URL(path, config.queueServerUrl.replace(/^http/, 'ws'));
  if (config.queueServerApiKey) url.searchParams.set('api_key', config.queueServerApiKey);
  return url.toString();
}

/**
 * Appends console text to the kept lines (the last element is the line still being written, maybe
 * empty), keeping only the last `max` lines: messages need not end on a line boundary.
 */
export function appendConsole(lines: string[], text: string, max = 500): string[] {
  const next = lines.slice();
  const unfinished = next.pop() ?? '';
  next.push(...(unfinished + text).split('\n'));
  return next.slice(-max);
}
