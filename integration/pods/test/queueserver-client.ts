/**
 * What the pod tests need to talk to a queue server from the host: HTTP with the single-user API
 * key, bounded waits on its status, its WebSockets (with or without credentials), and
 * bluesky-queueserver-api from the Python peers' venv.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';

const PYTHON = join(import.meta.dirname, '../../../.venv-peers/bin/python');

export type Json = Record<string, any>;

export class QueueServerHttp {
  readonly url: string;
  readonly apiKey: string;

  constructor(url: string, apiKey: string) {
    this.url = url;
    this.apiKey = apiKey;
  }

  /** One request; `credentials: false` leaves the Authorization header out. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    credentials = true,
  ): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = credentials ? { authorization: `ApiKey ${this.apiKey}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** A request that must succeed (HTTP 200 and `success` not false); its body. */
  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const reply = await this.call(method, path, body);
    assert.equal(reply.status, 200, `${method} ${path}: ${JSON.stringify(reply.body)}`);
    assert.notEqual(reply.body.success, false, `${method} ${path}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  status(): Promise<Json> {
    return this.ok('GET', '/api/status');
  }

  /** Polls the status until `done` holds: at most `attempts` polls, 200 ms apart. */
  async waitForStatus(what: string, done: (status: Json) => boolean, attempts = 600): Promise<Json> {
    let last: Json = {};
    for (let i = 0; i < attempts; i++) {
      last = await this.status().catch(() => last);
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what}: not after ${attempts} polls; last status ${JSON.stringify(last)}`);
  }

  /** Adds a plan to the back of the queue; its item uid. */
  async addPlan(name: string, args: unknown[], kwargs: Json = {}): Promise<string> {
    const reply = await this.ok('POST', '/api/queue/item/add', {
      item: { item_type: 'plan', name, args, kwargs },
    });
    return reply.item.item_uid;
  }

  /** Opens the worker environment and waits until it exists and the manager is idle again. */
  async openEnvironment(): Promise<void> {
    await this.ok('POST', '/api/environment/open');
    await this.waitForStatus(
      'the environment to open',
      (s) => s.worker_environment_exists === true && s.manager_state === 'idle',
    );
  }

  /** Starts the queue and waits until it has run empty; the history. */
  async runQueue(): Promise<Json[]> {
    await this.ok('POST', '/api/queue/start');
    await this.waitForStatus(
      'the queue to run empty',
      (s) => s.manager_state === 'idle' && s.items_in_queue === 0,
    );
    return (await this.ok('GET', '/api/history/get')).items;
  }
}

export interface SocketWatch {
  /** Resolves with the first frame, parsed. */
  first: Promise<Json>;
  /** Resolves when the server closes the socket: the frames it sent and its close code. */
  closed: Promise<{ frames: Json[]; code: number }>;
  close(): void;
}

/** Opens one of the queue server's WebSockets, with the API key on the upgrade unless `apiKey` is null. */
export function watchSocket(httpUrl: string, path: string, apiKey: string | null): SocketWatch {
  const ws = new WebSocket(httpUrl.replace(/^http/, 'ws') + path, {
    headers: apiKey === null ? {} : { authorization: `ApiKey ${apiKey}` },
  });
  const frames: Json[] = [];
  let firstFrame: (frame: Json) => void;
  const first = new Promise<Json>((resolve, reject) => {
    firstFrame = resolve;
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`${path} closed (${code}) before any frame`)));
  });
  first.catch(() => {});
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Json;
    frames.push(frame);
    if (frames.length === 1) firstFrame(frame);
  });
  const closed = new Promise<{ frames: Json[]; code: number }>((resolve) =>
    ws.once('close', (code) => resolve({ frames, code })),
  );
  return { first, closed, close: () => ws.terminate() };
}

/** Polls `probe` until it holds: at most `attempts` tries, 200 ms apart. */
export async function waitFor(what: string, probe: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not after ${attempts} tries`);
}

/** A registry body (POST /api/v1/devices) for an EpicsSignal, as a client registers one at run time. */
export const signal = (name: string, pv: string) => ({
  metadata: { name, device_label: 'signal', ophyd_class: 'EpicsSignal', pvs: { [name]: pv } },
  instantiation_spec: { name, device_class: 'ophyd.EpicsSignal', args: [pv], kwargs: { name } },
});

/** Runs a script of test/py with the Python peers' venv; the JSON object its last line prints. */
export async function pythonScenario(script: string, args: string[]): Promise<Json> {
  assert.ok(existsSync(PYTHON), `no Python peers venv at ${PYTHON}: run scripts/peers.sh`);
  const { stdout } = await promisify(execFile)(PYTHON, [join(import.meta.dirname, 'py', script), ...args], {
    timeout: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}
