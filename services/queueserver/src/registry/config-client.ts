/**
 * A small HTTP client of the configuration service (spec §12): JSON in and out, a timeout per
 * attempt, and retries with back-off when the service cannot be reached or answers that it is
 * unavailable. Any other answer (a 409 included) is returned as it is: it is the registry's word.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ConfigClientOptions {
  url: string;
  /** Milliseconds one attempt may take. */
  timeoutMs: number;
  /** Attempts per request (at least 1). */
  maxAttempts: number;
  /** Waits before the 2nd, 3rd… attempt; the last one repeats. */
  backoffMs: readonly number[];
}

/** An instantiation spec as `GET /api/v1/devices/instantiation` gives it. */
export interface InstantiationSpec {
  name?: string;
  device_class: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  active?: boolean;
  framework?: string | null;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The configuration service could not be asked (every attempt failed or timed out). */
export class RegistryUnreachable extends Error {
  override name = 'RegistryUnreachable';
}

/** Statuses that say "try again later" rather than answering the question. */
const RETRIED_STATUSES = new Set([502, 503, 504]);

/** Talks to one configuration service. */
export class ConfigServiceClient {
  readonly url: string;
  private readonly options: ConfigClientOptions;

  constructor(options: ConfigClientOptions) {
    this.options = options;
    this.url = options.url.replace(/\/+$/, '');
  }

  /** One call, retried while the service is unreachable; throws RegistryUnreachable when it stays so. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const attempts = Math.max(1, this.options.maxAttempts);
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.backoff(attempt - 2));
      try {
        const response = await fetch(this.url + path, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = await response.text();
        if (RETRIED_STATUSES.has(response.status)) {
          problem = `HTTP ${response.status}`;
          continue;
        }
        return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
      } catch (error) {
        problem = describeFailure(error);
      }
    }
    throw new RegistryUnreachable(
      `Configuration service at ${this.url} is unreachable (${method} ${path}, ${attempts} attempt${attempts === 1 ? '' : 's'}): ${problem}`,
    );
  }

  /** The registry's instantiation specs by device name (active ones only by default). */
  async instantiationSpecs(activeOnly = true): Promise<Record<string, InstantiationSpec>> {
    const answer = await this.request<Record<string, InstantiationSpec>>(
      'GET',
      `/api/v1/devices/instantiation?active_only=${activeOnly}`,
    );
    if (answer.status !== 200)
      throw new Error(`Configuration service refused the device list: ${errorText(answer)}`);
    return answer.body;
  }

  private backoff(index: number): number {
    const waits = this.options.backoffMs;
    if (waits.length === 0) return 0;
    return waits[Math.min(index, waits.length - 1)];
  }
}

/** The reason an answer gives: `message` (lock conflicts), `detail` (errors), else the status. */
export function errorText(answer: Answer<unknown>): string {
  const body = answer.body as { message?: unknown; detail?: unknown } | null;
  if (typeof body?.message === 'string') return body.message;
  if (typeof body?.detail === 'string') return body.detail;
  if (body?.detail !== undefined) return JSON.stringify(body.detail);
  return `HTTP ${answer.status}`;
}

function describeFailure(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (err instanceof SyntaxError) return `not JSON: ${err.message}`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/** Parses `QSERVER_CONFIG_SERVICE_BACKOFF_MS` ("200,400"). */
export function parseBackoff(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
}
