// Devices that share a connection share one line: several unit ids behind
// one serial port (or one TCP gateway) must never talk at the same time.
import type { ModbusDeviceConfig } from './config';
import { ModbusLine, type LineTarget } from './line';

function targetOf(device: ModbusDeviceConfig): LineTarget {
  return device.driver === 'modbus-tcp'
    ? { kind: 'tcp', host: device.host, port: device.port }
    : {
        kind: 'rtu',
        path: device.port,
        baudRate: device.baudRate,
        parity: device.parity,
        dataBits: device.dataBits,
        stopBits: device.stopBits,
      };
}

function keyOf(target: LineTarget): string {
  return target.kind === 'tcp' ? `tcp:${target.host}:${target.port}` : `rtu:${target.path}`;
}

export class LinePool {
  private readonly lines = new Map<string, { line: ModbusLine; users: number }>();

  acquire(device: ModbusDeviceConfig): ModbusLine {
    const target = targetOf(device);
    const key = keyOf(target);
    let entry = this.lines.get(key);
    if (!entry) this.lines.set(key, (entry = { line: new ModbusLine(target), users: 0 }));
    entry.users++;
    return entry.line;
  }

  async release(line: ModbusLine): Promise<void> {
    const key = keyOf(line.target);
    const entry = this.lines.get(key);
    if (!entry || entry.line !== line) return;
    if (--entry.users === 0) {
      this.lines.delete(key);
      await line.close();
    }
  }
}
