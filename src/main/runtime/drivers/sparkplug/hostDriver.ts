// A Sparkplug B host as a driver: subscribes to a group (or one edge node)
// and turns the metrics its tags address into readings, so a workstation
// shows what another workstation or a headless edge runtime publishes.
//
// Per edge node it tracks the birth's bdSeq and the seq of every message. A
// message that skips a seq is held for `reorderTimeoutMs` in case the missing
// one arrives late; if it does not, the node is asked for a rebirth (NCMD
// Node Control/Rebirth), as it is when data comes by an alias no birth
// declared. NDEATH (with the birth's bdSeq) turns the node's tags Bad, DDEATH
// its device's tags; a lost broker turns them all Bad. Historical metrics
// (store-and-forward replays) do not overwrite live values.
// With `hostId`, it is a primary host: STATE online (retained) while the
// session is up, and its Will says offline.
import type { DriverStatus, Quality, TagDataType, TagScalar } from '../../../../shared/types';
import { MqttLink } from '../../mqtt/link';
import { decodePayload, encodePayload, fromWire } from '../../sparkplug/codec';
import { qualityFromProperties } from '../../sparkplug/quality';
import { deviceTopic, nodeTopic, parseTopic, statePayload, stateTopic, type SparkplugTopic } from '../../sparkplug/topics';
import { DataType, type Metric, type Payload } from '../../sparkplug/types';
import { qualityOf } from '../../tags/plausibility';
import { DeviceError, type BindFailure, type BrowseOptions, type BrowsePage, type Driver, type DriverSink, type DriverTag } from '../driver';
import { qualityOfReading } from '../values';
import { metricKey, type MetricAddress, type SparkplugHostDeviceConfig } from './config';
import { browseBirths, tagTypeOf } from './browse';

type EdgeTopic = Exclude<SparkplugTopic, { type: 'STATE' }>;

const COMM_FAILURE = qualityOf('bad', 'comm_failure');
const CONFIG_ERROR = qualityOf('bad', 'config_error');
const REBIRTH = 'Node Control/Rebirth';
/** At most one rebirth request per node this often. */
const REBIRTH_EVERY_MS = 5000;

interface NodeState {
  bdSeq: number | null;
  /** The seq the next message should carry; null until a birth. */
  expected: number | null;
  alive: boolean;
  /** Held messages that came early, by seq. */
  readonly held: Map<number, { readonly topic: EdgeTopic; readonly payload: Payload }>;
  heldTimer: NodeJS.Timeout | null;
  lastRebirthAsk: number;
  /** Per device id ('' = the node): alias → metric name and datatype, from its birth. */
  readonly aliases: Map<string, Map<string, { name: string; datatype: DataType }>>;
  readonly datatypes: Map<string, DataType>;
}

export class SparkplugHostDriver implements Driver {
  readonly name: string;
  private readonly link: MqttLink;
  /** metric key → tag ids (two tags may read one metric). */
  private readonly tagsByKey = new Map<string, number[]>();
  private readonly tagKey = new Map<number, string>();
  private readonly tagType = new Map<number, TagDataType>();
  private readonly nodes = new Map<string, NodeState>();
  private status: DriverStatus['status'] = 'stopped';
  private messages = 0;
  private errors = 0;
  private reconnects = 0;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private lastMessageAt: number | null = null;

  constructor(
    private readonly config: SparkplugHostDeviceConfig,
    tags: readonly DriverTag[],
    private readonly sink: DriverSink,
    password?: string,
  ) {
    this.name = config.name;
    this.bind(tags, []);
    const clientId = config.clientId ?? `${config.hostId ?? 'host'}-${config.name}-${process.pid}`;
    this.link = new MqttLink(config, clientId, {
      will: () => (config.hostId === undefined ? undefined : { topic: stateTopic(config.hostId), payload: Buffer.from(hostState(false)), qos: 1, retain: true }),
      online: (link) => this.online(link),
      offline: (reason) => this.offline(reason),
      message: (topic, payload) => this.message(topic, payload),
    }, password);
  }

  /** Metrics are pushed: a new tag takes the metric's next value (a rebirth is not needed, the births are remembered). */
  async setTags(added: readonly DriverTag[], removed: readonly number[]): Promise<readonly BindFailure[]> {
    this.bind(added, removed);
    this.sink.event({ type: 'bindings', restored: added.length, failed: [] });
    return [];
  }

