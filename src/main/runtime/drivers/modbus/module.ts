// The Modbus driver module: TCP and RTU devices, `AREA:OFFSET[.BIT][:TYPE[:ORDER]]` addresses.
import { AddressError, type Driver } from '../driver';
import type { DriverFactory, DriverModule } from '../module';
import { isWritableArea, parseModbusAddress, type ModbusAddress } from './address';
import { modbusRtuDeviceSchema, modbusTcpDeviceSchema, type ModbusDeviceConfig, type ModbusRtuDeviceConfig } from './config';
import { LinePool } from './lines';
import { ModbusDriver } from './modbusDriver';

const SERIAL_SETTINGS = ['baudRate', 'parity', 'dataBits', 'stopBits'] as const;

export const modbusModule: DriverModule<ModbusDeviceConfig, ModbusAddress> = {
  protocol: 'Modbus',
  schemas: [modbusTcpDeviceSchema, modbusRtuDeviceSchema],
  capabilities: { mode: 'poll', browse: false, describe: false, write: true },

  parseAddress(address, _device, declared) {
    const parsed = parseModbusAddress(address);
    if (declared !== undefined && declared !== parsed.type) {
      throw new AddressError(`${address} holds a ${parsed.type}, not the declared dataType ${declared} (the address says the type)`);
    }
    return { parsed, dataType: parsed.type, writable: isWritableArea(parsed.area) };
  },

  checkDevices(devices, report) {
    // Devices on one serial port share it, so they must agree on how it is set up.
    const first = new Map<string, ModbusRtuDeviceConfig>();
    for (const { device, index } of devices) {
      if (device.driver !== 'modbus-rtu') continue;
      const owner = first.get(device.port);
      if (!owner) {
        first.set(device.port, device);
        continue;
      }
      for (const key of SERIAL_SETTINGS) {
        if (device[key] !== owner[key]) {
          report(['devices', index, key], `${device.port} is shared with ${owner.name}, which sets ${key} ${owner[key]}, not ${device[key]}`);
        }
      }
    }
  },

  factory(): DriverFactory<ModbusDeviceConfig> {
    const lines = new LinePool();
    const lineOf = new Map<Driver, ReturnType<LinePool['acquire']>>();
    return {
      create(device, tags, sink) {
        const line = lines.acquire(device);
        const driver = new ModbusDriver(device, tags, sink, line);
        lineOf.set(driver, line);
        return driver;
      },
      async dispose(driver) {
        await driver.stop();
        const line = lineOf.get(driver);
        lineOf.delete(driver);
        // The connection closes once no other device on it is left.
        if (line) await lines.release(line);
      },
    };
  },
};
