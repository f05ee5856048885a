/**
 * One WebSocket that reconnects with exponential back-off and re-sends its subscriptions after
 * each reconnection, shared by every page that talks to the same socket URL.
 */
export type SocketState = 'connecting' | 'open' | 'closed';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** The delay before reconnection attempt `attempt` (0-based): doubling, capped. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, initialMs * 2 ** attempt);
}

type Listener = (message: Record<string, unknown>) => void;

/** A reconnecting JSON WebSocket: `send` queues while closed, `resend` frames replay on reconnect. */
export class ReconnectingSocket {
  state: SocketState = 'connecting';
  private socket?: WebSocket;
  private attempt = 0;
  private closedByUser = false;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(state: SocketState) => void>();
  private readonly binaryListeners = new Set<(data: ArrayBuffer) => void>();
  private readonly resendFrames = new Map<string, unknown>();
  private readonly pending: unknown[] = [];
  private readonly url: string;
  private readonly backoff: BackoffOptions;
  private readonly makeSocket: (url: string) => WebSocket;

  constructor(
    url: string,
    backoff: BackoffOptions = { initialMs: 250, maxMs: 8000 },
    makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {
    this.url = url;
    this.backoff = backoff;
    this.makeSocket = makeSocket;
    this.connect();
  }

  /** Sends a frame now, or once the socket is open. */
  send(frame: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
    else this.pending.push(frame);
  }

  /** Sends a frame now and again after every reconnection (a subscription), under `key`. */
  keep(key: string, frame: unknown): void {
    this.resendFrames.set(key, frame);
    this.send(frame);
  }

  /** Stops re-sending the frame kept under `key`. */
  forget(key: string): void {
    this.resendFrames.delete(key);
  }

  /** Calls `listener` with every JSON object received; returns the unsubscribe function. */
  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with every binary frame (e.g. the camera socket's images); returns the unsubscribe function. */
  onBinary(listener: (data: ArrayBuffer) => void): () => void {
    this.binaryListeners.add(listener);
    return () => this.binaryListeners.delete(listener);
  }

  /** Calls `listener` on every change of connection state; returns the unsubscribe function. */
  onState(listener: (state: SocketState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Closes for good: no more reconnection. */
  close(): void {
    this.closedByUser = true;
    this.socket?.close();
  }

  private setState(state: SocketState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    this.setState('connecting');
    const socket = this.makeSocket(this.url);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('open');
      for (const frame of this.resendFrames.values()) socket.send(JSON.stringify(frame));
      for (const frame of this.pending.splice(0)) {
        if (![...this.resendFrames.values()].includes(frame)) socket.send(JSON.stringify(frame));
      }
    };
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) {
        for (const listener of this.binaryListeners) listener(event.data);
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (message && typeof message === 'object') {
        for (const listener of this.listeners) listener(message as Record<string, unknown>);
      }
    };
    socket.onclose = () => {
      this.setState('closed');
      if (this.closedByUser) return;
      setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.backoff));
    };
  }
}

const shared = new Map<string, ReconnectingSocket>();

/** The one socket the page holds for `url`. */
export function sharedSocket(url: string): ReconnectingSocket {
  let socket = shared.get(url);
  if (!socket) {
    socket = new ReconnectingSocket(url);
    shared.set(url, socket);
  }
  return socket;
}
