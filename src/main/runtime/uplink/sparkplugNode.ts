// A Sparkplug B 3.0 edge node: the workstation as the plant's broker sees it.
//
// Session: the Will is NDEATH with this session's bdSeq (QoS 1). Once
// connected (and, with a primary host, once the host's STATE says online)
// the node publishes NBIRTH (seq 0: bdSeq, Node Control/Rebirth, node info)
// and one DBIRTH per runtime device whose link is up, then data by exception:
// one DDATA per device per engine turn (a poll cycle), aliases only. A device
// whose link drops gets DDEATH, and DBIRTH when it is back. NCMD Node
// Control/Rebirth births everything again; DCMD writes go to tags.write when
// commands are enabled (off by default). An orderly stop sends NDEATH.
//
// While the session or the primary host is away, data goes to the
// store-and-forward queue as DDATA marked is_historical, with metric names
// (aliases belong to a session), and is replayed in order after the births,
// at a bounded rate between live messages. Replays use QoS 1 so the queue
// lets go of a message only once the broker has it.
import { hostname } from 'node:os';
import type { Quality, TagScalar } from '../../../shared/types';
import { qualityOf } from '../tags/plausibility';
import type { MqttLink } from '../mqtt/link';
import { decodePayload, encodePayload, fromWire } from '../sparkplug/codec';
import { qualityProperties } from '../sparkplug/quality';
import { appendSeq } from '../sparkplug/seq';
import { deviceTopic, nodeTopic, parseStatePayload, parseTopic, stateTopic } from '../sparkplug/topics';
import { DataType, type Metric, type Payload } from '../sparkplug/types';
import type { EngineTag, TagEngine } from '../tags/engine';
import type { UplinkConfig } from './config';
import { selectPublished, type PublishedDevice, type PublishedTag } from './publishedTags';
import type { UplinkNode } from './node';
import { Replayer } from './replay';
import type { StoreForwardQueue } from './storeForward';

const REBIRTH = 'Node Control/Rebirth';

export interface NodeEnvironment {
  readonly engine: TagEngine;
  /** Whether a device's link is up (DBIRTH) or not (DDEATH). */
  readonly deviceOnline: (device: string) => boolean;
  /** A DCMD's write, as tags.write does it (checks writability and the value). */
  readonly write: (path: string, value: TagScalar) => Promise<void>;
  readonly queue: StoreForwardQueue | null;
  readonly now?: () => number;
}

export interface NodeCounters {
  births: number;
  deaths: number;
  messages: number;
  metrics: number;
  buffered: number;
  commands: number;
  commandsRefused: number;
  lastCommandError: string | null;
}

interface DeviceState {
  readonly device: PublishedDevice;
  readonly byId: Map<number, PublishedTag>;
  born: boolean;
}

export class SparkplugNode implements UplinkNode {
  private link: MqttLink | null = null;
  private devices: DeviceState[] = [];
  private readonly byTagId = new Map<number, DeviceState>();
  private readonly byName = new Map<string, PublishedTag>();
  private readonly byAlias = new Map<number, PublishedTag>();
  /** Per engine id: 1 when the last published quality was not Good (so Good is said once again). */
  private notGood: Uint8Array;
  /** The first session's Will takes it to 0. */
  private bdSeq = 255;
  private seq = 0;
  private born = false;
  private hostOnline: boolean;
  private readonly replayer: Replayer | null;
  private unsubscribe: (() => void) | null = null;
  readonly counters: NodeCounters = { births: 0, deaths: 0, messages: 0, metrics: 0, buffered: 0, commands: 0, commandsRefused: 0, lastCommandError: null };

  constructor(
    private readonly config: UplinkConfig,
    private readonly env: NodeEnvironment,
  ) {
    this.notGood = new Uint8Array(env.engine.size);
    this.select();
    this.hostOnline = config.primaryHostId === undefined;
    this.replayer = env.queue
      ? new Replayer(env.queue, config.storeAndForward.replayPerSecond, (message) => {
          this.seq = (this.seq + 1) % 256;
          this.counters.messages++;
          return appendSeq(message.payload, this.seq);
        })
      : null;
  }

  get publishedCount(): number {
    return this.byName.size;
  }

