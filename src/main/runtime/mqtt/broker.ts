// How our MQTT clients reach a broker (the uplink and the Sparkplug host
// driver share it): the project-file keys, and the mqtt.js options made of
// them. TLS verifies the broker's certificate unless told not to.
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { z } from 'zod';

/** Sparkplug ids become topic levels: no separators or wildcards. */
export const sparkplugIdSchema = z
  .string()
  .min(1, 'an id is empty')
  .max(128)
  .refine((id) => !/[/+#]/.test(id), 'an id may not contain /, + or #');

export const mqttUrlSchema = z
  .string()
  .regex(/^(mqtts?|tcp|ssl|wss?):\/\/[^\s]+$/, 'a broker URL is mqtt://host:port or mqtts://host:port');

/** What every MQTT client of ours (the uplink, the Sparkplug host driver) needs to reach a broker. */
export const brokerSchema = {
  url: mqttUrlSchema,
  mqttVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  clientId: z.string().min(1).max(128).optional(),
  username: z.string().min(1).optional(),
  /** By name, from the secret store (`npm run secrets -- set NAME`); never the password itself. */
  password: z
    .union([z.strictObject({ secret: z.string().min(1).max(128) }), z.string()])
    .optional()
    .refine((value) => typeof value !== 'string', 'a password is not written in the project file: store it with `npm run secrets -- set NAME` and write password: { secret: NAME }'),
  /** TLS: the CA that signed the broker's certificate, and our own certificate and key for mutual TLS (file paths). */
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Verify the broker's certificate (on by default; off only for a test bench). */
  verifyServer: z.boolean().default(true),
  keepaliveS: z.number().int().min(5).max(3600).default(30),
  connectTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
};

export interface BrokerConfig {
  readonly url: string;
  readonly mqttVersion: 4 | 5;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: { readonly secret: string } | string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly verifyServer: boolean;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
}

/**
 * The mqtt.js options for one connection attempt. Reconnecting is ours (with
 * backoff and jitter, and a new Will each time), so mqtt.js never retries,
 * and nothing is queued inside it while offline: what cannot go out is the
 * caller's to keep.
 */
export function clientOptions(config: BrokerConfig, clientId: string, will: IClientOptions['will'] | undefined, password: string | undefined): IClientOptions {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  return {
    protocolVersion: config.mqttVersion,
    clientId,
    username: config.username,
    password,
    ca: read(config.ca),
    cert: read(config.cert),
    key: read(config.key),
    rejectUnauthorized: config.verifyServer,
    keepalive: config.keepaliveS,
    connectTimeout: config.connectTimeoutMs,
    reconnectPeriod: 0,
    clean: true,
    queueQoSZero: false,
    will,
  };
}
