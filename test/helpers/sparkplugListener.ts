// An independent Sparkplug subscriber for the tests: mqtt.js and protobufjs
// with our own reading of the specification's .proto, not the runtime's
// codec. It records every message under spBv1.0/ (and anything else asked
// for), decoded into plain objects with numbers (longs as numbers).
import { fileURLToPath } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import protobuf from 'protobufjs';
import { waitFor } from './waitFor';

const root = protobuf.loadSync(fileURLToPath(new URL('./sparkplug_b.proto', import.meta.url)));
const PbPayload = root.lookupType('org.eclipse.tahu.protobuf.Payload');

export interface HeardMetric {
  readonly name?: string;
  readonly alias?: number;
  readonly timestamp?: number;
  readonly datatype?: number;
  readonly isHistorical?: boolean;
  readonly isNull?: boolean;
  readonly value: number | boolean | string | null;
  readonly properties: Record<string, number | string>;
}

export interface Heard {
  readonly topic: string;
  /** NBIRTH, DDATA, … (the topic's message type), or the topic for others. */
  readonly type: string;
  readonly device?: string;
  readonly seq?: number;
  readonly timestamp?: number;
  readonly metrics: HeardMetric[];
  readonly raw: Buffer;
  readonly at: number;
}

interface PbProperties {
  keys?: string[];
  values?: { intValue?: number; longValue?: number; stringValue?: string; doubleValue?: number; floatValue?: number }[];
}

export function decodeIndependently(bytes: Uint8Array): { seq?: number; timestamp?: number; metrics: HeardMetric[] } {
  const object = PbPayload.toObject(PbPayload.decode(bytes), { longs: Number, defaults: false }) as {
    seq?: number;
    timestamp?: number;
    metrics?: (Record<string, unknown> & { properties?: PbProperties })[];
  };
  const metrics = (object.metrics ?? []).map((m): HeardMetric => {
    const value = (m.intValue ?? m.longValue ?? m.floatValue ?? m.doubleValue ?? m.booleanValue ?? m.stringValue ?? null) as HeardMetric['value'];
    const properties: Record<string, number | string> = {};
    const keys = m.properties?.keys ?? [];
    keys.forEach((key, i) => {
      const v = m.properties?.values?.[i];
      properties[key] = (v?.intValue ?? v?.longValue ?? v?.stringValue ?? v?.doubleValue ?? v?.floatValue) as number | string;
    });
    return {
      name: m.name as string | undefined,
      alias: m.alias as number | undefined,
      timestamp: m.timestamp as number | undefined,
      datatype: m.datatype as number | undefined,
      isHistorical: m.isHistorical as boolean | undefined,
      isNull: m.isNull as boolean | undefined,
      value,
      properties,
    };
  });
  return { seq: object.seq, timestamp: object.timestamp, metrics };
}

export class SparkplugListener {
  readonly heard: Heard[] = [];
  private constructor(readonly client: MqttClient) {}

  static async connect(url: string, topics: string[] = ['spBv1.0/#'], options: IClientOptions = {}): Promise<SparkplugListener> {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 200, ...options });
    const listener = new SparkplugListener(client);
    client.on('message', (topic, payload) => listener.record(topic, payload));
    await client.subscribeAsync(topics, { qos: 1 });
    return listener;
  }

  private record(topic: string, payload: Buffer): void {
    const parts = topic.split('/');
    if (parts[0] !== 'spBv1.0' || parts[1] === 'STATE') {
      this.heard.push({ topic, type: topic, metrics: [], raw: payload, at: Date.now() });
      return;
    }
    const decoded = decodeIndependently(payload);
    this.heard.push({ topic, type: parts[2]!, device: parts[4], ...decoded, raw: payload, at: Date.now() });
  }

  of(type: string, device?: string): Heard[] {
    return this.heard.filter((h) => h.type === type && (device === undefined || h.device === device));
  }

  async next(type: string, what = type, timeoutMs = 10_000, after = 0): Promise<Heard> {
    return waitFor(() => this.heard.slice(after).find((h) => h.type === type), what, timeoutMs);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
