/**
 * `/api/v1/pv-socket` (spec §2.1): PV monitoring, PV writes and device stop. Each PV has one
 * listener on the shared monitor hub whatever the number of clients; an update is serialised and
 * framed once and queued to every subscriber, keep-latest per PV, optionally throttled per
 * subscription.
 */
import type { MonitorEvent } from '../monitor/hub.ts';
import { requireRegisteredPv, setPv } from '../operations/pvs.ts';
import type { DirectControl } from '../state.ts';
import type { Connection } from './connection.ts';
import { envelope, errorFrame, metaFrame, type PvState, pvUpdate } from './frames.ts';
import type { Endpoint } from './gateway.ts';
import { errorText, frameTimeout, READ_ONLY_MESSAGE, refusal, stopOverSocket } from './shared.ts';
import { TurnBatch, UPDATE_WINDOW_MS } from './turn-batch.ts';
import { WireFrame } from './wire-frame.ts';

interface Client {
  connection: Connection;
  /** PV → how this client takes it. */
  pvs: Map<string, Subscription>;
  /** PVs whose snapshot has not been sent yet: broadcasts skip them (the snapshot covers them). */
  joining: Set<string>;
  /** The reading each snapshot carried: the streaming frame of that same reading is not sent again. */
  snapshots: Map<string, unknown>;
}

interface Subscription {
  /** Minimum interval between updates (0 = every update). */
  throttleMs: number;
  /** Numeric arrays as base64 instead of JSON lists. */
  base64: boolean;
}

interface Fanout {
  clients: Set<Client>;
  stop: () => void;
}

const ACTIONS = 'subscribe, subscribeReadOnly, subscribeSafely, unsubscribe, refresh, set, stop, ping';

export class PvSocket implements Endpoint {
  readonly heartbeat = true;
  private readonly dc: DirectControl;
  private readonly fanouts = new Map<string, Fanout>();
  private readonly clients = new Set<Client>();
  /**
   * PVs with a new value within the window: serialised once, at the end of it. The window lets the
   * updates of PVs posted together, which CA may deliver over several turns, reach each client in
   * one write instead of one write per PV: at low rates those writes were most of the CPU.
   */
  private readonly values = new TurnBatch<string, string>((batch) => {
    for (const pv of batch.keys()) {
      const fanout = this.fanouts.get(pv);
      if (!fanout || fanout.clients.size === 0) continue;
      const state = this.state(pv);
      this.send(pv, fanout.clients, (base64) => pvUpdate(pv, state, { base64 }), true);
    }
  }, UPDATE_WINDOW_MS);

  constructor(dc: DirectControl) {
    this.dc = dc;
  }

  /** Distinct PVs with at least one socket subscriber, and subscriptions over all clients. */
  stats() {
    let subscriptions = 0;
    for (const c of this.clients) subscriptions += c.pvs.size;
    return { clients: this.clients.size, pvs: this.fanouts.size, subscriptions };
  }

  accept(connection: Connection): void {
    const client: Client = { connection, pvs: new Map(), joining: new Set(), snapshots: new Map() };
    this.clients.add(client);
    connection.onClose(() => {
      this.clients.delete(client);
      for (const pv of client.pvs.keys()) this.leave(client, pv);
    });
    connection.onFrame((frame) => this.dispatch(client, frame));
  }

  private async dispatch(client: Client, frame: Record<string, unknown>): Promise<void> {
    const action = frame.action ?? frame.type;
    switch (action) {
      case 'subscribe':
      case 'subscribeReadOnly':
        return this.subscribe(client, frame, action === 'subscribeReadOnly');
      case 'subscribeSafely':
        return this.subscribeSafely(client, frame);
      case 'unsubscribe':
        return this.unsubscribe(client, frame);
      case 'refresh':
        return this.refresh(client, frame);
      case 'set':
        return client.connection.beside(this.set(client, frame), frame);
      case 'stop':
        return client.connection.beside(stopOverSocket(this.dc, client.connection, frame.device), frame);
      case 'ping':
        return client.connection.reply(envelope('pong'));
      default:
        client.connection.reply(
          errorFrame(`Unknown action: ${action ?? 'None'}. Expected: ${ACTIONS}`, { action: action ?? null }),
        );
    }
  }

