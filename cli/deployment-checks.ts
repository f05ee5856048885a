/**
 * The black-box checks of a running deployment: the reference's exerciser scripts (spec
 * integration-iocs-pods §3.2 A–D), as named checks over HTTP and WebSocket that each pass or fail
 * on their own. `ophyd-service check` prints them one line each; the pod tests and the CLI tests
 * require every one to pass (`exercise…`). They expect the stack's seed (integration/seed) and the
 * simulated IOCs behind it, and write to `mini:dot:mtrx` and `motor_spotx` (restoring both) unless
 * direct control is read-only, where they check that writes are refused instead.
 */
import assert from 'node:assert/strict';

export interface Check {
  name: string;
  run(): Promise<void>;
}

export interface Outcome {
  name: string;
  passed: boolean;
  /** Why it failed, in one line. */
  detail?: string;
}

export interface Reply {
  status: number;
  body: any;
}

/** One HTTP request; the body parsed as JSON when it is JSON. `timeoutMs` bounds the whole exchange. */
export async function call(method: string, url: string, body?: unknown, timeoutMs = 30_000): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed };
}

/** Requests against one base URL, with the timeout of the run. */
class Client {
  readonly base: string;
  private readonly timeoutMs: number;
  constructor(base: string, timeoutMs: number) {
    this.base = base.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  call(method: string, path: string, body?: unknown): Promise<Reply> {
    return call(method, this.base + path, body, this.timeoutMs).catch((err: Error) => {
      // fetch's own message is "fetch failed"; the cause says what happened (ECONNREFUSED, a timeout…).
      const cause = (err.cause as Error | undefined)?.message ?? err.message;
      throw new Error(`${method} ${this.base}${path}: ${cause}`);
    });
  }

  /** The body of a 2xx answer; anything else fails naming the request and the answer. */
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    assert.ok(
      r.status >= 200 && r.status < 300,
      `${method} ${path} answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
    );
    return r.body;
  }

  /** Expects exactly `status`. */
  async expect(status: number, method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await this.call(method, path, body);
    assert.equal(
      r.status,
      status,
      `${method} ${path} answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}, expected ${status}`,
    );
    return r;
  }
}

export interface CheckOptions {
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** A. configuration_service.sh */
export function configurationChecks(base: string, options: CheckOptions = {}): Check[] {
  const c = new Client(base, options.timeoutMs ?? 30_000);
  const api = '/api/v1';
  return [
    {
      name: 'configuration: health and readiness',
      async run() {
        const health = await c.ok('GET', '/health');
        assert.ok('devices_loaded' in health, `/health has no devices_loaded: ${JSON.stringify(health)}`);
        await c.ok('GET', '/ready');
      },
    },
    {
      name: 'configuration: browse devices',
      async run() {
        const devices = await c.ok('GET', `${api}/devices`);
        assert.ok(Array.isArray(devices) && devices.length > 0, 'GET /api/v1/devices is an empty list');
        assert.equal((await c.ok('GET', `${api}/devices/beam_current`)).ophyd_class, 'EpicsSignal');
        assert.equal((await c.ok('GET', `${api}/devices/spot`)).ophyd_class, 'Spot');
        for (const path of [
          'devices/beam_current/pvs',
          'devices/beam_current/instantiation',
          'devices/spot/components',
          'devices/beam_current/status',
          'devices/spot.roi/component',
          'devices-info',
          'devices/classes',
          'devices/types',
          'devices/instantiation',
        ])
          await c.ok('GET', `${api}/${path}`);
      },
    },
    {
      name: 'configuration: PV registry',
      async run() {
        assert.ok((await c.ok('GET', `${api}/pvs`)).count > 0, 'GET /api/v1/pvs counts no PV');
        for (const path of [
          'pvs/detailed',
          'pvs/mini:current',
          'pvs/labels',
          'pvs/status?pv_name=mini:current',
          'pvs/lookup?pv_name=mini:current',
        ])
          await c.ok('GET', `${api}/${path}`);
      },
    },
    {
      name: 'configuration: standalone PV lifecycle',
      async run() {
        await c.ok('GET', `${api}/pvs/standalone`);
        await c.ok('POST', `${api}/pvs`, { pv_name: 'exer:test:pv', description: 'exerciser' });
        await c.ok('PUT', `${api}/pvs/standalone/exer:test:pv`, { description: 'changed' });
        await c.ok('DELETE', `${api}/pvs/standalone/exer:test:pv`);
      },
    },
    {
      name: 'configuration: device lifecycle',
      async run() {
        const device = {
          metadata: {
            name: 'exer_test_motor',
            device_label: 'motor',
            ophyd_class: 'EpicsMotor',
            pvs: { user_setpoint: 'exer:test:motor.VAL', user_readback: 'exer:test:motor.RBV' },
          },
          instantiation_spec: {
            name: 'exer_test_motor',
            device_class: 'ophyd.EpicsMotor',
            args: ['exer:test:motor'],
          },
        };
        const path = `${api}/devices/exer_test_motor`;
        await c.ok('POST', `${api}/devices`, device);
        await c.ok('GET', path);
        await c.ok('PATCH', `${path}/disable`);
        await c.ok('PATCH', `${path}/enable`);
        await c.ok('PUT', path, {
          name: 'exer_test_motor',
          device_class: 'ophyd.EpicsMotor',
          args: ['exer:test:motor'],
          kwargs: { name: 'exer_test_motor' },
          documentation: 'updated by the exerciser',
        });
        await c.ok('DELETE', path);
        await c.expect(404, 'GET', path);
      },
    },
    {
      name: 'configuration: change feed, history and export',
      async run() {
        for (const path of ['devices/changes', 'devices/history', 'registry/export'])
          await c.ok('GET', `${api}/${path}`);
      },
    },
  ];
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.01;

export interface DirectControlMode {
  /** Registry from a file (the standalone pod): its own devices and refusals (exerciser C). */
  standalone?: boolean;
  /** Writes off (DIRECT_CONTROL_GLOBAL_READ_ONLY): writes must be refused instead of round-tripped. */
  readOnly?: boolean;
}

/** What a running direct control says about itself on /health, to pick its checks. */
export async function directControlMode(
  base: string,
  options: CheckOptions = {},
): Promise<DirectControlMode> {
  const health = (await new Client(base, options.timeoutMs ?? 30_000).call('GET', '/health')).body;
  return { standalone: health?.registry_backend === 'file', readOnly: health?.read_only === true };
}

/** B. direct_control.sh (C. for the standalone pod), with the write checks turned round when read-only. */
export function directControlChecks(
  base: string,
  mode: DirectControlMode = {},
  options: CheckOptions = {},
): Check[] {
  const c = new Client(base, options.timeoutMs ?? 30_000);
  const api = '/api/v1';
  const execute = (body: Record<string, unknown>) =>
    c.call('POST', `${api}/device/execute`, { args: [], kwargs: {}, ...body });
  const value = async (pv: string) => (await c.ok('GET', `${api}/pv/${pv}/value`)).value;
  const checks: Check[] = [
    {
      name: 'direct-control: health, stats and connected PVs',
      async run() {
        const health = await c.ok('GET', '/health');
        const stats = await c.ok('GET', `${api}/stats`);
        await c.ok('GET', `${api}/pvs/connected`);
        if (mode.standalone) {
          assert.equal(health.registry_backend, 'file');
          assert.equal(stats.coordination_enabled, false);
        }
      },
    },
    {
      name: 'direct-control: PV reads',
      async run() {
        assert.ok(
          'value' in (await c.ok('GET', `${api}/pv/mini:current/value`)),
          'mini:current has no value',
        );
        if (mode.standalone) {
          await c.expect(200, 'GET', `${api}/pv/mini:dot:exp/value`); // a standalone entry of the file
          await c.expect(404, 'GET', `${api}/pv/mini:ph:mtr/value`); // served, but not in the file
          return;
        }
        const image = await c.ok('GET', `${api}/pv/mini:dot:det/value`);
        assert.deepEqual(image.shape, [307200], 'mini:dot:det is the 640×480 image');
        await c.ok('GET', `${api}/pv/mini:dot:img_sum/value`);
        await c.ok('GET', `${api}/pvs/mini:current/value`);
      },
    },
  ];
  if (mode.readOnly) {
    checks.push(
      {
        name: 'direct-control: writes refused (read-only)',
        async run() {
          for (const [path, body] of [
            [`${api}/pv/set`, { pv_name: 'mini:dot:mtrx', value: 2.5 }],
            [
              `${api}/device/execute`,
              { device_name: 'motor_spotx', method: 'set', args: [1.25], kwargs: {} },
            ],
            [`${api}/device/beam_current/stop`, undefined],
          ] as const) {
            const r = await c.expect(403, 'POST', path, body);
            assert.match(JSON.stringify(r.body), /read-only/i, `${path}: the 403 says read-only`);
          }
        },
      },
      {
        name: 'direct-control: device reads',
        async run() {
          assert.ok('result' in (await c.ok('POST', `${api}/device/pinhole.exp`, { method: 'get' })));
          await c.ok('GET', `${api}/device/pinhole.det/value`);
          await c.expect(404, 'POST', `${api}/device/pinhole.no_such_signal`, { method: 'read' });
          await c.expect(404, 'GET', `${api}/pv/does:not:exist/value`);
        },
      },
    );
    return checks;
  }
  checks.push(
    {
      name: 'direct-control: PV write round trip',
      async run() {
        const before = await value('mini:dot:mtrx');
        await c.ok('POST', `${api}/pv/set`, { pv_name: 'mini:dot:mtrx', value: 2.5, wait: true });
        const after = await value('mini:dot:mtrx');
        assert.ok(near(after, 2.5), `mini:dot:mtrx reads ${after} after a write of 2.5`);
        await c.ok('POST', `${api}/pv/set`, { pv_name: 'mini:dot:mtrx', value: before, wait: true });
      },
    },
    {
      name: 'direct-control: device operations',
      async run() {
        const read = await execute({ device_name: 'beam_current', method: 'read' });
        assert.ok(
          'value' in (read.body?.result?.beam_current ?? {}),
          `beam_current read: ${JSON.stringify(read.body)}`,
        );
        const start = (await execute({ device_name: 'motor_spotx', method: 'get' })).body.result;
        const set = await execute({ device_name: 'motor_spotx', method: 'set', args: [1.25] });
        assert.equal(set.status, 200, `motor_spotx set: ${JSON.stringify(set.body)}`);
        const moved = (await execute({ device_name: 'motor_spotx', method: 'get' })).body.result;
        assert.ok(near(moved, 1.25), `motor_spotx reads ${moved} after a move to 1.25`);
        await execute({ device_name: 'motor_spotx', method: 'set', args: [start] });
        const pinhole = await execute({ device_name: 'pinhole', method: 'read' });
        assert.ok(
          'pinhole_det' in (pinhole.body?.result ?? {}),
          `pinhole read: ${JSON.stringify(pinhole.body)}`,
        );
        assert.ok('result' in (await c.ok('POST', `${api}/device/pinhole.exp`, { method: 'get' })));
        await c.ok('GET', `${api}/device/pinhole.det/value`);
      },
    },
    {
      name: 'direct-control: typed refusals',
      async run() {
        await c.expect(400, 'POST', `${api}/device/beam_current/stop`);
        const destroy = await execute({ device_name: 'beam_current', method: 'destroy' });
        assert.equal(destroy.status, 400, `method destroy: ${destroy.status}`);
        await c.expect(404, 'POST', `${api}/device/pinhole.no_such_signal`, { method: 'read' });
        await c.expect(404, 'GET', `${api}/pv/does:not:exist/value`);
        await c.expect(404, 'POST', `${api}/pv/set`, { pv_name: 'does:not:exist', value: 1 });
        if (mode.standalone) {
          const r = await execute({ device_name: 'slit_det', method: 'read' });
          assert.equal(r.status, 422, `slit_det (no class information): ${r.status}`);
        }
      },
    },
  );
  return checks;
}

/** D. direct_control_ws.py: ping, subscribe, an update and unsubscribe on each socket. */
export function socketChecks(
  base: string,
  { pv = 'mini:current', device = 'beam_current' }: { pv?: string; device?: string } = {},
): Check[] {
  const ws = base.replace(/\/+$/, '').replace(/^http/, 'ws');
  return [
    {
      name: `direct-control: pv-socket streams ${pv}`,
      async run() {
        const socket = await FrameSocket.open(`${ws}/api/v1/pv-socket`);
        try {
          await socket.request({ action: 'ping' }, (f) => f.type === 'pong');
          const ack = await socket.request(
            { action: 'subscribe', pv_names: [pv] },
            (f) => f.type === 'subscribed',
          );
          assert.ok(ack.pv_names?.includes(pv), `subscribed names ${JSON.stringify(ack.pv_names)}`);
          const update = await socket.next((f) => f.event_type === 'pv_update' && f.pv === pv, 8000);
          for (const key of ['value', 'timestamp', 'connected'])
            assert.ok(key in update, `pv_update has ${key}`);
          await socket.request({ action: 'unsubscribe', pv_names: [pv] }, (f) => f.type === 'unsubscribed');
        } finally {
          socket.close();
        }
      },
    },
    {
      name: `direct-control: device-socket streams ${device}`,
      async run() {
        const socket = await FrameSocket.open(`${ws}/api/v1/device-socket`);
        try {
          await socket.request({ action: 'ping' }, (f) => f.type === 'pong');
          const ack = await socket.request({ action: 'subscribe', device }, (f) => f.type === 'subscribed');
          assert.equal(ack.device, device);
          // Current values come with the subscription, one frame per component.
          const update = await socket.next((f) => f.event_type === 'device_update' && f.device === device);
          for (const key of ['signal', 'value', 'timestamp', 'connected'])
            assert.ok(key in update, `device_update has ${key}`);
          await socket.request({ action: 'unsubscribe', device }, (f) => f.type === 'unsubscribed');
        } finally {
          socket.close();
        }
      },
    },
  ];
}

type Frame = Record<string, any>;

/** A WebSocket (Node's own) that keeps every JSON frame and waits for the one a check wants. */
class FrameSocket {
  private readonly ws: WebSocket;
  private readonly frames: Frame[] = [];
  private problem?: string;
  private wake = () => {};

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener('message', (event) => {
      try {
        this.frames.push(JSON.parse(String(event.data)));
      } catch {
        this.problem = `a frame that is not JSON: ${String(event.data).slice(0, 100)}`;
      }
      this.wake();
    });
    ws.addEventListener('close', (event) => {
      this.problem ??= `socket closed (${event.code} ${event.reason})`;
      this.wake();
    });
  }

  static open(url: string, timeoutMs = 10_000): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`${url}: no WebSocket within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new FrameSocket(ws));
      });
      ws.addEventListener('error', () => {
        clearTimeout(timer);
        // Node's WebSocket says only that it failed: ask the same URL over HTTP what is wrong.
        diagnose(url).then((why) => reject(new Error(`${url}: WebSocket failed (${why})`)));
      });
    });
  }

  /** The first frame from index `from` that matches; fails after `timeoutMs` naming the last frames. */
  async next(match: (f: Frame) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.problem) throw new Error(this.problem);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; last: ${JSON.stringify(this.frames.slice(-3))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends a frame and waits for the first reply after it that matches. */
  request(frame: unknown, match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const from = this.frames.length;
    this.ws.send(JSON.stringify(frame));
    return this.next(match, timeoutMs, from);
  }

  close(): void {
    this.ws.close();
  }
}

