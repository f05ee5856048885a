/**
 * `/api/v1/device-socket` (spec §2.2): a device's components (its registry component→PV map)
 * monitored as one subscription. Each (device, component) has its own hub listener, so two devices
 * sharing a PV stay independent. Subscribes of one device run one at a time, later subscribers retry
 * only the components still failing, and every subscriber is told which ones are failing.
 */
import { findClass, walkLeaves } from '@ophyd-service/devices';
import type { MonitorEvent } from '../monitor/hub.ts';
import { nestedCommand } from '../operations/devices.ts';
import { RegistryUnavailable } from '../registry/provider.ts';
import type { DirectControl } from '../state.ts';
import type { Connection } from './connection.ts';
import { deviceUpdate, envelope, errorFrame, metaFrame } from './frames.ts';
import type { Endpoint } from './gateway.ts';
import { frameTimeout, READ_ONLY_MESSAGE, refusal, stopOverSocket } from './shared.ts';
import { TurnBatch, UPDATE_WINDOW_MS } from './turn-batch.ts';
import { WireFrame } from './wire-frame.ts';

interface Client {
  connection: Connection;
  devices: Set<string>;
}

interface Component {
  pv: string;
  stop: () => void;
}

interface DeviceState {
  clients: Set<Client>;
  live: Map<string, Component>;
  failing: Map<string, { pv: string; error: string }>;
  /** Serialises subscribes of this device. */
  turn: Promise<void>;
}

type Failure = 'unknown_client' | 'cap_exceeded' | 'not_found' | 'upstream_unreachable' | 'not_connected';

const ACTIONS = 'subscribe, unsubscribe, subscribeSafely, subscribeReadOnly, refresh, set, stop, ping';

export class DeviceSocket implements Endpoint {
  readonly heartbeat = true;
  private readonly dc: DirectControl;
  private readonly devices = new Map<string, DeviceState>();
  private readonly clients = new Set<Client>();
  /** Components with a new value within the window (see PvSocket's): serialised once, at the end of it. */
  private readonly values = new TurnBatch<
    string,
    { device: string; state: DeviceState; signal: string; pv: string }
  >((batch) => {
    for (const { device, state, signal, pv } of batch.values()) {
      if (state.clients.size === 0) continue;
      this.send(
        device,
        state,
        signal,
        deviceUpdate(device, signal, this.dc.hub.peek(pv) ?? { connected: false }),
      );
    }
  }, UPDATE_WINDOW_MS);

  constructor(dc: DirectControl) {
    this.dc = dc;
  }

  stats() {
    let components = 0;
    for (const d of this.devices.values()) components += d.live.size;
    return { clients: this.clients.size, devices: this.devices.size, components };
  }

  accept(connection: Connection): void {
    const client: Client = { connection, devices: new Set() };
    this.clients.add(client);
    connection.onClose(() => {
      this.clients.delete(client);
      for (const device of client.devices) this.leave(client, device);
    });
    connection.onFrame((frame) => this.dispatch(client, frame));
  }

  private async dispatch(client: Client, frame: Record<string, unknown>): Promise<void> {
    const c = client.connection;
    const action = frame.action;
    const device = typeof frame.device === 'string' && frame.device ? frame.device : null;
    switch (action) {
      case 'subscribe':
      case 'subscribeReadOnly':
      case 'subscribeSafely': {
        if (!device) return c.reply(errorFrame('device field required'));
        const failure = await this.subscribe(client, device, action === 'subscribeSafely');
        if (failure)
          return c.reply(errorFrame(failureText(failure, device, this.cap()), { device, reason: failure }));
        const extra =
          action === 'subscribeReadOnly'
            ? { read_only: true }
            : action === 'subscribeSafely'
              ? { connected: true }
              : { message: `Subscribed to device ${device}` };
        return c.reply(envelope('subscribed', { device, ...extra }));
      }
      case 'unsubscribe':
        if (!device) return c.reply(errorFrame('device field required'));
        this.leave(client, device);
        return c.reply(envelope('unsubscribed', { device, message: `Unsubscribed from ${device}` }));
      case 'refresh': {
        const considered = device ? (client.devices.has(device) ? [device] : []) : [...client.devices];
        for (const d of considered) this.sendSnapshot(client, d);
        return c.reply(envelope('refreshed', { devices: considered }));
      }
      case 'set':
        return c.beside(this.set(client, frame, device), frame);
      case 'stop':
        if (device && !client.devices.has(device))
          return c.reply(
            errorFrame(`Device ${device} not subscribed. Subscribe before stopping.`, { device }),
          );
        return c.beside(stopOverSocket(this.dc, c, device), frame);
      case 'ping':
        return c.reply(envelope('pong'));
      default:
        c.reply(errorFrame(`Unknown action: ${action ?? 'None'}. Expected: ${ACTIONS}`));
    }
  }