  private bind(added: readonly DriverTag[], removed: readonly number[]): void {
    for (const id of removed) {
      const key = this.tagKey.get(id);
      if (key === undefined) continue;
      this.tagKey.delete(id);
      this.tagType.delete(id);
      const left = (this.tagsByKey.get(key) ?? []).filter((other) => other !== id);
      if (left.length > 0) this.tagsByKey.set(key, left);
      else this.tagsByKey.delete(key);
    }
    for (const tag of added) {
      const address = tag.parsed as MetricAddress;
      const key = metricKey(address.edgeNodeId, address.deviceId, address.metric);
      this.tagKey.set(tag.id, key);
      this.tagType.set(tag.id, tag.dataType);
      const list = this.tagsByKey.get(key);
      if (list) list.push(tag.id);
      else this.tagsByKey.set(key, [tag.id]);
    }
  }

  /** The edge nodes, devices and metrics this host has seen born: root → nodes → devices (and node metrics) → metrics. */
  async browse(node: string | undefined, options: BrowseOptions = {}): Promise<BrowsePage> {
    options.signal?.throwIfAborted();
    const births = new Map<string, ReadonlyMap<string, DataType>>();
    for (const [edge, state] of this.nodes) births.set(edge, state.datatypes);
    return browseBirths(births, node, options.continuation);
  }

  start(): void {
    if (!this.config.enabled) return;
    this.status = 'connecting';
    this.link.start();
  }

  async stop(): Promise<void> {
    for (const node of this.nodes.values()) if (node.heldTimer) clearTimeout(node.heldTimer);
    const { hostId } = this.config;
    await this.link.stop(hostId === undefined ? undefined : (link) => link.publish(stateTopic(hostId), hostState(false), 1, true));
    this.status = 'stopped';
  }

  /** A DCMD (or NCMD for a node metric) with the metric's name and the datatype its birth declared. */
  async write(id: number, raw: TagScalar): Promise<void> {
    const key = this.tagKey.get(id);
    if (key === undefined) throw new DeviceError(`tag ${id} is not on ${this.name}`);
    const { edgeNodeId, deviceId, metric } = splitKey(key);
    const datatype = this.nodes.get(edgeNodeId)?.datatypes.get(key);
    if (datatype === undefined) throw new DeviceError(`${key} has not been born yet: its datatype is unknown`);
    const { groupId } = this.config;
    const topic = deviceId === '' ? nodeTopic(groupId, 'NCMD', edgeNodeId) : deviceTopic(groupId, 'DCMD', edgeNodeId, deviceId);
    const payload = encodePayload({ timestamp: Date.now(), metrics: [{ name: metric, datatype, value: typeof raw === 'boolean' ? raw : raw, timestamp: Date.now() }] });
    try {
      await this.link.publish(topic, payload, 0);
    } catch (error) {
      throw new DeviceError(`the command could not be sent: ${(error as Error).message}`);
    }
  }

  info(): DriverStatus {
    const link = this.link.status();
    return {
      name: this.name,
      driver: 'sparkplug-host',
      status: this.status,
      lastError: this.lastError ?? link.lastError,
      lastErrorAt: this.lastErrorAt ?? link.lastErrorAt,
      requests: this.messages,
      errors: this.errors,
      timeouts: 0,
      reconnects: link.reconnects,
      tagCount: this.tagKey.size,
      details: [
        { key: 'edgeNodes', label: 'Edge nodes', value: [...this.nodes.values()].filter((node) => node.alive).length },
        { key: 'lastMessageAt', label: 'Last message', value: this.lastMessageAt === null ? null : new Date(this.lastMessageAt).toISOString() },
      ],
    };
  }

  // ---- the session ----

  private async online(link: MqttLink): Promise<void> {
    const { groupId, edgeNodeId, hostId } = this.config;
    const filter = edgeNodeId === undefined ? `spBv1.0/${groupId}/#` : [`spBv1.0/${groupId}/+/${edgeNodeId}`, `spBv1.0/${groupId}/+/${edgeNodeId}/#`];
    await link.subscribe(Array.isArray(filter) ? filter : [filter], 0);
    if (hostId !== undefined) await link.publish(stateTopic(hostId), hostState(true), 1, true);
    this.status = 'connected';
    this.reconnects = link.status().reconnects;
    this.sink.event({ type: 'link', up: true });
  }

  private offline(reason: string): void {
    this.status = 'disconnected';
    this.note(`the broker link was lost: ${reason}`);
    // Every node is unknown until it is born again in the next session.
    for (const node of this.nodes.values()) {
      node.alive = false;
      node.expected = null;
    }
    this.sink.qualityOf(this.tagKey.keys(), COMM_FAILURE, Date.now());
    this.sink.event({ type: 'link', up: false, reason });
  }