  /** Which tags are published, by device (again after the tag set changed). */
  private select(): void {
    this.devices = selectPublished(this.env.engine, this.config.publish).map((device) => ({ device, byId: new Map(device.tags.map((t) => [t.tag.id, t])), born: false }));
    this.byTagId.clear();
    this.byName.clear();
    this.byAlias.clear();
    for (const state of this.devices) {
      for (const published of state.device.tags) {
        this.byTagId.set(published.tag.id, state);
        this.byName.set(published.tag.def.path, published);
        this.byAlias.set(published.alias, published);
      }
    }
    if (this.notGood.length < this.env.engine.size) {
      const grown = new Uint8Array(this.env.engine.size);
      grown.set(this.notGood);
      this.notGood = grown;
    }
  }

  /**
   * Tags were added, changed or removed: Sparkplug requires the births to
   * declare every metric, so the node is born again (NBIRTH, then a DBIRTH
   * per device, in the same session and bdSeq), and the host drops what it had.
   */
  tagsChanged(): void {
    this.select();
    if (this.ready) void this.birth().catch((error: unknown) => this.link?.restart(`rebirth failed: ${(error as Error).message}`));
  }

  get sessionBdSeq(): number {
    return this.bdSeq;
  }

  get replayed(): number {
    return this.replayer?.replayed ?? 0;
  }

  get ready(): boolean {
    return this.born && this.link?.online === true;
  }

  get waitingForHost(): boolean {
    return this.link?.online === true && !this.hostOnline;
  }

  /** Follows the tag engine; publishing starts with the first session. */
  start(): void {
    this.unsubscribe ??= this.env.engine.onChanges((ids) => this.onChanges(ids));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.replayer?.stop();
  }

  // ---- the session (called by the link) ----

  /** The Will of the next session: NDEATH with a new bdSeq. */
  will(): { topic: string; payload: Buffer; qos: 1; retain: false } {
    this.bdSeq = (this.bdSeq + 1) % 256;
    return { topic: nodeTopic(this.config.groupId, 'NDEATH', this.config.edgeNodeId), payload: Buffer.from(this.deathPayload()), qos: 1, retain: false };
  }

  async online(link: MqttLink): Promise<void> {
    this.link = link;
    this.born = false;
    const { groupId, edgeNodeId, primaryHostId } = this.config;
    const topics = [nodeTopic(groupId, 'NCMD', edgeNodeId), deviceTopic(groupId, 'DCMD', edgeNodeId, '+')];
    if (primaryHostId !== undefined) {
      // The host's STATE is retained: it arrives right after the subscription, and births follow it.
      this.hostOnline = false;
      topics.push(stateTopic(primaryHostId));
    }
    await link.subscribe(topics, 1);
    if (this.hostOnline) await this.birth();
  }

  offline(): void {
    this.born = false;
    for (const state of this.devices) state.born = false;
    this.replayer?.stop();
  }

  /** An orderly goodbye: NDEATH with the session's bdSeq, before the disconnect. */
  async farewell(link: MqttLink): Promise<void> {
    await link.publish(nodeTopic(this.config.groupId, 'NDEATH', this.config.edgeNodeId), this.deathPayload(), 1);
  }