  private cap(): number {
    return this.dc.config.DIRECT_CONTROL_MAX_SUBSCRIPTIONS_PER_CLIENT;
  }

  /** Subscribes the client to `device`; null on success, else the failure reason. */
  private async subscribe(client: Client, device: string, safely: boolean): Promise<Failure | null> {
    if (client.devices.has(device)) return null;
    const cap = this.cap();
    if (cap > 0 && client.devices.size + 1 > cap) return 'cap_exceeded';
    let pvs: Record<string, string> | null;
    try {
      pvs = await this.components(device);
    } catch (err) {
      if (err instanceof RegistryUnavailable) return 'upstream_unreachable';
      throw err;
    }
    if (pvs === null) return 'not_found';
    const state = this.state(device);
    let release!: () => void;
    const previous = state.turn;
    state.turn = new Promise((resolve) => (release = resolve));
    await previous;
    if (!this.devices.has(device)) this.devices.set(device, state); // torn down while we waited
    try {
      if (client.connection.closed) return 'unknown_client';
      const wanted = Object.entries(pvs).filter(([signal]) => !state.live.has(signal));
      await Promise.all(wanted.map(([signal, pv]) => this.connect(device, state, signal, pv)));
      if (client.connection.closed) {
        if (state.clients.size === 0) this.teardown(device);
        return 'unknown_client';
      }
      if (safely && state.failing.size > 0) {
        if (state.clients.size === 0) this.teardown(device);
        return 'not_connected';
      }
      state.clients.add(client);
      client.devices.add(device);
      this.sendSnapshot(client, device);
      for (const [signal, { pv, error }] of state.failing) {
        client.connection.reply(
          errorFrame(`PV ${pv} (${signal}) failed to subscribe: ${error}`, {
            device,
            signal,
            pv,
            reason: 'pv_subscribe_failed',
          }),
        );
      }
      return null;
    } finally {
      release();
    }
  }

  /**
   * The registry's component→PV map. A map that only names the device's `prefix` (how the registry
   * records compound devices added by prefix) is expanded through the class catalog to the class's
   * leaf signals, so subscribing to such a device streams its signals rather than failing on a
   * prefix that is no PV.
   */
  private async components(device: string): Promise<Record<string, string> | null> {
    const pvs = await this.dc.registry.componentMap(device);
    if (!pvs || !('prefix' in pvs)) return pvs;
    const spec = await this.dc.registry.spec(device);
    const found = spec && findClass(this.dc.catalog, spec.device_class);
    if (!found || 'error' in found || found.spec.signal) return pvs;
    const { prefix, ...rest } = pvs;
    return { ...walkLeaves(this.dc.catalog, found.spec, prefix), ...rest };
  }

  /** One component: a listener keyed by (device, component), live once its first value arrived. */
  private async connect(device: string, state: DeviceState, signal: string, pv: string): Promise<void> {
    let live = false;
    const stop = this.dc.hub.subscribe(pv, (event) => {
      if (live) this.broadcast(device, state, signal, event);
    });
    try {
      await this.dc.hub.latest(pv);
      live = true;
      state.live.set(signal, { pv, stop });
      state.failing.delete(signal);
    } catch (err) {
      stop();
      state.failing.set(signal, { pv, error: (err as Error).message });
    }
  }

  private broadcast(device: string, state: DeviceState, signal: string, event: MonitorEvent): void {
    if (state.clients.size === 0) return;
    const key = `${device}\0${signal}`;
    if (event.kind === 'value') {
      // As on the pv socket: one serialisation per component per event-loop turn, newest value.
      this.values.add(key, { device, state, signal, pv: event.pv });
      return;
    }
    if (event.kind === 'failed') {
      this.values.delete(key);
      state.live.delete(signal);
      state.failing.set(signal, { pv: event.pv, error: event.message });
      const error = WireFrame.text(
        errorFrame(`${device}.${signal} (${event.pv}) stopped updating: ${event.message}`, {
          device,
          signal,
        }),
      );
      for (const client of state.clients) client.connection.reply(error);
      return;
    }
    const pvState = this.dc.hub.peek(event.pv) ?? { connected: false };
    if (event.kind === 'meta') {
      const meta = WireFrame.text(metaFrame({ device, signal }, pvState));
      for (const client of state.clients) client.connection.reply(meta);
      return;
    }
    this.values.delete(key);
    this.send(device, state, signal, deviceUpdate(device, signal, pvState, true));
  }