  private message(topic: string, bytes: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.type === 'STATE' || parsed.groupId !== this.config.groupId) return;
    if (parsed.type === 'NCMD' || parsed.type === 'DCMD') return;
    this.messages++;
    this.lastMessageAt = Date.now();
    let payload: Payload;
    try {
      payload = decodePayload(bytes);
    } catch (error) {
      this.errors++;
      this.note(`${topic}: ${(error as Error).message}`);
      return;
    }
    const node = this.node(parsed.edgeNodeId);
    if (parsed.type === 'NDEATH') {
      const bdSeq = metricValue(payload, 'bdSeq');
      // A death from an older session (its Will, delivered late) says nothing of the current one.
      if (node.bdSeq !== null && bdSeq !== undefined && Number(bdSeq) !== node.bdSeq) return;
      this.nodeDied(parsed.edgeNodeId, node);
      return;
    }
    const seq = payload.seq === undefined ? null : Number(payload.seq);
    if (parsed.type === 'NBIRTH') {
      const bdSeq = metricValue(payload, 'bdSeq');
      node.bdSeq = bdSeq === undefined ? null : Number(bdSeq);
      node.alive = true;
      node.held.clear();
      node.expected = seq === null ? null : (seq + 1) % 256;
      this.apply(parsed, payload, node);
      return;
    }
    if (!node.alive || node.expected === null) {
      // Data from a node we never saw born (we started after it): ask for its birth.
      this.askRebirth(parsed.edgeNodeId, node, 'data before a birth');
      return;
    }
    if (seq !== null && seq !== node.expected) {
      this.hold(parsed, payload, node, seq);
      return;
    }
    this.advance(parsed, payload, node);
  }

  /** Applies an in-order message, then whatever held messages it lets through. */
  private advance(topic: EdgeTopic, payload: Payload, node: NodeState): void {
    this.apply(topic, payload, node);
    node.expected = ((payload.seq === undefined ? node.expected! : Number(payload.seq)) + 1) % 256;
    for (let next = node.held.get(node.expected); next; next = node.held.get(node.expected)) {
      node.held.delete(node.expected);
      this.apply(next.topic, next.payload, node);
      node.expected = (node.expected + 1) % 256;
    }
    if (node.held.size === 0 && node.heldTimer) {
      clearTimeout(node.heldTimer);
      node.heldTimer = null;
    }
  }

  private hold(topic: EdgeTopic, payload: Payload, node: NodeState, seq: number): void {
    node.held.set(seq, { topic, payload });
    if (node.heldTimer) return;
    node.heldTimer = setTimeout(() => {
      node.heldTimer = null;
      if (node.held.size === 0) return;
      this.errors++;
      node.held.clear();
      this.askRebirth(topic.edgeNodeId, node, `seq ${node.expected} never arrived`);
    }, this.config.reorderTimeoutMs);
    node.heldTimer.unref();
  }

  private apply(topic: EdgeTopic, payload: Payload, node: NodeState): void {
    const deviceId = 'deviceId' in topic ? topic.deviceId : '';
    const edge = topic.edgeNodeId;
    switch (topic.type) {
      case 'NBIRTH':
      case 'DBIRTH': {
        const aliases = new Map<string, { name: string; datatype: DataType }>();
        node.aliases.set(deviceId, aliases);
        for (const metric of payload.metrics) {
          if (metric.name === undefined) continue;
          const datatype = metric.datatype ?? DataType.Unknown;
          if (metric.alias !== undefined) aliases.set(String(metric.alias), { name: metric.name, datatype });
          node.datatypes.set(metricKey(edge, deviceId, metric.name), datatype);
          this.ingest(edge, deviceId, metric.name, datatype, metric, payload.timestamp);
        }
        // What a browse shows changed with this birth.
        this.sink.event({ type: 'addressSpace' });
        return;
      }
      case 'NDATA':
      case 'DDATA': {
        const aliases = node.aliases.get(deviceId);
        for (const metric of payload.metrics) {
          const known = metric.name !== undefined ? { name: metric.name, datatype: node.datatypes.get(metricKey(edge, deviceId, metric.name)) } : aliases?.get(String(metric.alias));
          if (!known || known.datatype === undefined) {
            this.askRebirth(edge, node, `an unknown metric (${metric.name ?? `alias ${String(metric.alias)}`}) on ${deviceId || 'the node'}`);
            return;
          }
          // A replay of what the node kept while offline: history, not the present.
          if (metric.isHistorical) continue;
          this.ingest(edge, deviceId, known.name, known.datatype, metric, payload.timestamp);
        }
        return;
      }
      case 'DDEATH':
        this.sink.qualityOf(this.idsOf(edge, deviceId), COMM_FAILURE, payload.timestamp === undefined ? Date.now() : Number(payload.timestamp));
        return;
      default:
        return;
    }
  }

  private ingest(edge: string, deviceId: string, name: string, datatype: DataType, metric: Metric, fallbackTs: number | bigint | undefined): void {
    const ids = this.tagsByKey.get(metricKey(edge, deviceId, name));
    if (!ids) return;
    // The metric's time is the source's; the payload's is when the edge node sent it (the "server" between us and the device).
    const serverTs = fallbackTs === undefined ? undefined : Number(fallbackTs);
    const ts = Number(metric.timestamp ?? fallbackTs ?? Date.now());
    const value = metric.isNull ? null : fromWire(datatype, metric.value);
    // A null value says the source has none: its own Quality says why, where the publisher sent one.
    const quality = metric.isNull && !hasQuality(metric) ? qualityOf('bad', 'sensor_failure') : qualityOfMetric(metric);
    const scalar = toScalar(value);
    for (const id of ids) {
      if (metric.isNull) this.sink.reading(id, null, quality, ts, serverTs);
      // A metric the tag cannot hold (text in a number tag, a data set): Bad config_error, never a value of the wrong kind.
      else if (scalar === undefined || !fits(this.tagType.get(id) ?? 'float64', datatype)) this.sink.reading(id, null, CONFIG_ERROR, ts, serverTs);
      else this.sink.reading(id, scalar, qualityOfReading(this.tagType.get(id) ?? 'float64', scalar, quality), ts, serverTs);
    }
  }

  private nodeDied(edge: string, node: NodeState): void {
    node.alive = false;
    node.expected = null;
    node.held.clear();
    const prefix = `${edge}/`;
    const ids: number[] = [];
    for (const [key, list] of this.tagsByKey) if (key.startsWith(prefix)) ids.push(...list);
    this.sink.qualityOf(ids, COMM_FAILURE, Date.now());
  }

  private askRebirth(edge: string, node: NodeState, why: string): void {
    const now = Date.now();
    if (now - node.lastRebirthAsk < REBIRTH_EVERY_MS) return;
    node.lastRebirthAsk = now;
    this.note(`asked ${edge} for a rebirth: ${why}`);
    const payload = encodePayload({ timestamp: now, metrics: [{ name: REBIRTH, datatype: DataType.Boolean, value: true, timestamp: now }] });
    void this.link.publish(nodeTopic(this.config.groupId, 'NCMD', edge), payload, 0).catch(() => undefined);
  }

  private idsOf(edge: string, deviceId: string): number[] {
    const prefix = `${edge}/${deviceId}/`;
    const ids: number[] = [];
    for (const [key, list] of this.tagsByKey) if (key.startsWith(prefix)) ids.push(...list);
    return ids;
  }

  private node(edge: string): NodeState {
    let node = this.nodes.get(edge);
    if (!node) {
      node = { bdSeq: null, expected: null, alive: false, held: new Map(), heldTimer: null, lastRebirthAsk: 0, aliases: new Map(), datatypes: new Map() };
      this.nodes.set(edge, node);
    }
    return node;
  }

  private note(message: string): void {
    this.lastError = message;
    this.lastErrorAt = Date.now();
    this.sink.event({ type: 'counters' });
  }
}

