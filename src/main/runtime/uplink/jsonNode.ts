// Plain JSON for brokers and tools that do not speak Sparkplug: one message
// per device per engine turn on a topic template
// (`site/{group}/{node}/{device}/telemetry` by default), and a retained
// status message (`{ "online": true }`, with the Will saying false). While
// the link is down, messages are queued with `"historical": true` and
// replayed in order when it is back, as the Sparkplug node does.
import type { TagScalar } from '../../../shared/types';
import type { MqttLink } from '../mqtt/link';
import type { EngineTag, TagEngine } from '../tags/engine';
import type { UplinkConfig } from './config';
import type { UplinkNode } from './node';
import { selectPublished } from './publishedTags';
import { Replayer } from './replay';
import type { StoreForwardQueue } from './storeForward';

interface JsonMetric {
  readonly name: string;
  readonly value: TagScalar | null;
  readonly quality: string;
  readonly reason?: string;
  readonly ts: number;
}

export class JsonNode implements UplinkNode {
  private link: MqttLink | null = null;
  private readonly deviceOf = new Map<number, string>();
  private readonly replayer: Replayer | null;
  private unsubscribe: (() => void) | null = null;
  readonly sessionBdSeq = null;
  readonly waitingForHost = false;
  readonly counters = { births: 0, deaths: 0, messages: 0, metrics: 0, buffered: 0, commands: 0, commandsRefused: 0, lastCommandError: null };

  constructor(
    private readonly config: UplinkConfig,
    private readonly engine: TagEngine,
    private readonly queue: StoreForwardQueue | null,
  ) {
    this.tagsChanged();
    this.replayer = queue ? new Replayer(queue, config.storeAndForward.replayPerSecond, (message) => message.payload) : null;
  }

  get publishedCount(): number {
    return this.deviceOf.size;
  }

  /** The tag set changed: publish what the patterns select now (JSON has no births to repeat). */
  tagsChanged(): void {
    this.deviceOf.clear();
    for (const device of selectPublished(this.engine, this.config.publish)) for (const { tag } of device.tags) this.deviceOf.set(tag.id, device.name);
  }

  get replayed(): number {
    return this.replayer?.replayed ?? 0;
  }

  start(): void {
    this.unsubscribe ??= this.engine.onChanges((ids) => this.onChanges(ids));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.replayer?.stop();
  }

  will() {
    return { topic: this.statusTopic(), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1 as const, retain: true };
  }

  async online(link: MqttLink): Promise<void> {
    this.link = link;
    await link.publish(this.statusTopic(), JSON.stringify({ online: true, timestamp: Date.now() }), 1, true);
    this.replayer?.start(link, () => this.link?.online === true);
  }

  offline(): void {
    this.replayer?.stop();
  }

  async farewell(link: MqttLink): Promise<void> {
    await link.publish(this.statusTopic(), JSON.stringify({ online: false, timestamp: Date.now() }), 1, true);
  }

  message(): void {
    // JSON is publish-only: commands travel over Sparkplug.
  }

  devicesChanged(): void {
    // Every value carries its quality; a lost device shows as Bad values.
  }

  private onChanges(ids: readonly number[]): void {
    const byDevice = new Map<string, EngineTag[]>();
    for (const id of ids) {
      const device = this.deviceOf.get(id);
      if (device === undefined) continue;
      const list = byDevice.get(device);
      const tag = this.engine.tags[id]!;
      if (list) list.push(tag);
      else byDevice.set(device, [tag]);
    }
    const live = this.link?.online === true;
    for (const [device, tags] of byDevice) {
      const topic = this.topic(device);
      const metrics = tags.map(toJson);
      this.counters.metrics += metrics.length;
      if (live) {
        this.counters.messages++;
        void this.link!.publish(topic, JSON.stringify({ timestamp: Date.now(), metrics }), 0).catch(() => undefined);
      } else if (this.queue) {
        this.counters.buffered += metrics.length;
        this.queue.push(topic, Buffer.from(JSON.stringify({ timestamp: Date.now(), historical: true, metrics })), Date.now(), 1);
      }
    }
  }

  private topic(device: string): string {
    return this.config.topic.replace('{group}', this.config.groupId).replace('{node}', this.config.edgeNodeId).replace('{device}', device);
  }

  private statusTopic(): string {
    return `site/${this.config.groupId}/${this.config.edgeNodeId}/status`;
  }
}

function toJson(tag: EngineTag): JsonMetric {
  const { quality } = tag;
  return quality.reason === undefined
    ? { name: tag.def.path, value: tag.value, quality: quality.status, ts: tag.ts }
    : { name: tag.def.path, value: tag.value, quality: quality.status, reason: quality.reason, ts: tag.ts };
}
