// Builds the driver of each device from its project-file entry.
import type { Driver, DriverSink, DriverTag } from './driver';
import type { ModbusDeviceConfig } from './modbus/config';
import { LinePool } from './modbus/lines';
import { ModbusDriver } from './modbus/modbusDriver';
import type { SparkplugHostDeviceConfig } from './sparkplug/config';
import { SparkplugHostDriver } from './sparkplug/hostDriver';

/**
 * A device entry, as each driver folder declares it. The project schema
 * builds its `devices` from the same folders' schemas; drivers never import
 * the project (that would be a cycle of folders).
 */
export type DeviceConfig = ModbusDeviceConfig | SparkplugHostDeviceConfig;

export class DriverFactory {
  private readonly modbusLines = new LinePool();

  /** `secret` opens a password the project names (Sparkplug hosts' brokers). */
  constructor(private readonly secret: (name: string) => string = (name) => {
    throw new Error(`no secret store is open for "${name}"`);
  }) {}

  private readonly releases = new Map<Driver, () => Promise<void>>();

  create(device: DeviceConfig, tags: readonly DriverTag[], sink: DriverSink): Driver {
    switch (device.driver) {
      case 'modbus-tcp':
      case 'modbus-rtu': {
        const line = this.modbusLines.acquire(device);
        const driver = new ModbusDriver(device, tags, sink, line);
        this.releases.set(driver, () => this.modbusLines.release(line));
        return driver;
      }
      case 'sparkplug-host':
        return new SparkplugHostDriver(device, tags, sink, typeof device.password === 'object' ? this.secret(device.password.secret) : undefined);
    }
  }

  /** Stops a driver and closes the connection it held, once no other driver uses it. */
  async dispose(driver: Driver): Promise<void> {
    await driver.stop();
    await this.releases.get(driver)?.();
    this.releases.delete(driver);
  }
}
