/**
 * The real parts the direct-control tests run against: the simulated IOCs on an ephemeral CA port,
 * the configuration service seeded from the happi file, a CA client, and the service itself; plus a
 * WebSocket test client that collects frames and waits for the one it wants.
 */
import { join } from 'node:path';
import { CaClient } from '@ophyd-service/epics-ca';
import { createLogger } from '@ophyd-service/service-kit';
import WebSocket from 'ws';
import { type RunningIocs, serveIocs } from '../../../ioc/src/index.ts';
import { clientEnv, serverEnv } from '../../../packages/epics-ca/test/loopback.ts';
import { orAbort } from '../../../packages/epics-ca/test/waits.ts';
import { type Harness, startConfiguration } from '../../configuration/test/harness.ts';
import { createDirectControlService, type DirectControlService } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { HttpRegistry } from '../src/registry/http-registry.ts';

export const seed = join(import.meta.dirname, '../../../integration/seed/happi_db.json');
const caEnv = { EPICS_CA_MAX_ARRAY_BYTES: '10000000' };

export async function startIocs(port = 0): Promise<RunningIocs> {
  return serveIocs([{ name: 'mini_beamline' }, { name: 'motors' }, { name: 'camera' }], {
    seed: 3,
    server: { port, interfaces: ['127.0.0.1'], beaconAddresses: [], env: serverEnv(caEnv) },
  });
}

export interface Stack {
  iocs: RunningIocs;
  config: Harness;
  client: CaClient;
  service: DirectControlService;
  url: string;
  ws: string;
  post(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Everything up, writes on unless `env` says otherwise. `clientCaEnv` replaces the service's CA
 * client settings (e.g. a small EPICS_CA_MAX_ARRAY_BYTES).
 */
export async function startStack(
  env: Record<string, string> = {},
  registryTtlMs = 0,
  clientCaEnv: Record<string, string> = caEnv,
): Promise<Stack> {
  const iocs = await startIocs();
  const config = await startConfiguration({ CONFIG_LOAD_STRATEGY: 'happi', CONFIG_PROFILE_PATH: seed });
  const client = new CaClient({
    env: clientEnv(iocs.server.udpPort, clientCaEnv),
    repeater: false,
    searchMaxIntervalMs: 200,
  });
  const service = createDirectControlService({
    config: readConfig({
      DIRECT_CONTROL_GLOBAL_READ_ONLY: 'false',
      DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: config.url,
      ...env,
    }),
    client,
    registry: new HttpRegistry({ baseUrl: config.url, cacheTtlMs: registryTtlMs }),
    logger: createLogger('direct_control', 'silent'),
  });
  const url = (await service.listen(0, '127.0.0.1')).url;
  const stack: Stack = {
    iocs,
    config,
    client,
    service,
    url,
    ws: url.replace('http', 'ws'),
    post: (path, body) =>
      fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async close() {
      await service.close();
      await client.close();
      await stack.config.close();
      await stack.iocs.stop(); // the current IOCs: a fault test may have restarted them
    },
  };
  return stack;
}

export type Frame = Record<string, any>;

/** A WebSocket client that keeps every frame and waits for the one a test wants. */
export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly texts: string[] = [];
  readonly binaries: Buffer[] = [];
  closeCode?: number;
  closeReason?: string;
  private waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaries.push(data as Buffer);
      else {
        const text = data.toString();
        this.texts.push(text);
        this.frames.push(JSON.parse(text));
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.wake();
    });
  }

  static open(url: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The first frame (from index `from`) matching `match`, waiting for frames as they arrive. Fails
   * when the socket closes first, or when the test is aborted (its timeout), listing what came.
   */
  async next(match: (f: Frame) => boolean, from = 0): Promise<Frame> {
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.closeCode !== undefined)
        throw new Error(
          `socket closed (${this.closeCode} ${this.closeReason}) before a matching frame; got ${this.recent()}`,
        );
      await orAbort(this.arrival(), 'a matching frame', () => `got ${this.recent()}`);
    }
  }

  /** Sends a frame and waits for the first reply frame after it that matches. */
  async request(frame: unknown, match: (f: Frame) => boolean): Promise<Frame> {
    const from = this.frames.length;
    this.send(frame);
    return this.next(match, from);
  }

  /** The close code, once the socket has closed. */
  async closed(): Promise<number> {
    while (this.closeCode === undefined) await orAbort(this.arrival(), 'the socket to close');
    return this.closeCode;
  }

  /** Resolves at the next frame or close. */
  private arrival(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private recent(): string {
    return JSON.stringify(this.frames.slice(-8));
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export const isType = (type: string) => (f: Frame) => f.type === type;
export const updateOf = (pv: string) => (f: Frame) => f.event_type === 'pv_update' && f.pv === pv;

/** A registry create body: a device of `cls` (default a plain EpicsSignal) at `pv`. */
export function deviceBody(
  name: string,
  pv: string,
  options: { cls?: 'EpicsSignal' | 'EpicsMotor'; label?: string; pvs?: Record<string, string> } = {},
) {
  const cls = options.cls ?? 'EpicsSignal';
  return {
    metadata: {
      name,
      device_label: options.label ?? (cls === 'EpicsMotor' ? 'motor' : 'signal'),
      ophyd_class: cls,
      pvs: options.pvs ?? { value: pv },
    },
    instantiation_spec: { name, device_class: `ophyd.${cls}`, args: [pv] },
  };
}
