// Serve mode: methods as `POST /api/<method>` with a JSON body, events over
// one WebSocket at `/api/events`, both at the page's own origin.
//
// WebSocket protocol (one socket, many subscriptions, each with an id):
//   → {"op":"subscribe","id":"…","event":"tags.changed","params":{"paths":[…]}}
//     (again with the same id: replaces that subscription's params)
//   → {"op":"unsubscribe","id":"…"}
//   ← {"id":"…","event":"tags.changed","payload":[…]}
//   ← {"id":"…","error":{"kind":"…","message":"…"}}   (a subscribe was refused)
//
// Reconnection, one loop guarded against running twice:
//
//   connecting ──open──► connected ──close──► reconnecting ──open──► connected
//        │                                     ▲   │
//        └──────────────close─────────────────┘   └─ retry after 250 ms · 2^n, at most 3 s, ±20 %
//
// On every open the socket re-sends each live subscription, so listeners do
// not need to know the link was down (the server answers with the current
// values of the subscribed tags).
import type { EventName, MethodName } from '../../../shared/contract';
import { ApiError, kindOfHttpStatus, parseContractError } from './errors';
import type { ConnectionState, Transport, TransportSubscription } from './transport';

export interface HttpTransportOptions {
  /** `http://host:port`; the page's own origin by default. */
  readonly origin?: string;
  /** A call without an answer after this long fails as `unavailable`. */
  readonly callTimeoutMs?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

interface LiveSubscription {
  readonly id: string;
  readonly event: EventName;
  params: unknown;
  readonly listener: (payload: unknown) => void;
  readonly onError: (error: ApiError) => void;
}

export class HttpTransport implements Transport {
  readonly kind = 'http';
  readonly endpoint: string;
  private readonly origin: string;
  private readonly eventsUrl: string;
  private readonly callTimeoutMs: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;

  private readonly subscriptions = new Map<string, LiveSubscription>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = 'connecting';
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private nextId = 0;
  private readonly idPrefix = Math.random().toString(36).slice(2, 8);
  private disposed = false;

  constructor(options: HttpTransportOptions = {}) {
    this.origin = options.origin ?? window.location.origin;
    const url = new URL('/api/events', this.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.eventsUrl = url.href;
    this.endpoint = url.host;
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
    this.reconnectMinMs = options.reconnectMinMs ?? 250;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 3_000;
    this.connect();
  }

  // ---- methods ----

  async call(method: MethodName, request: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request ?? {}),
        signal: AbortSignal.timeout(this.callTimeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiError({
        kind: 'unavailable',
        message: timedOut
          ? `${method}: no answer within ${this.callTimeoutMs / 1000} s`
          : `${method}: cannot reach the runtime at ${this.endpoint}`,
      });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return body;
    const error = parseContractError((body as { error?: unknown } | undefined)?.error);
    throw new ApiError(
      error ?? { kind: kindOfHttpStatus(response.status), message: `${method}: HTTP ${response.status} ${response.statusText}` },
    );
  }

  // ---- events ----

  subscribe(
    event: EventName,
    params: unknown,
    listener: (payload: unknown) => void,
    onError: (error: ApiError) => void,
  ): TransportSubscription {
    const id = `${this.idPrefix}-${++this.nextId}`;
    const sub: LiveSubscription = { id, event, params, listener, onError };
    this.subscriptions.set(id, sub);
    this.sendSubscribe(sub);
    return {
      update: (next) => {
        if (this.subscriptions.get(id) !== sub) return;
        sub.params = next;
        this.sendSubscribe(sub);
      },
      close: () => {
        if (this.subscriptions.get(id) !== sub) return;
        this.subscriptions.delete(id);
        this.send({ op: 'unsubscribe', id });
      },
    };
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * After a login or logout: the server reads the session cookie when the
   * socket opens, so a socket opened before the login keeps the old caller.
   * The old socket is dropped quietly (its close is not a lost link) and a
   * new one opened at once; it re-sends every subscription as a reconnect does.
   */
  renewEvents(): void {
    if (this.disposed) return;
    const old = this.socket;
    this.socket = null;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    old?.close(1000, 'session changed');
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.subscriptions.clear();
    this.stateListeners.clear();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'client closed');
  }

  // ---- the socket and its reconnection loop ----

  private connect(): void {
    if (this.disposed || this.socket !== null) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.eventsUrl);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempts = 0;
      this.setState('connected');
      for (const sub of this.subscriptions.values()) this.sendSubscribe(sub);
    };
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket === socket) this.receive(message.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    // An error is always followed by a close; the close handles it.
    socket.onerror = () => {};
  }

  private scheduleReconnect(): void {
    if (this.disposed || this.retryTimer !== null) return;
    if (this.state === 'connected') this.setState('reconnecting');
    const base = Math.min(this.reconnectMaxMs, this.reconnectMinMs * 2 ** this.attempts);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempts = Math.min(this.attempts + 1, 16);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private sendSubscribe(sub: LiveSubscription): void {
    this.send({ op: 'subscribe', id: sub.id, event: sub.event, params: sub.params });
  }

  private send(message: unknown): void {
    // While the link is down nothing is sent: every live subscription is
    // re-sent, with its latest params, when the socket opens again.
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('events: a message that is not JSON was ignored');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { id, payload, error } = message as Record<string, unknown>;
    if (typeof id !== 'string') return;
    const sub = this.subscriptions.get(id);
    if (!sub) return; // ended while the message was on its way
    if (error !== undefined) {
      sub.onError(
        new ApiError(parseContractError(error) ?? { kind: 'internal', message: 'subscription refused' }),
      );
      return;
    }
    try {
      sub.listener(payload);
    } catch (cause) {
      console.error(`events: a ${sub.event} listener failed`, cause);
    }
  }
}
