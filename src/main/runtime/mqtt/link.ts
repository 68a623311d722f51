// One MQTT connection that keeps itself up: connects, and when the broker
// goes (or never answers), tries again after an exponential backoff with
// jitter. Each attempt is a new mqtt.js client, so each session registers
// its own Will (Sparkplug's NDEATH carries the session's bdSeq).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff } from '../net/backoff';
import { clientOptions, type BrokerConfig } from './broker';

export type LinkState = 'stopped' | 'connecting' | 'online' | 'offline';

export interface LinkHandlers {
  /** The Will of the next session, asked before each attempt. */
  readonly will?: () => IClientOptions['will'];
  /** The session is up: subscribe, publish births. A rejection closes the session (and retries). */
  readonly online: (link: MqttLink) => void | Promise<void>;
  readonly offline: (reason: string) => void;
  readonly message?: (topic: string, payload: Buffer) => void;
}

export interface LinkStatus {
  readonly state: LinkState;
  readonly url: string;
  readonly connectedSince: number | null;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly reconnects: number;
}

export class MqttLink {
  private client: MqttClient | null = null;
  private state: LinkState = 'stopped';
  private timer: NodeJS.Timeout | null = null;
  private connectedSince: number | null = null;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private reconnects = 0;
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });

  constructor(
    private readonly config: BrokerConfig,
    private readonly clientId: string,
    private readonly handlers: LinkHandlers,
    /** The password, already taken from the secret store. */
    private readonly password?: string,
  ) {}

  get online(): boolean {
    return this.state === 'online';
  }

  status(): LinkStatus {
    return {
      state: this.state,
      url: this.config.url,
      connectedSince: this.connectedSince,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      reconnects: this.reconnects,
    };
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  /** Ends the session; `farewell` may publish (an orderly NDEATH) before the disconnect. */
  async stop(farewell?: (link: MqttLink) => Promise<void>): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    const wasOnline = this.state === 'online';
    this.state = 'stopped';
    this.client = null;
    if (!client) return;
    if (wasOnline && farewell) {
      try {
        await withTimeout(farewell(this), 2000);
      } catch {
        // Going anyway: the broker sends the Will instead.
      }
    }
    client.removeAllListeners();
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.end(!wasOnline, {}, () => resolve()));
  }

  /** Publishes on the current session; rejects when there is none or the broker refuses. */
  publish(topic: string, payload: Uint8Array | string, qos: 0 | 1, retain = false): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'online') return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      client.publish(topic, payload as Buffer | string, { qos, retain }, (error) => (error ? reject(error) : resolve()));
    });
  }

  subscribe(topics: string[], qos: 0 | 1 = 1): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      client.subscribe(topics, { qos }, (error, granted) => {
        if (error) reject(error);
        else if (granted?.some((g) => g.qos === 128)) reject(new Error(`the broker refused the subscription to ${topics.join(', ')}`));
        else resolve();
      });
    });
  }

  /** Drops the session (as a lost link would) and reconnects after the backoff. */
  restart(reason: string): void {
    if (this.state === 'stopped') return;
    this.lost(reason);
  }

  private connect(): void {
    this.state = 'connecting';
    const client = mqtt.connect(this.config.url, clientOptions(this.config, this.clientId, this.handlers.will?.(), this.password));
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      this.state = 'online';
      this.connectedSince = Date.now();
      this.backoff.reset();
      Promise.resolve()
        .then(() => this.handlers.online(this))
        .catch((error: unknown) => this.lost(`the session could not start: ${(error as Error).message}`));
    });
    client.on('message', (topic, payload) => {
      if (this.client === client) this.handlers.message?.(topic, payload);
    });
    client.on('error', (error) => {
      if (this.client === client) this.note(error.message);
    });
    client.on('close', () => {
      if (this.client === client) this.lost(this.lastError ?? 'the broker closed the connection');
    });
  }

  private lost(reason: string): void {
    const client = this.client;
    const wasOnline = this.state === 'online';
    this.client = null;
    this.connectedSince = null;
    this.state = 'offline';
    this.note(reason);
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
    }
    if (wasOnline) this.handlers.offline(reason);
    if (this.timer) return;
    this.reconnects++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state !== 'stopped') this.connect();
    }, this.backoff.next());
  }

  private note(error: string): void {
    this.lastError = error;
    this.lastErrorAt = Date.now();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
