// The registry of driver modules: every protocol the runtime speaks, one line
// each. The project schema, the validator and the runtime iterate it; nothing
// else switches on driver kinds.
import { z } from 'zod';
import type { Driver, DriverSink, DriverTag } from './driver';
import type { BaseDeviceConfig, DriverContext, DriverFactory, DriverModule } from './module';
import { modbusModule } from './modbus/module';
import { sparkplugHostModule } from './sparkplug/module';

const MODULES = [modbusModule, sparkplugHostModule] as const;

type ConfigOf<M> = M extends DriverModule<infer Config, unknown> ? Config : never;
/** A device as the project file declares it, of any protocol. */
export type DeviceConfig = ConfigOf<(typeof MODULES)[number]>;

const byKind = new Map<string, DriverModule>();
for (const module of MODULES as readonly DriverModule[]) {
  for (const schema of module.schemas) {
    const kind = (schema as z.ZodObject<{ driver: z.ZodLiteral<string> }>).shape.driver.value;
    byKind.set(kind, module);
  }
}

/** The `driver:` values a device may have. */
export const DRIVER_KINDS: readonly string[] = [...byKind.keys()];

/** The module of a driver kind; the project schema has made sure it exists. */
export function moduleOf(kind: string): DriverModule {
  const module = byKind.get(kind);
  if (!module) throw new Error(`no driver module for "${kind}" (known: ${DRIVER_KINDS.join(', ')})`);
  return module;
}

/** Every module once (a module may serve several kinds: modbus-tcp and modbus-rtu). */
export function driverModules(): readonly DriverModule[] {
  return MODULES;
}

type Discriminable = z.core.$ZodTypeDiscriminable;
const schemas = MODULES.flatMap((module) => module.schemas) as unknown as [Discriminable, ...Discriminable[]];

/** A device entry of the project file: the keys of its driver's module. */
export const deviceSchema = z.discriminatedUnion('driver', schemas, {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const driver = (issue.input as { driver?: unknown } | null)?.driver;
    const known = DRIVER_KINDS.join(', ');
    return driver === undefined ? `driver is missing (one of ${known})` : `driver "${String(driver)}" is not one of ${known}`;
  },
}) as unknown as z.ZodType<DeviceConfig, unknown>;

/**
 * Creates and disposes the drivers of a runtime. Each module's factory is
 * made once, on first use, so what devices share (a serial line) is shared.
 */
export class DriverSet {
  private readonly factories = new Map<DriverModule, DriverFactory>();
  private readonly factoryOf = new Map<Driver, DriverFactory>();

  constructor(private readonly context: DriverContext) {}

  create(device: BaseDeviceConfig, tags: readonly DriverTag[], sink: DriverSink): Driver {
    const module = moduleOf(device.driver);
    let factory = this.factories.get(module);
    if (!factory) this.factories.set(module, (factory = module.factory(this.context)));
    const driver = factory.create(device, tags, sink);
    this.factoryOf.set(driver, factory);
    return driver;
  }

  /** Stops a driver and closes what it held (a shared line once its last device is gone). */
  async dispose(driver: Driver): Promise<void> {
    const factory = this.factoryOf.get(driver);
    this.factoryOf.delete(driver);
    if (factory) await factory.dispose(driver);
    else await driver.stop();
  }
}