/** A metric key back into its parts (keys are built by metricKey, so the first two '/' split it). */
function splitKey(key: string): MetricAddress {
  const first = key.indexOf('/');
  const second = key.indexOf('/', first + 1);
  return { edgeNodeId: key.slice(0, first), deviceId: key.slice(first + 1, second), metric: key.slice(second + 1) };
}

function hostState(online: boolean): string {
  return statePayload({ online, timestamp: Date.now() });
}

function metricValue(payload: Payload, name: string): Metric['value'] | undefined {
  return payload.metrics.find((metric) => metric.name === name)?.value;
}

/** Whether a tag of this type can hold a metric of that datatype: text for text, a switch for a bool, a number for a number. */
function fits(type: TagDataType, datatype: DataType): boolean {
  const held = tagTypeOf(datatype);
  if (held === null) return false;
  if (type === 'string' || held === 'string') return type === held;
  if (type === 'bool' || held === 'bool') return type === held;
  return true;
}

function hasQuality(metric: Metric): boolean {
  return metric.properties?.keys.includes('Quality') === true;
}

/** Our quality, and the "Quality" property's OPC DA code beside it when the value is not Good. */
function qualityOfMetric(metric: Metric): Quality {
  const { status, reason, code, protocolCode } = qualityFromProperties(metric.properties);
  const quality = qualityOf(status, reason);
  // The device's own code when the edge node passed it on; else the OPC DA number, for a value that is not Good.
  if (protocolCode) return Object.freeze({ ...quality, code: protocolCode });
  return status === 'good' || code === undefined ? quality : Object.freeze({ ...quality, code: { value: code, name: `OPC DA quality ${code}` } });
}

/** What the tag engine can hold: numbers (64-bit integers as the nearest double), booleans and text. */
function toScalar(value: unknown): TagScalar | undefined {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