  private names(frame: Record<string, unknown>): string[] | string {
    if (typeof frame.pv === 'string' && frame.pv) return [frame.pv];
    const list = frame.pv_names;
    if (Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === 'string' && p))
      return [...new Set(list as string[])];
    return 'pv (a PV name) or pv_names (a non-empty list of PV names) required';
  }

  private async subscribe(client: Client, frame: Record<string, unknown>, readOnly: boolean) {
    const c = client.connection;
    const names = this.names(frame);
    if (typeof names === 'string') return c.reply(errorFrame(names));
    const subscription = subscriptionOptions(frame);
    if (typeof subscription === 'string') return c.reply(errorFrame(subscription));
    // The cap first: a frame naming 10,000 PVs must not cost 10,000 registry lookups.
    const refused = this.capRefusal(client, names);
    if (refused) return c.reply(refused);
    const valid = await this.validate(client, names);
    if (valid.length === 0) return;
    const stuck = await this.join(client, valid, subscription);
    if (stuck.length > 0)
      c.reply(envelope('subscribed', { pv_names: stuck, ...(readOnly && { read_only: true }) }));
  }

  /**
   * The error frame when subscribing `pvs` would take the client past its cap (only PVs it does not
   * hold yet count; nothing is subscribed then), else null.
   */
  private capRefusal(client: Client, pvs: string[]): string | null {
    const cap = this.dc.config.DIRECT_CONTROL_MAX_SUBSCRIPTIONS_PER_CLIENT;
    const requested = pvs.filter((pv) => !client.pvs.has(pv)).length;
    const current = client.pvs.size;
    if (cap === 0 || current + requested <= cap) return null;
    return errorFrame(
      `Subscribe would exceed max_subscriptions_per_client (cap=${cap}, current=${current}, requested=${requested}).`,
      { cap, current, requested },
    );
  }

  /** Registry check of each PV; errors go to the client, the known ones come back. */
  private async validate(client: Client, names: string[]): Promise<string[]> {
    const checks = await Promise.all(
      names.map(async (pv) => {
        try {
          await requireRegisteredPv(this.dc, pv);
          return pv;
        } catch (err) {
          client.connection.reply(errorFrame(errorText(err), { pv }));
          return null;
        }
      }),
    );
    return checks.filter((pv): pv is string => pv !== null);
  }

  /**
   * Adds the client to each PV, waits for the PV's first value (5 s), then sends snapshot + meta
   * per PV in request order. Returns the PVs that stuck; failures get `pv_subscribe_failed`.
   */
  private async join(client: Client, pvs: string[], subscription: Subscription): Promise<string[]> {
    const c = client.connection;
    for (const pv of pvs) {
      client.pvs.set(pv, subscription);
      client.joining.add(pv);
      this.fanout(pv).clients.add(client);
    }
    const outcomes = await Promise.all(
      pvs.map((pv) =>
        this.dc.hub.latest(pv).then(
          () => null,
          (err: Error) => err.message,
        ),
      ),
    );
    if (c.closed) return [];
    const stuck: string[] = [];
    pvs.forEach((pv, i) => {
      const failure = outcomes[i];
      client.joining.delete(pv);
      if (failure !== null) {
        this.leave(client, pv);
        c.reply(
          errorFrame(`PV ${pv} failed to subscribe: ${failure}`, { pv, reason: 'pv_subscribe_failed' }),
        );
        return;
      }
      if (!client.pvs.has(pv)) return; // unsubscribed meanwhile
      this.sendSnapshot(client, pv, true);
      stuck.push(pv);
    });
    return stuck;
  }

  private async subscribeSafely(client: Client, frame: Record<string, unknown>) {
    const c = client.connection;
    const pv = typeof frame.pv === 'string' && frame.pv ? frame.pv : null;
    if (!pv) return c.reply(errorFrame('pv field required for subscribeSafely'));
    const refused = this.capRefusal(client, [pv]);
    if (refused) return c.reply(refused);
    if ((await this.validate(client, [pv])).length === 0) return;
    try {
      await this.dc.hub.latest(pv);
    } catch (err) {
      return c.reply(errorFrame((err as Error).message, { pv }));
    }
    if (!this.dc.hub.isConnected(pv))
      return c.reply(errorFrame(`PV ${pv} not connected`, { pv, connected: false }));
    const subscription = subscriptionOptions(frame);
    if (typeof subscription === 'string') return c.reply(errorFrame(subscription));
    const stuck = await this.join(client, [pv], subscription);
    if (stuck.length > 0) c.reply(envelope('subscribed', { pv_names: stuck, connected: true }));
  }

  private unsubscribe(client: Client, frame: Record<string, unknown>) {
    const names = this.names(frame);
    if (typeof names === 'string') return client.connection.reply(errorFrame(names));
    for (const pv of names) this.leave(client, pv);
    client.connection.reply(envelope('unsubscribed', { pv_names: names }));
  }

  private refresh(client: Client, frame: Record<string, unknown>) {
    const pv = typeof frame.pv === 'string' && frame.pv ? frame.pv : null;
    const considered = pv ? (client.pvs.has(pv) ? [pv] : []) : [...client.pvs.keys()];
    for (const name of considered) this.sendSnapshot(client, name, false);
    client.connection.reply(envelope('refreshed', { pv_names: considered }));
  }

  private async set(client: Client, frame: Record<string, unknown>) {
    const c = client.connection;
    if (this.dc.config.DIRECT_CONTROL_GLOBAL_READ_ONLY) return c.reply(errorFrame(READ_ONLY_MESSAGE));
    const pv = typeof frame.pv === 'string' && frame.pv ? frame.pv : null;
    if (!pv || !('value' in frame)) return c.reply(errorFrame('pv and value fields required for set'));
    const timeout = frameTimeout(frame);
    if (typeof timeout === 'string') return c.reply(errorFrame(timeout));
    const usePut = frame.use_put === true;
    try {
      const result = await setPv(
        this.dc,
        {
          pv_name: pv,
          value: frame.value,
          wait: !usePut,
          timeout,
        },
        { report: false },
      );
      c.reply(
        envelope('set_complete', {
          pv,
          value: frame.value,
          success: true,
          message: result.message,
          use_put: usePut,
        }),
      );
    } catch (err) {
      c.reply(refusal(err, { pv }));
    }
  }

  /** The full snapshot of one PV to one client (units and limits included), then its meta on subscribe. */
  private sendSnapshot(client: Client, pv: string, withMeta: boolean): void {
    const c = client.connection;
    const state = this.state(pv);
    client.snapshots.set(pv, state.reading);
    const update = pvUpdate(pv, state, { snapshot: true, base64: client.pvs.get(pv)?.base64 });
    if (c.fits(update))
      c.reply(update); // a reply, not a keyed update: a streaming frame must not replace the snapshot;
    else c.reply(errorFrame('payload exceeds size limit; update dropped', { pv }));
    if (!withMeta) return;
    const meta = metaFrame({ pv }, state);
    if (c.fits(meta)) c.reply(meta);
    else c.reply(errorFrame('meta payload exceeds size limit; metadata dropped', { pv, sub_type: 'meta' }));
  }

  private state(pv: string): PvState {
    return this.dc.hub.peek(pv) ?? { connected: false };
  }

  /** The PV's one hub listener, created with its first client. */
  private fanout(pv: string): Fanout {
    const existing = this.fanouts.get(pv);
    if (existing) return existing;
    const clients = new Set<Client>();
    let live = false; // the hub replays cached state on subscribe: clients get snapshots instead
    const stop = this.dc.hub.subscribe(pv, (event) => {
      if (live) this.broadcast(pv, clients, event);
    });
    live = true;
    const fanout = { clients, stop };
    this.fanouts.set(pv, fanout);
    return fanout;
  }

  private broadcast(pv: string, clients: Set<Client>, event: MonitorEvent): void {
    if (clients.size === 0) return;
    if (event.kind === 'value') {
      // Values wait for the end of this event-loop turn: a burst of CA updates to one PV is
      // serialised and queued once, with the newest value.
      this.values.add(pv, pv);
      return;
    }
    if (event.kind === 'failed') {
      this.values.delete(pv);
      const error = WireFrame.text(
        errorFrame(`PV ${pv} subscription ended: ${event.message}`, { pv, reason: 'pv_subscribe_failed' }),
      );
      for (const client of [...clients]) {
        client.connection.reply(error);
        this.leave(client, pv);
      }
      return;
    }
    const state = this.state(pv);
    if (event.kind === 'meta') {
      const meta = WireFrame.text(metaFrame({ pv }, state));
      for (const client of clients) if (!client.joining.has(pv)) client.connection.reply(meta);
      return;
    }
    this.values.delete(pv); // the connection frame carries the latest value too
    this.send(pv, clients, (base64) => pvUpdate(pv, state, { now: true, base64 }));
  }

  /**
   * Queues one update to every subscriber. Each encoding is serialised and framed at most once (and
   * only if a client asked for it), so N clients get the same bytes.
   */
  private send(pv: string, clients: Set<Client>, build: (base64: boolean) => string, isValue = false): void {
    const frames = new Map<boolean, WireFrame | null>(); // null: too large to send
    const frameFor = (base64: boolean) => {
      if (!frames.has(base64)) {
        const frame = WireFrame.text(build(base64));
        const first = clients.values().next().value as Client;
        frames.set(base64, first.connection.fits(frame) ? frame : null);
      }
      return frames.get(base64) ?? null;
    };
    const reading = this.dc.hub.peek(pv)?.reading;
    for (const client of clients) {
      const subscription = client.pvs.get(pv);
      if (!subscription || client.joining.has(pv)) continue;
      if (isValue && reading !== undefined && client.snapshots.get(pv) === reading) {
        client.snapshots.delete(pv);
        continue;
      }
      client.snapshots.delete(pv);
      const frame = frameFor(subscription.base64);
      if (frame === null)
        client.connection.reply(errorFrame('payload exceeds size limit; update dropped', { pv }));
      else client.connection.update(pv, frame, subscription.throttleMs);
    }
  }

  private leave(client: Client, pv: string): void {
    client.pvs.delete(pv);
    client.joining.delete(pv);
    client.snapshots.delete(pv);
    client.connection.release(pv);
    const fanout = this.fanouts.get(pv);
    if (!fanout) return;
    fanout.clients.delete(client);
    if (fanout.clients.size === 0) {
      fanout.stop();
      this.fanouts.delete(pv);
    }
  }
}

/**
 * A subscribe frame's options: `max_rate` (updates per second; absent = every update) and
 * `array_encoding` (`json`, the default, or `base64`).
 */
function subscriptionOptions(frame: Record<string, unknown>): Subscription | string {
  const { max_rate: maxRate, array_encoding: encoding } = frame;
  if (maxRate !== undefined && maxRate !== null && (typeof maxRate !== 'number' || !(maxRate > 0)))
    return 'max_rate must be a positive number of updates per second';
  if (encoding !== undefined && encoding !== 'json' && encoding !== 'base64')
    return "array_encoding must be 'json' or 'base64'";
  return { throttleMs: typeof maxRate === 'number' ? 1000 / maxRate : 0, base64: encoding === 'base64' };
}
