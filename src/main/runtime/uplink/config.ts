// The project file's `uplink` section: where the workstation publishes, in
// which format, which tags, and how much it keeps while the link is down.
//
//   uplink:
//     url: mqtt://127.0.0.1:1883     # mqtts:// with ca, cert, key for TLS / mutual TLS
//     mqttVersion: 5                 # or 4 (3.1.1)
//     format: sparkplug              # or json
//     groupId: Plant1
//     edgeNodeId: hmi-01
//     primaryHostId: scada-host      # optional
//     publish: ["Plant/**"]
//     storeAndForward: { maxBytes: 500000000 }
import { z } from 'zod';
import { brokerSchema, sparkplugIdSchema } from '../mqtt/broker';

export const uplinkSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    ...brokerSchema,
    format: z.enum(['sparkplug', 'json']).default('sparkplug'),
    groupId: sparkplugIdSchema,
    edgeNodeId: sparkplugIdSchema,
    /** Births wait for this host's STATE online, and publishing pauses (buffered) while it is offline. */
    primaryHostId: sparkplugIdSchema.optional(),
    /** Which tags, by path pattern (* one folder level, ** any depth). */
    publish: z.array(z.string().min(1)).min(1).default(['**']),
    /** json: the topic of each device's messages. */
    topic: z.string().min(1).default('site/{group}/{node}/{device}/telemetry'),
    /** DCMD (Sparkplug) writes to writable tags; off unless set. */
    commands: z.boolean().default(false),
    storeAndForward: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** The queue's file, relative to the data folder unless absolute. */
        file: z.string().min(1).default('uplink-queue.db'),
        /** Oldest messages are dropped first beyond this (payload and topic bytes). */
        maxBytes: z.number().int().min(10_000).default(500_000_000),
        /** Buffered messages replayed per second once the link is back, between live ones. */
        replayPerSecond: z.number().int().min(1).max(1_000_000).default(2000),
      })
      .default({ enabled: true, file: 'uplink-queue.db', maxBytes: 500_000_000, replayPerSecond: 2000 }),
  })
  .superRefine((uplink, ctx) => {
    const tls = uplink.url.startsWith('mqtts') || uplink.url.startsWith('ssl') || uplink.url.startsWith('wss');
    for (const key of ['ca', 'cert', 'key'] as const) {
      if (uplink[key] !== undefined && !tls) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for TLS: use an mqtts:// URL` });
    }
    if ((uplink.cert === undefined) !== (uplink.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [uplink.cert === undefined ? 'cert' : 'key'], message: 'mutual TLS needs both cert and key' });
    }
  });

export type UplinkConfig = z.output<typeof uplinkSchema>;