  message(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed) return;
    if (parsed.type === 'STATE') {
      this.onHostState(payload);
      return;
    }
    if (parsed.groupId !== this.config.groupId || parsed.edgeNodeId !== this.config.edgeNodeId) return;
    let decoded: Payload;
    try {
      decoded = decodePayload(payload);
    } catch (error) {
      this.refuse(`a ${parsed.type} that is not a Sparkplug payload: ${(error as Error).message}`);
      return;
    }
    if (parsed.type === 'NCMD') {
      const rebirth = decoded.metrics.find((m) => m.name === REBIRTH);
      if (rebirth?.value === true) void this.birth().catch((error: unknown) => this.link?.restart(`rebirth failed: ${(error as Error).message}`));
    } else if (parsed.type === 'DCMD') {
      void this.command(parsed.deviceId ?? '', decoded.metrics);
    }
  }

  // ---- births, data, deaths ----

  private async birth(): Promise<void> {
    const link = this.link;
    if (!link?.online) return;
    const now = this.now();
    this.seq = 0;
    const nodeMetrics: Metric[] = [
      { name: 'bdSeq', datatype: DataType.Int64, value: this.bdSeq, timestamp: now },
      { name: REBIRTH, datatype: DataType.Boolean, value: false, timestamp: now },
      { name: 'Node Info/Hostname', datatype: DataType.String, value: hostname(), timestamp: now },
      { name: 'Node Info/Published Tags', datatype: DataType.UInt32, value: this.byName.size, timestamp: now },
    ];
    await link.publish(nodeTopic(this.config.groupId, 'NBIRTH', this.config.edgeNodeId), encodePayload({ timestamp: now, metrics: nodeMetrics, seq: 0 }), 0);
    this.counters.births++;
    for (const state of this.devices) {
      state.born = false;
      if (this.env.deviceOnline(state.device.name)) await this.deviceBirth(state);
    }
    this.born = true;
    this.startReplay();
  }

  private async deviceBirth(state: DeviceState): Promise<void> {
    const now = this.now();
    const metrics = state.device.tags.map((published) => this.birthMetric(published));
    state.born = true;
    await this.send(deviceTopic(this.config.groupId, 'DBIRTH', this.config.edgeNodeId, state.device.name), { timestamp: now, metrics }, 0);
    this.counters.births++;
  }

  private birthMetric(published: PublishedTag): Metric {
    const { tag, alias, datatype } = published;
    this.notGood[tag.id] = tag.quality.status === 'good' ? 0 : 1;
    return { name: tag.def.path, alias, datatype, timestamp: tag.ts, ...wireValue(datatype, tag.value, tag.quality, true) };
  }

  /** The runtime's device links changed: DDEATH for the lost, DBIRTH for the returned. */
  devicesChanged(): void {
    if (!this.ready) return;
    for (const state of this.devices) {
      const online = this.env.deviceOnline(state.device.name);
      if (online === state.born) continue;
      if (online) void this.deviceBirth(state).catch(() => undefined);
      else {
        state.born = false;
        this.counters.deaths++;
        void this.send(deviceTopic(this.config.groupId, 'DDEATH', this.config.edgeNodeId, state.device.name), { timestamp: this.now(), metrics: [] }, 0).catch(() => undefined);
      }
    }
  }

  private onChanges(ids: readonly number[]): void {
    let batches: Map<DeviceState, PublishedTag[]> | null = null;
    for (const id of ids) {
      const state = this.byTagId.get(id);
      if (!state) continue;
      batches ??= new Map();
      const list = batches.get(state);
      const published = state.byId.get(id)!;
      if (list) list.push(published);
      else batches.set(state, [published]);
    }
    if (!batches) return;
    const live = this.ready;
    for (const [state, tags] of batches) {
      if (live && state.born) this.publishData(state, tags);
      else if (live) continue; // a dead device: its DDEATH told the host; DBIRTH will carry its values
      else this.buffer(state, tags);
    }
  }

  private publishData(state: DeviceState, tags: readonly PublishedTag[]): void {
    const metrics = new Array<Metric>(tags.length);
    for (let i = 0; i < tags.length; i++) {
      const { tag, alias, datatype } = tags[i]!;
      const quality = this.qualityChange(tag);
      metrics[i] = { alias, datatype, timestamp: tag.ts, ...wireValue(datatype, tag.value, tag.quality, false, quality) };
    }
    // The datatype picks the value's wire field; the birth told the host, so it is not repeated (about 2 bytes a metric).
    void this.send(deviceTopic(this.config.groupId, 'DDATA', this.config.edgeNodeId, state.device.name), { timestamp: this.now(), metrics }, 0, true).catch(() => undefined);
  }

  /** Offline: the same data, historical and by name, into the queue. */
  private buffer(state: DeviceState, tags: readonly PublishedTag[]): void {
    const queue = this.env.queue;
    if (!queue) return;
    const metrics = tags.map(({ tag, datatype }): Metric => ({
      name: tag.def.path,
      datatype,
      timestamp: tag.ts,
      isHistorical: true,
      ...wireValue(datatype, tag.value, tag.quality, true),
    }));
    // No seq yet: it is the session's, appended when the message goes out.
    let payload: Uint8Array;
    try {
      payload = encodePayload({ timestamp: this.now(), metrics });
    } catch {
      return; // wireValue made every value fit its datatype; nothing else should refuse, and a throw here would stop the engine
    }
    queue.push(deviceTopic(this.config.groupId, 'DDATA', this.config.edgeNodeId, state.device.name), payload, this.now(), 1);
    this.counters.buffered += metrics.length;
  }

  private qualityChange(tag: EngineTag): Metric['properties'] {
    const good = tag.quality.status === 'good';
    if (good && this.notGood[tag.id] === 0) return undefined;
    this.notGood[tag.id] = good ? 0 : 1;
    return qualityProperties(tag.quality, true);
  }

  /** Publishes with the next seq (0..255). */
  private send(topic: string, payload: Payload, qos: 0 | 1, omitDatatypes = false): Promise<void> {
    const link = this.link;
    if (!link?.online) return Promise.reject(new Error('not connected'));
    let bytes: Uint8Array;
    const seq = (this.seq + 1) % 256;
    try {
      bytes = encodePayload({ ...payload, seq }, { omitDatatypes });
    } catch (error) {
      // Never thrown into the caller (the tag engine's flush): the message is refused, and says why.
      return Promise.reject(error as Error);
    }
    this.seq = seq;
    this.counters.messages++;
    this.counters.metrics += payload.metrics.length;
    return link.publish(topic, bytes, qos);
  }

  private startReplay(): void {
    this.replayer?.start(this.link!, () => this.ready);
  }

  // ---- the primary host and commands ----

  private onHostState(payload: Buffer): void {
    // A STATE we cannot read is no promise that the host is there.
    const online = parseStatePayload(payload)?.online === true;
    if (online === this.hostOnline) return;
    this.hostOnline = online;
    if (online) void this.birth().catch((error: unknown) => this.link?.restart(`birth failed: ${(error as Error).message}`));
    else this.offline();
  }

  private async command(deviceId: string, metrics: readonly Metric[]): Promise<void> {
    for (const metric of metrics) {
      this.counters.commands++;
      const published = metric.name !== undefined ? this.byName.get(metric.name) : metric.alias !== undefined ? this.byAlias.get(Number(metric.alias)) : undefined;
      const what = metric.name ?? `alias ${String(metric.alias)}`;
      if (!published || published.tag.def.device !== deviceId) {
        this.refuse(`DCMD for ${deviceId}: no published metric ${what}`);
        continue;
      }
      if (!this.config.commands) {
        this.refuse(`DCMD ${what} refused: commands are off for this uplink (uplink.commands)`);
        continue;
      }
      const value = fromWire(metric.datatype ?? published.datatype, metric.value);
      if (typeof value !== 'number' && typeof value !== 'boolean') {
        this.refuse(`DCMD ${what}: a ${typeof value} cannot be written`);
        continue;
      }
      try {
        await this.env.write(published.tag.def.path, typeof value === 'bigint' ? Number(value) : value);
      } catch (error) {
        this.refuse(`DCMD ${what}: ${(error as Error).message}`);
      }
    }
  }

  private refuse(message: string): void {
    this.counters.commandsRefused++;
    this.counters.lastCommandError = message;
  }

  private deathPayload(): Uint8Array {
    return encodePayload({ timestamp: this.now(), metrics: [{ name: 'bdSeq', datatype: DataType.Int64, value: this.bdSeq }] });
  }

  private now(): number {
    return this.env.now?.() ?? Date.now();
  }
}

