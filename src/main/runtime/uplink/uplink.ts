// The uplink: one MQTT session to the plant's broker (kept up by MqttLink),
// a publishing format on it (Sparkplug B or JSON), and the store-and-forward
// queue that keeps what could not go out. The runtime builds one when the
// project has an `uplink` section.
import type { TagScalar } from '../../../shared/types';
import type { UplinkStatus } from '../../../shared/uplink';
import { MqttLink } from '../mqtt/link';
import type { WorkerLocation } from '../storage/client';
import type { TagEngine } from '../tags/engine';
import type { UplinkConfig } from './config';
import { JsonNode } from './jsonNode';
import type { UplinkNode } from './node';
import { SparkplugNode } from './sparkplugNode';
import { StoreForwardQueue } from './storeForward';

export interface UplinkEnvironment {
  readonly engine: TagEngine;
  readonly deviceOnline: (device: string) => boolean;
  readonly write: (path: string, value: TagScalar) => Promise<void>;
  /** The queue's file (resolved against the data folder); null: no store-and-forward. */
  readonly queueFile: string | null;
  /** The store worker that runs the queue's SQLite work; omitted or null: it runs on this thread (tests, tools). */
  readonly storeWorker?: WorkerLocation | null;
  /** The broker password, from the secret store. */
  readonly password?: string;
}

/** How often the counters are compared with what was last told. */
const STATUS_SAMPLE_MS = 1_000;

export class Uplink {
  private readonly link: MqttLink;
  private readonly node: UplinkNode;
  readonly queue: StoreForwardQueue | null;
  private started = false;
  private readonly statusListeners = new Set<(status: UplinkStatus) => void>();
  private statusTimer: NodeJS.Timeout | null = null;
  private lastStatus = '';

  constructor(
    private readonly config: UplinkConfig,
    env: UplinkEnvironment,
  ) {
    this.queue =
      config.storeAndForward.enabled && env.queueFile !== null
        ? new StoreForwardQueue({ file: env.queueFile, maxBytes: config.storeAndForward.maxBytes, worker: env.storeWorker ?? null })
        : null;
    this.node =
      config.format === 'sparkplug'
        ? new SparkplugNode(config, { engine: env.engine, deviceOnline: env.deviceOnline, write: env.write, queue: this.queue })
        : new JsonNode(config, env.engine, this.queue);
    const clientId = config.clientId ?? `${config.groupId}-${config.edgeNodeId}`;
    this.link = new MqttLink(config, clientId, {
      will: () => this.node.will(),
      online: (link) => {
        this.node.online(link);
        this.statusChanged();
      },
      offline: () => {
        this.node.offline();
        this.statusChanged();
      },
      message: (topic, payload) => this.node.message(topic, payload),
    }, env.password);
  }

  /**
   * Starts the session; resolves once the queue's file is open (its depth
   * known). Messages queued before that wait for it, in order.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const opened = this.queue?.open();
    this.node.start();
    this.link.start();
    this.statusChanged();
    await opened;
    this.statusChanged();
  }

  /** An orderly stop: the goodbye (NDEATH, or status offline), then the queue is closed with what it holds. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.node.stop();
    await this.link.stop((link) => this.node.farewell(link));
    await this.queue?.close();
    this.statusChanged();
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    this.statusTimer = null;
  }

  /**
   * Hears the status when it changes: at once when the link comes or goes,
   * and at most once a second for the counters (they move with every
   * publish). Returns the function that stops it.
   */
  onStatus(listener: (status: UplinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    this.statusTimer ??= setInterval(() => this.statusChanged(), STATUS_SAMPLE_MS);
    this.statusTimer.unref();
    return () => {
      this.statusListeners.delete(listener);
      if (this.statusListeners.size === 0 && this.statusTimer !== null) {
        clearInterval(this.statusTimer);
        this.statusTimer = null;
      }
    };
  }

  private statusChanged(): void {
    if (this.statusListeners.size === 0) return;
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  devicesChanged(): void {
    this.node.devicesChanged();
  }

  /** The runtime's tag set changed (births again where the format has them). */
  tagsChanged(): void {
    this.node.tagsChanged();
  }

  status(): UplinkStatus {
    const link = this.link.status();
    const { counters } = this.node;
    const queue = this.queue?.status() ?? null;
    const state = !this.started ? 'stopped' : link.state === 'online' && this.node.waitingForHost ? 'waiting_for_host' : link.state === 'stopped' ? 'stopped' : link.state;
    return {
      state,
      format: this.config.format,
      url: this.config.url,
      groupId: this.config.groupId,
      edgeNodeId: this.config.edgeNodeId,
      primaryHostId: this.config.primaryHostId ?? null,
      connectedSince: link.connectedSince,
      lastError: link.lastError,
      lastErrorAt: link.lastErrorAt,
      reconnects: link.reconnects,
      bdSeq: this.node.sessionBdSeq,
      publishedTags: this.node.publishedCount,
      messages: counters.messages,
      metrics: counters.metrics,
      births: counters.births,
      deaths: counters.deaths,
      commandsEnabled: this.config.commands,
      commands: counters.commands,
      commandsRefused: counters.commandsRefused,
      lastCommandError: counters.lastCommandError,
      queue: queue && {
        ...queue,
        maxBytes: this.config.storeAndForward.maxBytes,
        bufferedMetrics: counters.buffered,
        replayed: this.node.replayed,
      },
    };
  }
}
