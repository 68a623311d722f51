// The project file's schema: devices, tags and the demo plant. One schema
// validates YAML and JSON alike; cross-checks that need the whole file
// (unknown devices, duplicate paths, addresses) live in `validate.ts`.
import { z } from 'zod';
import { trendViewSchema } from '../../../shared/contract';
import { alarmSchema } from '../alarms/schema';
import { uplinkSchema } from '../uplink/config';
import { securitySchema } from '../security/config';
import { TAG_DATA_TYPES } from '../../../shared/types';
import { deviceSchema, type DeviceConfig } from '../drivers/registry';

export { deviceSchema, type DeviceConfig };

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const scaleSchema = z.strictObject({
  rawMin: finite,
  rawMax: finite,
  euMin: finite,
  euMax: finite,
  clamp: z.boolean().optional(),
});

export const limitsSchema = z.strictObject({
  min: finite.optional(),
  max: finite.optional(),
  maxRatePerSecond: z.number().positive().optional(),
  severity: z.enum(['uncertain', 'bad']).optional(),
});

/** The range writes are accepted in (engineering units); a side left out defaults to the scale's EU range, if any. */
export const writeLimitsSchema = z.strictObject({
  min: finite.optional(),
  max: finite.optional(),
});

/** How a tag is recorded; `history: false` keeps it out of the historian. */
export const tagHistorySchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Changes smaller than this (engineering units) are not recorded. */
    deadband: z.number().min(0).optional(),
    /** The same, in % of the tag's span (its scale's EU range, or its limits). */
    deadbandPercent: z.number().min(0).max(100).optional(),
    /** At least one sample this often, changed or not (heartbeat). */
    maxIntervalMs: z.number().int().min(1000).max(86_400_000).default(900_000),
    /** Swinging-door compression with this deviation (engineering units); lossy, off unless set. */
    swingingDoor: z.number().positive().optional(),
    /** Round values to this many decimals before recording (the tag's real precision). */
    decimals: z.number().int().min(0).max(12).optional(),
  }),
]);

export const tagSchema = z.strictObject({
  path: z.string().min(1).max(1024),
  device: z.string().min(1),
  address: z.string().min(1),
  /** For drivers whose addresses do not say (sparkplug-host; default float64); a Modbus address's type wins and must agree. */
  dataType: z.enum(TAG_DATA_TYPES).optional(),
  units: z.string().default(''),
  description: z.string().default(''),
  scale: scaleSchema.optional(),
  deadband: z.number().min(0).default(0),
  writable: z.boolean().default(false),
  writeLimits: writeLimitsSchema.optional(),
  /** A value between two of an integer tag's steps: refused (default) or rounded to the nearest step. */
  writeRounding: z.enum(['refuse', 'round']).default('refuse'),
  limits: limitsSchema.optional(),
  history: tagHistorySchema.optional(),
  alarms: z.array(alarmSchema).max(64).default([]),
});

export const simulatorSchema = z.strictObject({
  /** Serve the demo plant over Modbus TCP on this loopback address. */
  modbusTcp: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535),
    unitId: z.number().int().min(0).max(255).default(1),
  }),
  stepMs: z.number().int().min(10).max(10_000).default(100),
});

export const retentionSchema = z.strictObject({
  /** A name for the group, shown in diagnostics. */
  name: z.string().min(1),
  /** Tag paths of the group: exact paths or patterns with * (one folder level) and ** (any depth). */
  tags: z.array(z.string().min(1)).min(1),
  maxAgeDays: z.number().positive().optional(),
  maxSizeMB: z.number().positive().optional(),
});

export const historianSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The historian file, relative to the data folder unless absolute. */
  file: z.string().min(1).default('historian.db'),
  /** Samples of a tag are compressed together over windows of this length. */
  chunkMinutes: z.number().int().min(1).max(1440).default(60),
  /** Groups with their retention; a tag belongs to the first group whose pattern matches. */
  retention: z.array(retentionSchema).default([]),
});

export const alarmJournalSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The journal file, relative to the data folder unless absolute. */
  file: z.string().min(1).default('alarms.db'),
  /** Entries older than this are deleted. */
  maxAgeDays: z.number().positive().default(400),
});

export const projectSchema = z.strictObject({
  name: z.string().default('Untitled project'),
  devices: z.array(deviceSchema).default([]),
  tags: z.array(tagSchema).default([]),
  simulator: simulatorSchema.optional(),
  historian: historianSchema.default({ enabled: true, file: 'historian.db', chunkMinutes: 60, retention: [] }),
  alarmJournal: alarmJournalSchema.default({ enabled: true, file: 'alarms.db', maxAgeDays: 400 }),
  /** Publishing to the plant's MQTT broker (Sparkplug B or JSON); absent: none. */
  uplink: uplinkSchema.optional(),
  /** Roles and sessions; absent: the safe defaults. */
  security: securitySchema.default({ idleLogoutMinutes: 15, sessionHours: 12, maxLoginFailures: 5, roles: {} }),
  /** Saved trend views (written by the Trends screen). */
  trends: z.array(trendViewSchema).default([]),
});

export type TagConfig = z.output<typeof tagSchema>;
export type SimulatorConfig = z.output<typeof simulatorSchema>;
export type HistorianConfig = z.output<typeof historianSchema>;
export type AlarmJournalConfig = z.output<typeof alarmJournalSchema>;
export type TagHistoryConfig = z.output<typeof tagHistorySchema>;
export type ProjectFile = z.output<typeof projectSchema>;

/**
 * The file with its devices and tags left unchecked: the loader checks the
 * top level with it, then each device and tag entry with its own schema, so
 * one bad entry costs that entry, not the cross-checks of the whole file.
 */
export const projectShellSchema = projectSchema.extend({
  devices: z.array(z.unknown()).default([]),
  tags: z.array(z.unknown()).default([]),
});
