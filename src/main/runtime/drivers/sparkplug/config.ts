// The project-file keys of a Sparkplug host device: a broker, the group (and
// optionally one edge node) whose metrics become this device's tags.
//
//   - name: remote1
//     driver: sparkplug-host
//     url: mqtt://127.0.0.1:1883
//     groupId: Plant1
//     edgeNodeId: hmi-01          # optional: only this edge node
//     hostId: scada-host          # optional: publish STATE as a primary host
//
// Its tags address metrics as `<edge node>/<device>/<metric name>`
// (`<edge node>//<metric name>` for a node's own metrics).
import { z } from 'zod';
import { brokerSchema, sparkplugIdSchema } from '../../mqtt/broker';
import { AddressError } from '../driver';

export const sparkplugHostDeviceSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  enabled: z.boolean().default(true),
  driver: z.literal('sparkplug-host'),
  ...brokerSchema,
  groupId: sparkplugIdSchema,
  edgeNodeId: sparkplugIdSchema.optional(),
  /** Publish STATE as this primary host (births of edge nodes that name it wait for it). */
  hostId: sparkplugIdSchema.optional(),
  /** A message that skips a seq waits this long for the missing one before a rebirth is asked for. */
  reorderTimeoutMs: z.number().int().min(0).max(60_000).default(2000),
});

export type SparkplugHostDeviceConfig = z.output<typeof sparkplugHostDeviceSchema>;

export interface MetricAddress {
  readonly edgeNodeId: string;
  /** '' for the node's own metrics. */
  readonly deviceId: string;
  readonly metric: string;
}

export class SparkplugAddressError extends AddressError {}

/** `<edge node>/<device>/<metric name>`; the metric name may itself contain '/'. */
export function parseMetricAddress(address: string): MetricAddress {
  const first = address.indexOf('/');
  const second = first < 0 ? -1 : address.indexOf('/', first + 1);
  if (first <= 0 || second < 0 || second === address.length - 1) {
    throw new SparkplugAddressError(`"${address}" is not <edge node>/<device>/<metric name> (<edge node>//<metric name> for a node metric)`);
  }
  const edgeNodeId = address.slice(0, first);
  const deviceId = address.slice(first + 1, second);
  if (/[+#]/.test(edgeNodeId) || /[+#]/.test(deviceId)) throw new SparkplugAddressError(`"${address}": ids may not contain + or #`);
  return { edgeNodeId, deviceId, metric: address.slice(second + 1) };
}

export function metricKey(edgeNodeId: string, deviceId: string, metric: string): string {
  return `${edgeNodeId}/${deviceId}/${metric}`;
}
