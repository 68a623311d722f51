// The project-file keys of a Modbus device, TCP and RTU.
import { z } from 'zod';
import { DEFAULT_MAX_GAP, MAX_BITS_PER_READ, MAX_REGISTERS_PER_READ } from './planner';

const common = {
  name: z.string().min(1),
  description: z.string().default(''),
  enabled: z.boolean().default(true),
  unitId: z.number().int().min(0).max(255).default(1),
  pollMs: z.number().int().min(10).max(3_600_000).default(1000),
  /** Per request; defaults to the poll period (at most 2 s) so a silent device goes Bad within two polls. */
  timeoutMs: z.number().int().min(10).max(60_000).optional(),
  /** Unused registers (or bits) the planner may read to merge two tags into one request. */
  maxGap: z.number().int().min(0).max(MAX_BITS_PER_READ).default(DEFAULT_MAX_GAP),
  maxRegisters: z.number().int().min(1).max(MAX_REGISTERS_PER_READ).default(MAX_REGISTERS_PER_READ),
  maxBits: z.number().int().min(1).max(MAX_BITS_PER_READ).default(MAX_BITS_PER_READ),
  /** FC5/FC6 for one coil or one register (default); false uses FC15/FC16 for everything. */
  singleWrites: z.boolean().default(true),
};

export const modbusTcpDeviceSchema = z.strictObject({
  ...common,
  driver: z.literal('modbus-tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(502),
});

export const modbusRtuDeviceSchema = z.strictObject({
  ...common,
  driver: z.literal('modbus-rtu'),
  /** Serial device path: /dev/ttyUSB0, COM3. Several devices may share one port (one unit id each). */
  port: z.string().min(1),
  baudRate: z.number().int().min(300).max(921_600).default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

export type ModbusTcpDeviceConfig = z.output<typeof modbusTcpDeviceSchema>;
export type ModbusRtuDeviceConfig = z.output<typeof modbusRtuDeviceSchema>;
export type ModbusDeviceConfig = ModbusTcpDeviceConfig | ModbusRtuDeviceConfig;

export function timeoutOf(device: ModbusDeviceConfig): number {
  return device.timeoutMs ?? Math.min(device.pollMs, 2000);
}