/** Why a WebSocket to `url` failed, as a plain request to it tells: the connection's error, or the answer. */
async function diagnose(url: string): Promise<string> {
  try {
    const res = await fetch(url.replace(/^ws/, 'http'), { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return `the upgrade was refused: an HTTP request there answers ${res.status}`;
  } catch (err) {
    return ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
  }
}

/** Runs the checks in order (each on its own: one failing does not stop the next). */
export async function runChecks(
  checks: Check[],
  report: (o: Outcome) => void = () => {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const check of checks) {
    let outcome: Outcome;
    try {
      await check.run();
      outcome = { name: check.name, passed: true };
    } catch (err) {
      outcome = { name: check.name, passed: false, detail: oneLine(err) };
    }
    outcomes.push(outcome);
    report(outcome);
  }
  return outcomes;
}

const oneLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 400);

/** Every check must pass: throws one error listing each failure (for tests). */
export async function passChecks(checks: Check[]): Promise<void> {
  const failed = (await runChecks(checks)).filter((o) => !o.passed);
  if (failed.length) throw new Error(failed.map((o) => `FAIL ${o.name}: ${o.detail}`).join('\n'));
}

export const exerciseConfiguration = (base: string) => passChecks(configurationChecks(base));
export const exerciseDirectControl = (base: string, mode: DirectControlMode = {}) =>
  passChecks(directControlChecks(base, mode));
export const exerciseSockets = (base: string, pv?: string, device?: string) =>
  passChecks(socketChecks(base, { pv, device }));