  /** Queues one update to every subscriber of the device, serialised and framed once for all. */
  private send(device: string, state: DeviceState, signal: string, text: string): void {
    const key = `${device}\0${signal}`;
    const first = state.clients.values().next().value as Client;
    const frame = WireFrame.text(text);
    if (!first.connection.fits(frame)) {
      const error = WireFrame.text(
        errorFrame('payload exceeds size limit; update dropped', { device, signal }),
      );
      for (const client of state.clients) client.connection.reply(error);
      return;
    }
    for (const client of state.clients) client.connection.update(key, frame);
  }

  private sendSnapshot(client: Client, device: string): void {
    const state = this.devices.get(device);
    if (!state) return;
    const c = client.connection;
    for (const [signal, { pv }] of state.live) {
      const pvState = this.dc.hub.peek(pv) ?? { connected: false };
      const update = deviceUpdate(device, signal, pvState);
      if (c.fits(update)) c.reply(update);
      else c.reply(errorFrame('payload exceeds size limit; update dropped', { device, signal }));
      const meta = metaFrame({ device, signal }, pvState);
      if (c.fits(meta)) c.reply(meta);
      else
        c.reply(
          errorFrame('meta payload exceeds size limit; metadata dropped', {
            device,
            signal,
            sub_type: 'meta',
          }),
        );
    }
  }

  private async set(client: Client, frame: Record<string, unknown>, device: string | null): Promise<void> {
    const c = client.connection;
    if (this.dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) return c.reply(errorFrame(READ_ONLY_MESSAGE));
    if (!device || !('value' in frame)) return c.reply(errorFrame('device and value fields required'));
    const timeout = frameTimeout(frame);
    if (typeof timeout === 'string') return c.reply(errorFrame(timeout));
    if (!client.devices.has(device))
      return c.reply(errorFrame(`Device ${device} not subscribed. Subscribe before setting.`, { device }));
    const component = typeof frame.component === 'string' && frame.component ? frame.component : null;
    const usePut = frame.use_put === true;
    try {
      const result = await nestedCommand(this.dc, component ? `${device}.${component}` : device, {
        method: usePut ? 'put' : 'set',
        value: frame.value,
        timeout,
      });
      c.reply(
        envelope('set_complete', {
          device,
          component,
          value: frame.value,
          success: true,
          result,
          use_put: usePut,
        }),
      );
    } catch (err) {
      c.reply(refusal(err, { device }));
    }
  }

  private state(device: string): DeviceState {
    let state = this.devices.get(device);
    if (!state) {
      state = { clients: new Set(), live: new Map(), failing: new Map(), turn: Promise.resolve() };
      this.devices.set(device, state);
    }
    return state;
  }

  private leave(client: Client, device: string): void {
    client.devices.delete(device);
    const state = this.devices.get(device);
    if (!state) return;
    state.clients.delete(client);
    for (const signal of state.live.keys()) client.connection.release(`${device}\0${signal}`);
    if (state.clients.size === 0) this.teardown(device);
  }

  private teardown(device: string): void {
    const state = this.devices.get(device);
    if (!state) return;
    for (const { stop } of state.live.values()) stop();
    state.live.clear();
    state.failing.clear();
    this.devices.delete(device);
  }
}

function failureText(failure: Failure, device: string, cap: number): string {
  switch (failure) {
    case 'unknown_client':
      return 'Client not registered; reconnect and retry.';
    case 'cap_exceeded':
      return `Subscribe would exceed max_subscriptions_per_client (cap=${cap}).`;
    case 'not_found':
      return `Device '${device}' not found in the registry`;
    case 'upstream_unreachable':
      return `Configuration service is unreachable; cannot resolve device '${device}'.`;
    case 'not_connected':
      return `Device ${device} PVs are not connected`;
  }
}
