// The Sparkplug B host driver module: a broker's group (or one edge node) as a device.
import type { DriverFactory, DriverModule } from '../module';
import { parseMetricAddress, SparkplugAddressError, sparkplugHostDeviceSchema, type MetricAddress, type SparkplugHostDeviceConfig } from './config';
import { SparkplugHostDriver } from './hostDriver';

export const sparkplugHostModule: DriverModule<SparkplugHostDeviceConfig, MetricAddress> = {
  protocol: 'Sparkplug B host',
  schemas: [sparkplugHostDeviceSchema],
  capabilities: { mode: 'push', browse: true, describe: false, write: true },

  parseAddress(address, device, declared) {
    const parsed = parseMetricAddress(address);
    if (device.edgeNodeId !== undefined && parsed.edgeNodeId !== device.edgeNodeId) {
      throw new SparkplugAddressError(`"${address}" is on edge node ${parsed.edgeNodeId}, but ${device.name} follows ${device.edgeNodeId} only`);
    }
    // A metric's address does not say its type: the tag declares it (the birth's datatype is only known at run time).
    return { parsed, dataType: declared ?? 'float64', writable: true };
  },

  prepare(device, context) {
    if (typeof device.password === 'object') context.secret(device.password.secret);
  },

  factory(context): DriverFactory<SparkplugHostDeviceConfig> {
    return {
      create(device, tags, sink) {
        const password = typeof device.password === 'object' ? context.secret(device.password.secret) : undefined;
        return new SparkplugHostDriver(device, tags, sink, password);
      },
      dispose: (driver) => driver.stop(),
    };
  },
};