const INTEGER_LIMITS: Partial<Record<number, readonly [number, number]>> = {
  [DataType.Int8]: [-128, 127],
  [DataType.Int16]: [-32768, 32767],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt8]: [0, 255],
  [DataType.UInt16]: [0, 65535],
  [DataType.UInt32]: [0, 4294967295],
};

/**
 * A tag's value as its metric's datatype carries it. A 64-bit integer past
 * ±(2^53 − 1) goes as a bigint (exactly the double the engine holds); a value
 * the datatype cannot carry (text in a Double, 12.5 in an Int16) goes as null,
 * Bad config_error, rather than a message the encoder would refuse.
 */
function wireValue(datatype: number, value: TagScalar | null, quality: Quality, always: boolean, properties?: Metric['properties']): Pick<Metric, 'isNull' | 'value' | 'properties'> {
  const fine = (v: Metric['value']) => ({ isNull: false, value: v, properties: properties ?? qualityProperties(quality, always) });
  if (value === null) return { isNull: true, value: null, properties: properties ?? qualityProperties(quality, always) };
  const limits = INTEGER_LIMITS[datatype];
  if (limits && typeof value === 'number' && Number.isInteger(value) && value >= limits[0] && value <= limits[1]) return fine(value);
  if ((datatype === DataType.Int64 || datatype === DataType.UInt64) && typeof value === 'number' && Number.isInteger(value)) {
    const negative = value < 0;
    if (!(datatype === DataType.UInt64 && negative)) return fine(Number.isSafeInteger(value) ? value : BigInt(value));
  }
  if ((datatype === DataType.Float || datatype === DataType.Double) && typeof value === 'number') return fine(value);
  if (datatype === DataType.Boolean && typeof value === 'boolean') return fine(value);
  if ((datatype === DataType.String || datatype === DataType.Text) && typeof value === 'string') return fine(value);
  return { isNull: true, value: null, properties: qualityProperties(qualityOf('bad', 'config_error'), true) };
}
