// The project file's schema: devices, tags and the demo plant. One schema
// validates YAML and JSON alike; cross-checks that need the whole file
// (unknown devices, duplicate paths, addresses) live in `validate.ts`.
import { z } from 'zod';
import { modbusRtuDeviceSchema, modbusTcpDeviceSchema } from '../drivers/modbus/config';

const DRIVERS = 'modbus-tcp, modbus-rtu';

export const deviceSchema = z.discriminatedUnion('driver', [modbusTcpDeviceSchema, modbusRtuDeviceSchema], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const driver = (issue.input as { driver?: unknown } | null)?.driver;
    return driver === undefined ? `driver is missing (one of ${DRIVERS})` : `driver "${String(driver)}" is not one of ${DRIVERS}`;
  },
});

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

export const tagSchema = z.strictObject({
  path: z.string().min(1).max(1024),
  device: z.string().min(1),
  address: z.string().min(1),
  units: z.string().default(''),
  description: z.string().default(''),
  scale: scaleSchema.optional(),
  deadband: z.number().min(0).default(0),
  writable: z.boolean().default(false),
  limits: limitsSchema.optional(),
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

export const projectSchema = z.strictObject({
  name: z.string().default('Untitled project'),
  devices: z.array(deviceSchema).default([]),
  tags: z.array(tagSchema).default([]),
  simulator: simulatorSchema.optional(),
});

export type DeviceConfig = z.output<typeof deviceSchema>;
export type TagConfig = z.output<typeof tagSchema>;
export type SimulatorConfig = z.output<typeof simulatorSchema>;
export type ProjectFile = z.output<typeof projectSchema>;
